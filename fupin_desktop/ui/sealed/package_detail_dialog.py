"""From a city total down to one county (issue 15): the rows of the county's counted package as
its data file holds them, and its sealed PDF from the package kept at receipt: in the window at
the page of the chosen row (that row marked), or in the system's PDF reader."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.intake.pdf_view import PdfView
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.receiving import package_pdf, package_pdf_bytes, package_rows
from fupin_desktop.ui.common.tables import read_only_table
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, open_dialog, show_message
from fupin_desktop.ui.sealed.pdf_page_dialog import PdfPageDialog

TEXT_COLUMNS = (("township", "镇（街道）"), ("village", "村（社区）"), ("organization", "社会组织"),
                ("label", "项目"))


class PackageDetailDialog(QDialog):
    def __init__(self, ctx: ServiceContext, division: str, report: str, period: Period,
                 open_url: Callable[[QUrl], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.open_url = ctx, open_url
        self.view, rows = package_rows(ctx, division, report, period)
        self.setWindowTitle(f"{self.view.bureau} · {self.view.report_label} · {period.label_zh}")
        spec = ctx.forms["monthly"]
        texts = [(k, t) for k, t in TEXT_COLUMNS if any(k in r for r in rows)]
        headers = [t for _, t in texts] + [f"{spec.field(n).label}（{spec.field(n).unit}）" for n in FIGURES]
        cells = [[str(r.get(k) or "") for k, _ in texts]
                 + [format_wan(int(r.get(n) or 0)) if n.endswith("_fen") else str(r.get(n) or 0) for n in FIGURES]
                 for r in rows]
        self.rows = rows
        self.table = read_only_table(headers, cells)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.show_row_in_pdf())
        about = QLabel(f"第 {self.view.version} 版，{self.view.received_at:%Y-%m-%d %H:%M} 由 {self.view.received_by} 接收；"
                       f"报送包 SHA-256 {self.view.sha256[:16]}…；共 {len(rows)} 行（取自报送包的数据文件）。")
        about.setWordWrap(True)
        self.message = message_label()
        self.row_button = QPushButton("在盖章 PDF 中查看所选行")
        self.row_button.setToolTip("打开报送包里的盖章 PDF，翻到这一行所在的页并标出（也可双击一行）")
        self.row_button.clicked.connect(lambda _checked=False: self.show_row_in_pdf())
        self.pdf_button = QPushButton("打开盖章 PDF")
        self.pdf_button.setAutoDefault(False)
        self.pdf_button.clicked.connect(lambda _checked=False: self.open_pdf())
        close = QPushButton("关闭")
        close.clicked.connect(lambda _checked=False: self.accept())
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.row_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(980, 560)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.row_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def show_row_in_pdf(self) -> PdfPageDialog | None:
        """The sealed PDF in the window, at the page of the selected row, the row marked."""
        selected = self.table.selectionModel().selectedRows()
        if not selected:
            return None
        n = selected[0].row()
        row = self.rows[n]
        try:
            view = PdfView(package_pdf_bytes(self.ctx, self.view.sha256))
        except KnownError as exc:
            show_message(self.message, str(exc), ERROR_COLOR)
            return None
        try:
            seq = int(row.get("seq") or n + 1)
        except (TypeError, ValueError):  # an older package's rows: numbered in their order
            seq = n + 1
        place = view.find_row(seq)
        show_message(self.message, "" if place else "在盖章 PDF 里没有找到这一行，从第一页看起。", ERROR_COLOR)
        dialog = PdfPageDialog(view, f"{self.windowTitle()} · 盖章 PDF", place=place, open_outside=self.open_pdf,
                               parent=self)
        dialog.finished.connect(lambda _r: view.close())
        open_dialog(dialog)
        return dialog

    def open_pdf(self) -> Path | None:
        try:
            path = package_pdf(self.ctx, self.view.sha256, Path(tempfile.gettempdir()) / "fupin-received")
        except KnownError as exc:
            show_message(self.message, str(exc), ERROR_COLOR)
            return None
        self.open_url(QUrl.fromLocalFile(str(path)))
        return path
