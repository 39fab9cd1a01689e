"""Logging in: user name and password; Enter logs in; a wrong password is said inline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.errors import AuthError
from fupin_desktop.services.context import CurrentUser
from fupin_desktop.services.settings import get_setting
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, show_message

DEMO_HINT = "演示数据库：用户 clerk / reviewer / admin，密码均为 demo"


class LoginDialog(QDialog):
    def __init__(self, db: Database, bureau_name: str = "", username: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.user: CurrentUser | None = None
        self.setWindowTitle("登录 — 社会组织参与脱贫攻坚工作管理")
        layout = QVBoxLayout(self)
        heading = QLabel(bureau_name or "社会组织参与脱贫攻坚工作管理")
        heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        form = QFormLayout()
        self.username = QLineEdit(username)
        self.username.setPlaceholderText("用户名")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("密码")
        form.addRow("用户名", self.username)
        form.addRow("密码", self.password)
        layout.addLayout(form)
        self.error = message_label()
        layout.addWidget(self.error)
        self.demo_hint = QLabel(DEMO_HINT)
        self.demo_hint.setWordWrap(True)
        self.demo_hint.setStyleSheet("color: #1565c0;")
        self.demo_hint.setVisible(get_setting(db, "demo") == "1")
        layout.addWidget(self.demo_hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.login_button = QPushButton("登录")
        self.login_button.setDefault(True)  # Enter in either field logs in
        self.login_button.clicked.connect(self.try_login)
        quit_button = QPushButton("退出")
        quit_button.setAutoDefault(False)
        quit_button.clicked.connect(self.reject)
        buttons.addWidget(self.login_button)
        buttons.addWidget(quit_button)
        layout.addLayout(buttons)
        self.setMinimumWidth(400)
        (self.password if username else self.username).setFocus()

    def try_login(self) -> bool:
        if not self.username.text().strip():
            show_message(self.error, "请输入用户名。", ERROR_COLOR)
            self.username.setFocus()
            return False
        try:
            self.user = login(self.db, self.username.text(), self.password.text())
        except AuthError as exc:
            show_message(self.error, str(exc), ERROR_COLOR)
            self.password.selectAll()
            self.password.setFocus()
            return False
        self.accept()
        return True
