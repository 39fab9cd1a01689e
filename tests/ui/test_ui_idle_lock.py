"""Issue 10: the window locks itself after the idle time the admin set; only the signed-in user's
password unlocks it, and a key or a click restarts the count."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from sqlalchemy import select

from fupin_desktop.services.audit_log import list_records
from fupin_desktop.services.users import idle_lock_minutes
from fupin_desktop.store.models import AuditRecord, User
from fupin_desktop.ui.admin.system_page import SystemPage
from fupin_desktop.ui.main_window import MainWindow


def test_the_admin_sets_the_idle_time_and_the_window_follows(qtbot, admin_ctx) -> None:
    window = MainWindow(admin_ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.idle.timer.isActive() and window.idle.timer.interval() == 15 * 60_000  # the default
    page = window.show_page("系统")
    assert isinstance(page, SystemPage) and page.users is not None
    page.users.idle_minutes.setValue(5)
    assert page.users.save_idle_lock()
    assert idle_lock_minutes(admin_ctx.db) == 5 and window.idle.timer.interval() == 5 * 60_000
    assert list_records(admin_ctx, limit=1)[0].summary == "无操作自动锁定：5 分钟"
    page.users.idle_minutes.setValue(0)
    assert page.users.save_idle_lock() and not window.idle.timer.isActive()
    assert page.users.idle_minutes.text() == "不锁定"


def test_idle_time_locks_the_window_and_only_the_users_password_unlocks(qtbot, clerk_ctx) -> None:
    window = MainWindow(clerk_ctx)
    qtbot.addWidget(window)
    window.show()
    window.idle.timer.timeout.emit()  # the idle time has passed
    dialog = window.unlock_dialog
    assert dialog is not None and dialog.isVisible()
    assert not window.centralWidget().isVisible()  # no page, no household, on the screen
    assert "林晓华（clerk）" in dialog.note.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc does not unlock
    assert dialog.isVisible() and not window.centralWidget().isVisible()

    qtbot.keyClicks(dialog.password, "wrong")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and "不正确" in dialog.error.text()
    qtbot.keyClicks(dialog.password, "demo")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert not dialog.isVisible() and window.unlock_dialog is None
    assert window.centralWidget().isVisible() and window.idle.timer.isActive()
    with clerk_ctx.db.reading() as s:  # the wrong password counted like any login's
        assert s.scalar(select(User.failed_logins).where(User.username == "clerk")) == 0  # reset by the right one
        assert s.scalar(select(AuditRecord.summary).where(AuditRecord.action == "login_failed")
                        .order_by(AuditRecord.seq.desc())) == "登录失败：密码错误（连续第 1 次）"


def test_a_key_or_a_click_restarts_the_count(qtbot, clerk_ctx) -> None:
    window = MainWindow(clerk_ctx)
    qtbot.addWidget(window)
    window.show()
    window.idle.timer.stop()  # stands for a count that ran almost out
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.idle.timer.isActive() and window.idle.timer.remainingTime() > 14 * 60_000
    window.idle.timer.stop()
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert window.idle.timer.isActive() and window.idle.timer.remainingTime() > 14 * 60_000
