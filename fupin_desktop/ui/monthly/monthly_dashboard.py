"""月报报送情况 on the 首页: who has reported for a month, who is late, and the last 12 months.

Double-clicking a township asks the main window (``open_month``) to show it on 月度统计.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain.periods import Period
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.monthly_status import (
    TownshipMonth,
    counts,
    recent_periods,
    status_board,
    status_boards,
)
from fupin_desktop.ui.common.charts import StackedColumns
from fupin_desktop.ui.common.flow_layout import FlowLayout
from fupin_desktop.ui.monthly.monthly_tags import LATE_COLOR, STATUS_COLORS

HEADERS = ("镇（街道）", "结对", "状态", "时效", "收到日期")
# (count key or keys, caption, colour of the number)
COUNTS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("expected",), "应报", "#37474f"),
    (("approved",), "已审核", STATUS_COLORS["approved"]),
    (("submitted",), "待审核", STATUS_COLORS["submitted"]),
    (("draft",), "草稿", "#b28704"),
    (("returned",), "退回", STATUS_COLORS["returned"]),
    (("missing",), "未报", LATE_COLOR),
    (("late", "overdue"), "逾期", LATE_COLOR),
)
SERIES = (("approved", "已审核", STATUS_COLORS["approved"]), ("submitted", "待审核", STATUS_COLORS["submitted"]),
          ("draft", "草稿", STATUS_COLORS["draft"]), ("returned", "退回", STATUS_COLORS["returned"]),
          ("missing", "未报", STATUS_COLORS["missing"]))
_URGENCY = {"overdue": 0, "late": 2}
_STATUS_URGENCY = {"returned": 1, "missing": 3, "draft": 4, "submitted": 5, "approved": 6}


def timeliness_text(b: TownshipMonth) -> str:
    if b.timeliness == "late":
        return f"逾期报送 {b.days_late} 天"
    return b.timeliness_label


def urgency(b: TownshipMonth) -> tuple[int, str]:
    return (_URGENCY.get(b.timeliness, _STATUS_URGENCY[b.status]), b.township)


class MonthlyDashboard(QGroupBox):
    open_month = Signal(int, str)  # township id, "YYYY-MM"

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__("月报报送情况", parent)
        self.ctx = ctx
        self.periods = recent_periods(months=12)
        self.month = QComboBox()
        for p in self.periods:
            self.month.addItem(p.label_zh + ("（本月）" if p == self.periods[0] else ""), str(p))
        self.month.setCurrentIndex(1)  # last month: the one due now
        self.month.currentIndexChanged.connect(lambda _n: self.refresh())
        top = FlowLayout()  # wraps at 1024 × 768
        top.addWidget(QLabel("月份"))
        top.addWidget(self.month)
        top.addSpacing(12)
        self.count_labels: dict[str, QLabel] = {}
        for _keys, caption, color in COUNTS:
            label = QLabel()
            label.setStyleSheet(f"color: {color};")
            self.count_labels[caption] = label
            top.addWidget(label)
            top.addSpacing(6)
        top.addStretch(1)
        self.deadline = QLabel()
        self.deadline.setStyleSheet("color: #555;")
        top.addWidget(self.deadline)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setToolTip("双击一个镇（街道），到“月度统计”查看它这个月的月报")
        self.table.cellDoubleClicked.connect(self._open)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.chart = StackedColumns(SERIES, "近 12 个月各镇（街道）月报状态")
        self.chart.setMinimumWidth(240)
        body = QHBoxLayout()
        body.addWidget(self.table, 7)  # the table first: at 1024 × 768 its dates were cut off
        body.addWidget(self.chart, 4)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self.board: list[TownshipMonth] = []
        self.refresh()

    def period(self) -> Period:
        return Period.parse(self.month.currentData())

    def refresh(self) -> None:
        self.board = sorted(status_board(self.ctx, self.period()), key=urgency)
        totals = counts(self.board)
        for keys, caption, _color in COUNTS:
            number = sum(totals.get(k, 0) for k in keys)
            self.count_labels[caption].setText(f"{caption} <b style='font-size: 14pt'>{number}</b>")
        self.count_labels["逾期"].setToolTip(f"逾期报送 {totals.get('late', 0)} 个，逾期未报 {totals.get('overdue', 0)} 个")
        deadline = self.board[0].deadline if self.board else None
        self.deadline.setText(f"报送截止 {deadline.isoformat()}" if deadline else "本月没有需要报送的结对")
        self.table.setRowCount(len(self.board))
        for row, b in enumerate(self.board):
            received = b.received_on.isoformat() if b.received_on else ""
            cells = (b.township, str(b.pairings), b.status_label, timeliness_text(b), received)
            red = b.timeliness in ("late", "overdue") or b.status in ("missing", "returned")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, b.township_id)
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 2:
                    item.setForeground(QBrush(QColor(STATUS_COLORS[b.status] if b.status != "missing" else LATE_COLOR)))
                elif red and column in (0, 3):
                    item.setForeground(QBrush(QColor(LATE_COLOR)))
                self.table.setItem(row, column, item)
        self.chart.set_data(self.history())

    def history(self) -> list[tuple[str, dict[str, int]]]:
        columns = []
        boards = status_boards(self.ctx, self.periods)
        for p in reversed(self.periods):
            label = f"{p.year % 100:02d}/{p.index}" if p.index == 1 or p == self.periods[-1] else f"{p.index}月"
            columns.append((label, counts(boards[str(p)])))
        return columns

    def rows(self) -> list[list[str]]:
        """The table as text (for tests and screen readers)."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]

    def _open(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.open_month.emit(int(item.data(Qt.ItemDataRole.UserRole)), str(self.period()))
