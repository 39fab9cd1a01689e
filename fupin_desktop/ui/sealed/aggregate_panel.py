"""汇总 on the 接收 page: the received counties' figures for a report and period, added up by
``aggregate`` into a PDF and an Excel workbook; who has not submitted is shown in red."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.receiving import Aggregate, aggregating
from fupin_desktop.services.register_import import Progress
from fupin_desktop.ui.common.choosers import FolderChooser, ReportPeriodPicker
from fupin_desktop.ui.common.operations import JobHandle, run_job, show_error
from fupin_desktop.ui.common.widgets import ERROR_COLOR, button

TITLE = "汇总"
MISSING_TEXT = "未报送"


class AggregatePanel(QWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.spec = ctx.forms["monthly"]
        self.result: Aggregate | None = None
        self.job: JobHandle | None = None
        self.open_url = QDesktopServices.openUrl  # tests replace it
        self.picker = ReportPeriodPicker()
        self.out = FolderChooser(ctx, "aggregate_out", "把汇总表写到哪个文件夹")
        self.run_button = button(TITLE, self.run, "把已接收并验证通过的各县报送加起来，写出汇总表（PDF 和 Excel）")
        self.run_button.setStyleSheet("font-weight: bold; padding: 4px 14px;")
        tools = QHBoxLayout()
        tools.addWidget(self.picker)
        tools.addSpacing(12)
        tools.addWidget(QLabel("写到"))
        tools.addWidget(self.out, 1)
        tools.addWidget(self.run_button)
        self.heading = QLabel("选择报表和期间后点“汇总”。只计已接收且验证通过的报送包（更正的以最新版为准）。")
        self.heading.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        # Down from the total: a county's row opens its package's rows and its sealed PDF.
        self.table.cellDoubleClicked.connect(lambda row, _col: self.open_county(row))
        self.table.setToolTip("双击某县的行：查看该县报送包的明细，并可打开盖章 PDF")
        self._shown_period: tuple[str, Period] | None = None
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        self.files = QLabel()
        self.files.setWordWrap(True)
        self.files.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = button("打开文件夹", self.open_folder, "在文件管理器里打开汇总表所在的文件夹")
        self.open_pdf_button = button("打开 PDF", lambda: self._open(self.result.pdf if self.result else None))
        self.open_xlsx_button = button("打开 Excel", lambda: self._open(self.result.xlsx if self.result else None))
        bottom = QHBoxLayout()
        bottom.addWidget(self.files, 1)
        for b in (self.open_folder_button, self.open_pdf_button, self.open_xlsx_button):
            b.setEnabled(False)
            bottom.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.missing)
        layout.addLayout(bottom)
        self.missing.setVisible(False)

    def run(self) -> JobHandle | None:
        folder = self.out.folder() or self.out.choose()
        return self.run_to(folder) if folder else None

    def run_to(self, folder: Path) -> JobHandle:
        ctx, report, period = self.ctx, self.picker.report(), self.picker.period()
        self.out.set_folder(Path(folder))

        def done(result: object) -> None:
            if isinstance(result, KnownError):
                show_error(self, result, TITLE)
            else:
                assert isinstance(result, Aggregate)
                self._shown_period = (report, period)
                self.show_result(result, f"{self.picker.kind.currentText()} · {period.label_zh}")

        def job() -> Generator[Progress, None, object]:
            try:
                return (yield from aggregating(ctx, report, period, Path(folder)))
            except KnownError as exc:
                return exc

        def cancelled() -> None:
            # The files are written in the last stage only: a cancel before it wrote nothing.
            self.files.setText("已取消汇总，没有写出任何文件。")

        self.job = run_job(self, job, done, TITLE, on_cancelled=cancelled)
        return self.job

    def open_county(self, row: int) -> QDialog | None:
        """The package behind a county's row (the 合计 and the units not reported have none)."""
        if self.result is None or self._shown_period is None or row >= len(self.result.counties):
            return None
        from fupin_desktop.ui.sealed.package_detail_dialog import PackageDetailDialog

        report, period = self._shown_period
        try:
            dialog = PackageDetailDialog(self.ctx, str(self.result.counties[row]["division"]), report, period,
                                         self.open_url, self)
        except KnownError as exc:
            show_error(self, exc, TITLE)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # --- showing -------------------------------------------------------------------------------------------
    def _headers(self) -> list[str]:
        figures = [f"{self.spec.field(n).label}\n（{self.spec.field(n).unit}）" for n in FIGURES]
        return ["区划代码", "报送单位", "版本", *figures]

    def _cells(self, county: dict[str, Any]) -> list[str]:
        figures = [format_wan(int(county[n])) if n.endswith("_fen") else str(county[n]) for n in FIGURES]
        return [county["division"], county["bureau"], f"第 {county['version']} 版", *figures]

    def show_result(self, result: Aggregate, title: str) -> None:
        self.result = result
        totals = {n: sum(int(c[n]) for c in result.counties) for n in FIGURES}
        rows: list[tuple[list[str], str]] = [(self._cells(c), "") for c in result.counties]
        rows.append((["", "合计", "", *[format_wan(totals[n]) if n.endswith("_fen") else str(totals[n])
                                         for n in FIGURES]], "total"))
        state = {u.division: u.state_label for u in result.statuses}
        rows += [([division, bureau, state.get(division, MISSING_TEXT), *[""] * len(FIGURES)], "missing")
                 for division, bureau in result.missing]
        headers = self._headers()
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for r, (cells, kind) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if kind == "total":
                    item.setFont(bold)
                    item.setBackground(QBrush(QColor("#e8f0fe")))
                elif kind == "missing":
                    item.setForeground(QBrush(QColor(ERROR_COLOR)))
                    item.setToolTip("区划代码表中本局下级的单位，还没有收到这一期的报送；“无证书”：还没有登记它的印章证书")
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.heading.setText(f"{title} · 已报送 {len(result.counties)} 个单位，未报送 {len(result.missing)} 个"
                             "（金额单位万元）")
        self.missing.setText("未报送：" + "、".join(f"{b}（{d}，{state.get(d, MISSING_TEXT)}）" for d, b in result.missing))
        self.missing.setVisible(bool(result.missing))
        self.files.setText(f"已写出：{result.pdf}\n　　　　{result.xlsx}")
        for b in (self.open_folder_button, self.open_pdf_button, self.open_xlsx_button):
            b.setEnabled(True)

    def _open(self, path: Path | None) -> None:
        if path is not None:
            self.open_url(QUrl.fromLocalFile(str(path)))

    def open_folder(self) -> None:
        self._open(self.result.pdf.parent if self.result else None)
