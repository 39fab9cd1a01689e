"""Who has reported: each township's month against the deadline (5th of the next month)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period, monthly_deadline
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.monthly import STATUS_LABELS
from fupin_desktop.store.models import Pairing, Township
from fupin_desktop.store.models_monthly import MonthlyReport


@dataclass(frozen=True)
class TownshipMonth:
    township_id: int
    township: str
    period: str
    status: str  # missing | draft | submitted | returned | approved
    revision: int | None
    pairings: int
    deadline: date
    received_on: date | None
    timeliness: str  # on_time | late | overdue (missing past the deadline) | pending (not yet due)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def timeliness_label(self) -> str:
        return {"on_time": "按时", "late": "逾期报送", "overdue": "逾期未报", "pending": "未到期"}[self.timeliness]

    @property
    def days_late(self) -> int:
        if self.received_on is None:
            return 0
        return max(0, (self.received_on - self.deadline).days)


def _timeliness(received: date | None, deadline: date, today: date) -> str:
    if received is None:
        return "overdue" if today > deadline else "pending"
    return "on_time" if received <= deadline else "late"


def status_board(ctx: ServiceContext, period: Period, today: date | None = None) -> list[TownshipMonth]:
    """Every township with pairings in term that month; townships with none are not expected to report."""
    return status_boards(ctx, [period], today)[str(period)]


def status_boards(ctx: ServiceContext, periods: list[Period],
                  today: date | None = None) -> dict[str, list[TownshipMonth]]:
    """``status_board`` for several months from three queries (the 首页's year of history and the
    calendar's months used to ask once per month: a tenth of a second at every start)."""
    today = today or clock.today()
    boards: dict[str, list[TownshipMonth]] = {str(p): [] for p in periods}
    if not periods:
        return boards
    first, last = min(p.first_day for p in periods), max(p.last_day for p in periods)
    with ctx.db.reading() as s:
        terms = s.execute(select(Pairing.township_id, Pairing.term_start, Pairing.term_end).where(
            Pairing.term_start <= last, Pairing.term_end >= first)).all()
        reports: dict[tuple[str, int], list[MonthlyReport]] = {}
        for r in s.scalars(select(MonthlyReport).where(MonthlyReport.period.in_(list(boards)))
                           .order_by(MonthlyReport.revision)):
            reports.setdefault((r.period, r.township_id), []).append(r)
        townships = s.execute(select(Township.id, Township.name).where(
            Township.id.in_({t for t, _s, _e in terms})).order_by(Township.code)).all()
    for period in periods:
        expected = Counter(t for t, start, end in terms if start <= period.last_day and end >= period.first_day)
        deadline = monthly_deadline(period)
        board = boards[str(period)]
        for township_id, name in townships:
            if township_id not in expected:
                continue
            revisions = reports.get((str(period), township_id), [])
            current = revisions[-1] if revisions else None
            received = min((r.received_on for r in revisions), default=None)
            board.append(TownshipMonth(
                township_id, name, str(period), current.status if current else "missing",
                current.revision if current else None, expected[township_id], deadline, received,
                _timeliness(received, deadline, today)))
    return boards


def counts(board: list[TownshipMonth]) -> dict[str, int]:
    """Totals for the dashboard: by status and by timeliness."""
    c: Counter[str] = Counter()
    for item in board:
        c[item.status] += 1
        c[item.timeliness] += 1
    c["expected"] = len(board)
    return dict(c)


def recent_periods(today: date | None = None, months: int = 12) -> list[Period]:
    """The current month and the ``months - 1`` before it, newest first."""
    current = Period.of_date(today or clock.today())
    periods = [current]
    while len(periods) < months:
        periods.append(periods[-1].previous())
    return periods
