"""年初部署、年中检查、年终验收 in the window (issue 14): the visits tab and its dialogs, and the overdue
整改 on 首页 (for a fixed today)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from ui_helpers import put_chinese

from fupin_desktop.services import visits
from fupin_desktop.ui.home_page import HomePage
from fupin_desktop.ui.supervision.visits_tab import RectifiedDialog, VisitDialog, VisitsTab

pytestmark = pytest.mark.gui


def type_date(qtbot, date_input, day: date) -> None:  # type: ignore[no-untyped-def]
    date_input.edit.clear()
    qtbot.keyClicks(date_input.edit, day.strftime("%Y%m%d"))


def test_record_a_midyear_visit_through_the_dialog(qtbot, reviewer_ctx, today: date) -> None:
    visited = today - timedelta(days=40)
    tab = VisitsTab(reviewer_ctx, today=today)
    qtbot.addWidget(tab)
    tab.year.setValue(visited.year)
    assert tab.table.rowCount() == 0 and "还没有登记检查" in tab.count.text()
    assert tab.add_button.isEnabled() and not tab.rectified_button.isEnabled()

    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.findChild(VisitDialog)
    assert isinstance(dialog, VisitDialog) and dialog.isVisible()
    dialog.kind.setCurrentIndex(dialog.kind.findData("midyear"))
    assert dialog.by_pairing.isChecked() and dialog.pairing.isEnabled() and not dialog.township.isEnabled()
    dialog.pairing.setCurrentIndex(0)
    number = dialog.pairing_value()
    assert number.startswith("JD")
    # A day still to come is refused under its field, and nothing is stored.
    type_date(qtbot, dialog.visited_on, today + timedelta(days=2))
    put_chinese(dialog.inspectors, "张连侨、王芳")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "还没到" in dialog.messages.text_of("visited_on")
    assert visits.list_visits(reviewer_ctx, visited.year) == []

    type_date(qtbot, dialog.visited_on, visited)
    dialog.findings.setPlainText("帮扶台账齐全，村民满意")
    dialog.problems.setPlainText("培训记录缺失")
    dialog.rectification.setPlainText("补齐培训记录")
    type_date(qtbot, dialog.rectify_by, visited + timedelta(days=10))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    [stored] = visits.list_visits(reviewer_ctx, visited.year)
    assert (stored.kind, stored.agreement_no, stored.inspectors, stored.rectify_by) == (
        "midyear", number, "张连侨、王芳", visited + timedelta(days=10))
    assert tab.table.rowCount() == 1
    row = [tab.table.item(0, c).text() for c in range(tab.table.columnCount())]
    assert row[1] == "年中检查" and row[4].startswith(number) and row[6] == "培训记录缺失"
    assert row[8] == f"逾期 {(today - stored.rectify_by).days} 天"
    assert tab.selected() == stored and tab.rectified_button.isEnabled()

    edit = tab.open_selected()
    assert isinstance(edit, VisitDialog) and edit.pairing_value() == number and edit.save_button.isVisible()
    edit.problems.setPlainText("培训记录缺失，台账未更新")
    qtbot.mouseClick(edit.save_button, Qt.MouseButton.LeftButton)
    assert not edit.isVisible() and tab.table.item(0, 6).text() == "培训记录缺失，台账未更新"

    rectified = tab.open_rectified()
    assert isinstance(rectified, RectifiedDialog)
    rectified.note.setPlainText("已补齐，镇社会事务办复核")
    qtbot.mouseClick(rectified.save_button, Qt.MouseButton.LeftButton)
    assert not rectified.isVisible()
    assert tab.table.item(0, 8).text() == f"已整改（{today}）"
    assert "整改未完成 0 项" in tab.count.text()


def test_a_clerk_only_looks(qtbot, clerk_ctx, reviewer_ctx, today: date) -> None:
    visited = today - timedelta(days=40)
    town = visits.pairing_choices(reviewer_ctx, visited.year)[0][1].rsplit("（", 1)[1].rstrip("）")
    visits.record_visit(reviewer_ctx, kind="年初部署", year=visited.year, township=town, visited_on=visited,
                        inspectors="吴丽婷")
    tab = VisitsTab(clerk_ctx, today=today)
    qtbot.addWidget(tab)
    tab.year.setValue(visited.year)
    assert not tab.add_button.isEnabled() and tab.open_record() is None
    tab.table.selectRow(0)
    dialog = tab.open_selected()
    assert isinstance(dialog, VisitDialog)
    assert not dialog.save_button.isVisible() and dialog.by_township.isChecked()
    assert dialog.township.currentText() == town and dialog.inspectors.isReadOnly()
    dialog.reject()


def test_home_page_names_the_overdue_rectifications(qtbot, reviewer_ctx, today: date) -> None:
    visited = today - timedelta(days=40)
    number, label = visits.pairing_choices(reviewer_ctx, visited.year)[0]
    v = visits.record_visit(reviewer_ctx, kind="年中检查", year=visited.year, pairing=number, visited_on=visited,
                            inspectors="王芳", rectification="补齐培训记录", rectify_by=today - timedelta(days=5))
    home = HomePage(reviewer_ctx, today=lambda: today)
    qtbot.addWidget(home)
    assert not home.overdue.isHidden()
    text = home.overdue.text()
    assert "整改逾期 1 项" in text and f"·{number} {v.organization}" in text
    assert f"年中检查的整改已逾期 5 天（期限 {today - timedelta(days=5)}）" in text
    # The day of the deadline itself is not late yet.
    later = HomePage(reviewer_ctx, today=lambda: today - timedelta(days=5))
    qtbot.addWidget(later)
    assert later.overdue.isHidden()

    visits.mark_rectified(reviewer_ctx, v.id, today, "已补齐")
    home.refresh()
    assert home.overdue.isHidden() and home.overdue.text() == ""
