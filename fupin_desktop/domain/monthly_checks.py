"""Checks of one pairing's monthly row against its own history (thresholds in forms/monthly.toml).

Hard errors refuse the row; flags (outliers, a sudden zero, empty or copied text) are kept
with the row for the reviewer to confirm, like DHIS2's min-max and outlier analysis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median
from typing import Any

from fupin_desktop.domain.formspec import FormSpec
from fupin_desktop.domain.text import clean_text

FIGURES = ("funds_fen", "materials_fen", "households", "beneficiaries", "jobs", "trainees", "volunteers",
           "projects_landed")
TEXTS = ("content", "progress")
# Key set to False in a row's values when the row had no figure at all (MonthlyRow.figures_reported).
NOT_REPORTED = "figures_reported"


@dataclass(frozen=True)
class Flag:
    code: str  # outlier | sudden_zero | empty_text | copied_text
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class RowHistory:
    """What the checks need besides the row: earlier months (oldest first) and the target size."""

    previous: list[dict[str, Any]] = field(default_factory=list)
    target_households: int | None = None  # None: not limited (no households registered for the target)


def _shown(spec: FormSpec, name: str, value: int) -> str:
    f = spec.field(name)
    return f"{f.display(value)}{f.unit}"


def row_errors(spec: FormSpec, values: dict[str, Any], history: RowHistory) -> list[tuple[str, str]]:
    """Errors that refuse the row, as (field, message)."""
    errors = []
    cap = history.target_households
    if cap is not None and (values.get("households") or 0) > cap:
        errors.append(("households", f"填了 {values['households']} 户，超过该结对对象登记的 {cap} 户贫困户"))
    return errors


def reported(values: dict[str, Any]) -> bool:
    """False for a row whose figures were not reported (stored as 0, marked ``NOT_REPORTED``)."""
    return values.get(NOT_REPORTED, True) is not False


def row_flags(spec: FormSpec, values: dict[str, Any], history: RowHistory) -> list[Flag]:
    params = spec.params
    factor = params.get("outlier_factor", 3)
    zero_after = params.get("sudden_zero_after", 3)
    empty = {clean_text(t) for t in params.get("empty_texts", ["无"])}
    flags: list[Flag] = []
    label = {name: spec.field(name).label for name in (*FIGURES, *TEXTS)}
    # Months without figures are neither a zero nor a base: no "突然为 0" for a table without numbers.
    figures = FIGURES if reported(values) else ()
    for name in figures:
        value = values.get(name) or 0
        earlier = [int(p.get(name) or 0) for p in history.previous if reported(p)]
        base = median(earlier) if len(earlier) >= 2 else 0
        if base > 0 and value > factor * base:
            flags.append(Flag("outlier", name, f"{label[name]} {_shown(spec, name, value)} 超过此前各月中位数 "
                                               f"{_shown(spec, name, int(base))} 的 {factor} 倍，请核实"))
        recent = earlier[-zero_after:]
        if value == 0 and len(recent) == zero_after and all(v > 0 for v in recent):
            flags.append(Flag("sudden_zero", name, f"{label[name]} 连续 {zero_after} 个月有数，本月突然为 0，请核实"))
    last = history.previous[-1] if history.previous else {}
    for name in TEXTS:
        text = clean_text(values.get(name) or "")
        if text in empty:
            flags.append(Flag("empty_text", name, f"{label[name]}只写了“{text or '（空）'}”，请写明具体内容"))
        elif text and text == clean_text(last.get(name) or ""):
            flags.append(Flag("copied_text", name, f"{label[name]}与上月完全相同，请确认本月情况"))
    return flags
