"""批量登记 on the trust panel: many units' certificates from a 证书登记表 and a folder of files.

The window side of ``fupin trust template`` / ``fupin trust import`` (issue 15): save the
template, choose the filled sheet and the folder the counties' certificate files were put in,
then 登记. The service checks every row before registering any (``trust_import``); a refused
sheet lists every problem here, by row and column, so the admin can correct the sheet and try
again without losing the choices.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.errors import DatabaseBusy, FieldProblem, KnownError, ValidationFailed
from fupin_desktop.services import trust_import
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.trust_import import TrustImport
from fupin_desktop.ui.common import file_dialogs
from fupin_desktop.ui.common.operations import run_op
from fupin_desktop.ui.common.widgets import ERROR_COLOR, OK_COLOR, button, message_label, show_message
from fupin_desktop.ui.sealed.trust_panel import recheck_text

TEMPLATE_NAME = "下级单位印章证书登记表.xlsx"
NOT_CHOSEN = "（尚未选择）"


def problem_line(p: FieldProblem) -> str:
    """「第 N 行 列名：说明」: where in the sheet, in the words the admin sees in Excel."""
    where = " ".join(part for part in (f"第 {p.row} 行" if p.row is not None else "", p.label) if part)
    return f"{where}：{p.message}" if where else p.message


def result_text(result: TrustImport, recheck: str) -> str:
    """What the import did, section by section; ``recheck`` says what became of the packages that waited."""
    parts = [f"登记了 {len(result.registered)} 张证书：" if result.registered else "没有新登记的证书。"]
    parts += [f"· {v.bureau}（{v.division}）\n  {v.fingerprint}" for v in result.registered]
    if result.already:
        parts.append(f"\n以下 {len(result.already)} 行的证书早已登记，未重复登记：")
        parts += [f"· {line}" for line in result.already]
    if result.unused_files:
        parts.append("\n文件夹里这些证书没有出现在登记表中，未登记：")
        parts += [f"· {name}" for name in result.unused_files]
    if result.not_certificates:
        parts.append("\n文件夹里这些文件不是有效的证书，已略过：")
        parts += [f"· {name}" for name in result.not_certificates]
    if recheck:
        parts.append("\n" + recheck)
    return "\n".join(parts)


def _path_label() -> QLabel:
    label = QLabel(NOT_CHOSEN)
    label.setWordWrap(True)  # a long path wraps rather than widening the dialog
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet("color: #555;")
    return label


class TrustBatchDialog(QDialog):
    """Three steps top to bottom: the template, the sheet and folder, 登记 and what it did."""

    def __init__(self, ctx: ServiceContext, on_registered: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("批量登记下级单位的印章证书")
        self.ctx, self.on_registered = ctx, on_registered  # the panel refreshes its list
        self.sheet: Path | None = None
        self.folder: Path | None = None
        self.imported: TrustImport | None = None  # what the last 登记 did (not `result`: QDialog's)

        intro = QLabel("各单位的证书文件放进同一个文件夹，按各单位送来的纸质指纹登记单把证书指纹填进登记表。"
                       "登记时每行按指纹找到证书文件；有任何一行不符，整张表都不登记，并指出是第几行哪一栏。")
        intro.setWordWrap(True)

        self.template_button = button("保存登记表模板…", self.save_template,
                                      "生成登记表，已列出向本单位报送、尚未登记证书的各单位")
        self.template_label = _path_label()
        self.template_label.setText("")
        step1 = self._step("第一步：登记表模板", [(self.template_button, self.template_label)])

        self.sheet_button = button("选择登记表…", self.choose_sheet, "填好证书指纹的登记表（.xlsx）")
        self.sheet_label = _path_label()
        self.folder_button = button("选择证书文件夹…", self.choose_folder, "放着各单位证书文件（.pem、.cer、.crt）的文件夹")
        self.folder_label = _path_label()
        step2 = self._step("第二步：填好的登记表和证书文件夹",
                           [(self.sheet_button, self.sheet_label), (self.folder_button, self.folder_label)])

        self.register_button = button("登记", self.register, "检查登记表的每一行，全部无误才登记")
        self.outcome = message_label()
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.problems.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.problems.setAlternatingRowColors(True)  # a problem wrapped over two lines stays one band
        self.problems.setVisible(False)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setVisible(False)
        step3 = QGroupBox("第三步：登记")
        box = QVBoxLayout(step3)
        box.addWidget(self.register_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.outcome)
        box.addWidget(self.problems, 1)
        box.addWidget(self.report, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(step1)
        layout.addWidget(step2)
        layout.addWidget(step3, 1)
        layout.addWidget(buttons)
        self.resize(760, 600)
        self._update()

    @staticmethod
    def _step(title: str, rows: list[tuple[QPushButton, QLabel]]) -> QGroupBox:
        group = QGroupBox(title)
        grid = QGridLayout(group)
        for r, (b, label) in enumerate(rows):
            grid.addWidget(b, r, 0)
            grid.addWidget(label, r, 1)
        grid.setColumnStretch(1, 1)
        return group

    def _update(self) -> None:
        self.register_button.setEnabled(self.sheet is not None and self.folder is not None)

    def save_template(self) -> None:
        path = file_dialogs.save_file(self, "trust_sheet", "保存证书登记表模板", TEMPLATE_NAME, "Excel 表格 (*.xlsx)")
        if path is None:
            return
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")  # the sheet is read back as .xlsx only
        run_op(self, lambda: trust_import.template(self.ctx, path),
               lambda saved: self.template_label.setText(f"已保存到：{saved}\n填好证书指纹后，在第二步选择它。"))

    def choose_sheet(self) -> None:
        path = file_dialogs.open_file(self, "trust_sheet", "选择填好的证书登记表", "Excel 表格 (*.xlsx)")
        if path is not None:
            self.sheet = path
            self.sheet_label.setText(str(path))
            self._update()

    def choose_folder(self) -> None:
        folder = file_dialogs.choose_folder(self, "trust_certificates", "选择放着各单位证书文件的文件夹")
        if folder is not None:
            self.folder = folder
            self.folder_label.setText(str(folder))
            self._update()

    def register(self) -> None:
        sheet, folder = self.sheet, self.folder
        if sheet is None or folder is None:
            return

        def attempt() -> TrustImport | KnownError:
            try:
                return trust_import.import_sheet(self.ctx, sheet, folder)
            except DatabaseBusy:
                raise  # run_op offers 重试; rows registered before it are 早已登记 the second time
            except KnownError as exc:  # shown in this dialog, beside the choices to correct
                return exc

        run_op(self, attempt, self._show)

    def _show(self, outcome: TrustImport | KnownError) -> None:
        self.imported = None
        self.problems.clear()
        self.problems.setVisible(False)
        self.report.setVisible(False)
        if isinstance(outcome, ValidationFailed) and outcome.problems:
            show_message(self.outcome, outcome.summary, ERROR_COLOR)
            self.problems.addItems([problem_line(p) for p in outcome.problems])
            self.problems.setVisible(True)
        elif isinstance(outcome, KnownError):
            show_message(self.outcome, str(outcome), ERROR_COLOR)
            # Each row is registered on its own: a failure past the sheet's checks may follow some.
            self.on_registered()
        else:
            self.imported = outcome
            show_message(self.outcome, f"登记完成：新登记 {len(outcome.registered)} 张证书。", OK_COLOR)
            self.report.setPlainText(result_text(outcome, recheck_text(outcome.rechecked)))
            self.report.setVisible(True)
            self.on_registered()
