"""Monthly statistics: type in, submit, approve or return, reopen; summaries count approved months only."""

from __future__ import annotations

import pytest

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, PermissionDenied, ValidationFailed
from fupin_desktop.services import monthly, places, summaries

TODAY = clock.today()


def _fresh_month() -> Period:
    p = Period.of_date(TODAY)
    return Period.month(p.year + 1, 6)  # inside every demo pairing's term, no demo data


def _township(ctx) -> int:  # type: ignore[no-untyped-def]
    return next(t.id for t in places.list_townships(ctx) if t.values["name"] == "青阳街道")


def _rows(view, **figures: str):  # type: ignore[no-untyped-def]
    return [{"pairing_id": r.pairing_id, "content": "入户走访，发放慰问物资", "progress": "已完成",
             "funds_fen": "1.25", "materials_fen": "0.5", "households": "1", "beneficiaries": "12", "jobs": "0",
             "trainees": "0", "volunteers": "3", "projects_landed": "0", **figures} for r in view.rows]


def test_entry_submit_approve_then_locked_and_counted_exactly(clerk, reviewer) -> None:
    month, tid = _fresh_month(), _township(clerk)
    empty = monthly.get_month(clerk, tid, month)
    assert empty.status == "missing" and empty.rows
    saved = monthly.save_entry(clerk, tid, month, _rows(empty))
    assert saved.status == "draft" and saved.totals()["funds_fen"] == 1_250_000 * len(empty.rows)
    monthly.submit(clerk, tid, month)
    with pytest.raises(PermissionDenied):
        monthly.approve(clerk, tid, month)
    approved = monthly.approve(reviewer, tid, month)
    assert approved.status == "approved"
    with pytest.raises(KnownError, match="已锁定"):
        monthly.save_entry(clerk, tid, month, _rows(empty))
    summary = summaries.summarize(clerk, month, "township")
    row = next(r for r in summary.rows if r.label == "青阳街道")
    assert row.figures["funds_fen"] == 1_250_000 * len(empty.rows)  # 1.25 万元 each, exact in fen
    quarter = summaries.summarize(clerk, Period.quarter(month.year, 2), "township")
    assert next(r for r in quarter.rows if r.label == "青阳街道").figures == row.figures


def test_a_returned_month_is_fixed_as_a_new_revision_and_history_is_kept(clerk, reviewer) -> None:
    month, tid = _fresh_month(), _township(clerk)
    view = monthly.get_month(clerk, tid, month)
    monthly.save_entry(clerk, tid, month, _rows(view))
    monthly.submit(clerk, tid, month)
    with pytest.raises(KnownError, match="原因"):
        monthly.return_month(reviewer, tid, month, " ")
    returned = monthly.return_month(reviewer, tid, month, "资金与凭证不符")
    assert returned.status == "returned" and returned.review_note == "资金与凭证不符"
    assert summaries.summarize(clerk, month, "township").total.figures["funds_fen"] == 0  # not approved: not counted
    fixed = monthly.save_entry(clerk, tid, month, _rows(view, funds_fen="1"))
    assert (fixed.revision, fixed.status) == (2, "draft")
    assert [h.status for h in fixed.history] == ["returned", "draft"]


def test_reopening_an_approved_month_keeps_the_old_version_counted_until_the_correction_is_approved(clerk, reviewer) -> None:
    month, tid = _fresh_month(), _township(clerk)
    view = monthly.get_month(clerk, tid, month)
    monthly.save_entry(clerk, tid, month, _rows(view))
    monthly.submit(clerk, tid, month)
    monthly.approve(reviewer, tid, month)
    before = summaries.summarize(clerk, month, "township").total.figures["funds_fen"]
    with pytest.raises(PermissionDenied):
        monthly.reopen(clerk, tid, month, "更正")
    reopened = monthly.reopen(reviewer, tid, month, "投入资金录错")
    assert (reopened.revision, reopened.status) == (2, "draft")
    monthly.save_entry(clerk, tid, month, _rows(view, funds_fen="2"))
    assert summaries.summarize(clerk, month, "township").total.figures["funds_fen"] == before
    monthly.submit(clerk, tid, month)
    monthly.approve(reviewer, tid, month)
    assert summaries.summarize(clerk, month, "township").total.figures["funds_fen"] == 2_000_000 * len(view.rows)


def test_entry_checks_name_row_and_column_and_store_nothing(clerk) -> None:
    month, tid = _fresh_month(), _township(clerk)
    view = monthly.get_month(clerk, tid, month)
    rows = _rows(view)
    rows[1]["funds_fen"] = "-3"
    rows[2]["beneficiaries"] = "很多"
    rows[0]["content"] = ""
    with pytest.raises(ValidationFailed) as caught:
        monthly.save_entry(clerk, tid, month, rows)
    where = {(p.row, p.label) for p in caught.value.problems}
    assert where == {(2, "投入资金"), (3, "受益人数"), (1, "具体帮扶内容")}
    assert monthly.get_month(clerk, tid, month).status == "missing"


def test_empty_and_copied_texts_and_outliers_are_flagged_not_refused(clerk, reviewer) -> None:
    tid = _township(clerk)
    first = _fresh_month()
    months = [first, first.next(), first.next().next()]
    for m in months[:2]:
        view = monthly.get_month(clerk, tid, m)
        monthly.save_entry(clerk, tid, m, _rows(view, content=f"{m} 入户走访"))
        monthly.submit(clerk, tid, m)
        monthly.approve(reviewer, tid, m)
    view = monthly.get_month(clerk, tid, months[2])
    rows = _rows(view, content=f"{months[2]} 入户走访")
    # 100 万元: above 3 × the median of any earlier month, this test's (1.25) or the demo's (0–5, six-fold spikes)
    rows[0].update(funds_fen="100", progress="无")
    rows[1].update(content=f"{months[1]} 入户走访")  # copied from last month
    saved = monthly.save_entry(clerk, tid, months[2], rows)
    codes = {(r.seq, f["code"]) for r in saved.rows for f in r.flags}
    assert {(1, "outlier"), (1, "empty_text"), (2, "copied_text")} <= codes


def test_the_history_shows_who_changed_which_figure_from_what_to_what(clerk, reviewer) -> None:
    month, tid = _fresh_month(), _township(clerk)
    view = monthly.get_month(clerk, tid, month)
    first = monthly.save_entry(clerk, tid, month, _rows(view))
    assert first.history[-1].edits == ()  # the first entry is entry, not an edit
    rows = _rows(view)
    rows[1]["funds_fen"] = "1.8"
    rows[1]["progress"] = "进行中"
    again = monthly.save_entry(clerk, tid, month, rows)
    edits = again.history[-1].edits
    assert [(e.who, e.seq, e.label, e.old, e.new) for e in edits] == [
        ("林晓华", 2, "投入资金", "1.25万元", "1.80万元"), ("林晓华", 2, "进展情况", "已完成", "进行中")]
    assert edits[0].organization == view.rows[1].organization
    assert again.history[-1].created_by_name == "林晓华"

    monthly.submit(clerk, tid, month)
    monthly.return_month(reviewer, tid, month, "资金与凭证不符")
    rows[1]["funds_fen"] = "1.5"
    fixed = monthly.save_entry(clerk, tid, month, rows)  # a new revision: the change is against the returned one
    assert fixed.history[-1].revision == 2
    assert [(e.old, e.new) for e in fixed.history[-1].edits] == [("1.80万元", "1.50万元")]
    assert fixed.history[0].reviewed_by_name not in (None, "reviewer")
