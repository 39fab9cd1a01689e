"""The facts the year's reports are built from: pairings in term, their approved monthly figures, evaluations.

Plain dicts and dataclasses, read in one short session each. Household pairings carry only
the masked label (``陈**户（某村）``); the household's size and groups are read separately,
for counting, and never leave this module with a name or an ID number attached.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from fupin_desktop.domain.enums import AidDomain, AidMethod, EvaluationGrade, TargetKind, VillageFlag
from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.domain.periods import Period
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.pairings import target_label, township_label
from fupin_desktop.store.models import Household, Pairing, Township
from fupin_desktop.store.models_annual import Evaluation
from fupin_desktop.store.models_monthly import MonthlyReport, MonthlyRow

# Grades that meet the pairing's 考核标准.
MET_GRADES = (EvaluationGrade.EXCELLENT.value, EvaluationGrade.GOOD.value, EvaluationGrade.QUALIFIED.value)


def zero_figures() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


@dataclass
class Reported:
    """One pairing's approved monthly data over the year."""

    figures: dict[str, int] = field(default_factory=zero_figures)
    months: set[str] = field(default_factory=set)
    latest_month: str = ""
    latest_progress: str = ""


@dataclass(frozen=True)
class HouseholdFacts:
    """For counting only: no name, no ID number."""

    household_id: int
    township: str
    village: str
    size: int
    groups: tuple[str, ...]


@dataclass
class YearFacts:
    year: int
    pairings: list[dict[str, Any]]  # in term during the year, or with approved data in it
    reported: dict[int, Reported]  # by pairing id
    households: dict[int, HouseholdFacts]  # targeted households, by household id
    evaluations: dict[int, dict[str, Any]]  # by pairing id

    def totals(self) -> dict[str, int]:
        out = zero_figures()
        for r in self.reported.values():
            for name in FIGURES:
                out[name] += r.figures[name]
        return out


def _label(enum: Any, value: str | None) -> str:
    member = enum.from_text(value or "")
    return member.label if member is not None else (value or "")


def pairing_facts(p: Pairing) -> dict[str, Any]:
    projects = [{"seq": x.seq, "name": x.name, "domain": x.domain, "domain_label": _label(AidDomain, x.domain),
                 "method": x.method, "method_label": _label(AidMethod, x.method), "budget_fen": int(x.budget_fen),
                 "indicators": x.indicators or ""} for x in p.projects]
    village = p.village
    return {
        "pairing_id": p.id, "agreement_no": p.agreement_no, "organization": p.organization.name,
        "organization_id": p.organization_id, "credit_code": p.organization.credit_code,
        "township": township_label(p), "township_code": p.township.code if p.township else "",
        "remote_code": p.remote_code or "",
        "target_kind": p.target_kind, "target_kind_label": _label(TargetKind, p.target_kind),
        "target": target_label(p), "village": village.name if village is not None else "",
        "village_code": village.code if village is not None else "",
        "village_flags": [_label(VillageFlag, f) for f in (village.flags or [])] if village is not None else [],
        "institution": p.institution.name if p.institution is not None else "",
        "household_id": p.household_id, "campaign": p.campaign.name if p.campaign else "",
        "campaign_id": p.campaign_id, "signed_on": p.signed_on, "term_start": p.term_start, "term_end": p.term_end,
        "commitments": p.commitments or "", "assessment_standard": p.assessment_standard or "", "status": p.status,
        "projects": projects, "budget_fen": sum(x["budget_fen"] for x in projects),
    }


def in_term(year: int):  # type: ignore[no-untyped-def]
    """SQL condition: the pairing's term overlaps the year."""
    period = Period.annual(year)
    return and_(Pairing.term_start <= period.last_day, Pairing.term_end >= period.first_day)


def reported_by_pairing(ctx: ServiceContext, year: int) -> dict[int, Reported]:
    """Sums of each pairing's approved figures (newest approved revision of each township-month)."""
    months = [str(m) for m in Period.annual(year).months()]
    newest = (select(MonthlyReport.township_id, MonthlyReport.period, func.max(MonthlyReport.revision).label("rev"))
              .where(MonthlyReport.status == "approved", MonthlyReport.period.in_(months))
              .group_by(MonthlyReport.township_id, MonthlyReport.period).subquery())
    stmt = (select(MonthlyRow.pairing_id, MonthlyReport.period, MonthlyRow.progress,
                   *[getattr(MonthlyRow, name) for name in FIGURES])
            .join(MonthlyReport, MonthlyReport.id == MonthlyRow.report_id)
            .join(newest, (newest.c.township_id == MonthlyReport.township_id)
                  & (newest.c.period == MonthlyReport.period) & (newest.c.rev == MonthlyReport.revision))
            .order_by(MonthlyReport.period))
    out: dict[int, Reported] = {}
    with ctx.db.reading() as s:
        for pairing_id, month, progress, *values in s.execute(stmt):
            r = out.setdefault(int(pairing_id), Reported())
            for name, value in zip(FIGURES, values, strict=True):
                r.figures[name] += int(value or 0)
            r.months.add(month)
            if month >= r.latest_month and (progress or "").strip():
                r.latest_month, r.latest_progress = month, progress.strip()
    return out


def year_facts(ctx: ServiceContext, year: int) -> YearFacts:
    reported = reported_by_pairing(ctx, year)
    with ctx.db.reading() as s:
        stmt = (select(Pairing).outerjoin(Township, Township.id == Pairing.township_id)
                .where(or_(in_term(year), Pairing.id.in_(list(reported))))
                .order_by(Township.code.is_(None), Township.code, Pairing.agreement_no)
                .options(selectinload(Pairing.projects), selectinload(Pairing.organization),
                         selectinload(Pairing.township), selectinload(Pairing.village),
                         selectinload(Pairing.household).selectinload(Household.village),
                         selectinload(Pairing.institution), selectinload(Pairing.campaign)))
        found = list(s.scalars(stmt))
        pairings = [pairing_facts(p) for p in found]
        households = {
            p.household.id: HouseholdFacts(p.household.id, township_label(p), p.household.village.name,
                                           int(p.household.size), tuple(p.household.groups or []))
            for p in found if p.household is not None
        }
        ids = [p.id for p in found]
        evaluations = {
            e.pairing_id: {"grade": e.grade, "grade_label": _label(EvaluationGrade, e.grade), "remarks": e.remarks or "",
                           "evaluated_at": e.evaluated_at, "evaluated_by": e.evaluated_by}
            for e in s.scalars(select(Evaluation).where(Evaluation.year == year, Evaluation.pairing_id.in_(ids)))
        }
    return YearFacts(year, pairings, reported, households, evaluations)


def grade_counts(evaluations: dict[int, dict[str, Any]]) -> dict[str, int]:
    """Every grade's label with its count (zeros included), in the enum's order."""
    c = Counter(e["grade"] for e in evaluations.values())
    return {g.label: c.get(g.value, 0) for g in EvaluationGrade}
