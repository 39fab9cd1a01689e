"""年初部署、年中检查、年终验收 (issue 14): the bureau's visits to a pairing or a township, what
they found, the 整改 they asked for, and every 整改 past its deadline.

Notice 004 (../shared/seeds/004_91e17e8b4e54ce05.txt, 四（二）3. 督促检查帮扶): 采取年初部署、年中
检查、年终验收的方法，全程跟进、全程指导。对于检查发现的问题与不足，及时指出并指导改进；对于好的
做法和经验，及时推广. So a visit keeps 检查情况和好的做法 (``findings``, what the 半年通报 spreads)
apart from 发现的问题 (``problems``) and the 整改要求 with its deadline; ``mark_rectified`` closes
the 整改 with the day and what was done.

``overdue_rectifications`` gathers the open 整改 past their deadline from the visits and from the
信息核对抽查 (``services.spotcheck``), for the 首页.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.domain.text import clean_text
from fupin_desktop.errors import FieldProblem, KnownError, NotFound, ValidationFailed
from fupin_desktop.services import spotcheck
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.pairings import target_label
from fupin_desktop.services.places import find_township
from fupin_desktop.services.spotcheck import UNCHANGED, Unchanged
from fupin_desktop.services.year_data import in_term
from fupin_desktop.store import audit
from fupin_desktop.store.models import Pairing, Township
from fupin_desktop.store.models_supervision import InspectionVisit, SpotCheck

# Recording what a visit found and judging its 整改 is the same check on the pairings as the
# 信息核对抽查's results: the reviewer's permission (EVALUATE), not the clerk's.
PERMISSION = spotcheck.PERMISSION
KINDS: dict[str, str] = {"deployment": "年初部署", "midyear": "年中检查", "year_end": "年终验收"}
MAX_TEXT = 2000
MAX_INSPECTORS = 100  # the column's width
OUTSIDE_TOWNSHIPS = "县外或组织结对"  # a pairing reported by the bureau itself (no township)
_ENTITY = "inspection_visit"
_TEXT_FIELDS = {"findings": "检查情况和好的做法", "problems": "发现的问题", "rectification": "整改要求"}
_NOT_SAVED = "检查记录未保存。"
_LOAD = (selectinload(InspectionVisit.township),
         *(selectinload(InspectionVisit.pairing).selectinload(rel) for rel in (
             Pairing.organization, Pairing.township, Pairing.village, Pairing.household, Pairing.institution)))


@dataclass(frozen=True)
class VisitView:
    id: int
    kind: str  # deployment | midyear | year_end
    kind_label: str  # 年初部署 | 年中检查 | 年终验收
    year: int
    pairing_id: int | None
    agreement_no: str  # "" for a township visit
    organization: str
    target: str  # masked for households
    township_id: int | None  # the township visited, or the pairing's
    township: str
    subject: str  # who was visited: "JD2025-0001 某协会 ↔ 某村" or the township's name
    visited_on: date
    inspectors: str
    findings: str
    problems: str
    rectification: str
    rectify_by: date | None
    rectified_on: date | None
    rectify_note: str
    created_at: datetime
    created_by: str
    updated_at: datetime | None
    updated_by: str

    @property
    def rectify_open(self) -> bool:
        return bool(self.rectification) and self.rectified_on is None

    def rectify_state(self, today: date) -> str:
        """无需整改, 已整改（date）, 逾期 N 天, or 整改中（期限 date）."""
        if not self.rectification:
            return "无需整改"
        if self.rectified_on is not None:
            return f"已整改（{self.rectified_on}）"
        if self.rectify_by is not None and self.rectify_by < today:
            return f"逾期 {(today - self.rectify_by).days} 天"
        return f"整改中（期限 {self.rectify_by}）" if self.rectify_by else "整改中（未定期限）"


@dataclass(frozen=True)
class OverdueRectification:
    """One 整改 past its deadline and not done, from a visit or a spot check."""

    source: str  # "visit" | "spot_check"
    source_label: str  # 年中检查 … or 第 3 号抽查
    id: int  # the visit's or the spot check's id
    township: str
    where: str  # the township, or "镇（街道）·协议编号 社会组织" for a pairing
    requirement: str  # 整改要求
    checked_on: date | None
    rectify_by: date
    days_overdue: int

    @property
    def line(self) -> str:
        return f"{self.where}：{self.source_label}的整改已逾期 {self.days_overdue} 天（期限 {self.rectify_by}）"


def kind_code(text: str) -> str | None:
    """deployment / midyear / year_end from the code or the Chinese name; None when neither."""
    value = clean_text(text)
    if value in KINDS:
        return value
    return next((code for code, label in KINDS.items() if label == value), None)


def _township_name(p: Pairing) -> str:
    return p.township.name if p.township is not None else OUTSIDE_TOWNSHIPS


def _view(v: InspectionVisit) -> VisitView:
    p = v.pairing
    if p is not None:
        town_id, town = p.township_id, _township_name(p)
        subject = f"{p.agreement_no} {p.organization.name} ↔ {target_label(p)}"
    else:
        town_id, town = v.township_id, v.township.name if v.township else ""
        subject = town
    return VisitView(v.id, v.kind, KINDS.get(v.kind, v.kind), v.year, v.pairing_id, p.agreement_no if p else "",
                     p.organization.name if p else "", target_label(p) if p else "", town_id, town, subject,
                     v.visited_on, v.inspectors, v.findings or "", v.problems or "", v.rectification or "",
                     v.rectify_by, v.rectified_on, v.rectify_note or "", v.created_at, v.created_by, v.updated_at,
                     v.updated_by or "")


def _get(s: Session, visit_id: int) -> InspectionVisit:
    visit = s.scalar(select(InspectionVisit).where(InspectionVisit.id == visit_id).options(*_LOAD))
    if visit is None:
        raise NotFound(f"没有第 {visit_id} 号检查记录（fupin visit list --year 年份 列出已登记的检查）。")
    return visit


# -- checks of what a person typed ---------------------------------------------------------

def _find_pairing(s: Session, text: str, problems: list[FieldProblem]) -> Pairing | None:
    value = clean_text(text)
    p = s.scalar(select(Pairing).where(func.upper(Pairing.agreement_no) == value.upper()))
    if p is None:
        problems.append(FieldProblem("pairing", "结对协议编号", f"没有协议编号为“{text}”的结对"))
    return p


def _find_township(s: Session, text: str, problems: list[FieldProblem]) -> Township | None:
    t = find_township(s, text)
    if t is None:
        problems.append(FieldProblem("township", "镇（街道）", f"本县没有名为“{text}”的镇（街道）"))
    return t


def _target(s: Session, pairing: str | None, township: str | None,
            problems: list[FieldProblem]) -> tuple[Pairing | None, Township | None]:
    pairing, township = clean_text(pairing) or None, clean_text(township) or None
    if pairing and township:
        problems.append(FieldProblem("target", "检查对象", "结对协议编号和镇（街道）只写一个：检查一对结对，或检查一个镇（街道）"))
        return None, None
    if pairing:
        return _find_pairing(s, pairing, problems), None
    if township:
        return None, _find_township(s, township, problems)
    problems.append(FieldProblem("target", "检查对象", "请写检查的结对（协议编号）或镇（街道）名称"))
    return None, None


def _year(year: int, problems: list[FieldProblem]) -> bool:
    try:
        Period.annual(year)
    except KnownError as exc:
        problems.append(FieldProblem("year", "年度", str(exc)))
        return False
    if year > clock.today().year:
        problems.append(FieldProblem("year", "年度", f"{year} 年还没到，只能登记 {clock.today().year} 年及以前年度的检查"))
        return False
    return True


def _checked(values: dict[str, Any], pairing: Pairing | None, problems: list[FieldProblem]) -> dict[str, Any]:
    """Every problem of the visit's values (added to ``problems``); the values cleaned."""
    code = kind_code(str(values["kind"]))
    if code is None:
        problems.append(FieldProblem("kind", "检查类别", f"应为 {'、'.join(KINDS.values())} 之一，而不是“{values['kind']}”"))
    values["kind"] = code or values["kind"]
    values["inspectors"] = clean_text(values["inspectors"])
    if not values["inspectors"]:
        problems.append(FieldProblem("inspectors", "检查人员", "不能为空（写明参加检查的人员）"))
    elif len(values["inspectors"]) > MAX_INSPECTORS:
        problems.append(FieldProblem("inspectors", "检查人员", f"最多 {MAX_INSPECTORS} 个字符，现为 {len(values['inspectors'])} 个"))
    for name, label in _TEXT_FIELDS.items():
        values[name] = clean_text(values[name])
        if len(values[name]) > MAX_TEXT:
            problems.append(FieldProblem(name, label, f"最多 {MAX_TEXT} 字，现为 {len(values[name])} 字"))
    year, visited_on, rectify_by = values["year"], values["visited_on"], values["rectify_by"]
    today = clock.today()
    year_ok = _year(year, problems)
    if not isinstance(visited_on, date):
        problems.append(FieldProblem("visited_on", "检查日期", "请写检查日期，如 2026-06-15"))
        return values
    if visited_on > today:
        problems.append(FieldProblem("visited_on", "检查日期", f"{visited_on} 还没到（今天是 {today}），不能登记以后的检查"))
    elif year_ok:
        # A 年终验收 may be held in the first quarter of the next year; the others within their year.
        late = code == "year_end" and visited_on.year == year + 1 and visited_on.month <= 3
        if visited_on.year != year and not late:
            problems.append(FieldProblem("visited_on", "检查日期", f"{visited_on} 不在 {year} 年度内"
                                         + ("（年终验收最迟在次年 3 月底）" if code == "year_end" else "")))
        if pairing is not None and not (pairing.term_start <= Period.annual(year).last_day
                                        and pairing.term_end >= Period.annual(year).first_day):
            problems.append(FieldProblem("pairing", "结对协议编号", f"结对 {pairing.agreement_no} 的协议期 "
                                         f"{pairing.term_start} 至 {pairing.term_end} 与 {year} 年度没有交集"))
    if rectify_by is not None and rectify_by < visited_on:
        problems.append(FieldProblem("rectify_by", "整改期限", f"{rectify_by} 早于检查日期 {visited_on}"))
    elif rectify_by is not None and not values["rectification"]:
        problems.append(FieldProblem("rectify_by", "整改期限", "没有整改要求，不需要整改期限（请同时写整改要求）"))
    return values


def _snapshot(v: InspectionVisit) -> dict[str, Any]:
    return {"kind": v.kind, "year": v.year, "pairing_id": v.pairing_id,
            "agreement_no": v.pairing.agreement_no if v.pairing else None, "township_id": v.township_id,
            "township": v.township.name if v.township else None, "visited_on": v.visited_on,
            "inspectors": v.inspectors, "findings": v.findings or "", "problems": v.problems or "",
            "rectification": v.rectification or "", "rectify_by": v.rectify_by, "rectified_on": v.rectified_on,
            "rectify_note": v.rectify_note or ""}


def _summary(verb: str, v: InspectionVisit) -> str:
    who = v.pairing.agreement_no if v.pairing else (v.township.name if v.township else "")
    return f"{verb}{v.year} 年度{KINDS.get(v.kind, v.kind)}（第 {v.id} 号，{who}，{v.visited_on}）"


# -- writes --------------------------------------------------------------------------------

def record_visit(ctx: ServiceContext, *, kind: str, year: int, visited_on: date, inspectors: str,
                 pairing: str | None = None, township: str | None = None, findings: str = "", problems: str = "",
                 rectification: str = "", rectify_by: date | None = None) -> VisitView:
    """Record a 年初部署/年中检查/年终验收 visit to one pairing (by agreement number) or one township
    (by name or code); audited."""
    ctx.require(PERMISSION)
    issues: list[FieldProblem] = []
    with ctx.db.transaction() as s:
        p, t = _target(s, pairing, township, issues)
        values = _checked({"kind": kind, "year": year, "visited_on": visited_on, "inspectors": inspectors,
                           "findings": findings, "problems": problems, "rectification": rectification,
                           "rectify_by": rectify_by}, p, issues)
        if issues:
            raise ValidationFailed(issues, _NOT_SAVED)
        visit = InspectionVisit(**values, pairing_id=p.id if p else None, township_id=t.id if t else None,
                                rectify_note="", created_at=clock.now().replace(microsecond=0),
                                created_by=ctx.user.username)
        s.add(visit)
        s.flush()
        visit = _get(s, visit.id)
        audit.append(s, username=ctx.user.username, action="create", entity=_ENTITY, entity_id=visit.id,
                     summary=_summary("登记", visit), after=_snapshot(visit))
        return _view(visit)


def edit_visit(ctx: ServiceContext, visit_id: int, *, kind: str | Unchanged = UNCHANGED,
               year: int | Unchanged = UNCHANGED, pairing: str | None | Unchanged = UNCHANGED,
               township: str | None | Unchanged = UNCHANGED, visited_on: date | Unchanged = UNCHANGED,
               inspectors: str | Unchanged = UNCHANGED, findings: str | Unchanged = UNCHANGED,
               problems: str | Unchanged = UNCHANGED, rectification: str | Unchanged = UNCHANGED,
               rectify_by: date | None | Unchanged = UNCHANGED) -> VisitView:
    """Change what a visit recorded; arguments left out keep what is stored. A new ``pairing`` or
    ``township`` replaces the visited one (give one of the two). Audited with before/after."""
    ctx.require(PERMISSION)
    issues: list[FieldProblem] = []
    with ctx.db.transaction() as s:
        visit = _get(s, visit_id)
        before = _snapshot(visit)
        p, t = visit.pairing, visit.township
        if pairing is not UNCHANGED or township is not UNCHANGED:
            p, t = _target(s, None if pairing is UNCHANGED else pairing,
                           None if township is UNCHANGED else township, issues)
        given = {"kind": kind, "year": year, "visited_on": visited_on, "inspectors": inspectors, "findings": findings,
                 "problems": problems, "rectification": rectification, "rectify_by": rectify_by}
        values = {name: before[name] for name in given}
        values.update({k: v for k, v in given.items() if v is not UNCHANGED})
        values = _checked(values, p, issues)
        if issues:
            raise ValidationFailed(issues, _NOT_SAVED)
        for name, value in values.items():
            setattr(visit, name, value)
        visit.pairing_id, visit.township_id = (p.id if p else None), (t.id if t else None)
        visit.pairing, visit.township = p, t
        after = _snapshot(visit)
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            visit.updated_at, visit.updated_by = clock.now().replace(microsecond=0), ctx.user.username
            s.flush()
            audit.append(s, username=ctx.user.username, action="update", entity=_ENTITY, entity_id=visit.id,
                         summary=_summary("修改", visit), before={k: before[k] for k in changed},
                         after={k: after[k] for k in changed})
        return _view(visit)


def mark_rectified(ctx: ServiceContext, visit_id: int, on: date, note: str) -> VisitView:
    """The visit's 整改 is done: the day and what was done (整改情况); audited. Again = a correction."""
    ctx.require(PERMISSION)
    with ctx.db.transaction() as s:
        visit = _get(s, visit_id)
        if not visit.rectification:
            raise KnownError(f"第 {visit.id} 号检查（{visit.visited_on} {KINDS.get(visit.kind, visit.kind)}）没有整改要求，"
                             "无需登记整改完成。")
        issues: list[FieldProblem] = []
        text = clean_text(note)
        if on > clock.today():
            issues.append(FieldProblem("rectified_on", "整改完成日期", f"{on} 还没到（今天是 {clock.today()}）"))
        elif on < visit.visited_on:
            issues.append(FieldProblem("rectified_on", "整改完成日期", f"{on} 早于检查日期 {visit.visited_on}"))
        if not text:
            issues.append(FieldProblem("rectify_note", "整改情况", "不能为空（写明整改了什么、如何核实的）"))
        elif len(text) > MAX_TEXT:
            issues.append(FieldProblem("rectify_note", "整改情况", f"最多 {MAX_TEXT} 字，现为 {len(text)} 字"))
        if issues:
            raise ValidationFailed(issues, "整改完成情况未保存。")
        before = {"rectified_on": visit.rectified_on, "rectify_note": visit.rectify_note or ""}
        after = {"rectified_on": on, "rectify_note": text}
        if after != before:
            visit.rectified_on, visit.rectify_note = on, text
            visit.updated_at, visit.updated_by = clock.now().replace(microsecond=0), ctx.user.username
            s.flush()
            audit.append(s, username=ctx.user.username, action="update", entity=_ENTITY, entity_id=visit.id,
                         summary=_summary("登记整改完成：", visit), before=before, after=after)
        return _view(visit)


# -- reads ---------------------------------------------------------------------------------

def get_visit(ctx: ServiceContext, visit_id: int) -> VisitView:
    with ctx.db.reading() as s:
        return _view(_get(s, visit_id))


def list_visits(ctx: ServiceContext, year: int, kind: str | None = None, township: str | None = None) -> list[VisitView]:
    """The year's visits by date; ``kind`` (code or 年中检查 …) and ``township`` (name or code; a
    pairing counts under its township) narrow the list."""
    code = kind_code(kind) if kind else None
    if kind and code is None:
        raise KnownError(f"检查类别应为 {'、'.join(KINDS.values())} 之一，而不是“{kind}”。")
    with ctx.db.reading() as s:
        stmt = select(InspectionVisit).where(InspectionVisit.year == year).options(*_LOAD)
        if code:
            stmt = stmt.where(InspectionVisit.kind == code)
        views = [_view(v) for v in s.scalars(stmt.order_by(InspectionVisit.visited_on, InspectionVisit.id))]
        if township:
            t = find_township(s, township)
            if t is None:
                raise KnownError(f"本县没有名为“{township}”的镇（街道）。")
            views = [v for v in views if v.township_id == t.id]
    return views


def pairing_choices(ctx: ServiceContext, year: int) -> list[tuple[str, str]]:
    """(agreement number, "协议编号 社会组织 ↔ 对象（镇街）") of the pairings in term in ``year``."""
    with ctx.db.reading() as s:
        rows = s.scalars(select(Pairing).where(in_term(year)).order_by(Pairing.agreement_no).options(
            *(selectinload(rel) for rel in (Pairing.organization, Pairing.township, Pairing.village,
                                            Pairing.household, Pairing.institution))))
        return [(p.agreement_no, f"{p.agreement_no} {p.organization.name} ↔ {target_label(p)}（{_township_name(p)}）")
                for p in rows]


def overdue_rectifications(ctx: ServiceContext, today: date) -> list[OverdueRectification]:
    """Every open 整改 whose deadline has passed (the deadline day itself is not late), from the
    visits and from the 信息核对抽查, the longest overdue first."""
    found: list[OverdueRectification] = []
    with ctx.db.reading() as s:
        visits = s.scalars(select(InspectionVisit).options(*_LOAD).where(
            InspectionVisit.rectify_by < today, InspectionVisit.rectified_on.is_(None),
            InspectionVisit.rectification != ""))
        for v in visits:
            view, due = _view(v), v.rectify_by
            assert due is not None  # selected on it
            where = (f"{view.township}·{view.agreement_no} {view.organization}" if view.pairing_id else view.township)
            found.append(OverdueRectification("visit", view.kind_label, v.id, view.township, where, view.rectification,
                                              v.visited_on, due, (today - due).days))
        # A spot check has no column saying its 整改 is done: its 跟进情况 (follow_up) is where the
        # reviewer writes what became of it, so a non-empty follow_up counts as done.
        checks = s.scalars(select(SpotCheck).where(SpotCheck.rectify_by < today, SpotCheck.rectification != "",
                                                   func.coalesce(func.trim(SpotCheck.follow_up), "") == "")
                           .options(selectinload(SpotCheck.pairing).selectinload(Pairing.organization),
                                    selectinload(SpotCheck.pairing).selectinload(Pairing.township)))
        for c in checks:
            p, deadline = c.pairing, c.rectify_by
            assert deadline is not None  # selected on it
            town = _township_name(p)
            found.append(OverdueRectification("spot_check", f"第 {c.sample_id} 号抽查", c.id, town,
                                              f"{town}·{p.agreement_no} {p.organization.name}", c.rectification,
                                              c.checked_on, deadline, (today - deadline).days))
    found.sort(key=lambda o: (-o.days_overdue, o.where, o.id))
    return found
