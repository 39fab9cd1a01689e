"""Qt's own buttons, file dialog and context menus read in Chinese once the program starts."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QLineEdit, QMessageBox, QPushButton

from fupin_desktop.ui.common.qt_chinese import install_chinese

pytestmark = pytest.mark.gui
_ENGLISH = re.compile(r"[A-Za-z]{2,}")  # a shortcut letter such as (&O) is fine, a word is not


def test_message_box_file_dialog_and_context_menu_buttons_are_chinese(qapp, qtbot) -> None:
    assert "qtbase" in install_chinese(qapp)
    assert install_chinese(qapp) == ["qtbase", *(["qt"] if qapp.property("fupin_qt") else [])]  # once only
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Save)
    assert sorted(b.text() for b in box.buttons()) == sorted(["确定", "取消", "保存"])
    question = QMessageBox(QMessageBox.Icon.Question, "放弃", "放弃已填写的内容？",
                           QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    assert sorted(b.text() for b in question.buttons()) == ["否(&N)", "是(&Y)"]

    dialog = QFileDialog(None, "选择文件夹")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    texts = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QPushButton) if w.text()]
    assert texts and not [t for t in texts if _ENGLISH.search(t)], texts
    assert "查找范围(&L)：" in texts and "取消" in texts

    edit = QLineEdit()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    words = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    assert "复制(&C)" in words and not [w for w in words if _ENGLISH.search(w)], words
