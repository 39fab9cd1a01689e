"""County totals over approved monthly data, by township, campaign, domain or organization.

Sums are integer SQL sums (fen and counts), so totals are exact. Each township-month
contributes its newest approved revision; months not approved are listed, not counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import func, select

from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import AidDomain
from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.domain.periods import Period
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.store.models import Campaign, Organization, Pairing, Project, Township
from fupin_desktop.store.models_monthly import MonthlyReport, MonthlyRow

Dimension = Literal["township", "campaign", "domain", "organization"]
DIMENSIONS: dict[str, str] = {"township": "镇（街道）", "campaign": "专项行动", "domain": "帮扶领域",
                              "organization": "社会组织"}


@dataclass(frozen=True)
class SummaryRow:
    key: str
    label: str
    figures: dict[str, int]  # this period
    previous: dict[str, int]  # the period before (month-on-month, quarter-on-quarter …)
    year_to_date: dict[str, int]  # 1 January to the end of this period
    pairings: int  # pairings that reported in this period


@dataclass(frozen=True)
class Summary:
    period: str
    period_label: str
    dimension: str
    rows: list[SummaryRow]
    total: SummaryRow
    months: list[str]  # months of the period
    unapproved: list[tuple[str, str]] = field(default_factory=list)  # (township, month) not counted
    not_reported: int = 0  # rows of the period's months whose figures were not reported (counted as 0)


def _zero() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


def latest_approved(first: Period, last: Period):  # type: ignore[no-untyped-def]
    """(report id, period) of the newest approved revision of each township-month in the range."""
    newest = (select(MonthlyReport.township_id, MonthlyReport.period, func.max(MonthlyReport.revision).label("rev"))
              .where(MonthlyReport.status == "approved", MonthlyReport.period >= str(first),
                     MonthlyReport.period <= str(last))
              .group_by(MonthlyReport.township_id, MonthlyReport.period).subquery())
    return (select(MonthlyReport.id.label("report_id"), MonthlyReport.period.label("period"))
            .join(newest, (newest.c.township_id == MonthlyReport.township_id)
                  & (newest.c.period == MonthlyReport.period) & (newest.c.rev == MonthlyReport.revision))
            .subquery())


def summarize(ctx: ServiceContext, period: Period, by: Dimension = "township") -> Summary:
    months = period.months()
    previous = period.previous()
    year_start = Period.month(period.year, 1)
    first = min(previous.months()[0], year_start)
    last = months[-1]
    reports = latest_approved(first, last)
    key_col, label_of = _dimension(ctx, by)
    sums = [func.sum(getattr(MonthlyRow, name)) for name in FIGURES]
    stmt = (select(key_col, reports.c.period, func.count(func.distinct(MonthlyRow.pairing_id)), *sums)
            .select_from(MonthlyRow)
            .join(reports, reports.c.report_id == MonthlyRow.report_id)
            .join(Pairing, Pairing.id == MonthlyRow.pairing_id))
    if by == "domain":
        stmt = stmt.outerjoin(Project, (Project.pairing_id == Pairing.id) & (Project.seq == 1))
    stmt = stmt.group_by(key_col, reports.c.period)
    this_months = {str(m) for m in months}
    prev_months = {str(m) for m in previous.months()}
    now, prev, ytd = defaultdict(_zero), defaultdict(_zero), defaultdict(_zero)
    reporting: dict[str, int] = defaultdict(int)  # most pairings reporting in one month of the period
    with ctx.db.reading() as s:
        labels = label_of(s)
        for key, month, n_pairings, *values in s.execute(stmt):
            key = str(key) if key is not None else ""
            for name, value in zip(FIGURES, values, strict=True):
                v = int(value or 0)
                if month in this_months:
                    now[key][name] += v
                if month in prev_months:
                    prev[key][name] += v
                if str(year_start) <= month <= str(last):
                    ytd[key][name] += v
            if month in this_months:
                reporting[key] = max(reporting[key], int(n_pairings))
        unapproved = _unapproved(s, months)
        not_reported = s.scalar(select(func.count()).select_from(MonthlyRow)
                                .join(reports, reports.c.report_id == MonthlyRow.report_id)
                                .where(MonthlyRow.figures_reported.is_(False),
                                       reports.c.period.in_(list(this_months)))) or 0
    keys = set(now) | set(ytd)
    rows = [SummaryRow(k, labels.get(k, "（未填）") if k else _blank_label(by), now[k], prev[k], ytd[k], reporting[k])
            for k in keys]
    rows.sort(key=lambda r: (-r.figures["funds_fen"], r.label))
    total = SummaryRow("total", "合计", _add(r.figures for r in rows), _add(r.previous for r in rows),
                       _add(r.year_to_date for r in rows), sum(r.pairings for r in rows))
    return Summary(str(period), period.label_zh, by, rows, total, [str(m) for m in months], unapproved,
                   int(not_reported))


def _add(parts) -> dict[str, int]:  # type: ignore[no-untyped-def]
    out = _zero()
    for part in parts:
        for name in FIGURES:
            out[name] += part[name]
    return out


def _blank_label(by: str) -> str:
    return {"campaign": "未归入专项行动", "domain": "未填领域"}.get(by, "（未填）")


def _dimension(ctx: ServiceContext, by: str):  # type: ignore[no-untyped-def]
    if by == "township":
        return Pairing.township_id, lambda s: {str(i): n for i, n in s.execute(select(Township.id, Township.name))}
    if by == "campaign":
        return Pairing.campaign_id, lambda s: {str(i): n for i, n in s.execute(select(Campaign.id, Campaign.name))}
    if by == "organization":
        return Pairing.organization_id, lambda s: {str(i): n for i, n in
                                                   s.execute(select(Organization.id, Organization.name))}
    if by == "domain":
        return Project.domain, lambda s: {m.value: m.label for m in AidDomain}
    raise ValueError(f"unknown dimension {by!r}")


def _unapproved(session, months: list[Period]) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Township-months with pairings in term but no approved revision, among the months that
    have ended (a year summary in November does not list December as missing)."""
    out = []
    today = clock.today()
    for m in months:
        if m.last_day >= today:
            continue
        expected = set(session.scalars(select(Pairing.township_id).where(  # 对口支援 has no township
            Pairing.township_id.is_not(None), Pairing.term_start <= m.last_day, Pairing.term_end >= m.first_day)
            .distinct()))
        approved = set(session.scalars(select(MonthlyReport.township_id).where(
            MonthlyReport.period == str(m), MonthlyReport.status == "approved").distinct()))
        names = dict(session.execute(select(Township.id, Township.name)).all())
        out += [(names[t], str(m)) for t in sorted(expected - approved)]
    return out
