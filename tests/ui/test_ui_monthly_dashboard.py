"""月报报送情况 on the 首页: counts, late and missing townships in red, the 12-month chart, the click."""

from __future__ import annotations

from PySide6.QtGui import QColor

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.services.monthly_status import counts, recent_periods, status_board
from fupin_desktop.ui.home_page import HomePage
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.monthly.monthly_dashboard import MonthlyDashboard
from fupin_desktop.ui.monthly.monthly_page import MonthlyPage
from fupin_desktop.ui.monthly.monthly_tags import LATE_COLOR

LAST_MONTH = Period.of_date(clock.today()).previous()


def number(dashboard: MonthlyDashboard, caption: str) -> int:
    text = dashboard.count_labels[caption].text()
    return int(text.split(">")[1].split("<")[0])


def test_last_month_shows_counts_and_missing_townships_first_in_red(qtbot, clerk_ctx) -> None:
    page = HomePage(clerk_ctx)
    qtbot.addWidget(page)
    dashboard = page.monthly
    assert dashboard.period() == LAST_MONTH
    board = status_board(clerk_ctx, LAST_MONTH)
    expected = counts(board)
    assert number(dashboard, "应报") == len(board)
    assert number(dashboard, "待审核") == expected.get("submitted", 0) > 0
    assert number(dashboard, "未报") == expected.get("missing", 0) > 0
    rows = dashboard.rows()
    missing = [b.township for b in board if b.status == "missing"]
    assert {r[0] for r in rows[:len(missing)]} == set(missing)  # the ones to chase come first
    assert all(r[2] == "未报" and r[3] in ("逾期未报", "未到期") for r in rows[:len(missing)])
    red = QColor(LATE_COLOR)
    if rows[0][3] == "逾期未报":
        assert dashboard.table.item(0, 3).foreground().color() == red
        assert dashboard.table.item(0, 0).foreground().color() == red


def test_an_earlier_month_shows_late_reports_with_their_days(qtbot, clerk_ctx) -> None:
    dashboard = MonthlyDashboard(clerk_ctx)
    qtbot.addWidget(dashboard)
    late_month = next(p for p in recent_periods()[1:]
                      if any(b.timeliness == "late" for b in status_board(clerk_ctx, p)))
    dashboard.month.setCurrentIndex(dashboard.month.findData(str(late_month)))
    late = [r for r in dashboard.rows() if r[3].startswith("逾期报送")]
    assert late and all(r[3].endswith(" 天") for r in late)
    assert number(dashboard, "逾期") == len(late)
    row = next(n for n, r in enumerate(dashboard.rows()) if r[3].startswith("逾期报送"))
    assert dashboard.table.item(row, 3).foreground().color() == QColor(LATE_COLOR)
    returned = next(p for p in recent_periods()[1:] if any(b.status == "returned" for b in status_board(clerk_ctx, p)))
    dashboard.month.setCurrentIndex(dashboard.month.findData(str(returned)))
    assert number(dashboard, "退回") == 1 and "已退回" in [r[2] for r in dashboard.rows()]


def test_the_chart_has_twelve_months_and_paints(qtbot, clerk_ctx) -> None:
    dashboard = MonthlyDashboard(clerk_ctx)
    qtbot.addWidget(dashboard)
    dashboard.resize(1100, 360)
    dashboard.show()
    columns = dashboard.chart.columns
    assert len(columns) == 12
    label, last = columns[-2]  # last month, before the current one
    assert label == f"{LAST_MONTH.index}月" or "/" in label
    assert last.get("submitted", 0) > 0 and last.get("missing", 0) > 0
    image = dashboard.chart.grab()
    assert not image.isNull() and dashboard.chart.paints > 0


def test_double_clicking_a_township_opens_it_on_the_monthly_page(qtbot, clerk_ctx) -> None:
    window = MainWindow(clerk_ctx)
    qtbot.addWidget(window)
    home = window.pages["首页"]
    assert isinstance(home, HomePage)
    first = home.monthly.rows()[0][0]
    home.monthly.table.cellDoubleClicked.emit(0, 1)
    page = window.stack.currentWidget()
    assert isinstance(page, MonthlyPage)
    assert page.township_name() == first and page.period() == LAST_MONTH
    assert page.view is not None and page.view.township == first
