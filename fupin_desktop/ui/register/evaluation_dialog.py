"""年终评估 of one pairing (reviewer only): the year, a grade, a score (0–100), remarks, and 选为典型
with its case text; the agreement's 考核标准 is shown read-only beside the grade, as the measure
the grade and the score are given against.

A year already evaluated shows what was recorded; saving again changes it (the service keeps
the old one in the audit log). The case text is typed only with 选为典型 ticked; the service says
why a 典型 is refused (a grade below 良好, fewer than 20 characters). 取消 or Esc after typing asks
放弃已填写的内容？ first.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
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
from fupin_desktop.services.evaluations import (
    MAX_CASE_TEXT,
    MIN_CASE_TEXT,
    EvaluationView,
    case_length,
    evaluate,
    list_evaluations,
)
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.records import RecordView
from fupin_desktop.ui.common import unsaved
from fupin_desktop.ui.common.form_panel import save_close_row
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, open_dialog, show_message

NO_STANDARD = "（协议未写考核标准）"
NO_SCORE = -1  # the score box's 不打分


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
        # The 考核标准 beside the grade and the score: what they are given against.
        self.standard = QPlainTextEdit(str(v.get("assessment_standard") or NO_STANDARD))
        self.standard.setReadOnly(True)
        self.standard.setTabChangesFocus(True)
        self.standard.setStyleSheet("QPlainTextEdit { background: #f5f5f5; }")
        standard_box = QGroupBox("考核标准（对照评定）")
        QVBoxLayout(standard_box).addWidget(self.standard)
        self.year = QSpinBox()
        first, last = year_range(pairing, self.today)
        self.year.setRange(first, last)
        self.year.setSuffix(" 年度")
        self.year.setValue(last)
        self.grade = QComboBox()
        self.grade.setPlaceholderText("请选择")
        for g in EvaluationGrade:
            self.grade.addItem(g.label, g.value)
        self.score = QSpinBox()
        self.score.setRange(NO_SCORE, 100)
        self.score.setSpecialValueText("不打分")
        self.score.setSuffix(" 分")
        self.score.setToolTip("对照考核标准打分，0–100 的整数；不打分请调到最小（“不打分”）")
        self.typical = QCheckBox("选为典型")
        self.typical.setToolTip("从评为优秀或良好的结对中选定有代表性的典型，须写典型案例（20–2000 字）")
        marks = QFormLayout()
        marks.addRow("年度", self.year)
        marks.addRow("评估等次", self.grade)
        marks.addRow("得分", self.score)
        marks.addRow("", self.typical)
        hint = QLabel("优秀、良好可选为典型")
        hint.setStyleSheet("color: #555;")
        marks.addRow("", hint)
        beside = QHBoxLayout()
        beside.addWidget(standard_box, 1)
        beside.addLayout(marks)
        form.addRow(beside)
        self.remarks = QPlainTextEdit()
        self.remarks.setPlaceholderText("对照考核标准写明完成情况和主要成效（可不填）")
        self.remarks.setTabChangesFocus(True)
        form.addRow("评估意见", self.remarks)
        self.case_text = QPlainTextEdit()
        self.case_text.setPlaceholderText(f"选为典型时填写：帮扶做法和成效，{MIN_CASE_TEXT}–{MAX_CASE_TEXT} 字，"
                                          "将印入年度表彰名单的典型案例")
        self.case_text.setTabChangesFocus(True)
        self.case_count = QLabel()
        self.case_count.setStyleSheet("color: #555;")
        case_box = QVBoxLayout()
        case_box.addWidget(self.case_text)
        case_box.addWidget(self.case_count)
        form.addRow("典型案例", case_box)
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
        self.typical.toggled.connect(lambda _on: self._show_case())
        self.case_text.textChanged.connect(self._show_case)
        self.resize(720, 620)
        self.load()

    def _show_case(self) -> None:
        on = self.typical.isChecked()
        self.case_text.setEnabled(on)
        n = case_length(self.case_text.toPlainText())
        self.case_count.setText(f"已写 {n} 字（{MIN_CASE_TEXT}–{MAX_CASE_TEXT} 字）" if on else "选为典型后填写")

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
        self.score.setValue(found.score if found and found.score is not None else NO_SCORE)
        self.typical.setChecked(bool(found and found.typical))
        self.case_text.setPlainText(found.case_text if found else "")
        self._show_case()
        self.mark_clean()
        if found is None:
            self.previous.setText("本年度尚未评估。")
            return
        who = self.ctx.user.display_name if found.evaluated_by == self.ctx.user.username else found.evaluated_by
        extra = (f"（{found.score} 分）" if found.score is not None else "") + ("，选为典型" if found.typical else "")
        self.previous.setText(f"已于 {found.evaluated_at:%Y-%m-%d} 由 {who} 评为{found.grade_label}{extra}；保存即修改。")

    def score_value(self) -> int | None:
        return None if self.score.value() == NO_SCORE else self.score.value()

    def typed_state(self) -> tuple[object, ...]:
        return (self.grade.currentData(), self.remarks.toPlainText(), self.score.value(), self.typical.isChecked(),
                self.case_text.toPlainText())

    def may_type(self) -> bool:
        return self.save_button.isEnabled()

    def save(self) -> bool:
        show_message(self.message, "", ERROR_COLOR)
        try:
            typical = self.typical.isChecked()
            view = evaluate(self.ctx, self.pairing.id, self.year.value(), self.grade.currentData() or "",
                            self.remarks.toPlainText(), score=self.score_value(), typical=typical,
                            case_text=self.case_text.toPlainText() if typical else "")
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
