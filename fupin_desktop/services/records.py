"""Plain-data views of stored records and the shared save steps (check → refuse → audit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fupin_desktop.domain.formspec import FormSpec
from fupin_desktop.domain.id_number import mask_id_number
from fupin_desktop.domain.records import CheckedRecord, Issue
from fupin_desktop.errors import FieldProblem, ValidationFailed


@dataclass(frozen=True)
class RecordView:
    """One record as the UI and CLI see it: stored values by field name, never an ORM object."""

    id: int
    values: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)  # derived facts (township name, counts …)
    # The stored version: an edit passes it back as ``expected_version`` (None: not versioned).
    version: int | None = None


@dataclass(frozen=True)
class SaveResult:
    id: int
    created: bool
    warnings: list[Issue]


def problems_of(checked: CheckedRecord) -> list[FieldProblem]:
    return [FieldProblem(i.field, i.label, i.message) for i in checked.errors]


def refuse_if_errors(checked: CheckedRecord, what: str) -> None:
    if not checked.ok:
        raise ValidationFailed(problems_of(checked), f"{what}未保存：有 {len(checked.errors)} 处需要改正。")


def field_error(spec: FormSpec, name: str, message: str, what: str) -> ValidationFailed:
    label = spec.field(name).label if spec.has_field(name) else ""
    return ValidationFailed([FieldProblem(name, label, message)], f"{what}未保存。")


def snapshot(obj: Any, spec: FormSpec, *, mask_personal: bool = True) -> dict[str, Any]:
    """The form's fields of ``obj`` that are plain columns, for audit before/after."""
    values: dict[str, Any] = {}
    for f in spec.fields:
        if f.type == "ref" or not hasattr(obj, f.name):
            continue
        value = getattr(obj, f.name)
        if mask_personal and f.personal and value:
            value = mask_id_number(value) if f.type == "id_number" else value[:1] + "*" * (len(value) - 1)
        values[f.name] = list(value) if isinstance(value, list) else value
    return values


def apply_values(obj: Any, spec: FormSpec, values: dict[str, Any]) -> None:
    for f in spec.fields:
        if f.type != "ref" and f.name in values:
            setattr(obj, f.name, values[f.name])


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
