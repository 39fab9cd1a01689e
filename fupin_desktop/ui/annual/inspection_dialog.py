"""年检年报 dialog: one organization's inspection of one year and its attachments.

The record (收到日期, 结论, 备注) is saved with 保存. Attachments are stored at once, each
through the service, which reads the file's type from its bytes and refuses what is not a
document or too large; a refused file is named in the message under the list. Files can be
dropped onto the list: a file whose name says what it is (含“工作计划”“工作情况”……) gets
that use, the others the use chosen in the combo. 关闭 or Esc with a typed but unsaved 收到日期,
结论 or 备注 asks 放弃已填写的内容？ first (attachments are stored as they are added).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import AttachmentRole, InspectionResult
from fupin_desktop.errors import KnownError, ValidationFailed
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.inspections import (
    REQUIRED_ROLES,
    AttachmentView,
    InspectionView,
    add_attachment,
    export_attachments,
    get_inspection,
    remove_attachment,
    save_inspection,
)
from fupin_desktop.services.permissions import Permission
from fupin_desktop.ui.annual.attachment_table import AttachmentTable, role_from_name, viewing_copy
from fupin_desktop.ui.common import file_dialogs, unsaved
from fupin_desktop.ui.common.date_input import DateInput
from fupin_desktop.ui.common.fields import RefEditor
from fupin_desktop.ui.common.form_panel import save_close_row
from fupin_desktop.ui.common.lookups import organization_choices
from fupin_desktop.ui.common.widgets import ERROR_COLOR, WARNING_COLOR, button, message_label, show_message

OK_COLOR = "#2e7d32"
FIRST_YEAR = 2000


def open_file(path: Path) -> bool:
    """Show a file in the system's own viewer (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _yuan(fen: int | None) -> str:
    return "" if fen is None else f"{fen // 100}.{fen % 100:02d}"


class InspectionDialog(unsaved.AsksBeforeDiscard, QDialog):
    changed = Signal(object)  # the InspectionView after a save or an attachment change

    def __init__(self, ctx: ServiceContext, year: int, parent: QWidget | None = None, *,
                 organization: tuple[int, str] | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or clock.today()
        self.editable = ctx.can(Permission.EDIT_INSPECTIONS)
        self.org_id = organization[0] if organization else None
        self.inspection: InspectionView | None = None
        self.setWindowTitle(f"年检年报 — {organization[1]}" if organization else "登记年检年报")

        form = QFormLayout()
        self.org_editor: RefEditor | None = None
        if organization is None:
            self.org_editor = RefEditor(ctx.forms["pairing"].field("organization"), organization_choices(ctx))
            self.org_editor.edit.setPlaceholderText("输入名称中的字、信用代码或拼音首字母，从列表中选择")
            # After the editor has taken the picked suggestion (its own slot runs on the same signal).
            self.org_editor.completer.activated.connect(lambda _text: QTimer.singleShot(0, self, self.load))
            self.org_editor.edit.editingFinished.connect(self.load)
            form.addRow("社会组织", self.org_editor.edit)
        else:
            name = QLabel(organization[1])
            name.setStyleSheet("font-weight: bold;")
            form.addRow("社会组织", name)
        self.year = QSpinBox()
        self.year.setRange(FIRST_YEAR, self.today.year)
        self.year.setSuffix(" 年度")
        self.year.setValue(min(year, self.today.year))
        self.received = DateInput("收到日期", self.today)
        self.result = QComboBox()
        self.result.setPlaceholderText("请选择")
        for r in InspectionResult:
            self.result.addItem(r.label, r.value)
        self.result.setCurrentIndex(-1)
        self.remarks = QPlainTextEdit()
        self.remarks.setTabChangesFocus(True)
        self.remarks.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        row = QHBoxLayout()
        row.addWidget(self.year)
        row.addSpacing(16)
        row.addWidget(QLabel("收到日期"))
        row.addWidget(self.received)
        row.addSpacing(16)
        row.addWidget(QLabel("年检结论"))
        row.addWidget(self.result)
        row.addStretch(1)
        form.addRow("年度", row)
        # 业务活动成本中用于脱贫攻坚的比例 (notice 003), from the organization's annual work report.
        self.activity_cost = QLineEdit()
        self.activity_cost.setPlaceholderText("元，可不填")
        self.poverty_cost = QLineEdit()
        self.poverty_cost.setPlaceholderText("元")
        self.cost_share = QLabel()
        costs = QHBoxLayout()
        costs.addWidget(self.activity_cost)
        costs.addWidget(QLabel("其中用于脱贫攻坚"))
        costs.addWidget(self.poverty_cost)
        costs.addWidget(self.cost_share)
        costs.addStretch(1)
        form.addRow("业务活动成本（元）", costs)
        form.addRow("备注", self.remarks)

        box = QGroupBox("附件")
        column = QVBoxLayout(box)
        self.status = QLabel()
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        self.table = AttachmentTable()
        self.table.dropped.connect(lambda paths: self.add_files(paths))
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        column.addWidget(self.table, 1)
        self.role = QComboBox()
        for r in AttachmentRole:
            self.role.addItem(r.label, r.value)
        self.add_button = button("添加附件…", self.choose_files, "选择文件作为所选用途的附件；也可以把文件拖到上面的列表里")
        self.remove_button = button("移除", self.remove_selected, "把所选附件从这条年检记录中移除")
        self.open_button = button("打开", self.open_selected, "校验后用本机的程序打开所选附件（也可双击）")
        self.export_button = button("导出到文件夹…", self.choose_export, "把全部附件按原文件名复制到一个文件夹")
        tools = QHBoxLayout()
        tools.addWidget(QLabel("用途"))
        tools.addWidget(self.role)
        tools.addWidget(self.add_button)
        tools.addWidget(self.remove_button)
        tools.addStretch(1)
        tools.addWidget(self.open_button)
        tools.addWidget(self.export_button)
        column.addLayout(tools)
        self.hint = QLabel("可把文件拖到列表里（文件名含“工作计划”“工作情况”等字样的自动按该用途登记）。"
                           "只收 PDF、Word、Excel、WPS、OFD 文档和 JPG、PNG 图片，单个不超过 50 MB。")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        column.addWidget(self.hint)
        self.file_message = message_label()
        column.addWidget(self.file_message)

        self.summary = message_label()
        self.save_button, self.close_button, buttons = save_close_row("保存 (Ctrl+S)", "关闭", self.save, self.reject)
        self.save_button.setShortcut("Ctrl+S")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(box, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.year.valueChanged.connect(lambda _v: self.load())
        for w in (self.received, self.result, self.remarks, self.activity_cost, self.poverty_cost, self.add_button,
                  self.remove_button, self.save_button):
            w.setEnabled(self.editable)
        self.table.drop_enabled = self.editable
        self.save_button.setVisible(self.editable)
        self.resize(900, 600)
        self.load()

    # --- which record ---------------------------------------------------------------------------
    def org_ref(self) -> int | str | None:
        if self.org_id is not None:
            return self.org_id
        assert self.org_editor is not None
        return self.org_editor.value() or None

    def load(self) -> None:
        """Show the stored inspection of the organization and year (or an empty form)."""
        ref = self.org_ref()
        try:
            view = get_inspection(self.ctx, ref, self.year.value()) if ref is not None else None
        except KnownError:
            view = None  # a name still being typed
        self.show_inspection(view)

    def show_inspection(self, view: InspectionView | None) -> None:
        self.inspection = view
        if view is not None:
            self.org_id = view.organization_id
            if view.received_on is not None:
                d = view.received_on
                self.received.set_date(d)
            self.result.setCurrentIndex(self.result.findData(view.result) if view.result else -1)
            self.remarks.setPlainText(view.remarks)
            self.activity_cost.setText(_yuan(view.activity_cost_fen))
            self.poverty_cost.setText(_yuan(view.poverty_cost_fen))
            self.cost_share.setText(f"占 {view.cost_share}" if view.cost_share else "")
        else:
            self.received.set_date(self.today)
            self.result.setCurrentIndex(-1)
            self.remarks.clear()
            for edit in (self.activity_cost, self.poverty_cost):
                edit.clear()
            self.cost_share.clear()
        attachments = view.attachments if view else []
        self.table.show_attachments(attachments, self.ctx.user.username, self.ctx.user.display_name)
        self._show_status()
        self._default_role()
        self._update_buttons()
        self.mark_clean()

    def typed_state(self) -> tuple[object, ...]:
        org = self.org_editor.edit.text() if self.org_editor is not None else ""
        return (org, self.received.text(), self.result.currentData(), self.remarks.toPlainText(),
                self.activity_cost.text(), self.poverty_cost.text())

    def may_type(self) -> bool:
        return self.editable

    def _show_status(self) -> None:
        view = self.inspection
        if view is None and self.org_ref() is None:
            text, color = "请先选择社会组织。", "#555"
        elif view is None:
            text, color = "还没有登记这一年度的年检。选好结论后保存，或直接添加附件（会先保存年检记录）。", "#555"
        elif view.missing:
            text, color = f"尚缺必备附件：{'、'.join(view.missing)}", WARNING_COLOR
        elif view.required:
            text, color = "两项必备附件（上一年度参与脱贫攻坚工作情况、年度工作计划）已齐。", OK_COLOR
        else:
            text, color = "该组织这一年度没有结对帮扶，不要求脱贫攻坚附件。", "#555"
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {color};")

    def _default_role(self) -> None:
        have = {a.role for a in self.inspection.attachments} if self.inspection else set()
        first = next((r for r in REQUIRED_ROLES if r.value not in have), AttachmentRole.OTHER)
        self.role.setCurrentIndex(self.role.findData(first.value))

    def attachments(self) -> list[AttachmentView]:
        return self.inspection.attachments if self.inspection else []

    def selected(self) -> AttachmentView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.attachments()[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.remove_button.setEnabled(self.editable and chosen)
        self.open_button.setEnabled(chosen)
        self.export_button.setEnabled(bool(self.attachments()))

    # --- the record -----------------------------------------------------------------------------
    def save_record(self) -> InspectionView | None:
        """Save 收到日期/结论/备注; problems are shown in the dialog."""
        show_message(self.summary, "", ERROR_COLOR)
        ref = self.org_ref()
        if ref is None:
            show_message(self.summary, "请先选择社会组织。", ERROR_COLOR)
            return None
        try:
            received = self.received.date()
            if received is None:
                raise KnownError("请填写收到日期，如 2026-12-01 或 20261201。")
            view = save_inspection(self.ctx, ref, self.year.value(), result=self.result.currentData() or "",
                                   received_on=received, remarks=self.remarks.toPlainText(),
                                   costs=(self.activity_cost.text(), self.poverty_cost.text()))
        except ValidationFailed as exc:
            lines = [exc.summary] + [f"{p.label}：{p.message}" if p.label else p.message for p in exc.problems]
            show_message(self.summary, "\n".join(lines), ERROR_COLOR)
            return None
        except KnownError as exc:
            show_message(self.summary, str(exc), ERROR_COLOR)
            return None
        self.org_id = view.organization_id
        if self.org_editor is not None:
            self.org_editor.set_read_only(True)
        self.show_inspection(view)
        self.changed.emit(view)
        return view

    def save(self) -> bool:
        if not self.editable or self.save_record() is None:
            return False
        self.accept()
        return True

    def reload(self) -> None:
        if self.org_id is not None:
            self.show_inspection(get_inspection(self.ctx, self.org_id, self.year.value()))
            self.changed.emit(self.inspection)

    # --- attachments ----------------------------------------------------------------------------
    def choose_files(self) -> None:
        names = file_dialogs.open_files(self, "attachments", f"选择附件（{self.role.currentText()}）",
                                        "文档和图片 (*.pdf *.doc *.docx *.xls *.xlsx *.wps *.ofd *.jpg *.jpeg *.png)"
                                        ";;所有文件 (*)")
        if names:
            self.add_files([Path(n) for n in names], AttachmentRole(self.role.currentData()))

    def add_files(self, paths: Iterable[Path], role: AttachmentRole | str | None = None) -> list[AttachmentView]:
        """Attach each file (``role`` None: by its name, else the chosen use); the refused are named."""
        if not self.editable:
            return []
        paths = list(paths)
        if self.inspection is None and paths and self.save_record() is None:
            show_message(self.file_message, "添加附件前要先保存年检记录，请按上面的提示改正。", ERROR_COLOR)
            return []
        assert self.inspection is not None
        added, notes, refused = [], [], []
        for path in paths:
            use = role or role_from_name(path.name) or AttachmentRole(self.role.currentData())
            try:
                view = add_attachment(self.ctx, self.inspection.id, path, use)
            except KnownError as exc:
                refused.append(str(exc))
                continue
            (notes if view.already_present else added).append(view)
            self.reload()
        lines = []
        if added:
            lines.append(f"已添加 {len(added)} 个附件：{'、'.join(a.original_name for a in added)}。")
        lines += [f"「{a.original_name}」已作为{a.role_label}附上过，未重复添加。" for a in notes]
        lines += refused
        show_message(self.file_message, "\n".join(lines), ERROR_COLOR if refused else OK_COLOR)
        return added

    def remove_selected(self) -> bool:
        chosen = self.selected()
        if chosen is None or not self.editable:
            return False
        try:
            remove_attachment(self.ctx, chosen.id)
        except KnownError as exc:
            show_message(self.file_message, str(exc), ERROR_COLOR)
            return False
        self.reload()
        show_message(self.file_message, f"已移除「{chosen.original_name}」。", OK_COLOR)
        return True

    def open_selected(self) -> Path | None:
        chosen = self.selected()
        if chosen is None:
            return None
        try:
            path = viewing_copy(self.ctx, chosen)
        except KnownError as exc:
            show_message(self.file_message, str(exc), ERROR_COLOR)
            return None
        show_message(self.file_message, "", ERROR_COLOR)
        if not open_file(path):
            show_message(self.file_message, f"本机没有能打开「{chosen.original_name}」的程序。", ERROR_COLOR)
        return path

    def choose_export(self) -> None:
        folder = file_dialogs.choose_folder(self, "attachments_export", "把附件导出到哪个文件夹")
        if folder:
            self.export_to(folder)

    def export_to(self, folder: Path) -> list[Path]:
        if self.inspection is None:
            return []
        try:
            written = export_attachments(self.ctx, self.inspection.id, folder)
        except KnownError as exc:
            show_message(self.file_message, str(exc), ERROR_COLOR)
            return []
        show_message(self.file_message, f"已导出 {len(written)} 个附件到 {folder}", OK_COLOR)
        return written
