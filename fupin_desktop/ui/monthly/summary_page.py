"""汇总分析: county totals of the approved monthly reports for a month, quarter, half-year or year,
by township, campaign, domain or organization; a bar chart of 投入资金; 导出 Excel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.domain.periods import Period
from fupin_desktop.services import monthly
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.monthly_documents import write_summary_report
from fupin_desktop.services.summaries import DIMENSIONS, Summary, SummaryRow, summarize
from fupin_desktop.ui.common import file_dialogs
from fupin_desktop.ui.common.charts import BarChart
from fupin_desktop.ui.common.operations import inform, run_op
from fupin_desktop.ui.common.widgets import button

KINDS = (("month", "月"), ("quarter", "季度"), ("half", "半年"), ("year", "年"))
INDEXES = {"month": [f"{m} 月" for m in range(1, 13)], "quarter": ["第一季度", "第二季度", "第三季度", "第四季度"],
           "half": ["上半年", "下半年"], "year": ["全年"]}
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw figure (fen or count) behind a cell
CHART_ROWS = 15
UNAPPROVED_SHOWN = 6  # townships named per month; the tooltip has them all


def change_text(now: int, before: int) -> str:
    if before == 0:
        return "—" if now == 0 else "新增"
    return f"{(now - before) * 100 / before:+.1f}%"


class SummaryPage(QWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.spec = ctx.forms[monthly.FORM]
        self.summary: Summary | None = None
        last = Period.of_date(clock.today()).previous()
        self.kind = QComboBox()
        for value, text in KINDS:
            self.kind.addItem(text, value)
        self.year = QSpinBox()
        self.year.setRange(2015, clock.today().year + 2)
        self.year.setSuffix(" 年")
        self.year.setValue(last.year)
        self.index = QComboBox()
        self.index.setMaxVisibleItems(12)
        self.dimension = QComboBox()
        for value, text in DIMENSIONS.items():
            self.dimension.addItem(text, value)
        self.export_button = button("导出 Excel", self.export, "按四个维度汇总的工作簿草稿（未盖章），附明细")
        tools = QHBoxLayout()
        for caption, widget in (("期间", self.kind), ("", self.year), ("", self.index), ("按", self.dimension)):
            if caption:
                tools.addWidget(QLabel(caption))
            tools.addWidget(widget)
        tools.addStretch(1)
        tools.addWidget(self.export_button)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart = BarChart()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #b26a00;")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([340, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.heading)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.note)
        self._fill_indexes(last.index - 1)
        self.kind.currentIndexChanged.connect(lambda _n: (self._fill_indexes(0), self.refresh()))
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.index.currentIndexChanged.connect(lambda _n: self.refresh())
        self.dimension.currentIndexChanged.connect(lambda _n: self.refresh())
        self.refresh()

    def _fill_indexes(self, current: int) -> None:
        blocker = QSignalBlocker(self.index)
        self.index.clear()
        self.index.addItems(INDEXES[self.kind.currentData()])
        self.index.setCurrentIndex(current)
        self.index.setEnabled(self.index.count() > 1)
        del blocker

    def period(self) -> Period:
        return Period(self.kind.currentData(), self.year.value(), self.index.currentIndex() + 1)

    def set_period(self, period: Period, dimension: str | None = None) -> None:
        blockers = [QSignalBlocker(w) for w in (self.kind, self.year, self.index, self.dimension)]
        self.kind.setCurrentIndex(self.kind.findData(period.kind))
        self.year.setValue(period.year)
        self._fill_indexes(period.index - 1)
        if dimension is not None:
            self.dimension.setCurrentIndex(self.dimension.findData(dimension))
        del blockers
        self.refresh()

    def refresh(self) -> None:
        period, by = self.period(), self.dimension.currentData()
        run_op(self, lambda: summarize(self.ctx, period, by), self.show_summary)

    # --- showing -----------------------------------------------------------------------------------------
    def _headers(self) -> list[str]:
        year_word = self.kind.currentData() == "year"
        figures = [f"{self.spec.field(n).label}\n（{self.spec.field(n).unit}）" for n in FIGURES]
        return [DIMENSIONS[self.dimension.currentData()], "结对数", *figures,
                "投入资金\n" + ("上年" if year_word else "上期"), "同比" if year_word else "环比", "投入资金\n年初至今"]

    def _cells(self, row: SummaryRow) -> list[tuple[str, int | None, str]]:
        """(text, raw value, tooltip) of each column."""
        cells: list[tuple[str, int | None, str]] = [(row.label, None, ""), (str(row.pairings), row.pairings, "")]
        for name in FIGURES:
            field = self.spec.field(name)
            show = format_wan if field.type == "money_wan" else str
            now, before, ytd = row.figures[name], row.previous[name], row.year_to_date[name]
            cells.append((show(now), now, f"{field.label}：本期 {show(now)}，上期 {show(before)}，"
                                           f"年初至今 {show(ytd)}（{field.unit}）"))
        funds, before = row.figures["funds_fen"], row.previous["funds_fen"]
        cells.append((format_wan(before), before, ""))
        cells.append((change_text(funds, before), None, ""))
        cells.append((format_wan(row.year_to_date["funds_fen"]), row.year_to_date["funds_fen"], ""))
        return cells

    def show_summary(self, summary: Summary) -> None:
        self.summary = summary
        title = DIMENSIONS[summary.dimension]
        self.heading.setText(f"{summary.period_label} · 按{title}汇总（只计已审核的月报，金额单位万元）")
        headers = self._headers()
        rows = [*summary.rows, summary.total]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for r, row in enumerate(rows):
            is_total = row is summary.total
            for c, (text, value, tip) in enumerate(self._cells(row)):
                item = QTableWidgetItem(text)
                if value is not None:
                    item.setData(VALUE_ROLE, value)
                if tip:
                    item.setToolTip(tip)
                if c > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if is_total:
                    item.setFont(bold)
                    item.setBackground(QBrush(QColor("#e8f0fe")))
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        # Every column as wide as its contents (the table scrolls sideways on a small screen): a
        # stretched name column was the one squeezed to "安平…" at 1024 × 768.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        top = sorted(summary.rows, key=lambda r: -r.figures["funds_fen"])[:CHART_ROWS]
        self.chart.set_data([(r.label, r.figures["funds_fen"]) for r in top], lambda fen: f"{format_wan(fen)} 万元",
                            f"投入资金（万元）· 按{title}", of=len(summary.rows))
        self.note.setText(self._note(summary))
        self.note.setToolTip("、".join(f"{t}（{m}）" for t, m in summary.unapproved))

    @staticmethod
    def _note(summary: Summary) -> str:
        blank = (f"另有 {summary.not_reported} 行只报了帮扶内容、未报数字（按未报计，不是 0）。"
                 if summary.not_reported else "")
        return SummaryPage._approval_note(summary) + blank

    @staticmethod
    def _approval_note(summary: Summary) -> str:
        if not summary.unapproved:
            return "本期各镇（街道）的月报均已审核，全部计入。"
        by_month: dict[str, list[str]] = {}
        for township, month in summary.unapproved:
            by_month.setdefault(month, []).append(township)
        parts = [f"{month}：{'、'.join(names[:UNAPPROVED_SHOWN])}"
                 + (f"等 {len(names)} 个" if len(names) > UNAPPROVED_SHOWN else "")
                 for month, names in sorted(by_month.items())]
        more = f"；另有 {len(parts) - 3} 个月" if len(parts) > 3 else ""
        return f"未审核、未计入（{len(summary.unapproved)} 个镇月）——" + "；".join(parts[:3]) + more

    def total_cell(self, label: str) -> QTableWidgetItem | None:
        """The 合计 row's cell under the column whose header starts with ``label``."""
        column = next((c for c in range(self.table.columnCount())
                       if self.table.horizontalHeaderItem(c).text().split("\n")[0] == label), None)
        return None if column is None else self.table.item(self.table.rowCount() - 1, column)

    # --- export --------------------------------------------------------------------------------------------------
    def export(self) -> None:
        folder = file_dialogs.choose_folder(self, "summary_export", "把汇总表保存到哪个文件夹")
        if folder:
            self.export_to(folder)

    def export_to(self, folder: Path) -> Path | None:
        written: list[Path] = []
        period = self.period()
        run_op(self, lambda: write_summary_report(self.ctx, period, folder),
               lambda path: (written.append(path), inform(self, "汇总表已导出", f"已保存到：\n{path}")))
        return written[0] if written else None
