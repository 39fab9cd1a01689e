"""The start screen when the data folder holds no database yet.

A bureau whose PC died starts the program on a new one: the first thing it needs is 从备份恢复
(``RestoreDialog``). A new bureau sets itself up with ``fupin init``; the screen says so and
which folder it looked in. ``exec()`` is Accepted when a restore put a database there.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLayout, QPushButton, QVBoxLayout, QWidget

from fupin_desktop.ui.backup_panel import RestoreDialog


class StartDialog(QDialog):
    def __init__(self, data_dir: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        text = QLabel(
            f"数据文件夹「{self.data_dir}」里还没有数据库。\n\n"
            "换了新电脑、或重装了程序：请选择“从备份恢复”，找到 .fupinbak 备份文件"
            "（U 盘或自动备份文件夹里）。\n\n"
            "第一次使用本程序：请由管理员在命令行运行 fupin init 建立本局的数据库，"
            "或运行 fupin demo 先看演示数据。")
        text.setWordWrap(True)
        text.setMinimumWidth(500)  # a wrapped label's height follows its width: keep the dialog tall enough
        self.restore_button = QPushButton("从备份恢复…")
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self.restore)
        close = QPushButton("退出")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(text)
        layout.addLayout(buttons)

    def make_restore_dialog(self) -> RestoreDialog:
        return RestoreDialog(self.data_dir, self)

    def restore(self) -> bool:
        dialog = self.make_restore_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.accept()
        return True
