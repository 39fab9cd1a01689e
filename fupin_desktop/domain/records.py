"""Checking one record against its form: every field, then the form's cross-field rules.

The GUI dialog, the CLI and the spreadsheet import all call ``check_record`` so that the
same input gives the same verdict everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.formspec import FormSpec
from fupin_desktop.domain.rules import RULES


@dataclass(frozen=True)
class Issue:
    field: str
    label: str
    message: str
    is_error: bool = True


@dataclass
class CheckedRecord:
    values: dict[str, Any]
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, spec: FormSpec, name: str, message: str, is_error: bool = True) -> None:
        label = spec.field(name).label if name and spec.has_field(name) else ""
        self.issues.append(Issue(name, label, message, is_error))


def check_record(spec: FormSpec, raw: dict[str, Any], *, partial: bool = False) -> CheckedRecord:
    """Coerce ``raw`` (field name → typed or read value). With ``partial`` only given fields count."""
    result = CheckedRecord(values={})
    for f in spec.fields:
        if partial and f.name not in raw:
            continue
        given = raw.get(f.name)
        try:
            value = f.coerce(given)
        except CodeError as exc:
            result.add(spec, f.name, str(exc))
            continue
        if value in (None, []) and f.default is not None and not partial:
            value = f.default  # a blank cell or field means the form's default, not "nothing"
        if f.required and value in (None, "", []):
            result.add(spec, f.name, "必须填写")
            continue
        result.values[f.name] = value
    if result.ok:
        for rule_name in spec.checks:
            for name, message, is_error in RULES[rule_name](result.values):
                result.add(spec, name, message, is_error)
    return result


def check_repeats(spec: FormSpec, sub: FormSpec, items: list[dict[str, Any]]) -> tuple[list[CheckedRecord], list[str]]:
    """Check each repeated sub-record and their count (a pairing has 1–2 projects)."""
    checked = [check_record(sub, item) for item in items]
    problems = []
    if spec.repeat is not None:
        n, low, high = len(items), spec.repeat.min, spec.repeat.max
        if not low <= n <= high:
            problems.append(f"{spec.repeat.title}应为 {low}–{high} 个，现有 {n} 个")
    return checked, problems
