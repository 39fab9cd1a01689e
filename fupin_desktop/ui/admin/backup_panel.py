"""系统 → 备份与恢复 (管理员), and the restore dialog of the start screen (before any login).

Every rule lives in ``services.backup``; these widgets only ask for folders, files, a
password and a confirmation, and show what the service says.

A restore over the data the program has open is never done under the open database: it is
unpacked, checked and migrated beside the data folder, and takes the folder's place at the next
start (``store.folder.finish_pending_restore`` when the database is opened). The panel then asks the
user to close and restart the program (signal ``restart_required``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.errors import KnownError
from fupin_desktop.services import backup
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.store.folder import has_database
from fupin_desktop.ui.common import file_dialogs
from fupin_desktop.ui.common.widgets import ERROR_COLOR, button, message_label, show_message

OK_COLOR = "#2e7d32"
FILTER = "备份文件 (*.fupinbak);;所有文件 (*)"
T = TypeVar("T")


@contextmanager
def busy() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def describe(info: backup.BackupInfo) -> str:
    return (f"{info.bureau}（{info.division_code}），备份于 {info.created:%Y-%m-%d %H:%M}，"
            f"{info.files} 个文件，共 {info.size / 2**20:.1f} MB，程序版本 {info.program_version}")


def confirm(parent: QWidget, title: str, text: str, yes: str) -> bool:
    """A question with Chinese buttons (``yes`` / 取消); 取消 is the default."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is ok


class BackupPanel(QWidget):
    restart_required = Signal()  # a restore waits for the next start: the window should close

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status = QLabel()
        self.warning = QLabel()
        self.warning.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        self.message = message_label()
        self.backup_button = button("立即备份…", self.backup_now, "选择一个文件夹（最好是另一块磁盘或 U 盘），把全部数据备份成一个文件")

        auto = QGroupBox("自动备份（关闭程序时，每天最多一次）")
        self.folder = QLineEdit()
        self.folder.setReadOnly(True)
        self.folder.setPlaceholderText("未设置：不做自动备份")
        self.keep = QSpinBox()
        self.keep.setRange(1, 1000)
        self.keep.setSuffix(" 份")
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(button("选择…", self.choose_auto_folder))
        folder_row.addWidget(button("不自动备份", lambda: self.folder.clear()))
        form = QFormLayout(auto)
        form.addRow("备份到", folder_row)
        form.addRow("保留最近", self.keep)
        form.addRow("", button("保存设置", self.save_automatic))

        restore_box = QGroupBox("从备份恢复")
        self.restore_button = button("从备份恢复…", self.restore_from_file)
        note = QLabel("恢复会用备份替换当前全部数据：先把当前数据另备份一份，恢复在下次启动程序时生效。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        restore_layout = QVBoxLayout(restore_box)
        restore_layout.addWidget(note)
        restore_layout.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)

        top = QHBoxLayout()
        top.addWidget(self.status)
        top.addSpacing(12)
        top.addWidget(self.warning)
        top.addStretch(1)
        top.addWidget(self.backup_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(auto)
        layout.addWidget(restore_box)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        status = backup.backup_status(self.ctx)
        self.status.setText(status.text)
        self.warning.setText(status.warning if status.warning and status.last else "")
        settings = backup.automatic_settings(self.ctx)
        self.folder.setText(str(settings.folder) if settings.folder else "")
        self.keep.setValue(settings.keep)
        if self.ctx.data_dir is not None and backup.pending_restore(self.ctx.data_dir):
            show_message(self.message, "已有一次恢复在等待生效：请关闭程序后重新打开。", ERROR_COLOR)
            self.restore_button.setEnabled(False)

    def _run(self, work: Callable[[], T]) -> T | None:
        try:
            with busy():
                return work()
        except KnownError as exc:
            show_message(self.message, str(exc), ERROR_COLOR)
            return None

    def backup_now(self) -> backup.BackupResult | None:
        folder = file_dialogs.choose_folder(self, "backup", "选择存放备份的文件夹（另一块磁盘或 U 盘）")
        if not folder:
            return None
        result = self._run(lambda: backup.make_backup(self.ctx, folder))
        if result is not None:
            text = f"已备份并逐项校验：{result.path}（{result.path.stat().st_size / 2**20:.1f} MB）"
            show_message(self.message, "\n".join([text, *result.warnings]), OK_COLOR)
            self.refresh()
        return result

    def choose_auto_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择自动备份的文件夹（另一块磁盘或 U 盘）", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def save_automatic(self) -> bool:
        folder = Path(self.folder.text()) if self.folder.text() else None
        settings = self._run(lambda: backup.set_automatic(self.ctx, folder, self.keep.value()))
        if settings is None:
            return False
        where = f"自动备份到 {settings.folder}，保留最近 {settings.keep} 份" if settings.folder else "不做自动备份"
        show_message(self.message, f"已保存：{where}。", OK_COLOR)
        return True

    def restore_from_file(self) -> backup.RestoreResult | None:
        name = file_dialogs.open_file(self, "backup", "选择备份文件", FILTER)
        if not name:
            return None
        info = self._run(lambda: backup.inspect_backup(name))
        if info is None:
            return None
        if not confirm(self, "从备份恢复",
                       f"用这个备份替换当前的全部数据？\n\n{describe(info)}\n\n当前数据会先另备份到 "
                       f"{backup.safety_folder(Path(self.ctx.data_dir or '.'))}。恢复在下次启动程序时生效。",
                       "恢复"):
            return None
        password, ok = QInputDialog.getText(self, "从备份恢复", f"备份中管理员 {self.ctx.user.username} 的密码：",
                                            QLineEdit.EchoMode.Password)
        if not ok:
            return None
        assert self.ctx.data_dir is not None
        data_dir = Path(self.ctx.data_dir)
        result = self._run(lambda: backup.restore(Path(name), data_dir, username=self.ctx.user.username,
                                                  password=password, replace=True, signed_in=self.ctx,
                                                  swap_now=False))
        if result is None:
            return None
        show_message(self.message, f"恢复已准备好，当前数据已先备份到 {result.safety_backup}。\n"
                                   "请现在关闭程序并重新打开，恢复的数据将在那时生效；在此之前所做的修改不会保留。", OK_COLOR)
        self.restore_button.setEnabled(False)
        self.restart_required.emit()
        return result


class RestoreDialog(QDialog):
    """从备份恢复 before any login (the start screen when there is no database yet)."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.result_: backup.RestoreResult | None = None
        self.setWindowTitle("从备份恢复")
        self.setMinimumWidth(520)
        self.file = QLineEdit()
        self.file.setReadOnly(True)
        self.file.setPlaceholderText("选择 .fupinbak 备份文件")
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(button("选择…", self.choose_file))
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.username = QLineEdit("admin")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("备份文件", file_row)
        form.addRow("", self.info)
        form.addRow("管理员用户名", self.username)
        form.addRow("密码", self.password)
        self.error = message_label()
        self.ok = QPushButton("恢复")
        self.ok.setEnabled(False)
        self.ok.clicked.connect(self.restore)
        cancel = QPushButton("取消")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"恢复到数据文件夹：{self.data_dir}"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def choose_file(self) -> None:
        name = file_dialogs.open_file(self, "backup", "选择备份文件", FILTER)
        if name:
            self.set_file(name)

    def set_file(self, path: Path) -> bool:
        self.file.setText(str(path))
        show_message(self.error, "", ERROR_COLOR)
        try:
            with busy():
                info = backup.inspect_backup(path)
        except KnownError as exc:
            self.info.setText("")
            show_message(self.error, str(exc), ERROR_COLOR)
            self.ok.setEnabled(False)
            return False
        self.info.setText(f"已核对每个文件的哈希值：{describe(info)}")
        self.ok.setEnabled(True)
        return True

    def restore(self) -> bool:
        replace = has_database(self.data_dir)
        if replace and not confirm(self, "从备份恢复",
                                   f"「{self.data_dir}」里已有数据。用备份替换它？当前数据会先另备份到 "
                                   f"{backup.safety_folder(self.data_dir)}。", "替换"):
            return False
        try:
            with busy():
                self.result_ = backup.restore(Path(self.file.text()), self.data_dir, username=self.username.text(),
                                              password=self.password.text(), replace=replace)
        except KnownError as exc:
            show_message(self.error, str(exc), ERROR_COLOR)
            return False
        self.accept()
        return True
