"""Helpers for driving real widgets in GUI tests."""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit


def put_chinese(edit: QLineEdit, text: str) -> None:
    """qtbot.keyClicks aborts on non-ASCII text: commit it as an input method (拼音输入法) would,
    which inserts it and sends textEdited like typing."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)
    assert edit.text().endswith(text)
