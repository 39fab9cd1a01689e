"""信息核对和抽查 dialogs: drawing a sample (size and seed) and recording what checking one
sampled pairing found (核查日期, 方式, 核查情况, 是否属实, 整改要求 and 整改期限, 跟进情况).

Both only collect what is typed and call ``services.spotcheck``; what the service refuses is
shown under the field it concerns (the rest under the form), and nothing is stored then.
取消 or Esc after typing asks 放弃已填写的内容？ first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.errors import FieldProblem, KnownError, ValidationFailed
from fupin_desktop.services import spotcheck
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.spotcheck import CheckView, SampleView
from fupin_desktop.ui.common import unsaved
from fupin_desktop.ui.common.date_input import DateInput
from fupin_desktop.ui.common.form_panel import save_close_row
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, show_message

DEFAULT_SIZE = 10
DRAW_HINT = ("按镇（街道）分层抽取：各镇（街道）按在期结对数的比例分配名额（抽查数量不少于镇街数时每个有结对的镇街至少"
             "抽 1 个），镇街内按协议编号排序后以随机种子抽取。同一年度、数量和种子总能重新抽出同一样本，"
             "请把种子公开记录（如写入会议记录）。抽取即记录，并记入操作日志。")
NOT_REVIEWER = "只有审核人可以登记核查结果（抽查是对名册的核对，由不录入名册的审核人判定）；这里只能查看。"
TRUTHFUL_CHOICES: tuple[tuple[str, bool | None], ...] = (("属实", True), ("不属实", False), ("待定", None))


class FieldMessages:
    """A message line under each field of a dialog; a problem goes under its field, else under the form."""

    def __init__(self, names: Iterable[str]) -> None:
        self.labels = {name: message_label() for name in names}
        self.summary = message_label()

    def under(self, name: str, editor: QWidget) -> QWidget:
        """``editor`` with the message line of field ``name`` under it, as one form row."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor)
        column.addWidget(self.labels[name])
        return box

    def clear(self) -> None:
        for label in [*self.labels.values(), self.summary]:
            show_message(label, "", ERROR_COLOR)

    def show(self, problems: Iterable[FieldProblem], summary: str = "") -> None:
        texts: dict[str, list[str]] = {}
        rest: list[str] = [summary] if summary else []
        for p in problems:
            if p.field in self.labels:
                texts.setdefault(p.field, []).append(p.message)
            else:
                rest.append(str(p))
        for name, lines in texts.items():
            show_message(self.labels[name], "；".join(lines), ERROR_COLOR)
        show_message(self.summary, "\n".join(rest), ERROR_COLOR)

    def text_of(self, name: str) -> str:
        label = self.labels[name]
        return label.text() if not label.isHidden() else ""


def text_box(lines: int, placeholder: str, parent: QWidget, text: str = "") -> QPlainTextEdit:
    """A few lines of text in a form; Tab moves on instead of typing a tab."""
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(parent.fontMetrics().lineSpacing() * lines + 14)
    return edit


class DrawDialog(unsaved.AsksBeforeDiscard, QDialog):
    """抽取样本…: the year's sample of a size and a seed, drawn and recorded by the service."""

    drawn = Signal(object)  # SampleView

    def __init__(self, ctx: ServiceContext, year: int, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.year = ctx, year
        self.result_value: SampleView | None = None
        today = today or clock.today()
        self.setWindowTitle(f"抽取抽查样本 — {year} 年度")
        self.messages = FieldMessages(("year", "size", "seed"))
        form = QFormLayout()
        form.addRow("抽查年度", self.messages.under("year", QLabel(f"{year} 年度（协议期与该年有交集的结对）")))
        self.sample_size = QSpinBox()
        self.sample_size.setRange(0, 9999)
        self.sample_size.setValue(DEFAULT_SIZE)
        self.sample_size.setSuffix(" 个结对")
        self.sample_size.setToolTip("超过在期结对数时全部抽取")
        form.addRow("抽查数量", self.messages.under("size", self.sample_size))
        self.seed = QLineEdit(f"{today:%Y%m%d}")
        self.seed.setPlaceholderText("可写抽样当天的日期或会议记录编号")
        self.seed.setMaxLength(spotcheck.MAX_SEED)
        form.addRow("随机种子", self.messages.under("seed", self.seed))
        hint = QLabel(DRAW_HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        self.save_button, self.close_button, buttons = save_close_row("抽取", "取消", self.save, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.messages.summary)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.save_button.setEnabled(ctx.can(spotcheck.PERMISSION))
        self.resize(560, 320)
        self.mark_clean()

    def typed_state(self) -> tuple[int, str]:
        return self.sample_size.value(), self.seed.text()

    def may_type(self) -> bool:
        return self.save_button.isEnabled()

    def save(self) -> bool:
        self.messages.clear()
        try:
            view = spotcheck.draw(self.ctx, self.year, self.sample_size.value(), self.seed.text())
        except ValidationFailed as exc:
            self.messages.show(exc.problems, exc.summary)
            return False
        except KnownError as exc:
            self.messages.show([], str(exc))
            return False
        self.result_value = view
        self.drawn.emit(view)
        self.accept()
        return True


class CheckDialog(unsaved.AsksBeforeDiscard, QDialog):
    """登记核查结果…: one sampled pairing's check, saved through ``spotcheck.record``."""

    saved = Signal(object)  # CheckView

    def __init__(self, ctx: ServiceContext, check: CheckView, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.check = ctx, check
        self.today = today or clock.today()
        self.editable = ctx.can(spotcheck.PERMISSION)
        self.result_value: CheckView | None = None
        self.setWindowTitle(f"核查结果 — {check.agreement_no}")
        self.messages = FieldMessages(("pairing", "checked_on", "method", "findings", "truthful", "rectification",
                                       "rectify_by", "follow_up"))
        form = QFormLayout()
        who = QLabel(f"第 {check.number} 项　{check.agreement_no}　{check.organization} → {check.township} {check.target}")
        who.setWordWrap(True)
        who.setStyleSheet("font-weight: bold;")
        form.addRow("结对", self.messages.under("pairing", who))
        self.checked_on = DateInput("核查日期", check.checked_on or self.today)
        self.method = QComboBox()
        self.method.setPlaceholderText("请选择")
        for m in spotcheck.METHODS:
            self.method.addItem(m, m)
        self.method.setCurrentIndex(self.method.findData(check.method) if check.method else -1)
        when = QHBoxLayout()
        when.setContentsMargins(0, 0, 0, 0)
        when.addWidget(self.messages.under("checked_on", self.checked_on))
        when.addSpacing(16)
        when.addWidget(QLabel("核查方式"))
        when.addWidget(self.messages.under("method", self.method))
        when.addStretch(1)
        row = QWidget()
        row.setLayout(when)
        form.addRow("核查日期", row)
        self.findings = text_box(3, "核查了什么、怎么核查的、发现的情况（如：走访村委会和受助户，帮扶资金已到位）", self)
        self.findings.setPlainText(check.findings)
        form.addRow("核查情况", self.messages.under("findings", self.findings))
        self.truthful = QButtonGroup(self)
        choices = QHBoxLayout()
        choices.setContentsMargins(0, 0, 0, 0)
        self.truthful_buttons: dict[bool | None, QRadioButton] = {}
        for n, (text, value) in enumerate(TRUTHFUL_CHOICES):
            radio = QRadioButton(text)
            self.truthful.addButton(radio, n)
            self.truthful_buttons[value] = radio
            choices.addWidget(radio)
        choices.addStretch(1)
        self.truthful_buttons[check.truthful].setChecked(True)
        verdict = QWidget()
        verdict.setLayout(choices)
        form.addRow("是否属实", self.messages.under("truthful", verdict))
        self.rectification = text_box(2, "不属实或有问题时写明整改要求（可不填）", self)
        self.rectification.setPlainText(check.rectification)
        form.addRow("整改要求", self.messages.under("rectification", self.rectification))
        self.rectify_by = DateInput("整改期限", check.rectify_by)
        deadline = QHBoxLayout()
        deadline.setContentsMargins(0, 0, 0, 0)
        deadline.addWidget(self.messages.under("rectify_by", self.rectify_by))
        deadline.addStretch(1)
        holder = QWidget()
        holder.setLayout(deadline)
        form.addRow("整改期限", holder)
        self.follow_up = text_box(2, "整改后的复核和跟进情况（可以以后再补）", self)
        self.follow_up.setPlainText(check.follow_up)
        form.addRow("跟进情况", self.messages.under("follow_up", self.follow_up))
        self.previous = QLabel(self._previous_text())
        self.previous.setWordWrap(True)
        self.previous.setStyleSheet("color: #555;")
        self.save_button, self.close_button, buttons = save_close_row("保存 (Ctrl+S)", "取消", self.save, self.reject)
        self.save_button.setShortcut("Ctrl+S")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.previous)
        layout.addWidget(self.messages.summary)
        layout.addStretch(1)
        layout.addLayout(buttons)
        if not self.editable:
            self._read_only()
        self.resize(680, 560)
        self.mark_clean()

    def _previous_text(self) -> str:
        c = self.check
        if c.updated_at is None:
            return "尚未登记核查结果。"
        who = self.ctx.user.display_name if c.updated_by == self.ctx.user.username else c.updated_by
        return f"已于 {c.updated_at:%Y-%m-%d %H:%M} 由 {who} 登记；保存即修改（原内容记入操作日志）。"

    def _read_only(self) -> None:
        for date_input in (self.checked_on, self.rectify_by):
            date_input.setReadOnly(True)
        for edit in (self.findings, self.rectification, self.follow_up):
            edit.setReadOnly(True)
        self.method.setEnabled(False)
        for radio in self.truthful_buttons.values():
            radio.setEnabled(False)
        self.save_button.setVisible(False)
        self.close_button.setText("关闭")
        self.previous.setText(f"{self.previous.text()}\n{NOT_REVIEWER}")

    def truthful_value(self) -> bool | None:
        return TRUTHFUL_CHOICES[self.truthful.checkedId()][1] if self.truthful.checkedId() >= 0 else None

    def typed_state(self) -> tuple[object, ...]:
        return (self.checked_on.text(), self.method.currentData(), self.findings.toPlainText(), self.truthful_value(),
                self.rectification.toPlainText(), self.rectify_by.text(), self.follow_up.toPlainText())

    def may_type(self) -> bool:
        return self.editable

    def _dates(self) -> tuple[date | None, date | None] | None:
        """The two dates as typed, or None with what is wrong shown under them."""
        problems: list[FieldProblem] = []
        values: list[date | None] = []
        for name, label, date_input in (("checked_on", "核查日期", self.checked_on),
                                         ("rectify_by", "整改期限", self.rectify_by)):
            try:
                values.append(date_input.date())
            except KnownError as exc:
                problems.append(FieldProblem(name, label, str(exc).removeprefix(f"{label}：")))
                values.append(None)
        if not problems and values[0] is None:
            problems.append(FieldProblem("checked_on", "核查日期", "请填写核查日期，如 2026-12-01 或 20261201"))
        if problems:
            self.messages.show(problems, "核查结果未保存。")
            return None
        return values[0], values[1]

    def save(self) -> bool:
        self.messages.clear()
        if not self.editable:
            return False
        dates = self._dates()
        if dates is None:
            return False
        checked_on, rectify_by = dates
        assert checked_on is not None
        try:
            view = spotcheck.record(
                self.ctx, self.check.sample_id, self.check.agreement_no, checked_on=checked_on,
                method=self.method.currentData() or "", findings=self.findings.toPlainText(),
                truthful=self.truthful_value(), rectification=self.rectification.toPlainText(),
                rectify_by=rectify_by, follow_up=self.follow_up.toPlainText())
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
