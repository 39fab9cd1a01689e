"""下级报送情况 on a city's or province's 首页 (issue 15): every unit the division table puts
under the bureau, for one report and period, as 已收 / 更正中 / 未报 / 无证书 / 不适用, with its
due day and how late. The rules are ``services.expected_units``; this only shows them.

An administrator marks a selected unit 不适用 (with a reason, for all reports or only 月报) or
takes the mark back; a province chooses between its cities and all its counties."""

from __future__ import annotations

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

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, NotFound
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.expected_units import (
    ALL_REPORTS,
    STATE_LABELS,
    UnitStatus,
    clear_exempt,
    home_report,
    mark_exempt,
    reporting_status,
)
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.settings import bureau
from fupin_desktop.ui.common.list_actions import install_list_actions
from fupin_desktop.ui.common.operations import run_op
from fupin_desktop.ui.common.widgets import (
    ERROR_COLOR,
    WARNING_COLOR,
    button,
    message_label,
    open_dialog,
    show_message,
)
from fupin_desktop.ui.sealed.exempt_dialog import ExemptDialog

HEADERS = ("区划代码", "单位", "状态", "版本", "截止日期", "时效", "说明")
COLORS = {"received": "#2e7d32", "correcting": "#d35400", "missing": ERROR_COLOR, "no_certificate": ERROR_COLOR,
          "exempt": "#777777"}
MONTHS_SHOWN = 12
LEVELS = (("地市（含省直管县）", ""), ("全部县（市、区）", "county"))  # a province's two views


class ReportingStatusBox(QGroupBox):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__("下级报送情况（按区划代码表，应报单位逐一列出）", parent)
        self.ctx = ctx
        self.can_manage = ctx.can(Permission.MANAGE_TRUST)
        self.period = QComboBox()
        month = Period.of_date(clock.today()).previous()
        for _ in range(MONTHS_SHOWN):
            self.period.addItem(month.label_zh, str(month))
            month = month.previous()
        self.level = QComboBox()
        for text, level in LEVELS:
            self.level.addItem(text, level)
        self.level.setToolTip("省厅可按地市（含省直管县）查看，也可逐一查看全省各县（市、区）")
        self.level.setVisible(bureau(ctx.db).division_code.endswith("0000"))  # only a province has both
        self.counts = QLabel()
        self.counts.setStyleSheet("font-weight: bold;")
        self.message = message_label()
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        install_list_actions(self.table)  # copy / export like every list; the buttons act on one row
        self.table.setMinimumHeight(220)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.exempt_button = button("标记不适用…", self.mark_selected,
                                    "选中的单位不需要向本局报送（如开发区未设民政局）：写明原因后不再计入未报")
        self.unexempt_button = button("取消不适用", self.clear_selected, "取消选中单位的不适用标记，恢复为应报")
        top = QHBoxLayout()
        top.addWidget(QLabel("月报"))
        top.addWidget(self.period)
        top.addWidget(self.level)
        top.addSpacing(12)
        top.addWidget(self.counts, 1)
        tools = QHBoxLayout()
        tools.addStretch(1)
        for b in (self.exempt_button, self.unexempt_button):
            b.setVisible(self.can_manage)
            tools.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        layout.addLayout(tools)
        self.period.currentIndexChanged.connect(lambda _n: self.refresh())
        self.level.currentIndexChanged.connect(lambda _n: self.refresh())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.rows: list[UnitStatus] = []  # as the service gave them
        self.shown: list[UnitStatus] = []  # in the table's order
        self.refresh()

    def refresh(self) -> None:
        keep = self.selected()  # the same unit stays selected after a mark moves its row
        show_message(self.message, "", ERROR_COLOR)
        try:
            level = self.level.currentData()
            self.rows = reporting_status(self.ctx, home_report(self.ctx, level), Period.parse(self.period.currentData()),
                                         level=level)
        except KnownError as exc:
            self.rows = []
            show_message(self.message, str(exc), ERROR_COLOR)
        counts = {label: sum(1 for r in self.rows if r.state_label == label) for label in STATE_LABELS.values()}
        self.counts.setText(f"应报 {len(self.rows)} 个：" + "，".join(f"{k} {n}" for k, n in counts.items() if n))
        # The ones to chase first: not received (latest first), then those in hand.
        order = {"no_certificate": 0, "missing": 0, "correcting": 1, "received": 2, "exempt": 3}
        self.shown = sorted(self.rows, key=lambda r: (order[r.state], -r.days_late, r.division))
        self.table.clearSelection()
        self.table.setRowCount(len(self.shown))
        for n, r in enumerate(self.shown):
            cells = [r.division, r.bureau or r.name, r.state_label, f"第{r.version}版" if r.version else "",
                     str(r.due or ""), r.late_text, r.reason or ("有证书，尚未报送" if r.state == "missing" else "")]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 2:
                    item.setForeground(QBrush(QColor(COLORS[r.state])))
                self.table.setItem(n, c, item)
        again = next((n for n, r in enumerate(self.shown) if keep is not None and r.division == keep.division), None)
        if again is not None:
            self.table.selectRow(again)
            self.table.scrollTo(self.table.model().index(again, 0))
        self._update_buttons()

    def selected(self) -> UnitStatus | None:
        """The one selected unit (None when none or several are)."""
        rows = self.table.selectionModel().selectedRows()
        return self.shown[rows[0].row()] if len(rows) == 1 and rows[0].row() < len(self.shown) else None

    def _update_buttons(self) -> None:
        unit = self.selected()
        self.exempt_button.setEnabled(self.can_manage and unit is not None and unit.state != "exempt")
        self.unexempt_button.setEnabled(self.can_manage and unit is not None and unit.state == "exempt")

    def mark_selected(self) -> ExemptDialog | None:
        unit = self.selected()
        if unit is None:
            return None

        def save(reason: str, report: str) -> None:
            mark_exempt(self.ctx, unit.division, reason, report)  # a refusal stays in the dialog
            self.refresh()

        dialog = ExemptDialog(unit.bureau or unit.name, unit.division, save, self)
        open_dialog(dialog)
        return dialog

    def clear_selected(self) -> bool:
        unit = self.selected()
        if unit is None:
            return False

        def clear() -> None:
            # UnitStatus does not say which mark made it 不适用: the one for every report, else 月报's.
            try:
                clear_exempt(self.ctx, unit.division, ALL_REPORTS)
            except NotFound:
                clear_exempt(self.ctx, unit.division, "monthly")

        if not run_op(self, clear):
            return False
        self.refresh()
        still = next((r for r in self.rows if r.division == unit.division and r.state == "exempt"), None)
        if still is not None:  # marked both for every report and for 月报: one mark remains
            show_message(self.message, f"{still.name}（{still.division}）另有一项不适用标记（{still.reason}），"
                                       "再点「取消不适用」可一并取消。", WARNING_COLOR)
        return True
