"""Facts in a letter's text count what they name (issue 11): townships, not township-months."""

from __future__ import annotations

from fupin_desktop.services.report_kinds import unapproved_sentence


def test_missing_months_of_a_quarter_count_each_township_once() -> None:
    missing = [("东石镇", "2026-07"), ("东石镇", "2026-08"), ("龙湖镇", "2026-08")]
    assert unapproved_sentence(missing) == "另有 2 个镇（街道）的 3 份月报未报或未经审核，未计入本表。"


def test_one_missing_month_each_says_townships_only() -> None:
    assert unapproved_sentence([("东石镇", "2026-08"), ("龙湖镇", "2026-08")]) == \
        "另有 2 个镇（街道）月报未报或未经审核，未计入本表。"
