"""The 系统 page: an admin resets a forgotten password; every user sees which font files print."""

from __future__ import annotations

from fupin_desktop.ui.admin.system_page import SystemPage


def test_the_admin_resets_a_forgotten_password_in_the_window(qtbot, admin_ctx) -> None:
    from fupin_desktop.services.users import login

    page = SystemPage(admin_ctx)
    qtbot.addWidget(page)
    assert page.users is not None
    users = page.users
    row = next(r for r in range(users.table.rowCount()) if users.table.item(r, 0).text() == "clerk")
    users.table.selectRow(row)
    dialog = users.reset_password()
    assert dialog is not None and dialog.windowTitle() == "重设密码：clerk"
    qtbot.keyClicks(dialog.password, "new-pass-9")
    qtbot.keyClicks(dialog.confirm, "new-pass-9")
    assert dialog.create()
    assert login(admin_ctx.db, "clerk", "new-pass-9").username == "clerk"


def test_the_system_page_names_the_font_files_the_letters_use(qtbot, clerk_ctx) -> None:
    page = SystemPage(clerk_ctx)
    qtbot.addWidget(page)
    table = page.fonts.table
    roles = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert roles == ["标题、发文机关标志（小标宋）", "正文（仿宋）", "签发人姓名（楷体）", "页码（宋体）"]
    files = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert all(f.endswith((".ttf", ".ttc", ".TTF")) for f in files)
    if "WenKai" in files[1]:  # no office fonts on this machine: said so
        assert "替代字体" in table.item(1, 2).text()


def test_the_admin_disables_a_user_and_changes_a_role_in_the_window(qtbot, admin_ctx) -> None:
    page = SystemPage(admin_ctx)
    qtbot.addWidget(page)
    users = page.users
    assert users is not None

    def status(name: str) -> tuple[str, str]:
        row = next(r for r in range(users.table.rowCount()) if users.table.item(r, 0).text() == name)
        return users.table.item(row, 2).text(), users.table.item(row, 3).text()

    row = next(r for r in range(users.table.rowCount()) if users.table.item(r, 0).text() == "clerk")
    users.table.selectRow(row)
    users.active_button.click()
    assert status("clerk") == ("填报员", "已停用")
    users.table.selectRow(row)
    users.role.setCurrentIndex(users.role.findData("reviewer"))
    users.role_button.click()
    assert status("clerk") == ("审核人", "已停用")
    users.table.selectRow(row)
    users.active_button.click()
    assert status("clerk") == ("审核人", "正常")
