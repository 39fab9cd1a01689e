"""年终评估: a reviewer grades each pairing's year against its 考核标准; a campaign's progress.

Seed 004 (晋政民〔2020〕28号) asks for 季度汇总、半年通报、年终评估 and gives organizations with
marked results (帮扶成效显著) bonus points in 社会组织等级评估: ``campaign_view`` lists the
pairings graded 优秀 as the organizations to commend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import EvaluationGrade
from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.domain.periods import Period
from fupin_desktop.domain.text import clean_text, match_key
from fupin_desktop.errors import KnownError, NotFound
from fupin_desktop.services import summaries
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.pairings import target_label
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.year_data import MET_GRADES, grade_counts, in_term
from fupin_desktop.store import audit
from fupin_desktop.store.models import Campaign, Pairing
from fupin_desktop.store.models_annual import Evaluation

MAX_REMARKS = 2000


class BadGrade(KnownError):
    pass


@dataclass(frozen=True)
class EvaluationView:
    id: int
    pairing_id: int
    agreement_no: str
    organization: str
    township: str
    target: str  # masked for households
    campaign: str
    year: int
    grade: str
    grade_label: str
    remarks: str
    evaluated_at: datetime
    evaluated_by: str


@dataclass(frozen=True)
class CampaignProgress:
    campaign_id: int
    name: str
    year: int
    target_organizations: int | None
    target_villages: int | None
    organizations: int  # paired in term that year
    villages: int
    pairings: int
    households: int
    institutions: int
    pairings_without_projects: list[str]  # agreement numbers: each pairing should carry 1–2 projects
    budget_fen: int
    figures: dict[str, int]  # approved monthly totals of the year
    evaluated: int
    not_evaluated: int
    grades: dict[str, int]  # 优秀/良好/合格/不合格 → count
    met: int  # graded 合格 or better
    commended: list[dict[str, str]] = field(default_factory=list)  # graded 优秀: organization, agreement_no, target

    @property
    def organizations_done(self) -> bool:
        return self.target_organizations is not None and self.organizations >= self.target_organizations

    @property
    def villages_done(self) -> bool:
        return self.target_villages is not None and self.villages >= self.target_villages


def _grade(text: str) -> EvaluationGrade:
    found = EvaluationGrade.from_text(clean_text(text))
    if found is None:
        raise BadGrade(f"评估等次“{text}”无效，应为：{'、'.join(g.label for g in EvaluationGrade)}。")
    return EvaluationGrade(found.value)


def _find_pairing(s: Session, ref: int | str) -> Pairing:
    if isinstance(ref, int):
        found = s.get(Pairing, ref)
    else:
        found = s.scalar(select(Pairing).where(func.upper(Pairing.agreement_no) == clean_text(ref).upper()))
    if found is None:
        raise NotFound(f"找不到协议编号为“{ref}”的结对。")
    return found


def _view(e: Evaluation) -> EvaluationView:
    p = e.pairing
    grade = EvaluationGrade(e.grade)
    return EvaluationView(e.id, p.id, p.agreement_no, p.organization.name, p.township.name, target_label(p),
                          p.campaign.name if p.campaign else "", e.year, e.grade, grade.label, e.remarks or "",
                          e.evaluated_at, e.evaluated_by)


def evaluate(ctx: ServiceContext, pairing: int | str, year: int, grade: str, remarks: str = "") -> EvaluationView:
    """Record (or change) the pairing's 年终评估 of ``year``: reviewer only; audited."""
    ctx.require(Permission.EVALUATE)
    parsed = _grade(grade)
    remarks = clean_text(remarks)
    if len(remarks) > MAX_REMARKS:
        raise KnownError(f"评估意见最多 {MAX_REMARKS} 字，现为 {len(remarks)} 字。")
    bounds = Period.annual(year)  # refuses years out of range
    with ctx.db.transaction() as s:
        p = _find_pairing(s, pairing)
        if p.term_start > bounds.last_day or p.term_end < bounds.first_day:
            raise KnownError(f"结对 {p.agreement_no} 的协议期限为 {p.term_start} 至 {p.term_end}，"
                             f"不含 {year} 年，不能做该年度的年终评估。")
        e = s.scalar(select(Evaluation).where(Evaluation.pairing_id == p.id, Evaluation.year == year))
        before = {"grade": e.grade, "remarks": e.remarks or ""} if e else {}
        if e is None:
            e = Evaluation(pairing_id=p.id, year=year)
            s.add(e)
        e.grade, e.remarks = parsed.value, remarks or None
        e.evaluated_at, e.evaluated_by = clock.now().replace(microsecond=0), ctx.user.username
        s.flush()
        after = {"grade": e.grade, "remarks": e.remarks or ""}
        if before != after:
            audit.append(s, username=ctx.user.username, action="update" if before else "create", entity="evaluation",
                         entity_id=e.id, summary=f"{year} 年度年终评估：{p.agreement_no} {p.organization.name} "
                                                 f"评为{parsed.label}" + ("（修改）" if before else ""),
                         before=before or None, after=after)
        s.refresh(e)
        return _view(e)


def _loaded():  # type: ignore[no-untyped-def]
    return select(Evaluation).options(
        selectinload(Evaluation.pairing).selectinload(Pairing.organization),
        selectinload(Evaluation.pairing).selectinload(Pairing.township),
        selectinload(Evaluation.pairing).selectinload(Pairing.village),
        selectinload(Evaluation.pairing).selectinload(Pairing.household),
        selectinload(Evaluation.pairing).selectinload(Pairing.institution),
        selectinload(Evaluation.pairing).selectinload(Pairing.campaign))


def list_evaluations(ctx: ServiceContext, year: int) -> list[EvaluationView]:
    with ctx.db.reading() as s:
        rows = s.scalars(_loaded().join(Pairing, Pairing.id == Evaluation.pairing_id)
                         .where(Evaluation.year == year).order_by(Pairing.agreement_no))
        return [_view(e) for e in rows]


def _find_campaign(s: Session, ref: int | str) -> Campaign:
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        found = s.get(Campaign, int(ref))
        if found is not None:
            return found
    key = match_key(str(ref))
    matches = [c for c in s.scalars(select(Campaign)) if match_key(c.name) == key]
    if not matches:
        names = "、".join(s.scalars(select(Campaign.name).order_by(Campaign.name)))
        raise NotFound(f"没有名为“{ref}”的专项行动；现有：{names or '无'}。")
    return matches[0]


def campaign_view(ctx: ServiceContext, campaign: int | str, year: int) -> CampaignProgress:
    """The campaign's pairings in term during ``year`` against its targets, with the year's evaluations."""
    period = Period.annual(year)
    with ctx.db.reading() as s:
        c = _find_campaign(s, campaign)
        pairings = list(s.scalars(
            select(Pairing).where(Pairing.campaign_id == c.id, in_term(year)).order_by(Pairing.agreement_no)
            .options(selectinload(Pairing.projects), selectinload(Pairing.organization),
                     selectinload(Pairing.village), selectinload(Pairing.household),
                     selectinload(Pairing.institution))))
        evaluations = {e.pairing_id: {"grade": e.grade} for e in s.scalars(select(Evaluation).where(
            Evaluation.year == year, Evaluation.pairing_id.in_([p.id for p in pairings])))}
        commended = [{"organization": p.organization.name, "agreement_no": p.agreement_no, "target": target_label(p)}
                     for p in pairings if evaluations.get(p.id, {}).get("grade") == EvaluationGrade.EXCELLENT.value]
        progress = CampaignProgress(
            c.id, c.name, year, c.target_organizations, c.target_villages,
            organizations=len({p.organization_id for p in pairings}),
            villages=len({p.village_id for p in pairings if p.target_kind == "village"}),
            pairings=len(pairings), households=sum(1 for p in pairings if p.target_kind == "household"),
            institutions=sum(1 for p in pairings if p.target_kind == "institution"),
            pairings_without_projects=[p.agreement_no for p in pairings if not p.projects],
            budget_fen=sum(x.budget_fen for p in pairings for x in p.projects),
            figures=dict.fromkeys(FIGURES, 0), evaluated=len(evaluations),
            not_evaluated=len(pairings) - len(evaluations), grades=grade_counts(evaluations),
            met=sum(1 for e in evaluations.values() if e["grade"] in MET_GRADES), commended=commended)
    row = next((r for r in summaries.summarize(ctx, period, "campaign").rows if r.key == str(c.id)), None)
    if row is not None:
        progress.figures.update(row.figures)
    return progress
