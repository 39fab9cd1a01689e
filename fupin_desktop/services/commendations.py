"""表彰名单 (issue 14): the year's advanced units and individuals, the 典型案例, and the
organizations proposed for bonus points in 社会组织等级评估.

Seed 000 (年底前……采取适当的方式表扬先进单位和个人) and 003 (大力表彰在脱贫攻坚中做出突出
贡献的社会组织) ask for the 表彰; seed 004 (选定若干对有代表性的村社共建典型 …… 对帮扶成效显著的
社会组织，在社会组织等级评估机制时给予加分奖励) for the 典型 and the bonus points.

- The list: units (an organization of the register, or any unit by name) and individuals
  (name and 工作单位), each with its reason. Only the reviewer writes it (``EVALUATE``, the
  same hand as the 年终评估); every addition and removal is audited.
- ``propose``: the organizations whose pairings the year's 年终评估 graded 优秀 or chose as
  典型, with a reason drafted from the evaluation. Nothing is added by itself.
- The document: report kind ``commendation`` (表彰名单), sealed like the other reports through
  ``submissions.sealing`` (the reviewer's seal key, pyHanko): a cover letter and, as its
  附件, 「YYYY年度社会组织参与脱贫攻坚先进单位和先进个人名单」 (units, individuals, then the
  典型案例 texts) on portrait pages; the package's workbook holds the same list as one table.
  ``sealing_list`` also writes the signed PDF beside the package, to print and file.
- ``export_rating_bonus``: the workbook for the rating committee.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Generator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from fupin_desktop.documents.name_list import CaseText, NameList, NameSection
from fupin_desktop.documents.package import write_safely
from fupin_desktop.documents.report_table import ReportTable, TableColumn
from fupin_desktop.domain import clock
from fupin_desktop.domain.credit_code import normalize_credit_code, parse_credit_code
from fupin_desktop.domain.enums import EvaluationGrade, Rating
from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.periods import Period
from fupin_desktop.domain.text import clean_text, match_key
from fupin_desktop.errors import KnownError, NotFound, os_error_message
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.pairings import find_organization, target_label, township_label
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.register_import import Progress
from fupin_desktop.services.report_kinds import (
    SEED_004,
    ReportContent,
    ReportKind,
    _cover,
    _signature_lines,
    register,
)
from fupin_desktop.services.settings import bureau
from fupin_desktop.store import audit
from fupin_desktop.store.models import Organization, Pairing
from fupin_desktop.store.models_annual import Evaluation
from fupin_desktop.store.models_supervision import Commendation
from fupin_desktop.store.serial import serialize

PERMISSION = Permission.EVALUATE
REPORT, LABEL = "commendation", "表彰名单"
KINDS = {"unit": "先进单位", "individual": "先进个人"}
MAX_NAME, MAX_PERSON, MAX_REASON = 100, 30, 500
_EXCELLENT = EvaluationGrade.EXCELLENT.value


def list_title(year: int) -> str:
    return f"{year}年度社会组织参与脱贫攻坚先进单位和先进个人名单"


@dataclass(frozen=True)
class EntryView:
    id: int
    year: int
    kind: str  # unit | individual
    kind_label: str
    name: str
    unit: str  # an individual's 工作单位
    organization_id: int | None
    credit_code: str
    pairing_id: int | None
    agreement_no: str
    reason: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class ProposedPairing:
    pairing_id: int
    agreement_no: str
    target: str  # without personal data: a household pairing is “某村帮扶户”
    grade_label: str
    score: int | None
    typical: bool


@dataclass(frozen=True)
class Proposal:
    organization_id: int
    organization: str
    credit_code: str
    pairings: list[ProposedPairing]
    reason: str  # drafted from the evaluations, to be edited
    listed: bool  # already in the year's 表彰名单

    @property
    def pairing_id(self) -> int:
        return self.pairings[0].pairing_id


@dataclass(frozen=True)
class BonusRow:
    organization_id: int
    organization: str
    credit_code: str
    rating: str  # the organization's 等级 now, e.g. 3A（2019年）
    agreement_no: str
    target: str
    grade_label: str
    score: int | None
    typical: bool
    reason: str  # 年终评估优秀、入选典型案例
    remarks: str  # the evaluation's 评估意见
    listed: bool  # the organization is in the year's 表彰名单


# --- the list --------------------------------------------------------------------------------------------------


def _year(year: int) -> int:
    Period.annual(year)  # refuses years out of range, in Chinese
    return year


def _view(c: Commendation) -> EntryView:
    return EntryView(c.id, c.year, c.kind, KINDS.get(c.kind, c.kind), c.name, c.unit or "", c.organization_id,
                     c.organization.credit_code if c.organization else "", c.pairing_id,
                     c.pairing.agreement_no if c.pairing else "", c.reason or "", c.created_at, c.created_by)


def _entries(s: Session, year: int) -> list[Commendation]:
    rows = s.scalars(select(Commendation).where(Commendation.year == year)
                     .options(selectinload(Commendation.organization), selectinload(Commendation.pairing))
                     .order_by(Commendation.id))
    order = list(KINDS)
    return sorted(rows, key=lambda c: (order.index(c.kind) if c.kind in order else len(order), c.id))


def list_entries(ctx: ServiceContext, year: int) -> list[EntryView]:
    """The year's 表彰名单: units first, then individuals, each in the order added."""
    with ctx.db.reading() as s:
        return [_view(c) for c in _entries(s, _year(year))]


def _reason(text: str) -> str:
    reason = clean_text(text)
    if not reason:
        raise KnownError("请写明表彰理由（主要事迹），如“结对帮扶某某村，年终评估优秀”。")
    if len(reason) > MAX_REASON:
        raise KnownError(f"表彰理由最多 {MAX_REASON} 字，现为 {len(reason)} 字。")
    return reason


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


def _find_pairing(s: Session, ref: int | str) -> Pairing:
    if isinstance(ref, int):
        found = s.get(Pairing, ref)
    else:
        found = s.scalar(select(Pairing).where(func.upper(Pairing.agreement_no) == clean_text(ref).upper()))
    if found is None:
        raise NotFound(f"找不到协议编号为“{ref}”的结对。")
    return found


def _refuse_unknown_code(text: str) -> None:
    """A unit “name” that is a credit code must be one of the register's (a typed code is not a name)."""
    if not re.fullmatch(r"[0-9A-Za-z]{18}", normalize_credit_code(text)):
        return
    try:
        code = parse_credit_code(text)
    except CodeError as exc:
        raise KnownError(f"“{text}”不是有效的统一社会信用代码：{exc}") from None
    raise NotFound(f"名册里没有统一社会信用代码为 {code} 的社会组织。")


def _add(ctx: ServiceContext, s: Session, c: Commendation) -> EntryView:
    c.created_at, c.created_by = clock.now().replace(microsecond=0), ctx.user.username
    s.add(c)
    s.flush()
    who = c.name if c.kind == "unit" else f"{c.name}（{c.unit}）"
    audit.append(s, username=ctx.user.username, action="create", entity="commendation", entity_id=c.id,
                 summary=f"{c.year} 年度表彰名单：添加{KINDS[c.kind]} {who}",
                 after={"year": c.year, "kind": c.kind, "name": c.name, "unit": c.unit or "",
                        "organization_id": c.organization_id, "pairing_id": c.pairing_id, "reason": c.reason})
    s.refresh(c)
    return _view(c)


def add_unit(ctx: ServiceContext, year: int, name: str = "", reason: str = "", *,
             organization: int | str | None = None, pairing: int | str | None = None) -> EntryView:
    """A 先进单位: ``organization`` (id, credit code or name) from the register, or a unit ``name``
    (a name or credit code of the register is linked to that organization); ``pairing``: the
    agreement it is commended for (its organization when none is named)."""
    ctx.require(PERMISSION)
    _year(year)
    reason = _reason(reason)
    name = clean_text(name)
    with ctx.db.transaction() as s:
        p = _find_pairing(s, pairing) if pairing not in (None, "") else None
        org: Organization | None = None
        if organization not in (None, ""):
            org = _find_org(s, organization)
        elif name:
            found = find_organization(s, name)
            if len(found) > 1:
                raise KnownError(f"名册里有 {len(found)} 个名为“{name}”的社会组织，请改填统一社会信用代码。")
            if not found:
                _refuse_unknown_code(name)
            org = found[0] if found else None
        elif p is not None:
            org = p.organization
        else:
            raise KnownError("请写明先进单位的名称（名册里的社会组织可填名称或统一社会信用代码）。")
        if p is not None and org is not None and p.organization_id != org.id:
            raise KnownError(f"结对 {p.agreement_no} 是“{p.organization.name}”的，不是“{org.name}”的。")
        unit_name = org.name if org is not None else name
        if len(unit_name) > MAX_NAME:
            raise KnownError(f"单位名称最多 {MAX_NAME} 字，现为 {len(unit_name)} 字。")
        serialize(s, f"commendation:{year}")  # two PCs adding the same unit: one after the other
        for c in _entries(s, year):
            if c.kind == "unit" and ((org is not None and c.organization_id == org.id)
                                     or match_key(c.name) == match_key(unit_name)):
                raise KnownError(f"“{unit_name}”已在 {year} 年度表彰名单的先进单位中。")
        return _add(ctx, s, Commendation(year=year, kind="unit", name=unit_name, unit=None,
                                         organization_id=org.id if org else None,
                                         pairing_id=p.id if p else None, reason=reason))


def add_individual(ctx: ServiceContext, year: int, name: str, unit: str, reason: str) -> EntryView:
    """A 先进个人: name and 工作单位 (linked to the register's organization of that name, if any)."""
    ctx.require(PERMISSION)
    _year(year)
    name, unit = clean_text(name), clean_text(unit)
    if not name:
        raise KnownError("请写明先进个人的姓名。")
    if len(name) > MAX_PERSON:
        raise KnownError(f"姓名最多 {MAX_PERSON} 字，现为 {len(name)} 字。")
    if not unit:
        raise KnownError(f"请写明{name}的工作单位（如所在社会组织的名称）。")
    if len(unit) > MAX_NAME:
        raise KnownError(f"工作单位最多 {MAX_NAME} 字，现为 {len(unit)} 字。")
    reason = _reason(reason)
    with ctx.db.transaction() as s:
        found = find_organization(s, unit)
        org = found[0] if len(found) == 1 else None
        serialize(s, f"commendation:{year}")
        for c in _entries(s, year):
            if c.kind == "individual" and match_key(c.name) == match_key(name) \
                    and match_key(c.unit) == match_key(unit):
                raise KnownError(f"{name}（{unit}）已在 {year} 年度表彰名单的先进个人中。")
        return _add(ctx, s, Commendation(year=year, kind="individual", name=name, unit=org.name if org else unit,
                                         organization_id=org.id if org else None, pairing_id=None, reason=reason))


def remove(ctx: ServiceContext, entry_id: int, year: int | None = None) -> EntryView:
    """Take one entry off the list (audited with what it said); ``year``: refused unless it is that year's."""
    ctx.require(PERMISSION)
    with ctx.db.transaction() as s:
        c = s.get(Commendation, entry_id)
        if c is None:
            raise NotFound(f"找不到编号为 {entry_id} 的表彰名单记录，可能已被删除。")
        if year is not None and c.year != year:
            raise KnownError(f"编号 {entry_id} 是 {c.year} 年度表彰名单的记录，不是 {year} 年度的；未删除。")
        view = _view(c)
        who = c.name if c.kind == "unit" else f"{c.name}（{c.unit}）"
        audit.append(s, username=ctx.user.username, action="delete", entity="commendation", entity_id=c.id,
                     summary=f"{c.year} 年度表彰名单：删除{KINDS.get(c.kind, c.kind)} {who}",
                     before={"year": c.year, "kind": c.kind, "name": c.name, "unit": c.unit or "",
                             "organization_id": c.organization_id, "pairing_id": c.pairing_id, "reason": c.reason})
        s.delete(c)
        return view


# --- what the 年终评估 suggests ----------------------------------------------------------------------------------


def public_target(p: Pairing) -> str:
    """The pairing's target for a published list: township and village, a household as “某村帮扶户”."""
    if p.target_kind == "household":
        village = p.household.village.name if p.household is not None else ""
        return f"{township_label(p)}{village}帮扶户"
    where = township_label(p) if p.township is not None else ""
    return f"{where}{target_label(p)}"


def _marked(s: Session, year: int) -> list[Evaluation]:
    """The year's evaluations graded 优秀 or chosen as 典型, by organization and agreement."""
    rows = s.scalars(select(Evaluation).where(Evaluation.year == year,
                                              or_(Evaluation.grade == _EXCELLENT, Evaluation.typical.is_(True)))
                     .options(selectinload(Evaluation.pairing).selectinload(Pairing.organization),
                              selectinload(Evaluation.pairing).selectinload(Pairing.township),
                              selectinload(Evaluation.pairing).selectinload(Pairing.village),
                              selectinload(Evaluation.pairing).selectinload(Pairing.household),
                              selectinload(Evaluation.pairing).selectinload(Pairing.institution)))
    return sorted(rows, key=lambda e: (e.pairing.organization.name, e.pairing.agreement_no))


def _grade_text(e: Evaluation) -> str:
    label = EvaluationGrade(e.grade).label
    return f"{label}（{e.score}分）" if e.score is not None else label


def propose(ctx: ServiceContext, year: int) -> list[Proposal]:
    """The organizations the year's 年终评估 marks for the 表彰名单 (graded 优秀 or 典型), each
    with its pairings and a drafted reason; ``listed`` when already on the list. Adds nothing."""
    with ctx.db.reading() as s:
        listed = {c.organization_id for c in _entries(s, _year(year)) if c.kind == "unit" and c.organization_id}
        listed_names = {match_key(c.name) for c in _entries(s, year) if c.kind == "unit"}
        by_org: dict[int, list[Evaluation]] = {}
        for e in _marked(s, year):
            by_org.setdefault(e.pairing.organization_id, []).append(e)
        out = []
        for org_id, evaluations in by_org.items():
            org = evaluations[0].pairing.organization
            parts = [f"结对帮扶{public_target(e.pairing)}，{year}年度年终评估为{_grade_text(e)}"
                     + ("，入选典型案例" if e.typical else "") for e in evaluations]
            out.append(Proposal(org_id, org.name, org.credit_code,
                                [ProposedPairing(e.pairing_id, e.pairing.agreement_no, public_target(e.pairing),
                                                 EvaluationGrade(e.grade).label, e.score, bool(e.typical))
                                 for e in evaluations],
                                "；".join(parts) + "。",
                                org_id in listed or match_key(org.name) in listed_names))
        return out


def _rating(org: Organization) -> str:
    if not org.rating or org.rating == Rating.NONE.value:
        return "未评等级"
    label = Rating.from_text(org.rating)
    text = label.label if label is not None else org.rating
    return f"{text}（{org.rating_year}年）" if org.rating_year else text


def rating_bonus(ctx: ServiceContext, year: int) -> list[BonusRow]:
    """The pairings graded 优秀 or chosen as 典型 in ``year``: the organizations proposed for
    bonus points in 社会组织等级评估 (seed 004), one row per pairing."""
    with ctx.db.reading() as s:
        listed = {c.organization_id for c in _entries(s, _year(year)) if c.kind == "unit" and c.organization_id}
        out = []
        for e in _marked(s, year):
            p, org = e.pairing, e.pairing.organization
            reasons = ([f"{year}年度年终评估优秀"] if e.grade == _EXCELLENT else []) + (["入选典型案例"] if e.typical else [])
            out.append(BonusRow(org.id, org.name, org.credit_code, _rating(org), p.agreement_no, public_target(p),
                                EvaluationGrade(e.grade).label, e.score, bool(e.typical), "、".join(reasons),
                                e.remarks or "", org.id in listed))
        return out


RATING_HEADERS = ["序号", "社会组织", "统一社会信用代码", "现有等级", "结对协议", "结对对象", "评估等次", "得分",
                  "典型", "加分理由", "评估意见", "列入表彰名单"]
_RATING_WIDTHS = [5, 22, 20, 11, 13, 18, 8, 6, 6, 18, 22, 8]


def export_rating_bonus(ctx: ServiceContext, year: int, path: Path) -> Path:
    """The 等级评估加分 list as a print-ready workbook for the rating committee (A4 landscape,
    the header on every page): basis, counts and date above the rows."""
    from fupin_desktop.documents.enforcement_workbook import ListSheet, write_lists

    ctx.require(PERMISSION)
    rows = rating_bonus(ctx, year)
    b, today = bureau(ctx.db), clock.today()
    values = [[n, r.organization, r.credit_code, r.rating, r.agreement_no, r.target, r.grade_label,
               "" if r.score is None else r.score, "是" if r.typical else "", r.reason, r.remarks,
               "是" if r.listed else ""] for n, r in enumerate(rows, start=1)]
    note = (f"依据：{SEED_004}“对帮扶成效显著的社会组织，在社会组织等级评估机制时给予加分奖励”。{year} 年度年终评估为优秀"
            f"或选为典型的结对 {len(rows)} 对，涉及社会组织 {len({r.organization_id for r in rows})} 家。"
            f"生成日期：{today.year}年{today.month}月{today.day}日")
    sheet = ListSheet(name="等级评估加分", title=f"{b.name}{year}年度社会组织等级评估加分推荐名单", note=note,
                      headers=RATING_HEADERS, widths=list(_RATING_WIDTHS), rows=values, right_aligned={7},
                      empty=f"{year} 年度还没有评为优秀或选为典型的结对。")
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_lists([sheet], path)
    except OSError as exc:
        raise KnownError(os_error_message(exc)) from None
    return path


# --- the document --------------------------------------------------------------------------------------------


def _typical_cases(s: Session, year: int) -> list[Evaluation]:
    return [e for e in _marked(s, year) if e.typical and e.case_text]


def build_list(ctx: ServiceContext, period: Period, today: date) -> ReportContent:
    """The report kind ``commendation``: the letter and the 名单 of ``period``'s year."""
    year, b = period.year, bureau(ctx.db)
    with ctx.db.reading() as s:
        entries = [_view(c) for c in _entries(s, year)]
        cases = [(e.pairing.organization.name, e.pairing.agreement_no, public_target(e.pairing),
                  EvaluationGrade(e.grade).label, e.score, e.case_text or "") for e in _typical_cases(s, year)]
    units = [e for e in entries if e.kind == "unit"]
    people = [e for e in entries if e.kind == "individual"]
    if not entries:
        raise KnownError(f"{year} 年度表彰名单还是空的：请先添加先进单位或先进个人（可从年终评估结果推荐）。")
    title = list_title(year)
    numerals = "一二三"
    sections = [
        NameSection(f"{numerals[0]}、先进单位（{len(units)}个）", [("序号", 0.55), ("单位名称", 2.3), ("主要事迹", 3.6)],
                    [[str(n), e.name, e.reason] for n, e in enumerate(units, start=1)]),
        NameSection(f"{numerals[1]}、先进个人（{len(people)}名）",
                    [("序号", 0.55), ("姓名", 0.9), ("工作单位", 1.8), ("主要事迹", 3.2)],
                    [[str(n), e.name, e.unit, e.reason] for n, e in enumerate(people, start=1)]),
    ]
    chinese = "一二三四五六七八九十"
    case_texts = [CaseText(f"（{chinese[n] if n < len(chinese) else n + 1}）{org}结对帮扶{target}", text)
                  for n, (org, _no, target, _g, _sc, text) in enumerate(cases)]
    attachment = NameList(title, sections, f"{numerals[2]}、典型案例", case_texts)
    county = b.name.removesuffix("民政局")
    counts = f"先进单位 {len(units)} 个、先进个人 {len(people)} 名" + (f"，典型案例 {len(cases)} 个" if cases else "")
    text = (f"根据上级关于表扬社会组织参与脱贫攻坚先进单位和个人、推广典型经验的要求和{SEED_004}“建立激励机制”的规定，"
            f"经{year}年度年终评估，现将{county}{year}年度社会组织参与脱贫攻坚{counts}报告如下（名单见附件）。")
    table = ReportTable(
        title=title, unit_name=b.name, filled_on=today, period_label=period.label_zh,
        columns=[TableColumn("seq", "序号", weight=0.45), TableColumn("kind", "类别", weight=0.7),
                 TableColumn("name", "单位名称（姓名）", weight=1.6), TableColumn("unit", "工作单位", weight=1.4),
                 TableColumn("agreement_no", "结对协议", weight=0.9), TableColumn("reason", "主要事迹", weight=3.0)],
        rows=[{"seq": n, "kind": e.kind_label, "name": e.name, "unit": e.unit, "agreement_no": e.agreement_no,
               "reason": e.reason} for n, e in enumerate(entries, start=1)],
        totals=None, notes=[f"先进单位 {len(units)} 个，先进个人 {len(people)} 名；典型案例见 PDF 附件。"],
        **_signature_lines(ctx))
    data = {"year": year, "title": title,
            "units": [{"name": e.name, "credit_code": e.credit_code, "agreement_no": e.agreement_no, "reason": e.reason}
                      for e in units],
            "individuals": [{"name": e.name, "unit": e.unit, "reason": e.reason} for e in people],
            "cases": [{"organization": org, "agreement_no": no, "target": target, "grade": grade, "score": score,
                       "text": case_text} for org, no, target, grade, score, case_text in cases]}
    cover = _cover(ctx, f"{b.name}关于报送{title}的报告", [text, "特此报告。"], title, today)
    return ReportContent(REPORT, LABEL, period, cover, table, data, attachment=attachment)


@dataclass(frozen=True)
class Printed:
    submission_id: int
    version: int
    package: Path
    pdf: Path


def _pdf_name(ctx: ServiceContext, year: int, suffix: str) -> str:
    b = bureau(ctx.db)
    return f"{b.division_code}_{b.name}_{list_title(year)}_{suffix}.pdf"


def sealing_list(ctx: ServiceContext, year: int, out_dir: Path, passphrase: str, *, today: date | None = None
                 ) -> Generator[Progress, None, Printed]:
    """Seal the year's 表彰名单 as a submission (``submissions.sealing``: the reviewer's key, the
    seal on the letter, the package recorded and verified), then write the signed PDF beside
    the package to print and file. Sealing the same year again is a correction (next version)."""
    from fupin_desktop.services.submissions import sealing

    view, package = yield from sealing(ctx, REPORT, Period.annual(_year(year)), Path(out_dir), passphrase,
                                       today=today)
    with zipfile.ZipFile(io.BytesIO(package.read_bytes())) as zf:
        signed = zf.read("report.pdf")
    pdf = write_safely(Path(out_dir), _pdf_name(ctx, year, f"v{view.version}"), signed)
    return Printed(view.id, view.version, package, pdf)


def seal_list(ctx: ServiceContext, year: int, out_dir: Path, passphrase: str, *,
              today: date | None = None) -> Printed:
    from fupin_desktop.services.register_import import run_import as drain

    return drain(sealing_list(ctx, year, out_dir, passphrase, today=today))


def write_draft(ctx: ServiceContext, year: int, folder: Path, today: date | None = None) -> Path:
    """The unsealed PDF of the year's 表彰名单 (草稿: no 发文字号, no seal, no signature)."""
    from fupin_desktop.documents.gongwen import write_report_pdf

    ctx.require(PERMISSION)
    content = build_list(ctx, Period.annual(_year(year)), today or clock.today())
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            temp = Path(tmp) / "draft.pdf"
            write_report_pdf(temp, content.cover, content.table, attachment=content.attachment)
            return write_safely(folder, _pdf_name(ctx, year, "草稿"), temp.read_bytes())
    except OSError as exc:
        raise KnownError(os_error_message(exc)) from None


# After the year's reports in the registry (and so in the 报送 page's list of reports).
from fupin_desktop.services import year_reports  # noqa: E402,F401

register(ReportKind(REPORT, LABEL, "year", build_list))
