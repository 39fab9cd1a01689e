"""Logging in, the main window's pages, and who sees which system actions."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton
from ui_helpers import put_chinese

from fupin_desktop.domain import clock
from fupin_desktop.services.users import login
from fupin_desktop.store.models import User
from fupin_desktop.ui.admin.login_dialog import DEMO_HINT, LoginDialog
from fupin_desktop.ui.admin.system_page import SystemPage
from fupin_desktop.ui.annual.inspections_page import InspectionsPage
from fupin_desktop.ui.common.form_dialog import FormDialog
from fupin_desktop.ui.home_page import HomePage
from fupin_desktop.ui.main_window import PAGES, MainWindow
from fupin_desktop.ui.monthly.monthly_page import MonthlyPage
from fupin_desktop.ui.monthly.summary_page import SummaryPage
from fupin_desktop.ui.sealed.receiving_page import ReceivingPage
from fupin_desktop.ui.sealed.submission_page import SubmissionPage


def test_login_rejects_a_wrong_password_inline_and_accepts_demo(qtbot, ui_db) -> None:
    dialog = LoginDialog(ui_db, "晋江市民政局")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.demo_hint.isVisible() and dialog.demo_hint.text() == DEMO_HINT
    qtbot.keyClicks(dialog.username, "clerk")
    qtbot.keyClicks(dialog.password, "wrong")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter logs in
    assert dialog.isVisible() and dialog.user is None
    assert dialog.error.isVisible() and "不正确" in dialog.error.text()

    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "demo")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.user is not None and dialog.user.role == "clerk"


def test_the_window_title_names_bureau_and_user(qtbot, clerk_ctx) -> None:
    window = MainWindow(clerk_ctx)
    qtbot.addWidget(window)
    assert window.windowTitle() == "晋江市民政局 · 社会组织参与脱贫攻坚工作管理 — 林晓华（填报员）"
    assert str(clerk_ctx.data_dir) in window.folder_label.text()
    assert "林晓华" in window.user_label.text()
    assert [window.nav.item(n).text() for n in range(window.nav.count())] == [p[0] for p in PAGES]


def test_every_page_opens(qtbot, clerk_ctx) -> None:
    window = MainWindow(clerk_ctx)
    qtbot.addWidget(window)
    window.show()
    assert isinstance(window.stack.currentWidget(), HomePage)
    for text, _icon, _factory in PAGES:
        page = window.show_page(text)
        assert window.stack.currentWidget() is page
    assert isinstance(window.pages["月度统计"], MonthlyPage)
    assert isinstance(window.pages["汇总分析"], SummaryPage)
    assert isinstance(window.pages["年检年报"], InspectionsPage)
    assert isinstance(window.pages["报送"], SubmissionPage)
    assert isinstance(window.pages["接收"], ReceivingPage)
    again = window.show_page("社会组织")  # shown again: same page, data re-read
    assert again is window.pages["社会组织"]


def test_home_page_shows_campaign_progress_against_targets(qtbot, clerk_ctx) -> None:
    page = HomePage(clerk_ctx)
    qtbot.addWidget(page)
    progress = page.campaign_progress()
    assert "百社解千难" in progress
    organizations, villages = progress["百社解千难"]
    assert organizations.endswith("%）") and " / 100" in organizations
    assert page.title.text() == "晋江市民政局"


def buttons(widget) -> set[str]:  # type: ignore[no-untyped-def]
    return {b.text() for b in widget.findChildren(QPushButton)}


def test_a_clerk_does_not_see_user_management(qtbot, clerk_ctx) -> None:
    page = SystemPage(clerk_ctx)
    qtbot.addWidget(page)
    tabs = [page.tabText(n) for n in range(page.count())]
    assert "用户管理" not in tabs and "操作日志" not in tabs
    assert page.users is None
    assert "新增用户" not in buttons(page)


def test_an_admin_manages_users_and_reads_the_audit_log(qtbot, admin_ctx) -> None:
    page = SystemPage(admin_ctx)
    qtbot.addWidget(page)
    assert "新增用户" in buttons(page)
    assert page.users is not None and page.users.table.rowCount() >= 3
    assert page.audit is not None and page.audit.table.rowCount() > 0
    dialog = page.users.new_user()
    qtbot.keyClicks(dialog.username, "clerk2")
    dialog.display_name.setText("王小明")
    qtbot.keyClicks(dialog.password, "pass1234")
    qtbot.keyClicks(dialog.confirm, "pass1234")
    assert dialog.create()
    names = {page.users.table.item(r, 0).text() for r in range(page.users.table.rowCount())}
    assert "clerk2" in names


def test_a_reviewer_reads_the_audit_log_but_manages_no_users(qtbot, reviewer_ctx) -> None:
    page = SystemPage(reviewer_ctx)
    qtbot.addWidget(page)
    assert page.users is None and page.audit is not None
    first = page.audit.table
    headers = [first.horizontalHeaderItem(c).text() for c in range(first.columnCount())]
    assert headers[:3] == ["序号", "时间", "用户"] and headers[-1] == "摘要"


def test_the_admin_sees_a_locked_user_and_unlocks_it(qtbot, admin_ctx) -> None:
    with admin_ctx.db.transaction() as s:  # ten wrong passwords left it so
        s.query(User).filter(User.username == "clerk").one().locked_at = clock.now()
    page = SystemPage(admin_ctx)
    qtbot.addWidget(page)
    users = page.users
    assert users is not None
    row = next(r for r in range(users.table.rowCount()) if users.table.item(r, 0).text() == "clerk")
    assert users.table.item(row, 3).text().startswith("已锁定")
    users.table.setCurrentCell(row, 0)
    users.unlock_button.click()
    assert users.table.item(row, 3).text() == "正常"
    assert login(admin_ctx.db, "clerk", "demo").username == "clerk"


def _campaign_button(page: HomePage, name: str, text: str) -> QPushButton:
    grid = page.campaign_grid
    row = next(r for r in range(1, grid.rowCount())
               if grid.itemAtPosition(r, 0) is not None and grid.itemAtPosition(r, 0).widget().text() == name)
    return next(grid.itemAtPosition(row, c).widget() for c in range(grid.columnCount())
                if grid.itemAtPosition(row, c) is not None and grid.itemAtPosition(row, c).widget().text() == text)


def test_a_clerk_creates_and_edits_a_campaign_from_the_home_page(qtbot, clerk_ctx) -> None:
    from fupin_desktop.services.campaigns import list_campaigns

    page = HomePage(clerk_ctx)
    qtbot.addWidget(page)
    next(b for b in page.campaign_box.findChildren(QPushButton) if b.text() == "新建专项行动…").click()
    form = next(w for w in page.findChildren(FormDialog) if w.isVisible())
    form.panel.set_values({"name": "春蕾助学行动", "year": clock.today().year, "target_organizations": 30,
                           "target_villages": 12})
    assert form.save()
    assert "春蕾助学行动" in page.campaign_progress()  # the list on the 首页 shows it at once

    _campaign_button(page, "春蕾助学行动", "修改…").click()
    form = next(w for w in page.findChildren(FormDialog) if w.isVisible())
    form.panel.set_values({"target_villages": -3})
    assert not form.save() and "目标村（社区）数" in form.summary.text() + form.panel.message_of("target_villages")
    stored = next(c for c in list_campaigns(clerk_ctx) if c.values["name"] == "春蕾助学行动")
    assert stored.values["target_villages"] == 12  # refused beside the form, nothing stored


def test_campaign_phases_are_edited_refused_beside_the_row_and_reach_the_calendar(qtbot, clerk_ctx, monkeypatch) -> None:
    from fupin_desktop.services.calendar import year_calendar
    from fupin_desktop.services.campaigns import list_campaigns
    from fupin_desktop.ui.register.campaign_phases_dialog import CampaignPhasesDialog

    page = HomePage(clerk_ctx)
    qtbot.addWidget(page)
    year = clock.today().year
    next(b for b in page.campaign_box.findChildren(QPushButton) if b.text() == "新建专项行动…").click()
    form = next(w for w in page.findChildren(FormDialog) if w.isVisible())
    form.panel.set_values({"name": "春蕾助学行动", "year": year, "target_organizations": 30,
                           "starts_on": date(year, 4, 28), "ends_on": date(year, 12, 31)})
    assert form.save()

    _campaign_button(page, "春蕾助学行动", "阶段…").click()
    dialog = next(w for w in page.findChildren(CampaignPhasesDialog) if w.isVisible())
    first = dialog.rows[0]
    put_chinese(first.name, "准备阶段")
    qtbot.keyClicks(first.due_on.edit, f"{year}0430")
    second = dialog.add_row()
    put_chinese(second.name, "双向选择")
    qtbot.keyClicks(second.starts_on.edit, f"{year}0520")
    qtbot.keyClicks(second.due_on.edit, f"{year}0515")  # before its start: refused under this row
    assert not dialog.save()
    assert "不能晚于截止日期" in second.message.text() and first.message.text() == ""
    assert next(c for c in list_campaigns(clerk_ctx) if c.values["name"] == "春蕾助学行动").extra["phases"] == []

    second.starts_on.set_date(None)
    assert dialog.save(), dialog.message.text()
    due = {d.name: d.due for d in year_calendar(clerk_ctx, year)}
    assert due["春蕾助学行动·准备阶段"] == date(year, 4, 30) and due["春蕾助学行动·双向选择"] == date(year, 5, 15)

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert dialog.toggle_closed() and dialog.close_button.text() == "重新开启此行动"
    dialog.accept()
    assert "春蕾助学行动（已结束）" in [w.text() for w in page.campaign_box.findChildren(QLabel)]
