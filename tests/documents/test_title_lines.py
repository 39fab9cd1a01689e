"""Titles break between words (GB/T 9704-2012 §7.3.1), measured with the real title font."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from fupin_desktop.documents.gongwen import AREA_W, TITLE_SIZE
from fupin_desktop.documents.pdf_fonts import register_fonts
from fupin_desktop.documents.title_lines import title_lines


def lines(title: str) -> list[str]:
    font = register_fonts().title
    return title_lines(title, lambda t: stringWidth(t, font, TITLE_SIZE), AREA_W, keep=["晋江市民政局"])


@pytest.mark.parametrize(("title", "expected"), [
    ("晋江市民政局关于报送2026年9月合作村社帮扶工作开展情况的报告",
     ["晋江市民政局关于报送2026年9月", "合作村社帮扶工作开展情况的报告"]),
    ("晋江市民政局关于报送2026年第三季度社会组织结对帮扶工作季报的报告",
     ["晋江市民政局关于报送2026年第三季度", "社会组织结对帮扶工作季报的报告"]),
    ("晋江市民政局关于报送2026年社会组织扶贫协作结对情况和预期效益的报告",
     ["晋江市民政局关于报送2026年", "社会组织扶贫协作结对情况和预期效益的报告"]),
])
def test_titles_break_between_words(title: str, expected: list[str]) -> None:
    assert lines(title) == expected


def test_a_short_title_stays_on_one_line() -> None:
    assert lines("关于报送统计表的报告") == ["关于报送统计表的报告"]
