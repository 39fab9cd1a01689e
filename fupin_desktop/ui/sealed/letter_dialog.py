"""编辑公文: the reviewer changes the cover letter before sealing it: 主送机关, the body drafted
from the figures, the 附件 lines. The 发文字号, 签发人 and date are the program's."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.services.cover_letter import LetterText
from fupin_desktop.ui.common.unsaved import AsksBeforeDiscard
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, show_message


class LetterDialog(AsksBeforeDiscard, QDialog):
    def __init__(self, what: str, letter: LetterText, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"编辑公文 — {what}")
        self.recipient = QLineEdit(letter.recipient)
        self.body = QPlainTextEdit(letter.body)
        self.body.setMinimumHeight(220)
        self.attachments = QPlainTextEdit(letter.attachments)
        self.attachments.setFixedHeight(70)
        form = QFormLayout()
        form.addRow("主送机关", self.recipient)
        form.addRow("正文（一段一行）", self.body)
        form.addRow("附件（一行一个）", self.attachments)
        note = QLabel("发文字号、签发人和成文日期在盖章时由程序填写。改过的公文只用于这一次盖章。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self.message = message_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(640, 480)
        self.mark_clean()

    def typed_state(self) -> object:
        return (self.recipient.text(), self.body.toPlainText(), self.attachments.toPlainText())

    def letter(self) -> LetterText:
        return LetterText(self.recipient.text(), self.body.toPlainText(), self.attachments.toPlainText())

    def accept(self) -> None:
        if not self.recipient.text().strip():
            show_message(self.message, "主送机关不能为空（如“泉州市民政局”）。", ERROR_COLOR)
            return
        if not self.body.toPlainText().strip():
            show_message(self.message, "公文正文不能为空。", ERROR_COLOR)
            return
        super().accept()
