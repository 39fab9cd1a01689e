"""系统 → 操作日志: filtering by user, action and dates in the window; people by 姓名."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from ui_helpers import put_chinese

from fupin_desktop.services.users import set_idle_lock_minutes
from fupin_desktop.ui.admin.system_page import AuditTab, SystemPage

pytestmark = pytest.mark.gui


def column(tab: AuditTab, c: int) -> list[str]:
    return [tab.table.item(r, c).text() for r in range(tab.table.rowCount())]


def choose(combo, text: str) -> None:  # type: ignore[no-untyped-def]
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def test_the_reviewer_filters_the_log_by_user_and_action(qtbot, reviewer_ctx) -> None:
    page = SystemPage(reviewer_ctx)
    qtbot.addWidget(page)
    tab = page.audit
    assert tab is not None and page.divisions is None  # 区划代码表 is the administrator's
    everything = tab.table.rowCount()
    assert everything > 200 and tab.note.text().startswith(f"操作记录 {everything} 条")
    users = [tab.user.itemText(i) for i in range(tab.user.count())]
    assert users == ["全部用户", "管理员", "林晓华", "陈志明", "系统"]
    # The demo database's actions and objects all read in Chinese.
    assert not [t for t in column(tab, 3) + column(tab, 4) if re.search("[A-Za-z]", t)]

    choose(tab.user, "陈志明")
    mine = tab.table.rowCount()
    assert 0 < mine < everything and set(column(tab, 2)) == {"陈志明（reviewer）"}
    assert tab.table.item(0, 2).toolTip() == "登录名：reviewer"
    assert tab.note.text().startswith(f"符合条件的操作记录 {mine} 条")

    choose(tab.user, "全部用户")
    choose(tab.action, "演示数据")
    assert column(tab, 3) == ["演示数据"] and column(tab, 2) == ["系统"]
    choose(tab.action, "初始化")
    assert column(tab, 3) == ["初始化"] and column(tab, 4) == ["设置"]
    choose(tab.user, "陈志明")
    assert tab.table.rowCount() == 0 and tab.note.text().startswith("符合条件的操作记录 0 条")
    tab.clear_filter()
    assert tab.table.rowCount() == everything and tab.user.currentText() == "全部用户"


def test_the_log_is_filtered_by_dates_typed_as_clerks_type_them(qtbot, admin_ctx, monkeypatch, today) -> None:
    d0, d1, d2 = today, today + timedelta(days=1), today + timedelta(days=2)  # the demo was made on d0
    monkeypatch.setenv("FUPIN_TODAY", d2.isoformat())
    set_idle_lock_minutes(admin_ctx, 9)
    monkeypatch.setenv("FUPIN_TODAY", d0.isoformat())
    page = SystemPage(admin_ctx)
    qtbot.addWidget(page)
    tab = page.audit
    assert tab is not None
    everything = tab.table.rowCount()

    qtbot.keyClicks(tab.since.edit, f"{d1:%Y%m%d}")
    qtbot.keyClick(tab.since.edit, Qt.Key.Key_Return)
    assert tab.since.text() == d1.isoformat()
    assert column(tab, 5) == ["无操作自动锁定：9 分钟"] and column(tab, 2) == ["管理员（admin）"]
    qtbot.keyClicks(tab.until.edit, f"{d1.year}.{d1.month}.{d1.day}")
    qtbot.keyClick(tab.until.edit, Qt.Key.Key_Return)
    assert tab.table.rowCount() == 0

    tab.since.edit.clear()
    tab.until.edit.clear()
    put_chinese(tab.until.edit, f"{d0.year}年{d0.month}月{d0.day}日")
    qtbot.keyClick(tab.until.edit, Qt.Key.Key_Return)
    assert tab.table.rowCount() == everything - 1 and all(t.startswith(d0.isoformat()) for t in column(tab, 1))

    qtbot.keyClicks(tab.since.edit, f"{d2.year}/{d2.month}/{d2.day}")  # after the end: said in red, no rows
    qtbot.keyClick(tab.since.edit, Qt.Key.Key_Return)
    assert not tab.problem.isHidden() and "晚于结束日期" in tab.problem.text()
    assert tab.table.rowCount() == 0

    tab.since.edit.clear()
    qtbot.keyClicks(tab.since.edit, "2026-13-01")
    qtbot.keyClick(tab.since.edit, Qt.Key.Key_Return)
    assert tab.problem.text().startswith("起始日期：") and tab.table.rowCount() == 0
    tab.clear_filter()
    assert tab.problem.isHidden() and tab.table.rowCount() == everything


def test_a_clerk_has_no_log_tab(qtbot, clerk_ctx) -> None:
    page = SystemPage(clerk_ctx)
    qtbot.addWidget(page)
    assert page.audit is None and page.divisions is None
    assert "操作日志" not in [page.tabText(i) for i in range(page.count())]
