"""The seal's passphrase dialogs: one field to seal with, two to make a new seal key.

Both are window-modal and non-blocking (``open_dialog``); OK calls ``on_ok(passphrase)``,
which returns False to keep the dialog open (the service refused and said why).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.documents.seal_key import MIN_PASSPHRASE
from fupin_desktop.domain.passphrase import passphrase_strength
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, show_message


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMinimumWidth(240)
    return edit


class _PassphraseBase(QDialog):
    def __init__(self, title: str, text: str, ok_text: str, on_ok: Callable[[str], object],
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.on_ok = on_ok
        self.layout_ = QVBoxLayout(self)
        self.intro = QLabel(text)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.layout_.addWidget(self.intro)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.message = message_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _finish_layout(self) -> None:
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def passphrase(self) -> str:
        raise NotImplementedError

    def problem(self) -> str:
        return "" if self.passphrase() else "请输入印章口令。"

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            show_message(self.message, problem, ERROR_COLOR)
            return
        if self.on_ok(self.passphrase()) is False:
            return
        super().accept()


class PassphraseDialog(_PassphraseBase):
    """盖章报送: the reviewer types the seal's passphrase (shown as dots)."""

    def __init__(self, what: str, on_ok: Callable[[str], object], parent: QWidget | None = None,
                 note: str = "") -> None:
        text = f"将以本单位电子印章盖章报送：\n{what}"
        if note:
            text += f"\n{note}"
        super().__init__("输入印章口令", text, "盖章报送", on_ok, parent)
        self.edit = password_edit()
        self.edit.setPlaceholderText("审核人保管的印章口令")
        self.form.addRow("印章口令", self.edit)
        self._finish_layout()
        self.edit.setFocus()

    def passphrase(self) -> str:
        return self.edit.text()


class NewSealDialog(_PassphraseBase):
    """生成印章: a new passphrase, typed twice."""

    def __init__(self, on_ok: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__("生成电子印章", "为本单位生成电子印章密钥，由你（审核人）持有。口令请牢记并像实物公章一样保管："
                         "忘记口令只能重新生成印章，并把新证书重新交接收单位登记。", "生成印章", on_ok, parent)
        self.first = password_edit()
        self.second = password_edit()
        self.first.setPlaceholderText(f"至少 {MIN_PASSPHRASE} 个字符，可用汉字")
        self.strength = QLabel()
        self.strength.setWordWrap(True)
        self.form.addRow("新口令", self.first)
        self.form.addRow("", self.strength)
        self.form.addRow("再输一遍", self.second)
        self.first.textChanged.connect(self.show_strength)
        self.show_strength("")
        self._finish_layout()
        self.first.setFocus()

    def show_strength(self, text: str) -> None:
        s = passphrase_strength(text)
        color = {0: "#757575", 1: ERROR_COLOR, 2: "#ef6c00", 3: "#2e7d32"}[s.level]
        self.strength.setText(f"强度：{s.label}　{s.hint}" if text else f"至少 {MIN_PASSPHRASE} 个字符；越长越难猜。")
        self.strength.setStyleSheet(f"color: {color};")

    def passphrase(self) -> str:
        return self.first.text()

    def problem(self) -> str:
        if not self.first.text():
            return "请输入新口令。"
        if len(self.first.text()) < MIN_PASSPHRASE:
            return f"口令至少 {MIN_PASSPHRASE} 个字符；一句只有你知道的话（可用汉字）比短口令难猜得多。"
        if self.first.text() != self.second.text():
            return "两次输入的口令不一致，请重新输入。"
        return ""
