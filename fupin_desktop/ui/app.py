"""Starting the GUI: application, fonts, database, login, main window; and the crash dialog.

``run_gui(data_dir, username=..., password=...)`` is what ``fupin`` (no sub-command) calls.
One program per data folder (``single_instance``); a folder without a database opens the
first-run wizard (set up the bureau, restore, or the demo); drafts a crash left are offered after
login; 文件 → 切换用户 signs in again without quitting. An expected failure (a newer database, a
folder that cannot be swapped …) is a message box and exit code 1; anything unexpected is logged
to ``<data_dir>/logs/fupin.log`` and shown in one dialog.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from fupin_desktop import logs
from fupin_desktop.errors import AuthError, KnownError, ServerLoginRefused, ServerUnreachable
from fupin_desktop.paths import demo_data_dir
from fupin_desktop.store.folder import DATABASE_URL_ENV, finish_pending_restore, has_database
from fupin_desktop.ui.admin.single_instance import SingleInstance
from fupin_desktop.ui.common import ui_state
from fupin_desktop.ui.common.compat import guard_singleton_refcounts
from fupin_desktop.ui.common.fonts import install_fonts
from fupin_desktop.ui.common.qt_chinese import install_chinese
from fupin_desktop.ui.main_window import APP_TITLE, MainWindow

# The database, the services and the login dialog (SQLAlchemy behind them: most of the start-up)
# are imported once the window frame is on screen.
if TYPE_CHECKING:
    from fupin_desktop.services.context import CurrentUser, ServiceContext
    from fupin_desktop.store.db import Database

SERVER_PASSWORD_ENV = "FUPIN_DATABASE_PASSWORD"  # store.db reads it (not imported here: SQLAlchemy)
QUIT_WHEN_SHOWN_ENV = "FUPIN_QUIT_WHEN_SHOWN"  # "frame": once the frame is painted; else once ready
SCREENSHOT_ENV = "FUPIN_SCREENSHOT"  # with the above: the painted window saved as this PNG
log = logging.getLogger("fupin_desktop")


def log_file(data_dir: Path) -> Path:
    return logs.log_file(data_dir, logs.GUI_LOG)


def setup_logging(data_dir: Path) -> Path:
    """The window's log file (shared set-up with the CLI in ``fupin_desktop.logs``)."""
    return logs.setup_logging(data_dir, logs.GUI_LOG).path


class CrashHandler:
    """``sys.excepthook`` for the GUI: the traceback to the log, a dialog saying where it is."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.showing = False
        self.previous = sys.excepthook

    def install(self) -> CrashHandler:
        sys.excepthook = self
        return self

    def message(self, exc: BaseException) -> str:
        # A database library's text carries SQL and parameters (ID numbers): only the log gets it.
        what = "数据库操作出错" if type(exc).__module__.startswith(("sqlalchemy", "sqlite3")) \
            else f"{type(exc).__name__}: {exc}"
        return (f"程序遇到了意外的错误，刚才的操作可能没有完成：\n\n{what}\n\n"
                f"详细情况已记录在日志文件：\n{self.log_path}\n\n"
                "请把这个文件发给技术支持人员。已保存的数据不受影响。")

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self.previous(exc_type, exc, tb)
            return
        log.error("未处理的异常\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        if self.showing or QApplication.instance() is None:
            return
        self.showing = True
        try:
            QMessageBox.critical(None, "程序出错", self.message(exc))
        finally:
            self.showing = False


def _application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_TITLE)
    app.setApplicationDisplayName(APP_TITLE)
    app.setOrganizationName("fupin-desktop")
    install_chinese(app)
    return app


def _sign_in(db: Database, bureau_name: str, username: str | None, password: str | None, *,
             parent: QWidget | None = None) -> CurrentUser | None:
    from fupin_desktop.services.users import login
    from fupin_desktop.ui.admin.login_dialog import LoginDialog

    if username and password:
        try:
            return login(db, username, password)
        except AuthError:
            pass  # fall through to the dialog, which says what was wrong
    dialog = LoginDialog(db, bureau_name, username or "", parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.user


def _open_database(data_dir: Path) -> tuple[Database, Path] | None:
    """The folder's database (and the folder); with none yet, the first-run wizard sets up the
    bureau, restores a backup, or opens the demo county (in its own folder)."""
    no_database = os.environ.get(DATABASE_URL_ENV) is None and not has_database(data_dir)
    if no_database:
        from fupin_desktop.ui.admin.first_run_wizard import DEMO, FirstRunWizard

        wizard = FirstRunWizard(data_dir, APP_TITLE)
        if wizard.exec() != QDialog.DialogCode.Accepted:
            return None
        if wizard.choice == DEMO:
            data_dir = demo_data_dir()
            if not has_database(data_dir):
                from fupin_desktop.services.demo import make_demo_folder  # heavy, and needed once

                QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
                try:
                    make_demo_folder(data_dir)
                finally:
                    QApplication.restoreOverrideCursor()
    from fupin_desktop.store.db import Database

    return Database.open(data_dir, create=False), data_dir


def run_gui(data_dir: Path, *, username: str | None = None, password: str | None = None) -> int:
    guard_singleton_refcounts()  # before Qt is used much (PySide6 6.12.0 bug, see ui.compat)
    app = _application()
    install_fonts(app)
    instance = SingleInstance(data_dir)
    if not instance.acquire():  # the running program was asked to come to the front
        return 0
    try:
        return _run(app, data_dir, instance, username, password)
    finally:
        instance.release()


def _run(app: QApplication, data_dir: Path, instance: SingleInstance, username: str | None,
         password: str | None) -> int:
    try:
        # Before the log file opens in the folder: a restore prepared last time swaps folders now.
        finish_pending_restore(data_dir)
    except KnownError as exc:
        QMessageBox.critical(None, APP_TITLE, str(exc))
        return 1
    crash = CrashHandler(setup_logging(data_dir)).install()
    log.info("启动，数据文件夹 %s，日志 %s", data_dir, crash.log_path)
    frame: MainWindow | None = None
    if os.environ.get(DATABASE_URL_ENV) is not None or has_database(data_dir):
        frame = _show_frame(app, data_dir, username or ui_state.last_user(data_dir))
        if os.environ.get(QUIT_WHEN_SHOWN_ENV) == "frame":
            _quit_once_painted(app, frame)
            return app.exec()
    try:
        return _sign_in_and_run(app, data_dir, instance, username, password, frame)
    finally:
        if frame is not None and not frame.attached:  # a failed start or a cancelled login
            frame.close()
            frame.deleteLater()


def _sign_in_and_run(app: QApplication, data_dir: Path, instance: SingleInstance, username: str | None,
                     password: str | None, frame: MainWindow | None) -> int:
    while True:
        try:
            opened = _open_database(data_dir)
            if opened is None:
                return 0
            db, data_dir = opened
            from fupin_desktop.services.settings import bureau

            bureau_name = bureau(db).name
            break
        except ServerLoginRefused as exc:  # no password set on this PC: typed, for this run only
            typed = _server_password(frame, str(exc))
            if typed is None:
                return 1
            os.environ[SERVER_PASSWORD_ENV] = typed
        except ServerUnreachable as exc:  # the LAN server: often a moment's trouble
            if not _retry(frame, str(exc)):
                return 1
        except KnownError as exc:
            QMessageBox.critical(frame, APP_TITLE, str(exc))
            return 1
    from fupin_desktop.services.context import Forms, ServiceContext

    user = _sign_in(db, bureau_name, username, password, parent=frame)
    code = 0
    while user is not None:
        window = frame if frame is not None and not frame.attached else _show_frame(app, data_dir, user.username)
        _attach(app, window, ServiceContext(db, Forms(), user, data_dir), instance)
        code = app.exec()
        if not window.switching:
            break
        log.info("用户 %s 退出登录", user.username)
        instance.activate.disconnect(window.raise_to_front)
        window.deleteLater()
        user = _sign_in(db, bureau_name, None, None)  # 切换用户: the login again, same program
    db.dispose()
    return code


def _server_password(parent: QWidget | None, message: str) -> str | None:
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    text, ok = QInputDialog.getText(parent, APP_TITLE, f"{message}\n\n数据库服务器的密码：", QLineEdit.EchoMode.Password)
    return text if ok and text else None


def _retry(parent: QWidget | None, message: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, APP_TITLE, message, parent=parent)
    again = box.addButton("重试", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(again)
    box.exec()
    return box.clickedButton() is again


def _show_frame(app: QApplication, data_dir: Path, username: str) -> MainWindow:
    """The window as the user left it, on screen before the database is opened."""
    window = MainWindow(data_dir=data_dir, username=username)
    if window.geometry_restored:
        window.show()  # as the user left it (maximized or not)
    else:
        window.showMaximized()
    app.processEvents()  # painted now, not after the database has opened
    return window


def _quit_once_painted(app: QApplication, window: MainWindow) -> None:
    """bench/bench_startup.py and the installer check: paint the window once (a grab, since the
    offscreen platform paints nothing by itself), save it if asked, and quit."""
    shot = os.environ.get(SCREENSHOT_ENV)
    QTimer.singleShot(0, lambda: (window.grab().save(shot) if shot else window.grab(), app.quit()))


def _attach(app: QApplication, window: MainWindow, ctx: ServiceContext, instance: SingleInstance) -> None:
    window.attach(ctx)
    instance.activate.connect(window.raise_to_front)
    log.info("用户 %s 登录", ctx.user.username)
    if os.environ.get(QUIT_WHEN_SHOWN_ENV):
        _quit_once_painted(app, window)
    else:
        QTimer.singleShot(0, window.offer_drafts)  # typing a crash left behind, once the window shows
