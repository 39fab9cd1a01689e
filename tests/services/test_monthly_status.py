"""The dashboard's verdicts across month and year boundaries (deadline: the 5th of the next month)."""

from __future__ import annotations

from datetime import date

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.services import monthly, monthly_status, places


def _ids(ctx, *names: str) -> list[int]:  # type: ignore[no-untyped-def]
    by_name = {t.values["name"]: t.id for t in places.list_townships(ctx)}
    return [by_name[n] for n in names]


def _report(ctx, tid: int, period: Period, received: date) -> None:  # type: ignore[no-untyped-def]
    view = monthly.get_month(ctx, tid, period)
    rows = [{"pairing_id": r.pairing_id, "content": "走访", "progress": "完成", **dict.fromkeys(
        ("funds_fen", "materials_fen", "households", "beneficiaries", "jobs", "trainees", "volunteers",
         "projects_landed"), "0")} for r in view.rows]
    monthly.save_entry(ctx, tid, period, rows, received_on=received)


def test_december_is_due_on_5_january_of_the_next_year(clerk) -> None:
    december = Period.month(clock.today().year + 1, 12)  # inside the demo pairings' term, no demo data yet
    on_time, late, _ = _ids(clerk, "青阳街道", "梅岭街道", "西园街道")
    _report(clerk, on_time, december, date(december.year + 1, 1, 5))
    _report(clerk, late, december, date(december.year + 1, 1, 6))
    board = {b.township: b for b in monthly_status.status_board(clerk, december, today=date(december.year + 1, 1, 6))}
    assert board["青阳街道"].deadline == date(december.year + 1, 1, 5)
    assert (board["青阳街道"].timeliness, board["青阳街道"].status) == ("on_time", "draft")
    assert (board["梅岭街道"].timeliness, board["梅岭街道"].days_late) == ("late", 1)
    assert (board["西园街道"].timeliness, board["西园街道"].status) == ("overdue", "missing")
    # On the deadline day itself nothing is overdue yet.
    still_due = monthly_status.status_board(clerk, december, today=date(december.year + 1, 1, 5))
    assert {b.timeliness for b in still_due if b.status == "missing"} == {"pending"}


def test_month_boundary_and_counts(clerk) -> None:
    june = Period.month(clock.today().year + 1, 6)
    (tid,) = _ids(clerk, "青阳街道")
    _report(clerk, tid, june, date(june.year, 7, 5))
    board = monthly_status.status_board(clerk, june, today=date(june.year, 7, 6))
    counts = monthly_status.counts(board)
    assert counts["on_time"] == 1
    assert counts["overdue"] == counts["expected"] - 1
    assert all(b.deadline == date(june.year, 7, 5) for b in board)


def test_demo_dashboard_is_alive(clerk) -> None:
    last_month = Period.of_date(clock.today()).previous()
    board = monthly_status.status_board(clerk, last_month)
    statuses = {b.status for b in board}
    assert {"submitted", "missing"} <= statuses
    months = monthly_status.recent_periods(months=12)[1:]
    assert any(b.status == "returned" for m in months for b in monthly_status.status_board(clerk, m))
    assert any(b.timeliness == "late" for m in months for b in monthly_status.status_board(clerk, m))
