"""查处线索 (notice 003): the year's four lists of organizations to look into, each with its
evidence, and whether the bureau has handled it.

The lists and their rules are ``services.enforcement``'s: 无公开募捐资格却向社会募集, 全年未参与扶贫
活动, 已注销或年检不合格仍在结对期内, 抽查核实不属实. The selected case's evidence is shown in full
under the list; 标记已处理… records what was done (marking again replaces the note); 导出Excel…
writes the four lists, one sheet each.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import Role
from fupin_desktop.errors import KnownError, ValidationFailed
from fupin_desktop.services import enforcement
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.enforcement import BASIS, SHEETS, Case, EnforcementKind
from fupin_desktop.services.inspections import MIN_YEAR
from fupin_desktop.ui.common import file_dialogs, unsaved
from fupin_desktop.ui.common.form_panel import save_close_row
from fupin_desktop.ui.common.operations import inform, run_op
from fupin_desktop.ui.common.tables import fill_table, read_only_table
from fupin_desktop.ui.common.widgets import ERROR_COLOR, button, open_dialog
from fupin_desktop.ui.supervision.spotcheck_dialogs import FieldMessages

# The credit code, the whole evidence and who handled it when are in the pane under the list.
HEADERS = ("名单", "社会组织", "登记状态", "情形及依据", "处理情况", "处理说明")
REASON_COLUMN, HANDLED_COLUMN, NOTE_COLUMN = 3, 4, 5
HANDLED, NOT_HANDLED, NO_LONGER = "已处理", "未处理", "已处理（已不在名单）"
NO_PERMISSION = "“{role}”没有标记查处线索已处理的权限（需要“{permission}”的权限）。"


def handled_text(c: Case) -> str:
    return (HANDLED if c.listed else NO_LONGER) if c.handled else NOT_HANDLED


def case_detail(c: Case) -> str:
    """The selected case in full: what the rule found, on what basis, what was done."""
    kind = EnforcementKind.of(c.kind)
    lines = [f"{c.organization}（{c.credit_code}，{c.status_label}）— {c.kind_label}"]
    lines += [f"• {e}" for e in c.evidence]
    if c.amount_fen:
        lines.append(f"涉及资金及物资：{c.amount_yuan} 元")
    lines.append(f"依据：{BASIS[kind]}")
    if c.handled:
        lines.append(f"处理情况（{c.handled_by}，{c.handled_at:%Y-%m-%d %H:%M}）：{c.note}" if c.handled_at
                     else f"处理情况：{c.note}")
    return "\n".join(lines)


class MarkDialog(unsaved.AsksBeforeDiscard, QDialog):
    """标记已处理…: what was done about one case, saved through ``enforcement.mark_handled``."""

    saved = Signal(object)  # Case

    def __init__(self, ctx: ServiceContext, case: Case, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.case = ctx, case
        self.result_value: Case | None = None
        self.setWindowTitle(f"标记已处理 — {case.organization}")
        self.messages = FieldMessages(("note",))
        form = QFormLayout()
        who = QLabel(f"{case.organization}（{case.credit_code}）")
        who.setStyleSheet("font-weight: bold;")
        who.setWordWrap(True)
        form.addRow("社会组织", who)
        form.addRow("名单", QLabel(f"{case.year} 年度　{case.kind_label}"))
        evidence = QPlainTextEdit("\n".join(case.evidence))
        evidence.setReadOnly(True)
        evidence.setTabChangesFocus(True)
        evidence.setStyleSheet("QPlainTextEdit { background: #f5f5f5; }")
        evidence.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 14)
        form.addRow("情形及依据", evidence)
        self.note = QPlainTextEdit(case.note)
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("写明核查和处理的情况，如：已约谈负责人，责令停止募捐并退还善款")
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        form.addRow("处理情况", self.messages.under("note", self.note))
        previous = QLabel(f"已于 {case.handled_at:%Y-%m-%d %H:%M} 由 {case.handled_by} 标记已处理；保存即修改处理情况。"
                          if case.handled and case.handled_at else "尚未标记处理。")
        previous.setStyleSheet("color: #555;")
        self.save_button, self.close_button, buttons = save_close_row("保存 (Ctrl+S)", "取消", self.save, self.reject)
        self.save_button.setShortcut("Ctrl+S")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(previous)
        layout.addWidget(self.messages.summary)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.save_button.setEnabled(ctx.can(enforcement.PERMISSION))
        self.resize(640, 420)
        self.mark_clean()

    def typed_state(self) -> str:
        return self.note.toPlainText()

    def may_type(self) -> bool:
        return self.save_button.isEnabled()

    def save(self) -> bool:
        self.messages.clear()
        c = self.case
        try:
            case = enforcement.mark_handled(self.ctx, c.kind, c.organization_id, c.year, self.note.toPlainText())
        except ValidationFailed as exc:
            self.messages.show(exc.problems, exc.summary)
            return False
        except KnownError as exc:
            self.messages.show([], str(exc))
            return False
        self.result_value = case
        self.saved.emit(case)
        self.accept()
        return True


class EnforcementTab(QWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or clock.today()
        self.may_mark = ctx.can(enforcement.PERMISSION)
        self.lists: dict[EnforcementKind, list[Case]] = {}
        self.shown: list[Case] = []

        self.year = QSpinBox()
        self.year.setRange(MIN_YEAR, self.today.year)
        self.year.setSuffix(" 年度")
        self.year.setValue(self.today.year)
        self.year.setToolTip("查处线索所属的年度（本年度为截至今天）")
        self.kind = QComboBox()
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.only_open = QCheckBox("只看未处理的")
        self.only_open.setToolTip("只列出还没有标记处理的线索")
        top = QHBoxLayout()
        for label, widget in (("年度", self.year), ("名单", self.kind)):
            top.addWidget(QLabel(label))
            top.addWidget(widget)
            top.addSpacing(10)
        top.addWidget(self.only_open)
        top.addStretch(1)
        self.mark_button = button("标记已处理…", self.open_selected, "写明对所选线索的核查和处理情况（也可双击）")
        if not self.may_mark:
            self.mark_button.setToolTip(NO_PERMISSION.format(role=Role(ctx.user.role).label,
                                                             permission=enforcement.PERMISSION.value))
        self.export_button = button("导出Excel…", self.choose_workbook, "把这一年度的四个名单写成 Excel（每个名单一个工作表）")
        actions = QHBoxLayout()
        actions.addWidget(self.mark_button)
        actions.addSpacing(16)
        actions.addWidget(self.export_button)
        actions.addStretch(1)
        self.table = read_only_table(HEADERS, [])
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("选中一条线索，这里显示它的全部情形、依据和处理情况。")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.detail.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        split.setChildrenCollapsible(False)
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.count.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(split, 1)
        layout.addWidget(self.count)

        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.kind.currentIndexChanged.connect(lambda _n: self.show_rows())
        self.only_open.toggled.connect(lambda _on: self.show_rows())
        self.refresh()

    # --- reading ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        run_op(self, lambda: enforcement.all_cases(self.ctx, self.year.value()), self._loaded)

    def _loaded(self, lists: dict[EnforcementKind, list[Case]]) -> None:
        self.lists = lists
        current = self.kind.currentData()
        with QSignalBlocker(self.kind):
            self.kind.clear()
            self.kind.addItem(f"全部名单（{sum(c.listed for rows in lists.values() for c in rows)}）", None)
            for kind, rows in lists.items():
                self.kind.addItem(f"{kind.label}（{sum(c.listed for c in rows)}）", kind.value)
            self.kind.setCurrentIndex(max(self.kind.findData(current), 0) if current else 0)
        self.show_rows()

    def show_rows(self) -> None:
        chosen = self.selected()
        wanted = self.kind.currentData()
        self.shown = [c for kind, rows in self.lists.items() if wanted in (None, kind.value) for c in rows
                      if not (self.only_open.isChecked() and c.handled)]
        fill_table(self.table, [self.cells(c) for c in self.shown])
        for n, c in enumerate(self.shown):
            item = self.table.item(n, HANDLED_COLUMN)
            item.setForeground(QColor("#2e7d32" if c.handled else ERROR_COLOR))
            self.table.item(n, REASON_COLUMN).setToolTip(case_detail(c))
            if chosen is not None and (c.kind, c.organization_id) == (chosen.kind, chosen.organization_id):
                self.table.selectRow(n)
        # The evidence takes what the other columns leave (cut short: it is whole in the pane below).
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(REASON_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(NOTE_COLUMN, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(NOTE_COLUMN, min(self.table.columnWidth(NOTE_COLUMN), 160))
        self.count.setText(self._count_text())
        self._selection_changed()

    @staticmethod
    def cells(c: Case) -> tuple[str, ...]:
        return (SHEETS[EnforcementKind.of(c.kind)], c.organization, c.status_label, c.reason, handled_text(c), c.note)

    def _count_text(self) -> str:
        parts = [f"{SHEETS[kind]} {sum(c.listed for c in rows)} 个（已处理 {sum(c.handled for c in rows)}）"
                 for kind, rows in self.lists.items()]
        until = f"（截至 {self.today:%Y-%m-%d}）" if self.year.value() == self.today.year else ""
        return f"{self.year.value()} 年度{until}：" + "；".join(parts)

    def selected(self) -> Case | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model else []
        return self.shown[rows[0].row()] if rows and rows[0].row() < len(self.shown) else None

    def select_case(self, kind: EnforcementKind, organization_id: int) -> bool:
        n = next((i for i, c in enumerate(self.shown) if (c.kind, c.organization_id) == (kind.value, organization_id)),
                 -1)
        if n >= 0:
            self.table.selectRow(n)
        return n >= 0

    def _selection_changed(self) -> None:
        case = self.selected()
        self.detail.setPlainText(case_detail(case) if case else "")
        self.mark_button.setEnabled(self.may_mark and case is not None)

    # --- marking and the workbook -----------------------------------------------------------------
    def open_selected(self) -> MarkDialog | None:
        case = self.selected()
        if case is None or not self.may_mark:
            return None
        dialog = MarkDialog(self.ctx, case, self)
        dialog.saved.connect(self._marked)
        open_dialog(dialog)
        return dialog

    def _marked(self, case: Case) -> None:
        self.refresh()
        self.select_case(EnforcementKind.of(case.kind), case.organization_id)

    def choose_workbook(self) -> None:
        name = f"{self.year.value()}年度查处线索.xlsx"
        path = file_dialogs.save_file(self, "enforcement_export", "导出查处线索", name, "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_workbook(path if path.suffix.lower() == ".xlsx" else path.with_name(f"{path.name}.xlsx"))

    def export_workbook(self, path: Path) -> Path | None:
        written: list[Path] = []

        def done(result: Path) -> None:
            written.append(result)
            inform(self, "已导出", f"{self.year.value()} 年度查处线索已写到：\n{result}")

        run_op(self, lambda: enforcement.export_xlsx(self.ctx, self.year.value(), path), done)
        return written[0] if written else None
