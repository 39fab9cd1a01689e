"""Small pieces every page uses: the error and warning colours, a message line, a button
that never presses on Enter, a dialog opened window-modal without blocking."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QPushButton

__all__ = ["ERROR_COLOR", "WARNING_COLOR", "button", "message_label", "open_dialog", "show_message"]

ERROR_COLOR = "#c62828"
WARNING_COLOR = "#d35400"
OK_COLOR = "#2e7d32"


def message_label(color: str = ERROR_COLOR) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {color};")
    label.setVisible(False)
    return label


def show_message(label: QLabel, text: str, color: str) -> None:
    label.setStyleSheet(f"color: {color};")
    label.setText(text)
    label.setVisible(bool(text))


def button(text: str, slot: Callable[[], object], tip: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setAutoDefault(False)
    if tip:
        b.setToolTip(tip)
    b.clicked.connect(lambda _checked=False: slot())
    return b


def open_dialog(dialog: QDialog) -> QDialog:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
