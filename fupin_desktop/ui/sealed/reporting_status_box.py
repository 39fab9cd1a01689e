"""下级报送情况 on a city's or province's 首页 (issue 15): every unit the division table puts
under the bureau, for one report and period, as 已收 / 更正中 / 未报 / 无证书 / 不适用, with its
due day and how late. The rules are ``services.expected_units``; this only shows them."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
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

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.expected_units import STATE_LABELS, UnitStatus, reporting_status
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, show_message

HEADERS = ("区划代码", "单位", "状态", "版本", "截止日期", "时效", "说明")
COLORS = {"received": "#2e7d32", "correcting": "#d35400", "missing": ERROR_COLOR, "no_certificate": ERROR_COLOR,
          "exempt": "#777777"}
MONTHS_SHOWN = 12


class ReportingStatusBox(QGroupBox):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__("下级报送情况（按区划代码表，应报单位逐一列出）", parent)
        self.ctx = ctx
        self.period = QComboBox()
        month = Period.of_date(clock.today()).previous()
        for _ in range(MONTHS_SHOWN):
            self.period.addItem(month.label_zh, str(month))
            month = month.previous()
        self.counts = QLabel()
        self.counts.setStyleSheet("font-weight: bold;")
        self.message = message_label()
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setMinimumHeight(220)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("月报"))
        top.addWidget(self.period)
        top.addSpacing(12)
        top.addWidget(self.counts, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        self.period.currentIndexChanged.connect(lambda _n: self.refresh())
        self.rows: list[UnitStatus] = []
        self.refresh()

    def refresh(self) -> None:
        show_message(self.message, "", ERROR_COLOR)
        try:
            self.rows = reporting_status(self.ctx, "monthly", Period.parse(self.period.currentData()))
        except KnownError as exc:
            self.rows = []
            show_message(self.message, str(exc), ERROR_COLOR)
        counts = {label: sum(1 for r in self.rows if r.state_label == label) for label in STATE_LABELS.values()}
        self.counts.setText(f"应报 {len(self.rows)} 个：" + "，".join(f"{k} {n}" for k, n in counts.items() if n))
        # The ones to chase first: not received (latest first), then those in hand.
        order = {"no_certificate": 0, "missing": 0, "correcting": 1, "received": 2, "exempt": 3}
        rows = sorted(self.rows, key=lambda r: (order[r.state], -r.days_late, r.division))
        self.table.setRowCount(len(rows))
        for n, r in enumerate(rows):
            cells = [r.division, r.bureau or r.name, r.state_label, f"第{r.version}版" if r.version else "",
                     str(r.due or ""), r.late_text, r.reason or ("有证书，尚未报送" if r.state == "missing" else "")]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 2:
                    item.setForeground(QBrush(QColor(COLORS[r.state])))
                self.table.setItem(n, c, item)
