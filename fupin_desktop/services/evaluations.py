"""年终评估: a reviewer grades each pairing's year against its 考核标准; a campaign's progress.

Seed 004 (晋政民〔2020〕28号) asks for 季度汇总、半年通报、年终评估 and gives organizations with
marked results (帮扶成效显著) bonus points in 社会组织等级评估: ``campaign_view`` lists the
pairings graded 优秀 as the organizations to commend. An evaluation may carry a score (0–100
against the 考核标准), and a pairing graded 优秀 or 良好 may be chosen as a 典型 with its case
text (seed 004: 选定若干对有代表性的村社共建典型); ``services/commendations.py`` builds the
表彰名单 and the 等级评估加分 list from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import EvaluationGrade
from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.domain.periods import Period
from fupin_desktop.domain.text import clean_text, match_key
from fupin_desktop.errors import KnownError, NotFound
from fupin_desktop.services import summaries
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.pairings import target_label, township_label
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.year_data import MET_GRADES, grade_counts, in_term
from fupin_desktop.store import audit
from fupin_desktop.store.models import Campaign, Pairing, PairingCampaign
from fupin_desktop.store.models_annual import Evaluation

MAX_REMARKS = 2000
MIN_CASE_TEXT, MAX_CASE_TEXT = 20, 2000
MAX_SCORE = 100
TYPICAL_GRADES = (EvaluationGrade.EXCELLENT.value, EvaluationGrade.GOOD.value)  # 典型 only among these


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
    score: int | None = None  # 0–100 against the 考核标准; None: not scored
    typical: bool = False  # 选为典型
    case_text: str = ""  # the 典型案例, paragraphs separated by line breaks


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


def parse_score(score: int | str | None) -> int | None:
    """评估得分: an integer 0–100, or None (blank) for no score."""
    if score is None or (isinstance(score, str) and not clean_text(score)):
        return None
    if isinstance(score, bool):
        raise KnownError("评估得分应为 0–100 的整数。")
    text = clean_text(str(score))
    try:
        value = int(text)
    except ValueError:
        raise KnownError(f"评估得分“{score}”无效：应为 0–{MAX_SCORE} 的整数（不打分可留空）。") from None
    if not 0 <= value <= MAX_SCORE:
        raise KnownError(f"评估得分应在 0–{MAX_SCORE} 分之间（对照考核标准），现为 {value} 分。")
    return value


def clean_case_text(text: str | None) -> str:
    """A case text as typed, each paragraph cleaned, empty lines dropped."""
    return "\n".join(line for line in (clean_text(x) for x in (text or "").splitlines()) if line)


def case_length(text: str) -> int:
    """Characters of a case text, line breaks and spaces not counted."""
    return sum(1 for ch in text if not ch.isspace())


def _check_typical(grade: EvaluationGrade, typical: bool, case_text: str) -> None:
    if not typical:
        if case_text:
            raise KnownError("只有选为典型的结对才写典型案例：请同时选中“选为典型”（命令行加 --typical），或清空典型案例。")
        return
    if grade.value not in TYPICAL_GRADES:
        raise KnownError(f"评为{grade.label}的结对不能选为典型：典型应从年终评估为优秀或良好的结对中选定。")
    n = case_length(case_text)
    if n < MIN_CASE_TEXT:
        raise KnownError(f"选为典型需写典型案例（{MIN_CASE_TEXT}–{MAX_CASE_TEXT} 字，写明帮扶做法和成效），"
                         f"现为 {n} 字。")
    if n > MAX_CASE_TEXT:
        raise KnownError(f"典型案例最多 {MAX_CASE_TEXT} 字，现为 {n} 字。")


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
    return EvaluationView(e.id, p.id, p.agreement_no, p.organization.name, township_label(p), target_label(p),
                          p.campaign.name if p.campaign else "", e.year, e.grade, grade.label, e.remarks or "",
                          e.evaluated_at, e.evaluated_by, e.score, bool(e.typical), e.case_text or "")


def _state(e: Evaluation) -> dict[str, object]:
    """What the audit log keeps of an evaluation; score, 典型 and case text only when given."""
    state: dict[str, object] = {"grade": e.grade, "remarks": e.remarks or ""}
    if e.score is not None:
        state["score"] = e.score
    if e.typical:
        state["typical"] = True
    if e.case_text:
        state["case_text"] = e.case_text
    return state


def evaluate(ctx: ServiceContext, pairing: int | str, year: int, grade: str, remarks: str = "", *,
             score: int | str | None = None, typical: bool = False, case_text: str = "") -> EvaluationView:
    """Record (or change) the pairing's 年终评估 of ``year``: reviewer only; audited.

    Saving again replaces the whole evaluation (grade, remarks, score, 典型 and its case text).
    ``score``: 0–100 against the 考核标准, or None. ``typical``: 选为典型, for a grade of 优秀 or
    良好 with a ``case_text`` of 20–2000 characters.
    """
    ctx.require(Permission.EVALUATE)
    parsed = _grade(grade)
    remarks = clean_text(remarks)
    if len(remarks) > MAX_REMARKS:
        raise KnownError(f"评估意见最多 {MAX_REMARKS} 字，现为 {len(remarks)} 字。")
    points = parse_score(score)
    case_text = clean_case_text(case_text)
    _check_typical(parsed, typical, case_text)
    bounds = Period.annual(year)  # refuses years out of range
    with ctx.db.transaction() as s:
        p = _find_pairing(s, pairing)
        if p.term_start > bounds.last_day or p.term_end < bounds.first_day:
            raise KnownError(f"结对 {p.agreement_no} 的协议期限为 {p.term_start} 至 {p.term_end}，"
                             f"不含 {year} 年，不能做该年度的年终评估。")
        e = s.scalar(select(Evaluation).where(Evaluation.pairing_id == p.id, Evaluation.year == year))
        before = _state(e) if e else {}
        if e is None:
            e = Evaluation(pairing_id=p.id, year=year)
            s.add(e)
        e.grade, e.remarks, e.score = parsed.value, remarks or None, points
        e.typical, e.case_text = typical, case_text or None
        e.evaluated_at, e.evaluated_by = clock.now().replace(microsecond=0), ctx.user.username
        s.flush()
        after = _state(e)
        if before != after:
            extra = (f"，{points} 分" if points is not None else "") + ("，选为典型" if typical else "")
            audit.append(s, username=ctx.user.username, action="update" if before else "create", entity="evaluation",
                         entity_id=e.id, summary=f"{year} 年度年终评估：{p.agreement_no} {p.organization.name} "
                                                 f"评为{parsed.label}{extra}" + ("（修改）" if before else ""),
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
            # Its own pairings and those that also count towards it (their figures stay with their own).
            select(Pairing).where(or_(Pairing.campaign_id == c.id, Pairing.id.in_(
                select(PairingCampaign.pairing_id).where(PairingCampaign.campaign_id == c.id))), in_term(year))
            .order_by(Pairing.agreement_no)
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
