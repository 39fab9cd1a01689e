"""首页 年度工作日历 for a fixed day: 已完成 / 还有 N 天 / 已逾期 N 天 / 未到, with their colours and
what is still missing; and the 报送 page offering the year's reports with a year picker."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtGui import QColor

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.services import inspections
from fupin_desktop.services.calendar import year_calendar
from fupin_desktop.services.submissions import submit
from fupin_desktop.ui.home_page import HomePage
from fupin_desktop.ui.monthly.calendar_panel import (
    DARK,
    GREEN,
    GREY,
    MISSING_COLUMN,
    ORANGE,
    RED,
    STATE_COLUMN,
    CalendarPanel,
)
from fupin_desktop.ui.sealed.submission_page import SubmissionPage

Y = clock.today().year
PLAN = f"社会组织扶贫协作结对情况和预期效益（{Y}年）"
PROGRESS = f"帮扶进展情况（{Y}年）"
SEASON = f"年检年报（附参与脱贫攻坚工作情况和年度工作计划）（{Y - 1}年度）"
NOVEMBER = f"合作村社帮扶工作开展情况统计表（{Y}年11月）"
DECEMBER = f"合作村社帮扶工作开展情况统计表（{Y}年12月）"


def panel_on(qtbot, ctx, day: date) -> CalendarPanel:  # type: ignore[no-untyped-def]
    panel = CalendarPanel(ctx, lambda: day)
    qtbot.addWidget(panel)
    panel.resize(1100, 600)
    panel.show()
    return panel


def color_of(panel: CalendarPanel, name: str) -> QColor:
    n = next(i for i, d in enumerate(panel.deadlines) if d.name == name)
    return panel.table.item(n, STATE_COLUMN).foreground().color()


def tooltip_of(panel: CalendarPanel, name: str) -> str:
    n = next(i for i, d in enumerate(panel.deadlines) if d.name == name)
    return panel.table.item(n, MISSING_COLUMN).toolTip()


def test_the_states_of_a_fixed_day(qtbot, clerk_ctx) -> None:
    panel = panel_on(qtbot, clerk_ctx, date(Y, 6, 1))
    assert panel.title() == f"年度工作日历（{Y} 年）"
    states = panel.states()
    assert len(states) == len(year_calendar(clerk_ctx, Y, date(Y, 6, 1))) and panel.table.rowCount() == len(states)
    assert states[PLAN] == "还有 14 天" and color_of(panel, PLAN) == QColor(ORANGE)
    assert panel.missing_of(PLAN) == "尚未盖章报送"
    assert states[PROGRESS] == "未到" and color_of(panel, PROGRESS) == QColor(GREY) and panel.missing_of(PROGRESS) == ""
    assert states[DECEMBER] == "未到"
    # The 年检年报 season ended yesterday; nobody in the demo has handed in last year's materials.
    lacking = inspections.checklist(clerk_ctx, Y - 1)
    assert states[SEASON] == "已逾期 1 天" and color_of(panel, SEASON) == QColor(RED)
    assert panel.missing_of(SEASON).startswith(f"缺材料的社会组织 {len(lacking)} 家：{lacking[0].organization}")
    assert tooltip_of(panel, SEASON).splitlines()[0].startswith(lacking[0].organization)
    # Due within 15 days: the plan, and May's monthly table (5 June) unless the demo approved May already.
    may_open = states[f"合作村社帮扶工作开展情况统计表（{Y}年5月）"] != "已完成"
    assert "已逾期 " in panel.note.text() and f"15 天内截止 {1 + may_open} 项" in panel.note.text()


def test_more_than_fifteen_days_left_is_not_orange(qtbot, clerk_ctx) -> None:
    panel = panel_on(qtbot, clerk_ctx, date(Y, 5, 20))
    assert panel.states()[PLAN] == "还有 26 天" and color_of(panel, PLAN) == QColor(DARK)
    assert panel.states()[SEASON] == "还有 11 天" and color_of(panel, SEASON) == QColor(ORANGE)


def test_a_month_not_approved_names_its_townships(qtbot, clerk_ctx) -> None:
    day = date(Y, 12, 31)
    panel = panel_on(qtbot, clerk_ctx, day)
    november = next(d for d in year_calendar(clerk_ctx, Y, day) if d.name == NOVEMBER)
    assert november.missing  # the demo never approves last month (or a month still to come)
    assert panel.states()[NOVEMBER] == "已逾期 26 天" and color_of(panel, NOVEMBER) == QColor(RED)
    first = november.missing[0].split("（")[0]
    assert panel.missing_of(NOVEMBER).startswith(f"{len(november.missing)} 个镇（街道）未报或未审核：{first}")
    assert tooltip_of(panel, NOVEMBER).splitlines() == november.missing[:40]


def test_a_sealed_report_is_done_and_the_home_page_shows_the_calendar(qtbot, clerk_ctx, reviewer_ctx,
                                                                      tmp_path: Path) -> None:
    submit(reviewer_ctx, "pairing-plan", Period.annual(Y), tmp_path, "demo", allow_incomplete=True)
    day = date(Y, 6, 20)
    panel = panel_on(qtbot, clerk_ctx, day)
    assert panel.states()[PLAN] == "已完成" and color_of(panel, PLAN) == QColor(GREEN)
    assert panel.missing_of(PLAN) == ""
    home = HomePage(clerk_ctx, today=lambda: day)
    qtbot.addWidget(home)
    assert home.calendar.states() == panel.states()
    assert home.calendar.states()[PROGRESS] == "未到"


def test_the_submission_page_offers_the_year_reports_with_a_year_picker(qtbot, reviewer_ctx) -> None:
    page = SubmissionPage(reviewer_ctx)
    qtbot.addWidget(page)
    page.show()
    picker = page.picker
    kinds = [picker.kind.itemData(n) for n in range(picker.kind.count())]
    assert {"pairing-plan", "progress", "participation", "participation-public"} <= set(kinds)
    picker.kind.setCurrentIndex(picker.kind.findData("pairing-plan"))
    assert picker.year.isVisible() and picker.index.isHidden()
    assert picker.period() == Period.annual(Y - 1)


def test_on_a_small_screen_the_columns_fit_and_long_text_is_shortened_not_cut(qtbot, reviewer_ctx) -> None:
    panel = CalendarPanel(reviewer_ctx, lambda: date(Y, 11, 18))
    qtbot.addWidget(panel)
    panel.resize(760, 600)  # the 首页's width in a 1024 × 768 window
    panel.show()
    qtbot.waitExposed(panel)
    table, header = panel.table, panel.table.horizontalHeader()
    assert header.length() <= table.viewport().width()  # nothing runs past the table's edge
    row = next(n for n in range(table.rowCount()) if len(table.item(n, MISSING_COLUMN).text()) > 20)
    cell = table.item(row, MISSING_COLUMN)
    assert table.fontMetrics().horizontalAdvance(cell.text()) > header.sectionSize(MISSING_COLUMN)  # it is long …
    assert cell.toolTip()  # … so it shows shortened with "…", whole in the tooltip
