"""查处 lists (issue 14, notice 003): organizations the bureau should look into, with the evidence.

Four lists per year, each row an organization with its reason, and each can be marked handled
with a note (``EnforcementMark``, one per list, organization and year, audited). The rules, as
implemented (seed files in ``../shared/seeds/``):

``fundraising_without_qualification`` 无公开募捐资格却向社会募集
    Seed 003 (国开发〔2017〕12号, 003_f4a1ddde4adef9e5.txt l. 63, also 001 l. 59): "对没有公开募捐
    资格……擅自开展在线扶贫募捐的，要严肃予以查处"; 002 l. 47: "违规擅自开展公开募捐活动".
    **The program records no field that says where money came from**: a monthly row has 投入资金
    and 物资折款 but not their source, and 帮扶方式 (``AidMethod``) has no 募捐. The signal used is
    the text the program does keep: an organization whose register entry does not say it holds
    公开募捐资格 (``public_fundraising`` False or not filled in — 公募资格审定 is the bureau's own
    act, 003 l. 57, so "not recorded" counts as "not granted") and
    (a) one of its pairings' rows in an approved monthly report of the year (newest approved
        revision of each township-month, as ``services.summaries``) whose 具体帮扶内容 or 进展情况
        names fundraising from the public (``FUNDRAISING_WORDS``), or
    (b) one of its pairings in term that year whose 合作项目 (name, 目标指标) or 帮扶承诺 does.
    "定向募捐" (allowed without the qualification) and words with 未/不/无/没有/禁止/严禁 up to four
    characters before them in the same clause ("未开展募捐") are not counted. The money shown is
    the 投入资金 and 物资折款 of the rows found, in 元 (exact, from fen). A text match is a lead to
    look into (a partner with the qualification may have raised the money), not a finding.

``no_activity`` 全年未参与扶贫活动
    Seed 003 l. 41: "每年至少面向贫困地区开展一次扶贫活动". An organization whose status is 正常
    (active), entered in the register by the end of the year (its audit "create" record; none
    found: before), with no pairing whose term overlaps the year (the participation rule of
    ``services.inspections``) and no row in an approved monthly report of the year. For the
    current year the list is "so far" (up to today).

``deregistered_in_active_pairing`` 已注销或年检不合格仍在结对期内
    No seed says 注销 or 不合格; the rule rests on 003 l. 57 (民政部门要做好社会组织依法登记、年检年报……
    监督) and l. 63 ("对未经登记、擅自以社会组织名义进行扶贫开发的非法社会组织，要坚决予以取缔").
    Since a date D: the organization's status is 已注销 (D: the audit record that set it; unknown:
    before the year), or its annual inspection of 年度 Y−1 or Y concluded 不合格 (D: the day the
    materials were received, else 1 January after that 年度). Listed for year Y when D is within
    or before Y and a pairing still 执行中 starts by 31 December Y and ends on or after D (and
    on or after 1 January Y).

``failed_verification`` 抽查核实不属实
    Seed 003 l. 53: "建立健全社会组织参与脱贫攻坚信息核对和抽查机制，确保“真扶贫”、“扶真贫”", l. 63
    "弄虚作假的行为进行公开曝光批评". A spot check of a sample drawn for year Y found a pairing's
    figures not true (``SpotCheck.truthful`` is False); the reason names the agreement, the
    method, the date, what was found and the 整改 asked.

A case marked handled stays on its list after the rule no longer finds it (``Case.listed`` False),
so the year's record of what was done is kept. Marking needs ``PERMISSION``; reading does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import InspectionResult, LabeledEnum
from fupin_desktop.domain.periods import Period
from fupin_desktop.domain.text import clean_text
from fupin_desktop.errors import FieldProblem, KnownError, NotFound, ValidationFailed, os_error_message
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.inspections import MIN_YEAR
from fupin_desktop.services.pairings import find_organization, township_label
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.settings import bureau
from fupin_desktop.services.summaries import latest_approved
from fupin_desktop.store import audit
from fupin_desktop.store.models import AuditRecord, Organization, Pairing
from fupin_desktop.store.models_annual import Inspection
from fupin_desktop.store.models_monthly import MonthlyRow
from fupin_desktop.store.models_supervision import EnforcementMark, SpotCheck, SpotCheckSample

_ENTITY = "enforcement_mark"
# Marking a case handled is the registration authority's supervision, like 年检年报 (003 l. 57).
PERMISSION = Permission.EDIT_INSPECTIONS

# Text that says money or goods were collected from the public (rule 1 in the module docstring).
FUNDRAISING_WORDS = ("公开募捐", "公开募集", "网络募捐", "募捐", "募款", "募集善款", "募集资金", "募集物资",
                     "筹款", "筹集善款", "众筹", "义卖", "水滴筹", "轻松筹", "99公益日", "腾讯公益")
_FUNDRAISING = re.compile("|".join(sorted(map(re.escape, FUNDRAISING_WORDS), key=len, reverse=True)))
_LAWFUL = re.compile("定向募捐")  # 慈善法 第二十八条: no qualification needed
_NEGATED = re.compile("未|不|无|没有|禁止|严禁")  # in the same clause, up to four characters before
_CLAUSE_END = re.compile(r"[，。；：！？、,.;:!?]")
_QUOTE = 18  # characters quoted either side of a match


class EnforcementKind(LabeledEnum):
    FUNDRAISING = "fundraising_without_qualification", "无公开募捐资格却向社会募集", "无资格募捐", "募捐"
    NO_ACTIVITY = "no_activity", "全年未参与扶贫活动", "无活动", "未参与"
    DEREGISTERED = "deregistered_in_active_pairing", "已注销或年检不合格仍在结对期内", "注销", "不合格"
    FAILED_VERIFICATION = "failed_verification", "抽查核实不属实", "抽查不属实", "不属实"


# Sheet names (≤ 31 characters) and the seed each list rests on, quoted in the export.
SHEETS = {EnforcementKind.FUNDRAISING: "无资格募捐", EnforcementKind.NO_ACTIVITY: "全年无活动",
          EnforcementKind.DEREGISTERED: "注销或不合格仍结对", EnforcementKind.FAILED_VERIFICATION: "抽查不属实"}
BASIS = {
    EnforcementKind.FUNDRAISING: "国开发〔2017〕12号：对没有公开募捐资格或未获得互联网公开募捐信息平台指定，"
                                 "擅自开展在线扶贫募捐的，要严肃予以查处。",
    EnforcementKind.NO_ACTIVITY: "国开发〔2017〕12号：每年至少面向贫困地区开展一次扶贫活动。",
    EnforcementKind.DEREGISTERED: "国开发〔2017〕12号：民政部门要做好社会组织依法登记、年检年报……监督等工作；"
                                  "对未经登记、擅自以社会组织名义进行扶贫开发的非法社会组织，要坚决予以取缔。",
    EnforcementKind.FAILED_VERIFICATION: "国开发〔2017〕12号：建立健全社会组织参与脱贫攻坚信息核对和抽查机制，"
                                         "确保“真扶贫”、“扶真贫”。",
}


@dataclass(frozen=True)
class Case:
    kind: str
    kind_label: str
    year: int
    organization_id: int
    organization: str
    credit_code: str
    status_label: str
    reason: str  # the evidence in one Chinese text: which agreement, which month, how much
    evidence: list[str]
    amount_fen: int  # money the evidence names (fundraising: 投入资金 + 物资折款 of the rows found)
    listed: bool  # False: marked handled earlier, no longer found by the rule
    handled: bool
    note: str = ""
    handled_by: str = ""
    handled_at: datetime | None = None

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount_fen)


@dataclass
class _Hit:
    evidence: list[str] = field(default_factory=list)
    amount_fen: int = 0


def yuan(fen: int) -> str:
    """An amount in fen as 元 with two decimals and thousands separators, exactly: 1234567 → "12,345.67"."""
    sign, fen = ("-" if fen < 0 else ""), abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def _d(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def kind_of(value: EnforcementKind | str) -> EnforcementKind:
    found = value if isinstance(value, EnforcementKind) else EnforcementKind.from_text(clean_text(str(value)))
    if not isinstance(found, EnforcementKind):
        names = "；".join(f"{k.value}（{k.label}）" for k in EnforcementKind)
        raise ValidationFailed([FieldProblem("kind", "名单", f"应为以下之一：{names}，而不是“{value}”")],
                               "名单类别不对。")
    return found


def _check_year(year: int) -> None:
    today = clock.today()
    if not MIN_YEAR <= year <= today.year:
        raise ValidationFailed([FieldProblem("year", "年度", f"应在 {MIN_YEAR}–{today.year} 之间，现为 {year}")],
                               "年度不对。")


def _bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _term(p: Pairing) -> str:
    return f"协议期 {p.term_start:%Y.%m.%d}—{p.term_end:%Y.%m.%d}"


def _quote(text: str, start: int, end: int) -> str:
    left, right = max(0, start - _QUOTE), min(len(text), end + _QUOTE)
    return f"“{'……' if left else ''}{text[left:right]}{'……' if right < len(text) else ''}”"


def fundraising_mention(text: str | None) -> str | None:
    """The quoted passage of ``text`` that names fundraising from the public, or None."""
    text = clean_text(text)
    masked = _LAWFUL.sub(lambda m: "＿" * len(m.group()), text)
    for m in _FUNDRAISING.finditer(masked):
        before = _CLAUSE_END.split(masked[max(0, m.start() - 4):m.start()])[-1]
        if not _NEGATED.search(before):
            return _quote(text, m.start(), m.end())
    return None


def _find_org(s: Session, ref: int | str) -> Organization:
    if isinstance(ref, int):
        org = s.get(Organization, ref)
        if org is None:
            raise NotFound("找不到这个社会组织，可能已被删除。")
        return org
    found = find_organization(s, clean_text(ref))
    if not found:
        raise NotFound(f"名册里没有“{ref}”，请核对统一社会信用代码或名称。")
    if len(found) > 1:
        raise KnownError(f"“{ref}”有 {len(found)} 个同名组织，请改用统一社会信用代码。")
    return found[0]


def _approved_rows(s: Session, year: int) -> list[tuple[str, MonthlyRow]]:
    """(month, row) of the newest approved revision of each township-month of ``year``."""
    months = Period.annual(year).months()
    latest = latest_approved(months[0], months[-1])
    stmt = (select(latest.c.period, MonthlyRow)
            .join(MonthlyRow, MonthlyRow.report_id == latest.c.report_id)
            .options(selectinload(MonthlyRow.pairing).selectinload(Pairing.township))
            .order_by(latest.c.period, MonthlyRow.pairing_id))
    return [(period, row) for period, row in s.execute(stmt)]


def _pairings_overlapping(s: Session, first: date, last: date) -> list[Pairing]:
    return list(s.scalars(select(Pairing).options(selectinload(Pairing.projects), selectinload(Pairing.township))
                          .where(Pairing.term_start <= last, Pairing.term_end >= first)
                          .order_by(Pairing.agreement_no)))


def _find_fundraising(ctx: ServiceContext, s: Session, year: int) -> dict[int, _Hit]:
    # Seed 003_f4a1ddde4adef9e5.txt l. 63 (also 001 l. 59, 002 l. 47): 没有公开募捐资格……擅自开展在线扶贫募捐的，
    # 要严肃予以查处. No field records where money came from: the texts are the signal (module docstring).
    spec, pairing_spec = ctx.forms["monthly"], ctx.forms["pairing"]
    qualified = set(s.scalars(select(Organization.id).where(Organization.public_fundraising.is_(True))))
    hits: dict[int, _Hit] = {}
    for period, row in _approved_rows(s, year):
        p = row.pairing
        if p.organization_id in qualified:
            continue
        for name in ("content", "progress"):
            quoted = fundraising_mention(getattr(row, name))
            if quoted is None:
                continue
            hit = hits.setdefault(p.organization_id, _Hit())
            hit.amount_fen += row.funds_fen + row.materials_fen
            hit.evidence.append(f"{Period.parse(period).label_zh}月报（已审核，{township_label(p)}，协议 {p.agreement_no}）"
                                f"「{spec.field(name).label}」写明{quoted}，当月投入资金 {yuan(row.funds_fen)} 元、"
                                f"物资折款 {yuan(row.materials_fen)} 元")
            break
    for p in _pairings_overlapping(s, *_bounds(year)):
        if p.organization_id in qualified:
            continue
        places = [(f"合作项目「{x.name}」", text) for x in p.projects for text in (x.name, x.indicators)]
        places.append((f"「{pairing_spec.field('commitments').label}」", p.commitments))
        for where, text in places:
            quoted = fundraising_mention(text)
            if quoted is not None:
                hits.setdefault(p.organization_id, _Hit()).evidence.append(
                    f"结对协议 {p.agreement_no}（{township_label(p)}，{_term(p)}）{where}写明{quoted}")
                break
    for org_id, hit in hits.items():
        if hit.amount_fen:
            hit.evidence.append(f"以上月报投入资金与物资折款合计 {yuan(hit.amount_fen)} 元")
        org = s.get(Organization, org_id)
        held = "未登记" if org is None or org.public_fundraising is None else "无"
        hit.evidence.insert(0, f"名册中公开募捐资格：{held}")
    return hits


def _created_on(s: Session, org_ids: Iterable[int]) -> dict[int, date]:
    ids = [str(i) for i in org_ids]
    rows = s.execute(select(AuditRecord.entity_id, func.min(AuditRecord.at)).where(
        AuditRecord.entity == "organization", AuditRecord.action == "create", AuditRecord.entity_id.in_(ids))
        .group_by(AuditRecord.entity_id))
    return {int(entity_id): at.date() for entity_id, at in rows}


def _find_no_activity(ctx: ServiceContext, s: Session, year: int) -> dict[int, _Hit]:
    # Seed 003_f4a1ddde4adef9e5.txt l. 41: 每年至少面向贫困地区开展一次扶贫活动.
    first, last = _bounds(year)
    today = clock.today()
    active = list(s.scalars(select(Organization).where(Organization.status == "active")))
    created = _created_on(s, (o.id for o in active))
    busy = {p.organization_id for p in _pairings_overlapping(s, first, last)}
    busy |= {row.pairing.organization_id for _, row in _approved_rows(s, year)}
    latest: dict[int, Pairing] = {}
    for p in s.scalars(select(Pairing).where(Pairing.term_end < first).order_by(Pairing.term_end)):
        latest[p.organization_id] = p
    until = f"截至 {_d(today)}，" if last > today else ""
    hits = {}
    for org in active:
        entered = created.get(org.id)
        if org.id in busy or (entered is not None and entered > last):
            continue
        before = latest.get(org.id)
        evidence = [f"{until}{year} 年没有在期的结对帮扶协议，也没有已审核月报中的帮扶数据",
                    f"最近一份结对协议 {before.agreement_no} 已于 {_d(before.term_end)} 到期" if before
                    else "名册中没有该组织的结对帮扶协议"]
        if entered is not None and entered >= first:
            evidence.append(f"{_d(entered)}录入名册")
        hits[org.id] = _Hit(evidence)
    return hits


def _deregistered_on(s: Session, org_ids: list[int]) -> dict[int, date]:
    """When each organization was last recorded as 已注销 in the audit log (none: not known)."""
    found: dict[int, date] = {}
    for entity_id, at, after in s.execute(select(AuditRecord.entity_id, AuditRecord.at, AuditRecord.after).where(
            AuditRecord.entity == "organization", AuditRecord.entity_id.in_([str(i) for i in org_ids]))
            .order_by(AuditRecord.seq)):
        if isinstance(after, dict) and after.get("status") == "deregistered":
            found[int(entity_id)] = at.date()
    return found


def _find_deregistered(ctx: ServiceContext, s: Session, year: int) -> dict[int, _Hit]:
    # No seed names 注销 or 不合格: 003_f4a1ddde4adef9e5.txt l. 57 (依法登记、年检年报……监督) and l. 63
    # (未经登记、擅自以社会组织名义进行扶贫开发的……要坚决予以取缔).
    first, last = _bounds(year)
    since: dict[int, list[tuple[date, str]]] = {}  # organization → (date the fault counts from, what)
    gone = list(s.scalars(select(Organization.id).where(Organization.status == "deregistered")))
    dates = _deregistered_on(s, gone)
    for org_id in gone:
        day = dates.get(org_id)
        since.setdefault(org_id, []).append(
            (day or first, f"名册记为已注销（{_d(day) + '登记注销' if day else '注销日期不详'}）"))
    for insp in s.scalars(select(Inspection).where(Inspection.year.in_((year - 1, year)),
                                                   Inspection.result == InspectionResult.UNQUALIFIED.value)
                          .order_by(Inspection.year)):
        day = insp.received_on or date(insp.year + 1, 1, 1)
        received = f"，材料收到 {_d(insp.received_on)}" if insp.received_on else ""
        since.setdefault(insp.organization_id, []).append((day, f"{insp.year} 年度年检结论：不合格{received}"))
    hits: dict[int, _Hit] = {}
    pairings = [p for p in _pairings_overlapping(s, first, last) if p.status == "active" and p.organization_id in since]
    for org_id, faults in since.items():
        for day, what in faults:
            if day > last:
                continue
            running = [p for p in pairings if p.organization_id == org_id and p.term_end >= day]
            if running:
                hit = hits.setdefault(org_id, _Hit())
                hit.evidence.append(what + "；仍在期的结对协议：" + "、".join(
                    f"{p.agreement_no}（{township_label(p)}，{_term(p)}，执行中）" for p in running))
    return hits


def _find_failed(ctx: ServiceContext, s: Session, year: int) -> dict[int, _Hit]:
    # Seed 003_f4a1ddde4adef9e5.txt l. 53: 信息核对和抽查机制，确保“真扶贫”、“扶真贫”; l. 63: 弄虚作假……公开曝光批评.
    hits: dict[int, _Hit] = {}
    checks = s.scalars(select(SpotCheck).join(SpotCheckSample).options(
        selectinload(SpotCheck.pairing).selectinload(Pairing.township))
        .where(SpotCheckSample.year == year, SpotCheck.truthful.is_(False)).order_by(SpotCheck.checked_on, SpotCheck.id))
    for c in checks:
        p = c.pairing
        when = _d(c.checked_on) if c.checked_on else "日期未填"
        parts = [f"抽查结对协议 {p.agreement_no}（{township_label(p)}）：{c.method or ''}核实（{when}），结论不属实"]
        if clean_text(c.findings):
            parts.append(f"发现：{clean_text(c.findings)}")
        if clean_text(c.rectification):
            by = f"，限 {_d(c.rectify_by)} 前" if c.rectify_by else ""
            parts.append(f"整改要求：{clean_text(c.rectification)}{by}")
        if clean_text(c.follow_up):
            parts.append(f"跟进：{clean_text(c.follow_up)}")
        hits.setdefault(p.organization_id, _Hit()).evidence.append("；".join(parts))
    return hits


_FINDERS: dict[EnforcementKind, Callable[[ServiceContext, Session, int], dict[int, _Hit]]] = {
    EnforcementKind.FUNDRAISING: _find_fundraising, EnforcementKind.NO_ACTIVITY: _find_no_activity,
    EnforcementKind.DEREGISTERED: _find_deregistered, EnforcementKind.FAILED_VERIFICATION: _find_failed,
}


def _status_label(ctx: ServiceContext, org: Organization) -> str:
    return str(ctx.forms["organization"].field("status").display(org.status))


def _cases(ctx: ServiceContext, s: Session, kind: EnforcementKind, year: int) -> list[Case]:
    hits = _FINDERS[kind](ctx, s, year)
    marks = {m.organization_id: m for m in s.scalars(select(EnforcementMark).where(
        EnforcementMark.kind == kind.value, EnforcementMark.year == year))}
    ids = set(hits) | set(marks)
    orgs = {o.id: o for o in s.scalars(select(Organization).where(Organization.id.in_(ids)))} if ids else {}
    out = []
    for org_id in ids:
        org, hit, mark = orgs[org_id], hits.get(org_id), marks.get(org_id)
        evidence = hit.evidence if hit else ["按目前的数据已不再符合本项情形（标记处理时在名单中）"]
        out.append(Case(kind.value, kind.label, year, org.id, org.name, org.credit_code, _status_label(ctx, org),
                        "；".join(evidence), list(evidence), hit.amount_fen if hit else 0, hit is not None,
                        mark is not None, mark.note if mark else "", mark.handled_by if mark else "",
                        mark.handled_at if mark else None))
    order = {o.id: o.search_key.partition(" ")[2] for o in orgs.values()}
    out.sort(key=lambda c: (not c.listed, order[c.organization_id], c.organization))
    return out


def cases(ctx: ServiceContext, kind: EnforcementKind | str, year: int) -> list[Case]:
    """One 查处 list of ``year``: found cases first (by pinyin), then handled ones no longer found."""
    kind_, _ = kind_of(kind), _check_year(year)
    with ctx.db.reading() as s:
        return _cases(ctx, s, kind_, year)


def all_cases(ctx: ServiceContext, year: int) -> dict[EnforcementKind, list[Case]]:
    """Every list of ``year``, in the order of ``EnforcementKind``, from one reading."""
    _check_year(year)
    with ctx.db.reading() as s:
        return {k: _cases(ctx, s, k, year) for k in EnforcementKind}


def _mark_snapshot(m: EnforcementMark) -> dict[str, Any]:
    return {"note": m.note, "handled_by": m.handled_by, "handled_at": m.handled_at}


def mark_handled(ctx: ServiceContext, kind: EnforcementKind | str, org: int | str, year: int, note: str) -> Case:
    """Mark an organization's case handled, with what was done; marking again replaces the note.

    ``org``: id, 统一社会信用代码 or exact name. A first mark needs the organization on the list.
    """
    ctx.require(PERMISSION)
    kind_ = kind_of(kind)
    _check_year(year)
    text = clean_text(note)
    if not text:
        raise ValidationFailed([FieldProblem("note", "处理情况", "不能为空：请写明核查和处理的情况")], "未标记为已处理。")
    with ctx.db.transaction() as s:
        found = _find_org(s, org)
        mark = s.scalar(select(EnforcementMark).where(EnforcementMark.kind == kind_.value,
                                                      EnforcementMark.organization_id == found.id,
                                                      EnforcementMark.year == year))
        now = clock.now().replace(microsecond=0)
        if mark is None:
            if found.id not in _FINDERS[kind_](ctx, s, year):
                raise KnownError(f"“{found.name}”（{found.credit_code}）不在 {year} 年度“{kind_.label}”名单中，"
                                 "未标记。请核对名单类别、年度和统一社会信用代码。")
            mark = EnforcementMark(kind=kind_.value, organization_id=found.id, year=year, note=text,
                                   handled_at=now, handled_by=ctx.user.username)
            s.add(mark)
            s.flush()
            audit.append(s, username=ctx.user.username, action="create", entity=_ENTITY, entity_id=mark.id,
                         summary=f"{found.name} {year} 年度“{kind_.label}”标记为已处理",
                         after={"kind": kind_.value, "organization_id": found.id, "year": year,
                                **_mark_snapshot(mark)})
        elif mark.note != text:
            before = _mark_snapshot(mark)
            mark.note, mark.handled_at, mark.handled_by = text, now, ctx.user.username
            s.flush()
            audit.append(s, username=ctx.user.username, action="update", entity=_ENTITY, entity_id=mark.id,
                         summary=f"修改 {found.name} {year} 年度“{kind_.label}”的处理情况",
                         before=before, after=_mark_snapshot(mark))
        org_id = found.id
        return next(c for c in _cases(ctx, s, kind_, year) if c.organization_id == org_id)


# -- the workbook (laid out by documents/enforcement_workbook.py) ----------------------------

HEADERS = ["序号", "社会组织名称", "统一社会信用代码", "登记状态", "情形及依据", "是否已处理", "处理情况",
           "处理人", "处理时间"]
_MONEY_HEADER = "涉及资金及物资（元）"
# One A4 landscape page wide at 11 pt with 1 cm side margins (print_fit keeps it ≥ 9 pt otherwise).
_WIDTHS = [5, 24, 20, 7, 52, 7, 24, 8, 11]
_MONEY_WIDTH = 12


def headers_for(kind: EnforcementKind) -> list[str]:
    return HEADERS[:5] + [_MONEY_HEADER] + HEADERS[5:] if kind is EnforcementKind.FUNDRAISING else list(HEADERS)


def export_xlsx(ctx: ServiceContext, year: int, path: Path, kinds: Iterable[EnforcementKind | str] | None = None) -> Path:
    """All four lists of ``year`` (or ``kinds``) in one workbook, one sheet each: title, basis and
    counts, the header row (repeated on every printed page), the cases with their handling."""
    from fupin_desktop.documents.enforcement_workbook import ListSheet, write_lists

    wanted = [kind_of(k) for k in kinds] if kinds is not None else list(EnforcementKind)
    listed = all_cases(ctx, year)
    name, today = bureau(ctx.db).name, clock.today()
    sheets = []
    for kind in wanted:
        rows, money = listed[kind], kind is EnforcementKind.FUNDRAISING
        until = f"（截至{_d(today)}）" if year == today.year else ""
        values: list[list[Any]] = []
        for n, c in enumerate(rows, start=1):
            line: list[Any] = [n, c.organization, c.credit_code, c.status_label, c.reason]
            if money:
                line.append(c.amount_yuan)
            line += ["已处理" if c.handled else "未处理", c.note, c.handled_by,
                     f"{c.handled_at:%Y-%m-%d %H:%M}" if c.handled_at else ""]
            values.append(line)
        sheets.append(ListSheet(
            name=SHEETS[kind], title=f"{name}{year}年度查处线索：{kind.label}",
            note=f"依据：{BASIS[kind]}　共 {sum(c.listed for c in rows)} 个社会组织{until}，"
                 f"已处理 {sum(c.handled for c in rows)} 个　生成日期：{_d(today)}",
            headers=headers_for(kind),
            widths=_WIDTHS[:5] + [_MONEY_WIDTH] + _WIDTHS[5:] if money else list(_WIDTHS),
            rows=values, right_aligned={5} if money else set(), empty=f"{year} 年度没有发现此类情形。"))
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_lists(sheets, path)
    except OSError as exc:
        raise KnownError(f"无法写入「{path}」：{os_error_message(exc)}如果文件正在 Excel 或 WPS 中打开，请先关闭。") from exc
    return path
