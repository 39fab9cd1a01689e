"""What a hand save changed in a township-month: each cell whose stored value differs from the
version before it (the draft as it was, or the revision it was copied from)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fupin_desktop.domain.monthly_checks import FIGURES, TEXTS

__all__ = ["CellChange", "cell_changes"]


@dataclass(frozen=True)
class CellChange:
    pairing_id: int
    field: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        return {"pairing_id": self.pairing_id, "field": self.field, "from": self.old, "to": self.new}


def _same(field: str, a: Any, b: Any) -> bool:
    if field in FIGURES:
        return int(a or 0) == int(b or 0)
    return (a or "").strip() == (b or "").strip()


def cell_changes(before: Mapping[int, Mapping[str, Any]],
                 after: Iterable[tuple[int, Mapping[str, Any]]]) -> list[CellChange]:
    """Changed cells of the rows present before (a row new to the month is entry, not an edit)."""
    changes: list[CellChange] = []
    for pairing_id, values in after:
        old = before.get(pairing_id)
        if old is None:
            continue
        for field in (*FIGURES, *TEXTS):
            if not _same(field, old.get(field), values.get(field)):
                changes.append(CellChange(pairing_id, field, old.get(field), values.get(field)))
    return changes
