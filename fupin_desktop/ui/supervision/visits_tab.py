"""年初部署、年中检查、年终验收 (notice 004): the year's visits to pairings and townships, what they
found and where their 整改 stands.

登记检查… (reviewer only) records a visit: the kind, one pairing or one township, the day, who
went, 检查情况和好的做法, 发现的问题, 整改要求 and 整改期限. 修改… (or a double-click) changes the
selected one; 整改完成… records the day the 整改 was done and what was done. Every rule is in
``services.visits``; what it refuses is shown under the field it concerns and nothing is stored.
取消 or Esc after typing asks 放弃已填写的内容？ first.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.errors import FieldProblem, KnownError, ValidationFailed
from fupin_desktop.services import visits
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.inspections import MIN_YEAR
from fupin_desktop.services.places import list_townships
from fupin_desktop.services.visits import VisitView
from fupin_desktop.ui.common import unsaved
from fupin_desktop.ui.common.date_input import DateInput
from fupin_desktop.ui.common.form_panel import save_close_row
from fupin_desktop.ui.common.operations import run_op
from fupin_desktop.ui.common.tables import fill_table, read_only_table
from fupin_desktop.ui.common.widgets import (
    ERROR_COLOR,
    WARNING_COLOR,
    button,
    open_dialog,
)
from fupin_desktop.ui.supervision.spotcheck_dialogs import FieldMessages, text_box

HEADERS = ("编号", "类别", "检查日期", "镇（街道）", "检查对象", "检查人员", "发现的问题", "整改要求", "整改情况")
STATE_COLUMN = 8
SHORT = 24  # characters of a long text shown in a cell; the tooltip has it all
NOT_REVIEWER = "只有审核人可以登记检查和整改（与年终评估、信息核对抽查一样由审核人判定）；这里只能查看。"
_FIELDS = ("kind", "target", "pairing", "township", "visited_on", "inspectors", "findings", "problems",
           "rectification", "rectify_by")


def _short(text: str) -> str:
    return text if len(text) <= SHORT else text[:SHORT] + "…"


def _state_color(state: str) -> str:
    if state.startswith("逾期"):
        return ERROR_COLOR
    if state.startswith("整改中"):
        return WARNING_COLOR
    return "#2e7d32" if state.startswith("已整改") else "#555"


def _row(*widgets: QWidget | str) -> QWidget:
    holder = QWidget()
    line = QHBoxLayout(holder)
    line.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        line.addWidget(QLabel(w) if isinstance(w, str) else w)
    line.addStretch(1)
    return holder


def _dates(messages: FieldMessages, fields: list[tuple[str, str, DateInput, bool]],
           summary: str) -> list[date | None] | None:
    """The dates as typed, or None with what is wrong under each ((name, label, input, required))."""
    problems: list[FieldProblem] = []
    values: list[date | None] = []
    for name, label, date_input, required in fields:
        try:
            value = date_input.date()
        except KnownError as exc:
            problems.append(FieldProblem(name, label, str(exc).removeprefix(f"{label}：")))
            value = None
        else:
            if value is None and required:
                problems.append(FieldProblem(name, label, "请填写日期，如 2026-06-15 或 20260615"))
        values.append(value)
    if problems:
        messages.show(problems, summary)
        return None
    return values


class VisitDialog(unsaved.AsksBeforeDiscard, QDialog):
    """登记检查… / 修改…: one visit of the year, saved through ``visits.record_visit`` or ``edit_visit``."""

    saved = Signal(object)  # VisitView

    def __init__(self, ctx: ServiceContext, year: int, parent: QWidget | None = None, *,
                 visit: VisitView | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.year, self.visit = ctx, visit.year if visit else year, visit
        self.editable = ctx.can(visits.PERMISSION)
        self.result_value: VisitView | None = None
        today = today or clock.today()
        self.setWindowTitle(f"{'修改' if visit else '登记'}检查 — {self.year} 年度")
        self.messages = FieldMessages(_FIELDS)
        form = QFormLayout()
        self.kind = QComboBox()
        for code, label in visits.KINDS.items():
            self.kind.addItem(label, code)
        self.kind.setCurrentIndex(self.kind.findData(visit.kind) if visit else self._likely_kind(today))
        form.addRow("检查类别", self.messages.under("kind", _row(self.kind, f"　{self.year} 年度")))
        self.by_pairing, self.by_township = QRadioButton("一对结对"), QRadioButton("一个镇（街道）")
        form.addRow("检查对象", self.messages.under("target", _row(self.by_pairing, self.by_township)))
        self.pairing = QComboBox()
        self.pairing.setEditable(True)
        self.pairing.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.pairing.lineEdit().setPlaceholderText("协议编号、社会组织或村（社区）名称的一部分")
        for number, label in visits.pairing_choices(ctx, self.year):
            self.pairing.addItem(label, number)
        completer = self.pairing.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.pairing.setMinimumWidth(420)
        form.addRow("结对", self.messages.under("pairing", self.pairing))
        self.township = QComboBox()
        for t in list_townships(ctx):
            self.township.addItem(t.values["name"], t.values["name"])
        form.addRow("镇（街道）", self.messages.under("township", _row(self.township)))
        self.visited_on = DateInput("检查日期", visit.visited_on if visit else today)
        form.addRow("检查日期", self.messages.under("visited_on", _row(self.visited_on)))
        self.inspectors = QLineEdit(visit.inspectors if visit else "")
        self.inspectors.setPlaceholderText("参加检查的人员，如 张连侨、王芳")
        self.inspectors.setMaxLength(visits.MAX_INSPECTORS)
        form.addRow("检查人员", self.messages.under("inspectors", self.inspectors))
        self.findings = text_box(2, "检查情况和好的做法、经验（半年通报中推广）", self, visit.findings if visit else "")
        form.addRow("检查情况", self.messages.under("findings", self.findings))
        self.problems = text_box(2, "检查发现的问题与不足（可不填）", self, visit.problems if visit else "")
        form.addRow("发现的问题", self.messages.under("problems", self.problems))
        self.rectification = text_box(2, "需要整改时写明整改要求（可不填）", self, visit.rectification if visit else "")
        form.addRow("整改要求", self.messages.under("rectification", self.rectification))
        self.rectify_by = DateInput("整改期限", visit.rectify_by if visit else None)
        form.addRow("整改期限", self.messages.under("rectify_by", _row(self.rectify_by)))
        self.save_button, self.close_button, buttons = save_close_row("保存 (Ctrl+S)", "取消", self.save, self.reject)
        self.save_button.setShortcut("Ctrl+S")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.messages.summary)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.by_pairing.toggled.connect(self._target_changed)
        if visit is not None and visit.pairing_id is None:
            self.township.setCurrentIndex(max(self.township.findData(visit.township), 0))
            self.by_township.setChecked(True)
        else:
            self.pairing.setCurrentIndex(self.pairing.findData(visit.agreement_no) if visit else -1)
            if visit is not None and self.pairing.currentIndex() < 0:  # no longer in term that year: as stored
                self.pairing.setEditText(visit.agreement_no)
            self.by_pairing.setChecked(True)
        self._target_changed()
        if visit is not None:
            who = ctx.user.display_name if visit.created_by == ctx.user.username else visit.created_by
            self.note.setText(f"第 {visit.id} 号，{visit.created_at:%Y-%m-%d %H:%M} 由 {who} 登记；"
                              "保存即修改（原内容记入操作日志）。")
        if not self.editable:
            self._read_only()
        self.resize(700, 640)
        self.mark_clean()

    @staticmethod
    def _likely_kind(today: date) -> int:
        """年初部署 in the first quarter, 年终验收 from November, else 年中检查."""
        return 0 if today.month <= 3 else (2 if today.month >= 11 else 1)

    def _target_changed(self) -> None:
        self.pairing.setEnabled(self.by_pairing.isChecked() and self.editable)
        self.township.setEnabled(self.by_township.isChecked() and self.editable)

    def _read_only(self) -> None:
        for widget in (self.kind, self.by_pairing, self.by_township, self.pairing, self.township):
            widget.setEnabled(False)
        for date_input in (self.visited_on, self.rectify_by):
            date_input.setReadOnly(True)
        self.inspectors.setReadOnly(True)
        for edit in (self.findings, self.problems, self.rectification):
            edit.setReadOnly(True)
        self.save_button.setVisible(False)
        self.close_button.setText("关闭")
        self.note.setText(f"{self.note.text()}\n{NOT_REVIEWER}".strip())

    def pairing_value(self) -> str:
        """The chosen pairing's agreement number, or what was typed (the service says if it is none)."""
        n = self.pairing.currentIndex()
        if n >= 0 and self.pairing.currentText() == self.pairing.itemText(n):
            return str(self.pairing.itemData(n))
        return self.pairing.currentText().strip().split(" ")[0]

    def typed_state(self) -> tuple[object, ...]:
        return (self.kind.currentData(), self.by_pairing.isChecked(), self.pairing.currentText(),
                self.township.currentData(), self.visited_on.text(), self.inspectors.text(),
                self.findings.toPlainText(), self.problems.toPlainText(), self.rectification.toPlainText(),
                self.rectify_by.text())

    def may_type(self) -> bool:
        return self.editable

    def save(self) -> bool:
        self.messages.clear()
        if not self.editable:
            return False
        dates = _dates(self.messages, [("visited_on", "检查日期", self.visited_on, True),
                                       ("rectify_by", "整改期限", self.rectify_by, False)], "检查记录未保存。")
        if dates is None:
            return False
        visited_on, rectify_by = dates
        assert visited_on is not None
        pairing = self.pairing_value() if self.by_pairing.isChecked() else None
        township = self.township.currentData() if self.by_township.isChecked() else None
        values = {"kind": self.kind.currentData(), "pairing": pairing, "township": township,
                  "visited_on": visited_on, "inspectors": self.inspectors.text(),
                  "findings": self.findings.toPlainText(), "problems": self.problems.toPlainText(),
                  "rectification": self.rectification.toPlainText(), "rectify_by": rectify_by}
        try:
            if self.visit is None:
                view = visits.record_visit(self.ctx, year=self.year, **values)
            else:
                view = visits.edit_visit(self.ctx, self.visit.id, **values)
        except ValidationFailed as exc:
            self.messages.show(exc.problems, exc.summary)
            return False
        except KnownError as exc:
            self.messages.show([], str(exc))
            return False
        self.result_value = view
        self.saved.emit(view)
        self.accept()
        return True


class RectifiedDialog(unsaved.AsksBeforeDiscard, QDialog):
    """整改完成…: the day a visit's 整改 was done and what was done (``visits.mark_rectified``)."""

    saved = Signal(object)  # VisitView

    def __init__(self, ctx: ServiceContext, visit: VisitView, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.visit = ctx, visit
        self.result_value: VisitView | None = None
        self.setWindowTitle(f"整改完成 — 第 {visit.id} 号检查")
        self.messages = FieldMessages(("rectified_on", "rectify_note"))
        form = QFormLayout()
        who = QLabel(f"{visit.visited_on} {visit.kind_label}　{visit.subject}")
        who.setWordWrap(True)
        who.setStyleSheet("font-weight: bold;")
        form.addRow("检查", who)
        requirement = QLabel(visit.rectification + (f"（期限 {visit.rectify_by}）" if visit.rectify_by else ""))
        requirement.setWordWrap(True)
        form.addRow("整改要求", requirement)
        self.rectified_on = DateInput("整改完成日期", visit.rectified_on or today or clock.today())
        form.addRow("完成日期", self.messages.under("rectified_on", _row(self.rectified_on)))
        self.note = text_box(3, "整改了什么、如何核实的（如：已补齐培训记录，镇社会事务办复核）", self, visit.rectify_note)
        form.addRow("整改情况", self.messages.under("rectify_note", self.note))
        self.save_button, self.close_button, buttons = save_close_row("保存", "取消", self.save, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.messages.summary)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(560, 340)
        self.mark_clean()

    def typed_state(self) -> tuple[str, str]:
        return self.rectified_on.text(), self.note.toPlainText()

    def save(self) -> bool:
        self.messages.clear()
        dates = _dates(self.messages, [("rectified_on", "整改完成日期", self.rectified_on, True)], "整改完成情况未保存。")
        if dates is None or dates[0] is None:
            return False
        try:
            view = visits.mark_rectified(self.ctx, self.visit.id, dates[0], self.note.toPlainText())
        except ValidationFailed as exc:
            self.messages.show(exc.problems, exc.summary)
            return False
        except KnownError as exc:
            self.messages.show([], str(exc))
            return False
        self.result_value = view
        self.saved.emit(view)
        self.accept()
        return True


class VisitsTab(QWidget):
    """The year's visits (filter by kind), with 登记检查… / 修改… / 整改完成…."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or clock.today()
        self.reviewer = ctx.can(visits.PERMISSION)
        self.visits: list[VisitView] = []
        self.year = QSpinBox()
        self.year.setRange(MIN_YEAR, self.today.year)
        self.year.setSuffix(" 年度")
        self.year.setValue(self.today.year)
        self.kind = QComboBox()
        self.kind.addItem("全部", None)
        for code, label in visits.KINDS.items():
            self.kind.addItem(label, code)
        self.add_button = button("登记检查…", self.open_record, "登记一次年初部署、年中检查或年终验收（一对结对或一个镇街）")
        self.edit_button = button("修改…", self.open_selected, "修改或查看所选检查（也可双击）")
        self.rectified_button = button("整改完成…", self.open_rectified, "登记所选检查的整改已完成：完成日期和整改情况")
        if not self.reviewer:
            for b in (self.add_button, self.rectified_button):
                b.setEnabled(False)
                b.setToolTip(NOT_REVIEWER)
        top = QHBoxLayout()
        for label, widget in (("年度", self.year), ("类别", self.kind)):
            top.addWidget(QLabel(label))
            top.addWidget(widget)
            top.addSpacing(10)
        top.addSpacing(6)
        for b in (self.add_button, self.edit_button, self.rectified_button):
            top.addWidget(b)
        top.addStretch(1)
        self.table = read_only_table(HEADERS, [])
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.count = QLabel()
        self.count.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.kind.currentIndexChanged.connect(lambda _n: self.refresh())
        self.refresh()

    def refresh(self, keep: int | None = None) -> None:
        current = self.selected()
        chosen = keep if keep is not None else (current.id if current else None)
        run_op(self, lambda: visits.list_visits(self.ctx, self.year.value(), self.kind.currentData()),
               lambda found: self._shown(found, chosen))

    def _shown(self, found: list[VisitView], chosen: int | None) -> None:
        self.visits = found
        fill_table(self.table, [self.cells(v) for v in found])
        for n, v in enumerate(found):
            state = self.table.item(n, STATE_COLUMN)
            state.setForeground(QColor(_state_color(state.text())))
            for column, text in ((6, v.problems), (7, v.rectification)):
                self.table.item(n, column).setToolTip(text)
            if v.id == chosen:
                self.table.selectRow(n)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(4, min(self.table.columnWidth(4), 260))
        late = sum(1 for v in found if v.rectify_state(self.today).startswith("逾期"))
        opened = sum(1 for v in found if v.rectify_open)
        self.count.setText(f"{self.year.value()} 年度共 {len(found)} 次检查；整改未完成 {opened} 项，其中逾期 {late} 项。"
                           if found else f"{self.year.value()} 年度还没有登记检查。")
        self._update_buttons()

    def cells(self, v: VisitView) -> tuple[object, ...]:
        return (v.id, v.kind_label, f"{v.visited_on:%Y-%m-%d}", v.township, v.subject, v.inspectors,
                _short(v.problems), _short(v.rectification), v.rectify_state(self.today))

    def selected(self) -> VisitView | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model else []
        return self.visits[rows[0].row()] if rows and rows[0].row() < len(self.visits) else None

    def _update_buttons(self) -> None:
        v = self.selected()
        self.edit_button.setEnabled(v is not None)
        self.rectified_button.setEnabled(self.reviewer and v is not None and bool(v.rectification))

    def open_record(self) -> VisitDialog | None:
        if not self.reviewer:
            return None
        dialog = VisitDialog(self.ctx, self.year.value(), self, today=self.today)
        dialog.saved.connect(self._saved)
        open_dialog(dialog)
        return dialog

    def open_selected(self) -> VisitDialog | None:
        v = self.selected()
        if v is None:
            return None
        dialog = VisitDialog(self.ctx, v.year, self, visit=v, today=self.today)
        dialog.saved.connect(self._saved)
        open_dialog(dialog)
        return dialog

    def open_rectified(self) -> RectifiedDialog | None:
        v = self.selected()
        if v is None or not self.reviewer or not v.rectification:
            return None
        dialog = RectifiedDialog(self.ctx, v, self, today=self.today)
        dialog.saved.connect(self._saved)
        open_dialog(dialog)
        return dialog

    def _saved(self, view: VisitView) -> None:
        if view.year != self.year.value():
            self.year.setValue(view.year)  # refreshes
        self.refresh(keep=view.id)
