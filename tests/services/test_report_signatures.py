"""Who a report names as 审核人: the reviewer who builds it, never a clerk printing a draft."""

from __future__ import annotations

from fupin_desktop.domain.periods import Period
from fupin_desktop.services.report_kinds import build_monthly


def test_a_clerks_draft_leaves_the_reviewer_line_for_the_reviewer(clerk, reviewer, today) -> None:
    period = Period.of_date(today).previous().previous()
    assert build_monthly(clerk, period, today).table.reviewer == ""
    assert build_monthly(reviewer, period, today).table.reviewer == reviewer.user.display_name != ""
