"""Start-up: fonts (with an Ext-B fallback), the crash dialog's log, run_gui end to end."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys

import pytest
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QMessageBox

from fupin_desktop.store.folder import DB_FILE
from fupin_desktop.ui import app as app_module
from fupin_desktop.ui.admin.first_run_wizard import FirstRunWizard
from fupin_desktop.ui.common.fonts import install_fonts
from fupin_desktop.ui.main_window import APP_TITLE, MainWindow


def test_shipped_fonts_cover_rare_name_characters(qapp) -> None:
    families = install_fonts(qapp)
    assert families == ["Noto Sans SC", "LXGW WenKai"]
    assert qapp.font().families()[:2] == families
    assert QFontMetrics(QFont("Noto Sans SC")).inFontUcs4(ord("堃"))
    assert QFontMetrics(QFont("LXGW WenKai")).inFontUcs4(ord("𠮷"))  # Ext-B: WenKai, not Noto


def test_the_crash_handler_logs_and_says_where(tmp_path, monkeypatch, qapp, own_logging) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    path = app_module.setup_logging(tmp_path)
    handler = app_module.CrashHandler(path).install()
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        handler(type(exc), exc, exc.__traceback__)
    assert path == tmp_path / "logs" / "fupin.log"
    assert "RuntimeError: boom" in path.read_text(encoding="utf-8")
    assert len(shown) == 1 and str(path) in shown[0] and "boom" in shown[0]


def test_no_database_opens_the_first_run_wizard_and_leaving_it_creates_nothing(tmp_path, monkeypatch, qapp,
                                                                            own_logging) -> None:
    shown: list[str] = []
    monkeypatch.setattr(FirstRunWizard, "exec", lambda self: shown.append(self.windowTitle()) or 0)  # 取消
    assert app_module.run_gui(tmp_path / "empty") == 0
    assert shown == [APP_TITLE]
    assert not (tmp_path / "empty" / DB_FILE).exists()


def test_a_database_from_a_newer_program_is_a_message_and_exit_code_1(ui_dir, monkeypatch, qapp,
                                                                      own_logging) -> None:
    with sqlite3.connect(ui_dir / DB_FILE) as con:
        con.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    assert app_module.run_gui(ui_dir) == 1
    assert len(shown) == 1 and "更新版本的程序" in shown[0] and "Traceback" not in shown[0]


class _NoLoopApp:
    """The test's QApplication, except that ``exec`` closes the windows instead of running
    a loop (quitting the shared application would stop later tests' event processing)."""

    def __init__(self, app: QApplication, seen: list[str]) -> None:
        self._app, self.seen = app, seen

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._app, name)

    def exec(self) -> int:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                self.seen.append(widget.windowTitle())
                widget.close()
        return 0


@pytest.fixture
def own_logging(monkeypatch):  # type: ignore[no-untyped-def]
    """run_gui adds a file handler to the root logger and sets sys.excepthook: undo both."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    before = list(logging.getLogger().handlers)
    yield
    for handler in logging.getLogger().handlers:
        if handler not in before:
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_run_gui_with_valid_credentials_skips_the_login_dialog(ui_dir, monkeypatch, qapp, own_logging) -> None:
    seen: list[str] = []
    monkeypatch.setattr(app_module, "_application", lambda: _NoLoopApp(qapp, seen))
    assert app_module.run_gui(ui_dir, username="reviewer", password="demo") == 0
    assert seen and seen[0].endswith("（审核人）")


class _SwitchOnceApp(_NoLoopApp):
    """The first window is left by 文件 → 切换用户, the next one closed."""

    def exec(self) -> int:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                self.seen.append(widget.windowTitle())
                if len(self.seen) == 1:
                    widget.actions_by_text["切换用户…"].trigger()
                else:
                    widget.close()
        return 0


def test_switch_user_signs_in_again_without_quitting(ui_dir, monkeypatch, qapp, own_logging) -> None:
    seen: list[str] = []
    monkeypatch.setattr(app_module, "_application", lambda: _SwitchOnceApp(qapp, seen))
    logins: list[str | None] = []

    def sign_in(db, bureau_name, username, password, **_kw):  # type: ignore[no-untyped-def]
        logins.append(username)
        from fupin_desktop.services.users import login
        return login(db, username or "clerk", "demo")  # the second time: the login dialog's answer

    monkeypatch.setattr(app_module, "_sign_in", sign_in)
    assert app_module.run_gui(ui_dir, username="reviewer", password="demo") == 0
    assert logins == ["reviewer", None]  # no credentials carried over to the second login
    assert seen[0].endswith("（审核人）") and seen[1].endswith("（填报员）")


def test_the_menu_bar_offers_the_usual_shortcuts_and_an_about_box(qtbot, reviewer_ctx, monkeypatch) -> None:
    window = MainWindow(reviewer_ctx)
    qtbot.addWidget(window)
    window.show()
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "编辑(&E)", "视图(&V)", "帮助(&H)"]
    actions = window.actions_by_text
    assert actions["退出"].shortcut().toString() == "Ctrl+Q" and actions["查找"].shortcut().toString() == "Ctrl+F"
    assert actions["月度统计"].shortcut().toString() == "Ctrl+5"
    actions["月度统计"].trigger()
    assert window.nav.currentItem().text() == "月度统计"
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, _title, text: told.append(text))
    actions["关于"].trigger()
    from fupin_desktop import __version__
    assert __version__ in told[0] and str(reviewer_ctx.data_dir) in told[0] and "Open Font License" in told[0]


def test_the_window_is_on_screen_as_left_before_the_database_opens(
        ui_dir, monkeypatch, qapp, own_logging) -> None:
    """What a clerk sees first is the main window itself, not a wait: the database, the services
    and the password check come after its first paint."""
    from fupin_desktop.ui.common import ui_state

    left = MainWindow()
    left.resize(700, 500)
    ui_state.bind(ui_dir, "clerk")  # the last start: the clerk left the window this size
    ui_state.save_window(left)
    ui_state.unbind()
    assert ui_state.last_user(ui_dir) == "clerk"  # whose size a start without --user opens at
    left.deleteLater()
    when_opening: list[tuple[int, int, bool, bool]] = []
    opener = app_module._open_database

    def open_database(data_dir):  # type: ignore[no-untyped-def]
        when_opening.extend((w.width(), w.height(), w.attached, w.menuBar().isEnabled())
                            for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        return opener(data_dir)

    monkeypatch.setattr(app_module, "_open_database", open_database)
    seen: list[str] = []
    monkeypatch.setattr(app_module, "_application", lambda: _NoLoopApp(qapp, seen))
    assert app_module.run_gui(ui_dir, username="clerk", password="demo") == 0
    assert when_opening == [(700, 500, False, False)]  # on screen, as left, nothing to act on yet
    assert len(seen) == 1 and seen[0].endswith("（填报员）")  # then filled for who signed in


def test_a_server_that_does_not_answer_offers_retry_and_then_opens(ui_dir, monkeypatch, qapp, own_logging) -> None:
    from fupin_desktop.errors import ServerUnreachable

    opener, attempts, asked = app_module._open_database, [], []

    def open_database(data_dir):  # type: ignore[no-untyped-def]
        attempts.append(data_dir)
        if len(attempts) == 1:  # the cable was out for a moment
            raise ServerUnreachable("连不上数据库服务器 192.168.1.10:5432：服务器没有开机、网线没插好，或地址写错了。")
        return opener(data_dir)

    monkeypatch.setattr(app_module, "_open_database", open_database)
    monkeypatch.setattr(app_module, "_retry", lambda _parent, message: asked.append(message) or True)  # 重试
    seen: list[str] = []
    monkeypatch.setattr(app_module, "_application", lambda: _NoLoopApp(qapp, seen))
    assert app_module.run_gui(ui_dir, username="clerk", password="demo") == 0
    assert len(attempts) == 2 and "连不上数据库服务器" in asked[0] and seen[0].endswith("（填报员）")
    monkeypatch.setattr(app_module, "_retry", lambda _parent, _message: False)  # 退出
    attempts.clear()
    assert app_module.run_gui(ui_dir, username="clerk", password="demo") == 1


def test_a_server_that_refuses_the_password_asks_for_it_for_this_run(ui_dir, monkeypatch, qapp, own_logging) -> None:
    from fupin_desktop.errors import ServerLoginRefused

    opener, typed_before = app_module._open_database, []

    def open_database(data_dir):  # type: ignore[no-untyped-def]
        typed_before.append(os.environ.get(app_module.SERVER_PASSWORD_ENV))
        if len(typed_before) == 1:
            raise ServerLoginRefused("数据库服务器 192.168.1.10:5432 拒绝了用户「fupin」的登录：密码不对或没有设置。")
        return opener(data_dir)

    monkeypatch.delenv(app_module.SERVER_PASSWORD_ENV, raising=False)
    monkeypatch.setattr(app_module, "_open_database", open_database)
    monkeypatch.setattr(app_module, "_server_password", lambda _parent, message: "服务器密码")
    seen: list[str] = []
    monkeypatch.setattr(app_module, "_application", lambda: _NoLoopApp(qapp, seen))
    assert app_module.run_gui(ui_dir, username="clerk", password="demo") == 0
    assert typed_before == [None, "服务器密码"] and seen[0].endswith("（填报员）")
