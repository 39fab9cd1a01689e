"""年度工作日历 on 首页: every deadline of the year, whether it is met, and what is still missing.

States (from ``services.calendar.year_calendar``): 已完成 green; 还有 N 天 orange when 15 days or
fewer are left (dark when more); 已逾期 N 天 red; 未到 grey (not yet open). The 尚缺 column
names what is outstanding (the townships whose table is not approved, the organizations
lacking inspection materials …); the whole list is in its tooltip.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.errors import KnownError
from fupin_desktop.services.calendar import REPORT_NAMES, DeadlineView, year_calendar
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.ui.common.tables import fill_table

HEADERS = ("截止日期", "事项", "状态", "尚缺")
STATE_COLUMN, MISSING_COLUMN = 2, 3
SOON_DAYS = 15
GREEN, ORANGE, RED, GREY, DARK = "#2e7d32", "#d35400", "#c62828", "#888888", "#1f3a5f"
NAMED = 3  # names shown in the 尚缺 cell; the tooltip has them all
TOOLTIP_LINES = 40


def state_text(d: DeadlineView) -> tuple[str, str]:
    """What the 状态 cell says, and its colour."""
    if d.state == "done":
        return d.state_label, GREEN  # 已完成; a day to mark (6·30) that has passed: 已过
    if d.state == "late":
        return f"已逾期 {d.days} 天", RED
    if d.state == "due_in_n":
        return d.state_label, (ORANGE if d.days <= SOON_DAYS else DARK)
    return "未到", GREY


def missing_text(d: DeadlineView) -> str:
    """The 尚缺 cell: who or what is still outstanding, shortened.

    A monthly deadline's period is a month ("2026-03"); a season's outstanding items are the
    organizations of the inspections checklist; a year's report is done once sealed and sent.
    """
    if d.state in ("done", "upcoming"):
        return ""
    if not d.missing:
        return "尚未盖章报送" if d.key in REPORT_NAMES else ""
    head = (f"{len(d.missing)} 个镇（街道）未报或未审核" if "-" in d.period
            else f"缺材料的社会组织 {len(d.missing)} 家")
    names = "、".join(name.split("（")[0] for name in d.missing[:NAMED])
    return f"{head}：{names}{' 等' if len(d.missing) > NAMED else ''}"


def missing_tooltip(d: DeadlineView) -> str:
    lines = d.missing[:TOOLTIP_LINES]
    more = [f"……另有 {len(d.missing) - TOOLTIP_LINES} 个"] if len(d.missing) > TOOLTIP_LINES else []
    return "\n".join(lines + more)


class CalendarPanel(QGroupBox):
    """The deadlines of ``today``'s year; ``today`` is asked each refresh (tests give a fixed day)."""

    def __init__(self, ctx: ServiceContext, today: Callable[[], date] = clock.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.today = ctx, today
        self.deadlines: list[DeadlineView] = []
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.note = QLabel()
        self.note.setStyleSheet("color: #555;")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        self.refresh()

    def refresh(self) -> None:
        today = self.today()
        self.setTitle(f"年度工作日历（{today.year} 年）")
        try:
            self.deadlines = year_calendar(self.ctx, today.year, today)
        except KnownError as exc:  # the bureau's own deadlines.toml is wrong: say so here
            self.deadlines = []
            self.note.setText(str(exc))
            self.note.setStyleSheet(f"color: {RED};")
        else:
            late = sum(1 for d in self.deadlines if d.state == "late")
            soon = sum(1 for d in self.deadlines if d.state == "due_in_n" and d.days <= SOON_DAYS)
            self.note.setText(f"今天 {today:%Y-%m-%d}：已逾期 {late} 项，{SOON_DAYS} 天内截止 {soon} 项。"
                              "期限可在数据文件夹的 deadlines.toml 中按本局通知修改。")
            self.note.setStyleSheet("color: #555;")
        self.show_deadlines()

    def show_deadlines(self) -> None:
        rows = [(f"{d.due:%Y-%m-%d}", d.name, state_text(d)[0], missing_text(d)) for d in self.deadlines]
        fill_table(self.table, rows)
        bold = QFont(self.font())
        bold.setBold(True)
        for n, d in enumerate(self.deadlines):
            _text, color = state_text(d)
            state = self.table.item(n, STATE_COLUMN)
            state.setForeground(QColor(color))
            if d.state in ("late", "due_in_n"):
                state.setFont(bold)
            if d.state == "upcoming":
                state.setToolTip(f"{d.opens:%Y-%m-%d} 起办理，{d.days} 天后截止" if d.opens else f"{d.days} 天后截止")
            for column in (0, 1):
                self.table.item(n, column).setForeground(QColor(GREY if d.state == "upcoming" else "#222"))
            missing = self.table.item(n, MISSING_COLUMN)
            missing.setToolTip(missing_tooltip(d) or missing.text())
            missing.setForeground(QColor(RED if d.state == "late" else "#444"))
            self.table.item(n, 1).setToolTip(f"{d.name}\n截止：{d.due:%Y-%m-%d}")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        self._fit_columns()
        rows_height = sum(self.table.rowHeight(n) for n in range(self.table.rowCount()))
        self.table.setFixedHeight(rows_height + header.height() + 2 * self.table.frameWidth() + 2)

    def _fit_columns(self) -> None:
        """事项 and 尚缺 share the width the dates and states leave, shortened with "…" (the tooltips
        hold the whole text): sized to their contents they ran past the table's edge at 1024 × 768
        (Qt's Stretch kept them at their contents' width there)."""
        header = self.table.horizontalHeader()
        room = self.table.viewport().width() - header.sectionSize(0) - header.sectionSize(2)
        name = min(self.table.sizeHintForColumn(1) + 12, max(120, room * 55 // 100))
        header.resizeSection(1, name)
        header.resizeSection(3, max(80, room - name))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def states(self) -> dict[str, str]:
        """Each deadline's name → the 状态 text shown (for tests and screen readers)."""
        return {d.name: self.table.item(n, STATE_COLUMN).text() for n, d in enumerate(self.deadlines)}

    def missing_of(self, name: str) -> str:
        n = next(i for i, d in enumerate(self.deadlines) if d.name == name)
        return self.table.item(n, MISSING_COLUMN).text()
