"""Importing a register workbook (社会组织名册, 结对帮扶名单 or 帮扶对象名单): all rows or none.

Every row is checked first, with the same checks as the dialog (``check_record`` /
``check_pairing``; for households also the village and an ID number already registered);
duplicates inside the file are refused on both rows; any problem refuses the whole file
with every problem located (file, sheet, row, column) and nothing stored. Otherwise all
rows are written in one transaction, keyed (credit code; agreement number or organization +
target; a household's ID number, by its keyed hash), so importing the same file again adds
nothing and writes no audit record for a row that did not change. Household messages and
audit records show ID numbers masked.

The use case is a generator of :class:`Progress`; ``run_import`` drives it for the CLI and
the tests, the GUI drives it from a worker thread. Closing the generator early (cancel)
rolls the transaction back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin_desktop.documents.register_template import write_template
from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.formspec import FieldSpec, FormSpec
from fupin_desktop.domain.id_number import mask_id_number
from fupin_desktop.domain.records import check_record
from fupin_desktop.errors import FieldProblem, KnownError, ValidationFailed, os_error_message
from fupin_desktop.intake.register_sheet import SheetRecords, SheetRow, read_records, repeat_key
from fupin_desktop.intake.workbook import read_workbook
from fupin_desktop.services import households
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.organizations import write_organization
from fupin_desktop.services.pairings import CheckedPairing, check_pairing, find_existing, write_pairing
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.records import snapshot
from fupin_desktop.store.models import Household, Organization, Pairing, Village

__all__ = ["PERMISSIONS", "ImportResult", "Progress", "import_register", "run_import", "template_for"]

Kind = Literal["organization", "pairing", "household"]
KINDS: tuple[Kind, ...] = ("organization", "pairing", "household")
PERMISSIONS: dict[str, Permission] = {"organization": Permission.EDIT_REGISTER, "pairing": Permission.EDIT_REGISTER,
                                      "household": Permission.EDIT_HOUSEHOLDS}
_IN_CHUNK = 500  # bound parameters per IN (…) query


@dataclass(frozen=True)
class Progress:
    done: int
    total: int  # 0 while the total is not known yet
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[FieldProblem] = field(default_factory=list)


def run_import(gen: Generator[Progress, None, ImportResult],
               on_progress: Callable[[Progress], None] | None = None) -> ImportResult:
    """Drive an import to its end (CLI, tests); ``on_progress`` sees every step."""
    while True:
        try:
            step = next(gen)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        if on_progress is not None:
            on_progress(step)


def _specs(ctx: ServiceContext, kind: str) -> tuple[FormSpec, FormSpec | None]:
    if kind not in KINDS:
        raise ValueError(f"unknown register kind {kind!r}")
    spec = ctx.forms[kind]
    if kind == "household":
        return household_sheet(spec), None
    return spec, ctx.forms[spec.repeat.form] if spec.repeat else None


_TOWNSHIP = FieldSpec("township", "镇（街道）", "ref", ref="township", aliases=("镇街", "所在镇（街道）", "乡镇（街道）"),
                      width=12, help="村（社区）有重名时用来区分；可留空")


def household_sheet(spec: FormSpec) -> FormSpec:
    """The household form as a sheet: a 镇（街道） column before the village's, to tell apart two
    villages of the same name (the household itself has no such field: its village says it)."""
    fields: list[FieldSpec] = []
    for f in spec.fields:
        if f.name == "village":
            fields.append(_TOWNSHIP)
        fields.append(f)
    help_text = ("每行一户。“所在村（社区）”填村（社区）名称或 12 位区划代码，有重名的村再填“镇（街道）”；"
                 "户主身份证号已登记的，导入时更新该户。")
    return dataclasses.replace(spec, fields=tuple(fields), sheet="帮扶对象名单", help=help_text, _by_name={})


def template_for(ctx: ServiceContext, kind: Kind, path: Path) -> None:
    """Write the blank template for ``kind`` to ``path``."""
    spec, sub = _specs(ctx, kind)
    try:
        write_template(spec, path, sub)
    except OSError as exc:
        raise KnownError(f"无法保存模板「{path}」：{os_error_message(exc)}文件是否正在 Excel 中打开？") from exc


class _Where:
    """Puts file, sheet, row and the column title as written in the file on every problem."""

    def __init__(self, file_name: str, records: SheetRecords, spec: FormSpec, sub: FormSpec | None) -> None:
        self.file, self.records, self.spec, self.sub = file_name, records, spec, sub

    def label(self, key: str, fallback: str) -> str:
        if key in self.records.columns:
            return self.records.columns[key]
        if self.spec.has_field(key):
            return self.spec.field(key).label
        return fallback

    def at(self, row: SheetRow, key: str, fallback_label: str, message: str) -> FieldProblem:
        return FieldProblem(key, self.label(key, fallback_label), message, row.row, self.records.sheet, self.file)

    def problem(self, row: SheetRow, p: FieldProblem) -> FieldProblem:
        key, label = p.field, p.label
        if key.startswith("project") and "." in key and self.sub is not None and self.spec.repeat is not None:
            position, _, name = key.removeprefix("project").partition(".")
            if position.isdigit() and 0 < int(position) <= len(row.repeat_slots):
                n = row.repeat_slots[int(position) - 1]  # the check counts filled groups; the sheet has slots
                key = repeat_key(self.sub, n, name)
                sub_label = self.sub.field(name).label if self.sub.has_field(name) else name
                label = self.spec.repeat.prefix.format(n=n) + sub_label
        elif key == "projects" and self.sub is not None:
            key = repeat_key(self.sub, 1, self.sub.fields[0].name)  # where a missing project goes
        return self.at(row, key, label, p.message)

    def refuse(self, problems: list[FieldProblem]) -> ValidationFailed:
        problems = sorted(problems, key=lambda p: (p.row or 0))
        return ValidationFailed(problems, f"「{self.file}」有 {len(problems)} 处问题，没有导入任何数据。请改正后重新导入。")


def _given(spec: FormSpec, raw: dict[str, Any]) -> dict[str, Any]:
    """Blank cells of fields that have a default count as not given (the default applies, or the stored value stays)."""
    return {k: v for k, v in raw.items()
            if not (spec.has_field(k) and spec.field(k).default is not None and (v is None or str(v).strip() == ""))}


def _duplicates(where: _Where, keyed: dict[Any, list[SheetRow]], key_field: str, describe: Callable[[Any], str]
                ) -> list[FieldProblem]:
    problems = []
    for key, rows in keyed.items():
        if len(rows) < 2:
            continue
        for row in rows:
            others = "、".join(str(o.row) for o in rows if o is not row)
            problems.append(where.at(row, key_field, "", f"与第 {others} 行{describe(key)}，同一条只能填一行"))
    return problems


def import_register(ctx: ServiceContext, kind: Kind, path: Path) -> Generator[Progress, None, ImportResult]:
    """Check every row of the workbook at ``path``, then store all of them or none.

    The permission is checked at once; the work happens as the generator is driven.
    """
    spec, sub = _specs(ctx, kind)
    ctx.require(PERMISSIONS[kind])
    if kind == "household":
        households.require_login(ctx)  # names and ID numbers are sealed with the signed-in user's key
    return _import(ctx, kind, spec, sub, Path(path))


def _import(ctx: ServiceContext, kind: Kind, spec: FormSpec, sub: FormSpec | None, path: Path
            ) -> Generator[Progress, None, ImportResult]:
    yield Progress(0, 0, f"正在读取「{path.name}」…")
    workbook = read_workbook(path)
    records = read_records(workbook, spec, sub)
    where = _Where(workbook.file_name, records, spec, sub)
    if records.problems:
        raise where.refuse(records.problems)
    if not records.rows:
        raise where.refuse([FieldProblem("", "", f"工作表「{records.sheet}」在表头（第 {records.header_row} 行）下面没有数据行",
                                         records.header_row, records.sheet, workbook.file_name)])
    if kind == "organization":
        return (yield from _organizations(ctx, spec, records, where))
    if kind == "household":
        return (yield from _households(ctx, spec, records, where))
    return (yield from _pairings(ctx, spec, records, where))


# --- 社会组织 -------------------------------------------------------------------------------------


def _organizations(ctx: ServiceContext, spec: FormSpec, records: SheetRecords, where: _Where
                   ) -> Generator[Progress, None, ImportResult]:
    rows, total = records.rows, 2 * len(records.rows)
    result, problems = ImportResult(), []
    checked = []
    by_code: dict[str, list[SheetRow]] = {}
    for i, row in enumerate(rows, start=1):
        raw = _given(spec, row.raw)
        rec = check_record(spec, raw)
        problems += [where.at(row, x.field, x.label, x.message) for x in rec.errors]
        result.warnings += [where.at(row, x.field, x.label, x.message) for x in rec.warnings]
        if rec.values.get("credit_code"):
            by_code.setdefault(rec.values["credit_code"], []).append(row)
        checked.append((row, raw, rec.values))
        yield Progress(i, total, f"正在检查第 {row.row} 行")
    problems += _duplicates(where, by_code, "credit_code", lambda code: f"的统一社会信用代码相同（{code}）")
    if problems:
        raise where.refuse(problems)
    with ctx.db.transaction() as s:
        existing = _organizations_by_code(s, list(by_code))
        for i, (row, raw, values) in enumerate(checked, start=1):
            target = existing.get(values["credit_code"])
            if target is None:
                write_organization(s, ctx.user.username, spec, values, None)
                result.created += 1
            else:
                given = {k: v for k, v in values.items() if k in raw}  # a column the file lacks keeps what is stored
                before = snapshot(target, spec, mask_personal=False)
                if all(before.get(k) == v for k, v in given.items()):
                    result.unchanged += 1
                else:
                    write_organization(s, ctx.user.username, spec, given, target)
                    result.updated += 1
            yield Progress(len(rows) + i, total, f"正在保存第 {row.row} 行")
    return result


def _organizations_by_code(s: Session, codes: list[str]) -> dict[str, Organization]:
    found: dict[str, Organization] = {}
    for start in range(0, len(codes), _IN_CHUNK):
        chunk = codes[start:start + _IN_CHUNK]
        found.update({o.credit_code: o for o in s.scalars(select(Organization).where(Organization.credit_code.in_(chunk)))})
    return found


# --- 结对帮扶 -------------------------------------------------------------------------------------


def _agreement_no(spec: FormSpec, raw: dict[str, Any]) -> str:
    try:
        return str(spec.field("agreement_no").coerce(raw.get("agreement_no")) or "")
    except CodeError:
        return ""


def _pairings(ctx: ServiceContext, spec: FormSpec, records: SheetRecords, where: _Where
              ) -> Generator[Progress, None, ImportResult]:
    rows, total = records.rows, 2 * len(records.rows)
    result, problems = ImportResult(), []
    keyed: dict[tuple[Any, ...], list[SheetRow]] = {}
    # Checks and writes share one transaction so that the records the checks found are the
    # ones written to; a refusal raises inside it and nothing is stored.
    with ctx.db.transaction() as s:
        checked: list[tuple[SheetRow, CheckedPairing, Pairing | None]] = []
        for i, row in enumerate(rows, start=1):
            raw = _given(spec, row.raw)
            cp, errors, warnings = check_pairing(s, ctx.forms, raw, row.repeats)
            problems += [where.problem(row, p) for p in errors]
            result.warnings += [where.problem(row, p) for p in warnings]
            number = _agreement_no(spec, raw)
            keys: set[tuple[Any, ...]] = {("no", number)} if number else set()
            if cp is not None:
                existing = find_existing(s, cp)
                if existing is not None:
                    keys.add(("id", existing.id, existing.agreement_no))
                    if "campaign" not in raw:  # the file has no 专项行动 column: keep the stored one
                        cp = dataclasses.replace(cp, resolved=dataclasses.replace(cp.resolved, campaign=existing.campaign))
                elif not number:
                    r = cp.resolved
                    keys.add(("pair", r.organization.id, cp.values["target_kind"], r.target.id, r.organization.name))
                checked.append((row, cp, existing))
            for key in keys:
                keyed.setdefault(key, []).append(row)
            yield Progress(i, total, f"正在检查第 {row.row} 行")
        problems += _pairing_duplicates(where, keyed)
        if problems:
            raise where.refuse(problems)
        # Rows with their own agreement number first, so that a number given later in the
        # file is not taken by one numbered automatically for an earlier row.
        checked.sort(key=lambda item: not item[1].values.get("agreement_no"))
        for i, (row, cp, existing) in enumerate(checked, start=1):
            if existing is not None and _same_pairing(spec, existing, cp):
                result.unchanged += 1
            else:
                _, created = write_pairing(s, ctx.user.username, cp, existing)
                if created:
                    result.created += 1
                else:
                    result.updated += 1
            yield Progress(len(rows) + i, total, f"正在保存第 {row.row} 行")
    return result


def _pairing_duplicates(where: _Where, keyed: dict[tuple[Any, ...], list[SheetRow]]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    seen: set[tuple[int, int]] = set()
    for key, rows in keyed.items():
        if len(rows) < 2:
            continue
        if key[0] == "no":
            text, column = f"的协议编号相同（{key[1]}）", "agreement_no"
        elif key[0] == "id":
            text, column = f"指向同一份结对协议（{key[2]}）", "agreement_no"
        else:
            text, column = f"是同一社会组织（{key[4]}）与同一结对对象的结对", "target"
        for row in rows:
            others = [o.row for o in rows if o is not row]
            if all((row.row, o) in seen for o in others):
                continue  # already said for this pair of rows
            seen.update((row.row, o) for o in others)
            problems.append(where.at(row, column, "", f"与第 {'、'.join(map(str, others))} 行{text}，同一份协议只能填一行"))
    return problems


def _same_pairing(spec: FormSpec, p: Pairing, cp: CheckedPairing) -> bool:
    """True when writing ``cp`` would not change ``p`` (write_pairing audits every call)."""
    v, r = cp.values, cp.resolved
    for f in spec.fields:
        if (f.type != "ref" and hasattr(p, f.name) and v.get(f.name) is not None
                and getattr(p, f.name) != v[f.name]):
            return False
    target_id = {"village": p.village_id, "household": p.household_id, "institution": p.institution_id,
                 "remote": p.remote_code, "organization": p.partner_name}
    township_id = r.township.id if r.township is not None else None
    if (p.organization_id, p.township_id, target_id.get(v["target_kind"])) != (r.organization.id, township_id, r.target.id):
        return False
    if p.campaign_id != (r.campaign.id if r.campaign is not None else None):
        return False
    if sorted(c.id for c in p.also_campaigns) != sorted(c.id for c in r.more_campaigns):
        return False
    stored = [(x.name, x.domain, x.method, x.budget_fen, x.indicators) for x in p.projects]
    wanted = [(x.get("name"), x.get("domain"), x.get("method"), x.get("budget_fen"), x.get("indicators")) for x in cp.projects]
    return stored == wanted


# --- 帮扶对象 -------------------------------------------------------------------------------------


def _households(ctx: ServiceContext, spec: FormSpec, records: SheetRecords, where: _Where
                ) -> Generator[Progress, None, ImportResult]:
    form = ctx.forms[households.FORM]
    rows, total = records.rows, 2 * len(records.rows)
    result, problems = ImportResult(), []
    by_number: dict[str, list[SheetRow]] = {}
    checked: list[tuple[SheetRow, dict[str, Any], dict[str, Any], Village]] = []
    # As for pairings: the villages and households the checks found are the ones written to.
    with ctx.db.transaction() as s:
        for i, row in enumerate(rows, start=1):
            raw = _given(spec, row.raw)
            rec = check_record(spec, raw)
            village = households.resolve_village(s, spec, rec, rec.values.get("township") or "")
            problems += [where.at(row, x.field, x.label, x.message) for x in rec.errors]
            result.warnings += [where.at(row, x.field, x.label, x.message) for x in rec.warnings]
            if rec.values.get("id_number"):
                by_number.setdefault(rec.values["id_number"], []).append(row)
            if rec.ok and village is not None:
                checked.append((row, raw, rec.values, village))
            yield Progress(i, total, f"正在检查第 {row.row} 行")
        problems += _duplicates(where, by_number, "id_number",
                                lambda number: f"的户主身份证号相同（{mask_id_number(number)}）")
        if problems:
            raise where.refuse(problems)
        existing = households.find_by_id_numbers(s, list(by_number))
        for i, (row, raw, values, village) in enumerate(checked, start=1):
            target = existing.get(values["id_number"])
            if target is None:
                households.write_household(s, ctx.user.username, form, values, village, None)
                result.created += 1
            else:
                # A column the file lacks keeps what is stored; the number is the key, not rewritten.
                given = {k: v for k, v in values.items() if k in raw and k != "id_number"}
                if _same_household(form, target, given, village):
                    result.unchanged += 1
                else:
                    households.write_household(s, ctx.user.username, form, given, village, target)
                    result.updated += 1
            yield Progress(len(rows) + i, total, f"正在保存第 {row.row} 行")
    return result


def _same_household(form: FormSpec, h: Household, given: dict[str, Any], village: Village) -> bool:
    """True when writing ``given`` would not change ``h`` (write_household audits every call)."""
    before = snapshot(h, form, mask_personal=False)  # compared here, never written anywhere
    return h.village_id == village.id and all(before.get(k) == v for k, v in given.items() if k in before)
