"""Township workbooks in: read, find the township and month, match rows to pairings, check, store.

Planning reads and checks everything without writing; the GUI shows the plan (problems,
rows to assign by hand) and commits it; the CLI commits only a plan with no problem and no
unmatched row. A file with any error stores nothing.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Generator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fupin_desktop.domain.periods import Period, reporting_month_for_fill_date
from fupin_desktop.domain.text import match_key
from fupin_desktop.errors import FieldProblem, KnownError, ValidationFailed
from fupin_desktop.intake.monthly_sheet import MonthlySheet, read_monthly_sheet
from fupin_desktop.intake.workbook import read_workbook
from fupin_desktop.paths import forms_dir
from fupin_desktop.services import monthly
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.places import find_township, place_key
from fupin_desktop.services.register_import import Progress
from fupin_desktop.services.register_import import run_import as drain
from fupin_desktop.services.settings import bureau
from fupin_desktop.store import audit
from fupin_desktop.store.models import Township


@dataclass
class PlannedRow:
    source_row: int
    village: str
    organization: str
    raw: dict[str, Any]
    pairing_id: int | None
    candidates: list[tuple[int, str]] = field(default_factory=list)  # (pairing id, label) to choose from
    why: str = ""  # why it is not matched


@dataclass
class MonthlyImportPlan:
    file: Path
    sha256: str
    sheet: str
    township_id: int
    township: str
    period: Period
    filled_on: date | None
    rows: list[PlannedRow]
    problems: list[FieldProblem]
    skipped: list[tuple[int, str]]
    not_in_file: list[str]  # pairings in term that month with no row in the file
    # The matched rows, coerced and checked (pairing id, values, flags, sheet row): committed as they are
    # when no row needs assigning by hand.
    checked: monthly.Checked = field(default_factory=list)

    @property
    def unmatched(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.pairing_id is None]


def _aliases() -> tuple[dict[str, str], dict[str, str]]:
    path = forms_dir() / "matching" / "aliases.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return ({match_key(k): match_key(v) for k, v in data.get("villages", {}).items()},
            {match_key(k): match_key(v) for k, v in data.get("organizations", {}).items()})


def _org_keys(name: str, county: str) -> set[str]:
    key = match_key(name)
    keys = {key}
    for prefix in (match_key(county), match_key(county).removesuffix("市")):
        if prefix and key.startswith(prefix):
            keys.add(key[len(prefix):])
    return keys


def _township_from_unit(session: Any, unit_text: str) -> Township | None:
    key = match_key(unit_text)
    found = [t for t in session.scalars(select(Township)) if match_key(t.name) in key or place_key(t.name) in key]
    return found[0] if len(found) == 1 else None


def _period_of(sheet: MonthlySheet, given: Period | None) -> Period | None:
    if given is not None:
        return given
    if sheet.title_period is not None:
        return sheet.title_period
    filled = sheet.filled_on
    if isinstance(filled, date):
        return reporting_month_for_fill_date(filled)
    if isinstance(filled, Period):
        return filled.previous()  # "2020-06" as 填报时间: filled in June, reports May
    return None


PLAN_STAGES, COMMIT_STAGES = 3, 2  # the two parts of an import: reading and checking, storing


def planning(ctx: ServiceContext, path: Path, *, township: str | None = None,
             period: Period | None = None) -> Generator[Progress, None, MonthlyImportPlan]:
    """Read and check a township workbook, writing nothing; yields its stages (cancel at any)."""
    ctx.require(Permission.ENTER_MONTHLY)
    path = Path(path)
    yield Progress(0, PLAN_STAGES, f"正在读取「{path.name}」……")
    workbook = read_workbook(path)
    spec = ctx.forms[monthly.FORM]
    sheet = read_monthly_sheet(workbook, spec)
    name = workbook.file_name
    yield Progress(1, PLAN_STAGES, f"正在核对「{name}」的镇（街道）、月份和结对……")
    with ctx.db.reading() as s:
        chosen = find_township(s, township) if township else None
        if township and chosen is None:
            raise KnownError(f"本县没有名为“{township}”的镇（街道）。")
        from_unit = _township_from_unit(s, sheet.unit_text) if sheet.unit_text else None
        if chosen is not None and from_unit is not None and chosen.id != from_unit.id:
            raise KnownError(f"文件「{name}」的填报单位是“{sheet.unit_text}”，与选择的{chosen.name}不符，未导入。"
                             "请确认文件是否选错。")
        target = chosen or from_unit
        if target is None:
            hint = f"填报单位写的是“{sheet.unit_text}”，认不出是哪个镇（街道）；" if sheet.unit_text else "文件里没有填报单位；"
            raise KnownError(f"文件「{name}」：{hint}请选择镇（街道）（命令行加 --township）。")
        month = _period_of(sheet, period)
        if month is None or month.kind != "month":
            raise KnownError(f"文件「{name}」：看不出是哪个月的报表（填报时间为“{sheet.filled_text or '空'}”），"
                             "请选择月份（命令行加 --period YYYY-MM）。")
        current = monthly.current_report(s, target.id, month)
        if current is not None and current.status == "approved":
            raise KnownError(monthly.locked_message(target.name, month))
        pairings = monthly.active_pairing_names(s, target.id, month)
        county = bureau(ctx.db).name.removesuffix("民政局")  # 晋江市民政局 → 晋江市, written before org names
        rows, problems = _match(sheet, pairings, county)
        problems = [p if p.file else replace(p, file=name) for p in sheet.problems] + problems
        matched = {r.pairing_id for r in rows if r.pairing_id}
        not_in_file = [f"{p.village} / {p.organization}" for p in pairings if p.id not in matched]
        entries = [(r.pairing_id, r.raw, r.source_row) for r in rows if r.pairing_id]
        checked, check_problems = monthly.check_rows(spec, entries, monthly.histories(s, [p.id for p in pairings], month),
                                                     file=name, sheet=sheet.sheet)
        problems += check_problems
    filled = sheet.filled_on if isinstance(sheet.filled_on, date) else None
    yield Progress(2, PLAN_STAGES, f"已核对「{name}」")
    return MonthlyImportPlan(path, hashlib.sha256(path.read_bytes()).hexdigest(), sheet.sheet, target.id, target.name,
                             month, filled, rows, problems, sheet.skipped, not_in_file,
                             checked)


def _match(sheet: MonthlySheet, pairings: list[monthly.PairingName], county: str) -> tuple[list[PlannedRow], list[FieldProblem]]:
    village_alias, org_alias = _aliases()
    by_keys: dict[tuple[str, str], list[monthly.PairingName]] = {}
    village_keys: set[str] = set()
    for p in pairings:
        v_keys = {place_key(p.village), match_key(p.village)}
        village_keys |= v_keys
        for vk in v_keys:
            for ok in _org_keys(p.organization, county):
                by_keys.setdefault((vk, ok), []).append(p)
    choices = [(p.id, f"{p.agreement_no} {p.village} / {p.organization}".strip()) for p in pairings]
    rows: list[PlannedRow] = []
    problems: list[FieldProblem] = []
    taken: dict[int, int] = {}
    by_number = {match_key(p.agreement_no): p for p in pairings if p.agreement_no}
    for r in sheet.rows:
        village = str(r.values.get("village") or "").strip()
        org = str(r.values.get("organization") or "").strip()
        number = match_key(str(r.values.get("agreement_no") or ""))
        row = PlannedRow(r.row, village, org, r.values, None)
        if number:  # our template: the agreement number says which pairing, even where names repeat
            hit = by_number.get(number)
            if hit is None:
                row.candidates = choices
                row.why = f"协议编号“{r.values.get('agreement_no')}”不是本镇（街道）本月在期的结对"
                rows.append(row)
                continue
            hits = [hit]
        else:
            vk = village_alias.get(match_key(village), match_key(village))
            v_keys = {place_key(village), vk, place_key(vk)}
            o_keys = {org_alias.get(k, k) for k in _org_keys(org, county)}
            hits = list({p.id: p for v in v_keys for o in o_keys for p in by_keys.get((v, o), [])}.values())
        if len(hits) == 1:
            row.pairing_id = hits[0].id
            if hits[0].id in taken:
                problems.append(FieldProblem("organization", "社会组织名称",
                                             f"与第{taken[hits[0].id]}行是同一个结对（重复行），请删去一行或合并",
                                             r.row, sheet.sheet, sheet.file_name))
            taken.setdefault(hits[0].id, r.row)
        elif hits:
            row.candidates = [(p.id, f"{p.agreement_no} {p.village} / {p.organization}".strip()) for p in hits]
            row.why = f"“{village} / {org}”对应 {len(hits)} 个结对，需要人工指定"
        else:
            row.candidates = choices
            if v_keys & village_keys:
                row.why = f"“{village}”本月没有“{org}”的在期结对"
            else:
                row.why = f"本镇（街道）没有村（社区）“{village}”的在期结对"
        rows.append(row)
    return rows, problems


def plan_monthly_import(ctx: ServiceContext, path: Path, *, township: str | None = None,
                        period: Period | None = None) -> MonthlyImportPlan:
    return drain(planning(ctx, path, township=township, period=period))


def committing(ctx: ServiceContext, plan: MonthlyImportPlan, assignments: dict[int, int] | None = None,
               received_on: date | None = None) -> Generator[Progress, None, monthly.MonthView]:
    """``commit_monthly_import`` in stages: cancelled before its last stage, nothing is stored."""
    ctx.require(Permission.ENTER_MONTHLY)
    yield Progress(1, COMMIT_STAGES, f"正在保存「{plan.file.name}」……")
    # The last stage: stored in one transaction and nothing yielded after it, so a job that ends
    # here has stored the file and one cancelled before it has stored nothing.
    return commit_monthly_import(ctx, plan, assignments, received_on)


def importing(ctx: ServiceContext, path: Path, *, township: str | None = None, period: Period | None = None,
              received_on: date | None = None) -> Generator[Progress, None, monthly.MonthView]:
    """Read, check and store one workbook (no row to assign by hand), in stages; 取消 before the
    storing stage leaves nothing stored. The storing transaction is one step: it commits or not."""
    plan = yield from planning(ctx, path, township=township, period=period)
    return (yield from committing(ctx, plan, received_on=received_on))


def commit_monthly_import(ctx: ServiceContext, plan: MonthlyImportPlan,
                          assignments: dict[int, int] | None = None, received_on: date | None = None) -> monthly.MonthView:
    """Store a plan as the township-month's new revision; ``assignments`` map sheet rows to pairings."""
    ctx.require(Permission.ENTER_MONTHLY)
    assignments = assignments or {}
    problems = list(plan.problems)
    for r in plan.unmatched:
        if r.source_row not in assignments:
            problems.append(FieldProblem("village", "村（社区）", f"{r.why}；请核对村（社区）和社会组织名称，"
                                         "或在程序里为这一行指定结对", r.source_row, plan.sheet, plan.file.name))
    if problems:
        raise ValidationFailed(problems, f"文件「{plan.file.name}」有 {len(problems)} 处问题，未导入任何数据。")
    spec = ctx.forms[monthly.FORM]
    with monthly.revision_transaction(ctx, plan.township_id, plan.period) as s:
        township = s.get(Township, plan.township_id)
        assert township is not None
        checked = _recheck(s, spec, plan, assignments, problems) if assignments else plan.checked
        if problems:
            raise ValidationFailed(problems, f"文件「{plan.file.name}」有 {len(problems)} 处问题，未导入任何数据。")
        report = monthly.new_revision(s, ctx, township, plan.period, source="import", received_on=received_on,
                                      file_name=plan.file.name, file_sha256=plan.sha256, filled_on=plan.filled_on)
        monthly.store_rows(s, report, checked)
        audit.append(s, username=ctx.user.username, action="import", entity="monthly_report", entity_id=report.id,
                     summary=f"导入 {township.name} {plan.period.label_zh} 月报「{plan.file.name}」"
                             f"（第 {report.revision} 版，{len(checked)} 行）",
                     after={"file": plan.file.name, "sha256": plan.sha256, "revision": report.revision})
    return monthly.get_month(ctx, plan.township_id, plan.period)


def _recheck(s: Any, spec: Any, plan: MonthlyImportPlan, assignments: dict[int, int],
             problems: list[FieldProblem]) -> monthly.Checked:
    """Check the rows again with the pairings the clerk assigned by hand."""
    pairings = {p.id for p in monthly.active_pairing_names(s, plan.township_id, plan.period)}
    chosen = [(assignments.get(r.source_row, r.pairing_id), r) for r in plan.rows]
    seen: dict[int, int] = {}
    for pid, r in chosen:
        if pid not in pairings:
            raise KnownError(f"第{r.source_row}行指定的结对不在{plan.township}本月的在期结对里。")
        if pid in seen:
            problems.append(FieldProblem("organization", "社会组织名称", f"与第{seen[pid]}行指定为同一个结对",
                                         r.source_row, plan.sheet, plan.file.name))
        seen.setdefault(pid, r.source_row)
    entries = [(pid, r.raw, r.source_row) for pid, r in chosen]
    checked, check_problems = monthly.check_rows(spec, entries, monthly.histories(s, list(pairings), plan.period),
                                                 file=plan.file.name, sheet=plan.sheet)
    problems += check_problems
    return checked


def import_monthly(ctx: ServiceContext, path: Path, *, township: str | None = None, period: Period | None = None,
                   received_on: date | None = None) -> monthly.MonthView:
    """The CLI's path: any problem or unmatched row refuses the whole file."""
    return drain(importing(ctx, path, township=township, period=period, received_on=received_on))
