"""年终评估 of one pairing (reviewer only): the year, a grade, remarks; the agreement's 考核标准
is shown read-only above, as the measure the grade is given against.

A year already evaluated shows its grade and remarks; saving again changes it (the service
keeps the old one in the audit log). 取消 or Esc after choosing a grade or typing remarks asks
放弃已填写的内容？ first.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import EvaluationGrade
from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.evaluations import EvaluationView, evaluate, list_evaluations
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.records import RecordView
from fupin_desktop.ui.common import unsaved
from fupin_desktop.ui.common.form_panel import save_close_row
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, open_dialog, show_message

NO_STANDARD = "（协议未写考核标准）"


def year_range(view: RecordView, today: date) -> tuple[int, int]:
    """The years the pairing's term covers, up to this year."""
    start, end = view.values.get("term_start"), view.values.get("term_end")
    first = start.year if isinstance(start, date) else today.year
    last = min(end.year if isinstance(end, date) else today.year, today.year)
    return first, max(first, last)


class EvaluationDialog(unsaved.AsksBeforeDiscard, QDialog):
    saved = Signal(object)  # EvaluationView

    def __init__(self, ctx: ServiceContext, pairing: RecordView, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.pairing = ctx, pairing
        self.today = today or clock.today()
        self.result_value: EvaluationView | None = None
        v = pairing.values
        self.setWindowTitle(f"年终评估 — {v.get('agreement_no') or ''}")
        form = QFormLayout()
        who = QLabel(f"{v.get('organization', '')} → {v.get('township', '')} {v.get('target', '')}")
        who.setWordWrap(True)
        who.setStyleSheet("font-weight: bold;")
        form.addRow("结对", who)
        term = f"{v.get('term_start') or '—'} 至 {v.get('term_end') or '—'}"
        campaign = f"　专项行动：{v['campaign']}" if v.get("campaign") else ""
        form.addRow("协议期限", QLabel(term + campaign))
        self.standard = QPlainTextEdit(str(v.get("assessment_standard") or NO_STANDARD))
        self.standard.setReadOnly(True)
        self.standard.setTabChangesFocus(True)
        self.standard.setStyleSheet("QPlainTextEdit { background: #f5f5f5; }")
        self.standard.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        form.addRow("考核标准", self.standard)
        self.year = QSpinBox()
        first, last = year_range(pairing, self.today)
        self.year.setRange(first, last)
        self.year.setSuffix(" 年度")
        self.year.setValue(last)
        self.grade = QComboBox()
        self.grade.setPlaceholderText("请选择")
        for g in EvaluationGrade:
            self.grade.addItem(g.label, g.value)
        row = QHBoxLayout()
        row.addWidget(self.year)
        row.addSpacing(16)
        row.addWidget(QLabel("评估等次"))
        row.addWidget(self.grade)
        row.addStretch(1)
        form.addRow("年度", row)
        self.remarks = QPlainTextEdit()
        self.remarks.setPlaceholderText("对照考核标准写明完成情况和主要成效（可不填）")
        self.remarks.setTabChangesFocus(True)
        form.addRow("评估意见", self.remarks)
        self.previous = QLabel()
        self.previous.setStyleSheet("color: #555;")
        self.message = message_label()
        self.save_button, self.close_button, buttons = save_close_row("保存评估", "取消", self.save, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.previous)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.save_button.setEnabled(ctx.can(Permission.EVALUATE))
        self.year.valueChanged.connect(lambda _v: self.load())
        self.resize(620, 480)
        self.load()

    def load(self) -> None:
        """The year's evaluation of this pairing, if there is one."""
        show_message(self.message, "", ERROR_COLOR)
        try:
            found = next((e for e in list_evaluations(self.ctx, self.year.value()) if e.pairing_id == self.pairing.id),
                         None)
        except KnownError as exc:
            show_message(self.message, str(exc), ERROR_COLOR)
            found = None
        self.grade.setCurrentIndex(self.grade.findData(found.grade) if found else -1)
        self.remarks.setPlainText(found.remarks if found else "")
        self.mark_clean()
        if found is None:
            self.previous.setText("本年度尚未评估。")
            return
        who = self.ctx.user.display_name if found.evaluated_by == self.ctx.user.username else found.evaluated_by
        self.previous.setText(f"已于 {found.evaluated_at:%Y-%m-%d} 由 {who} 评为{found.grade_label}；保存即修改。")

    def typed_state(self) -> tuple[object, str]:
        return self.grade.currentData(), self.remarks.toPlainText()

    def may_type(self) -> bool:
        return self.save_button.isEnabled()

    def save(self) -> bool:
        show_message(self.message, "", ERROR_COLOR)
        try:
            view = evaluate(self.ctx, self.pairing.id, self.year.value(), self.grade.currentData() or "",
                            self.remarks.toPlainText())
        except KnownError as exc:
            show_message(self.message, str(exc), ERROR_COLOR)
            return False
        self.result_value = view
        self.saved.emit(view)
        self.accept()
        return True


def open_evaluation(parent: QWidget, ctx: ServiceContext, pairing: RecordView | None) -> EvaluationDialog | None:
    """The 年终评估 button of 结对帮扶: for the selected pairing, if any."""
    if pairing is None or not ctx.can(Permission.EVALUATE):
        return None
    dialog = EvaluationDialog(ctx, pairing, parent)
    open_dialog(dialog)
    return dialog
