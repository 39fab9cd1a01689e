"""A campaign's phases with their dates (004: 准备阶段 4月30日前, 双向选择 5月15日前, 实施阶段,
总结阶段 in December), whose due days appear in the 工作日历, and closing the campaign.

Opened from the 首页's campaign list. The dialog only collects the rows: ``campaigns.save_phases``
checks them (a name, a due day, a start not after it, within the campaign) and the refusals are
shown under the row they concern.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.errors import KnownError, ValidationFailed
from fupin_desktop.services.campaigns import MAX_PHASES, close_campaign, save_phases
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.records import RecordView
from fupin_desktop.ui.common.date_input import DateInput
from fupin_desktop.ui.common.widgets import ERROR_COLOR, OK_COLOR, message_label, show_message

HEADERS = ("阶段名称", "开始日期", "截止日期", "说明")


class PhaseRow:
    def __init__(self, phase: dict[str, Any] | None = None) -> None:
        phase = phase or {}
        self.name = QLineEdit(phase.get("name") or "")
        self.name.setPlaceholderText("如 准备阶段")
        self.starts_on = DateInput("开始日期", phase.get("starts_on"))
        self.due_on = DateInput("截止日期", phase.get("due_on"))
        self.note = QLineEdit(phase.get("note") or "")
        self.note.setPlaceholderText("如 完成供需目录")
        self.remove = QPushButton("删除")
        self.remove.setAutoDefault(False)
        self.message = message_label()

    def widgets(self) -> list[QWidget]:
        return [self.name, self.starts_on, self.due_on, self.note, self.remove]

    def values(self) -> dict[str, Any]:
        return {"name": self.name.text(), "starts_on": self.starts_on.date(), "due_on": self.due_on.date(),
                "note": self.note.text()}


class CampaignPhasesDialog(QDialog):
    def __init__(self, ctx: ServiceContext, view: RecordView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.view = ctx, view
        self.closed = view.extra.get("status") == "closed"
        self.setWindowTitle(f"专项行动的阶段 — {view.values['name']}")
        self.rows: list[PhaseRow] = []
        self.grid_widget = QWidget()
        self.grid = QGridLayout(self.grid_widget)
        self.add_button = QPushButton("＋ 添加阶段")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda _checked=False: self.add_row())
        self.message = message_label()
        self.save_button = QPushButton("保存阶段")
        self.save_button.clicked.connect(lambda _checked=False: self.save())
        self.close_button = QPushButton("重新开启此行动" if self.closed else "结束此行动…")
        self.close_button.setAutoDefault(False)
        self.close_button.setToolTip("总结阶段完成后结束；结束后其阶段不再提醒，结对仍照常执行")
        self.close_button.clicked.connect(lambda _checked=False: self.toggle_closed())
        done = QPushButton("关闭")
        done.setAutoDefault(False)
        done.clicked.connect(lambda _checked=False: self.accept())
        hint = QLabel("各阶段的截止日期会列入首页的工作日历。日期可写 2026-04-30 或 20260430。")
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.grid_widget)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        for phase in view.extra.get("phases", []):
            self.add_row(phase)
        if not self.rows:
            self.add_row()
        self.resize(820, 360)

    def _layout_rows(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().setParent(None)
        for column, text in enumerate(HEADERS):
            label = QLabel(text)
            label.setStyleSheet("font-weight: bold;")
            self.grid.addWidget(label, 0, column)
        for n, row in enumerate(self.rows):
            for column, widget in enumerate(row.widgets()):
                self.grid.addWidget(widget, 2 * n + 1, column)
            self.grid.addWidget(row.message, 2 * n + 2, 0, 1, len(HEADERS))
        self.grid.setColumnStretch(0, 2)
        self.grid.setColumnStretch(3, 3)
        self.add_button.setEnabled(len(self.rows) < MAX_PHASES)

    def add_row(self, phase: dict[str, Any] | None = None) -> PhaseRow:
        row = PhaseRow(phase)
        row.remove.clicked.connect(lambda _checked=False, r=row: self.remove_row(r))
        self.rows.append(row)
        self._layout_rows()
        return row

    def remove_row(self, row: PhaseRow) -> None:
        self.rows.remove(row)
        self._layout_rows()

    def save(self) -> bool:
        for row in self.rows:
            show_message(row.message, "", ERROR_COLOR)
        try:
            save_phases(self.ctx, self.view.id, [r.values() for r in self.rows if any(
                (r.name.text().strip(), r.starts_on.text().strip(), r.due_on.text().strip()))])
        except ValidationFailed as exc:
            for problem in exc.problems:
                where = problem.field.split(".")[0].removeprefix("phase")
                if where.isdigit() and int(where) <= len(self.rows):
                    row = self.rows[int(where) - 1]
                    show_message(row.message, f"{problem.label}：{problem.message}", ERROR_COLOR)
            show_message(self.message, exc.summary, ERROR_COLOR)
            return False
        except KnownError as exc:
            show_message(self.message, str(exc), ERROR_COLOR)
            return False
        show_message(self.message, "阶段已保存。", OK_COLOR)
        return True

    def toggle_closed(self) -> bool:
        if not self.closed and QMessageBox.question(
                self, "结束专项行动", f"确定结束专项行动“{self.view.values['name']}”吗？可以再重新开启。") \
                != QMessageBox.StandardButton.Yes:
            return False
        try:
            close_campaign(self.ctx, self.view.id, reopen=self.closed)
        except KnownError as exc:
            show_message(self.message, str(exc), ERROR_COLOR)
            return False
        self.closed = not self.closed
        self.close_button.setText("重新开启此行动" if self.closed else "结束此行动…")
        show_message(self.message, "专项行动已结束。" if self.closed else "专项行动已重新开启。", OK_COLOR)
        return True
