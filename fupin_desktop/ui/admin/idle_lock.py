"""The window locks itself after the idle time the admin set: a clerk who walks away from an
open register leaves no household's data on the screen. Only the same user's password unlocks
(counted like any login, so a stranger at the desk meets the same growing waits and the lock);
typing in progress stays where it was."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import CurrentUser
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, show_message

_ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                       QEvent.Type.Wheel})


class IdleWatch(QObject):
    """Emits ``idle`` once after ``minutes`` without a key, a click or a mouse move anywhere."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.paused = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        if minutes > 0:
            self.timer.setInterval(minutes * 60_000)
            self.timer.start()
        else:
            self.timer.stop()

    def restart(self) -> None:
        self.paused = False
        self.set_minutes(self.minutes)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.paused and self.minutes > 0 and event.type() in _ACTIVITY:
            self.timer.start()
        return False


class UnlockDialog(QDialog):
    """Only the password of the user who is signed in; Esc and the close button do nothing."""

    def __init__(self, db: Database, user: CurrentUser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.user = db, user
        self.setWindowTitle("已锁定 — 社会组织参与脱贫攻坚工作管理")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        layout = QVBoxLayout(self)
        self.note = QLabel(f"长时间无操作，窗口已锁定。\n请 {user.display_name}（{user.username}）输入密码解锁。")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("密码")
        layout.addWidget(self.password)
        self.error = message_label()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.unlock_button = QPushButton("解锁")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        row.addWidget(self.unlock_button)
        layout.addLayout(row)
        self.setMinimumWidth(380)
        self.password.setFocus()

    def try_unlock(self) -> bool:
        try:
            login(self.db, self.user.username, self.password.text())
        except KnownError as exc:  # a wrong password, a wait, the account locked, a busy database
            show_message(self.error, str(exc), ERROR_COLOR)
            self.password.selectAll()
            self.password.setFocus()
            return False
        self.password.clear()
        self.accept()
        return True

    def reject(self) -> None:  # Esc: stays locked
        return

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()
