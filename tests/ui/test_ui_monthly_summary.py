"""汇总分析: the 合计 row equals the service's total; chart, unapproved note and export."""

from __future__ import annotations

import pytest
from monthly_helpers import close_boxes
from openpyxl import load_workbook

from fupin_desktop.domain import clock
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.periods import Period
from fupin_desktop.services.summaries import DIMENSIONS, summarize
from fupin_desktop.ui.monthly.summary_page import CHART_ROWS, VALUE_ROLE, SummaryPage

LAST_MONTH = Period.of_date(clock.today()).previous()
APPROVED_MONTH = LAST_MONTH.previous()  # the demo's last month is still coming in


@pytest.fixture
def page(qtbot, clerk_ctx) -> SummaryPage:  # type: ignore[no-untyped-def]
    page = SummaryPage(clerk_ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


@pytest.mark.parametrize("period", [APPROVED_MONTH, Period.quarter(APPROVED_MONTH.year, (APPROVED_MONTH.index + 2) // 3),
                                    Period.annual(APPROVED_MONTH.year)])
def test_the_total_row_equals_the_service_total_for_every_dimension(page, clerk_ctx, period) -> None:
    for dimension in DIMENSIONS:
        page.set_period(period, dimension)
        expected = summarize(clerk_ctx, period, dimension)  # type: ignore[arg-type]
        cell = page.total_cell("投入资金")
        assert cell is not None and page.table.item(page.table.rowCount() - 1, 0).text() == "合计"
        assert cell.data(VALUE_ROLE) == expected.total.figures["funds_fen"] > 0
        assert cell.text() == format_wan(expected.total.figures["funds_fen"])
        assert page.table.rowCount() == len(expected.rows) + 1
        assert len(page.chart.items) == min(len(expected.rows), CHART_ROWS)


def test_the_headers_the_chart_and_a_note_of_what_is_not_counted(page, clerk_ctx) -> None:
    page.set_period(APPROVED_MONTH, "township")
    headers = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    assert headers[:3] == ["镇（街道）", "结对数", "投入资金\n（万元）"]
    assert headers[-3:] == ["投入资金\n上期", "环比", "投入资金\n年初至今"]
    assert page.chart.grab() is not None and page.chart.paints > 0
    assert page.chart.items == sorted(page.chart.items, key=lambda item: -item[1])
    page.set_period(LAST_MONTH)
    unapproved = summarize(clerk_ctx, LAST_MONTH, "township").unapproved
    assert unapproved and unapproved[0][0] in page.note.text() and "未计入" in page.note.text()
    page.kind.setCurrentIndex(page.kind.findData("half"))
    assert page.period().kind == "half" and page.index.count() == 2


def test_export_writes_the_summary_workbook(page, tmp_path) -> None:
    page.set_period(Period.quarter(APPROVED_MONTH.year, (APPROVED_MONTH.index + 2) // 3))
    path = page.export_to(tmp_path)
    assert path is not None and path.exists() and path.parent == tmp_path
    assert any("已保存到" in t for t in close_boxes())
    assert len(load_workbook(path, read_only=True).sheetnames) >= 4
