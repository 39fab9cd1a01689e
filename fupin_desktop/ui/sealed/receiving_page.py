"""接收: verify the packages the counties send (dropped here or chosen), store the passed ones,
add them up (``AggregatePanel``) and keep the list of trusted certificates (``TrustPanel``).

Each package is checked with ``verify`` in a worker and listed with 通过 (green) or 未通过
(red); the selected one's details — for a refused one every reason in plain words — are
shown below the list. 接收 stores the passed ones with ``receive`` and shows what became
of each. 已接收的报送 lists every package kept so far (``list_received``), earlier sessions
included; a version replaced by a correction is shown in grey as 已被更正.
"""

from __future__ import annotations

import html
from collections.abc import Generator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.pending_packages import can_wait
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.receiving import Received, Verification, list_received, receive, verify
from fupin_desktop.services.submissions import incomplete_wording
from fupin_desktop.ui.common import file_dialogs, ui_state
from fupin_desktop.ui.common.choosers import period_label, report_label
from fupin_desktop.ui.common.operations import JobHandle, Step, inform, run_job, run_op
from fupin_desktop.ui.common.tables import read_only_table
from fupin_desktop.ui.common.widgets import ERROR_COLOR, button
from fupin_desktop.ui.sealed.aggregate_panel import AggregatePanel
from fupin_desktop.ui.sealed.trust_panel import TrustPanel

HEADERS = ("文件", "单位", "区划", "报表", "期间", "版本", "结果", "接收")
RESULT_COLUMN, RECEIVED_COLUMN = 6, 7
PASSED, FAILED = "通过", "未通过"
PASS_COLOR = "#2e7d32"
DROP_TEXT = "把报送包拖到这里，或点“选择报送包”"
PACKAGE_SUFFIXES = (".zip",)
# 接收时间 is this bureau's own clock; the package's own claim of when it was sealed is shown
# beside it, for the clerk to compare, and never used as evidence (issue 10, case 2).
RECEIVED_HEADERS = ("单位", "区划", "报表", "期间", "版本", "接收时间", "接收人", "状态", "盖章时间（包内自称）")
SUPERSEDED, CURRENT, WAITING = "已被更正", "在用", "等待原版"
SUPERSEDED_COLOR = "#9e9e9e"


def package_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The dropped local files that look like submission packages (.zip)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in PACKAGE_SUFFIXES]


def verifying(ctx: ServiceContext, paths: list[Path]) -> Generator[Step, None, list[tuple[Path, Verification]]]:
    results = []
    for n, path in enumerate(paths):
        yield Step(n, len(paths), f"正在验证「{path.name}」（{n + 1}/{len(paths)}）")
        results.append((path, verify(ctx, path)))
    return results


def detail_html(v: Verification, received: Received | None) -> str:
    """The selected package in plain words: what it is, and every reason it was refused."""
    e = html.escape
    color, verdict = (PASS_COLOR, "验证通过") if v.ok else (ERROR_COLOR, "验证未通过")
    parts = [f'<p style="color:{color}; font-weight:bold; font-size:12pt">{verdict}：{e(v.file)}</p>']
    facts = []
    if v.bureau:
        facts.append(f"报送单位：{e(v.bureau)}（{e(v.division)}）")
    if v.report:
        facts.append(f"报表：{e(report_label(v.report))} · {e(period_label(v.period))} · 第 {v.version} 版")
    manifest = v.manifest or {}
    if manifest.get("corrects"):
        facts.append("这是更正报送，替代上一版。")
    if manifest.get("incomplete"):
        units, what = incomplete_wording(v.report)
        facts.append(f"报送时有 {len(manifest['incomplete'])} 个{units}{what}，未计入。")
    if manifest.get("seal_image_placeholder"):
        facts.append("报表上的印章图样是样章（对方尚未载入本单位印章图样）。")
    if v.sha256:
        facts.append(f"文件 SHA-256：{e(v.sha256)}")
    if facts:
        parts.append("<br>".join(facts))
    if v.ok:
        parts.append("<p>内容完整，盖章后没有被改动；签章证书是本单位登记在用的证书。</p>")
    elif can_wait(v):  # issue 15: kept until the unit's certificate is registered, not lost
        parts.append(f'<p style="color:{ERROR_COLOR}">{e(v.problems[0])}</p>'
                     "<p>内容完整，只是签章证书尚未在本单位登记。点“接收”可先暂存（不计入汇总）；"
                     "核对纸质登记单、登记该单位的证书后自动重新验证。</p>")
    else:
        reasons = "".join(f"<li>{e(p)}</li>" for p in v.problems) or "<li>原因不明</li>"
        parts.append(f'<p style="color:{ERROR_COLOR}">没有通过的原因：</p><ol style="color:{ERROR_COLOR}">{reasons}</ol>'
                     "<p>不要使用这个文件的数据；请联系报送单位重新写出（或更正报送）。</p>")
    if received is not None:
        parts.append(f"<p><b>接收：</b>{e(received.message)}</p>")
    return "".join(parts)


class ReceivedPanel(QGroupBox):
    """已接收的报送: what this bureau has kept, newest first."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__("已接收的报送", parent)
        self.ctx = ctx
        self.table = read_only_table(RECEIVED_HEADERS, [])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        self.refresh()

    def refresh(self) -> None:
        rows = list_received(self.ctx)
        self.table.setRowCount(len(rows))
        for r, p in enumerate(rows):
            cells = (p.bureau, p.division, p.report_label, period_label(p.period), f"第 {p.version} 版",
                     f"{p.received_at:%Y-%m-%d %H:%M}", p.received_by,
                     WAITING if p.waiting else SUPERSEDED if p.superseded else CURRENT, p.signed_at)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{p.file_name}\nSHA-256：{p.sha256}")
                if p.superseded or p.waiting:
                    item.setForeground(QBrush(QColor(SUPERSEDED_COLOR)))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)


class PackagesPanel(QWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.can_receive = ctx.can(Permission.RECEIVE)
        self.items: list[tuple[Path, Verification]] = []
        self.received: dict[Path, Received] = {}
        self.job: JobHandle | None = None
        self.drop_area = QLabel(DROP_TEXT)
        self.drop_area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_area.setMinimumHeight(64)
        self.drop_area.setStyleSheet("QLabel { border: 2px dashed #90a4ae; border-radius: 6px; color: #546e7a;"
                                     " font-size: 12pt; background: #f7f9fa; }")
        self.choose_button = button("选择报送包", self.choose, "选择一个或多个 .zip 报送包（例如 U 盘上的）")
        self.receive_button = button("接收", self.receive_passed, "把验证通过的报送包存入本单位，供汇总使用")
        self.receive_button.setStyleSheet("font-weight: bold; padding: 4px 14px;")
        self.clear_button = button("清空列表", self.clear, "只清空这个列表，已接收的不受影响")
        tools = QHBoxLayout()
        tools.addWidget(self.drop_area, 1)
        column = QVBoxLayout()
        for b in (self.choose_button, self.receive_button, self.clear_button):
            column.addWidget(b)
        tools.addLayout(column)
        self.table = read_only_table(HEADERS, [])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.itemSelectionChanged.connect(self.show_detail)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.setPlaceholderText("选中一个报送包，这里显示验证结果和未通过的原因。")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        self.history = ReceivedPanel(ctx)
        splitter.addWidget(self.history)
        splitter.setSizes([200, 220, 200])
        ui_state.remember_splitter(splitter, "receiving")
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(splitter, 1)
        self.setAcceptDrops(True)
        self._update_buttons()

    # --- adding -----------------------------------------------------------------------------------------
    def choose(self) -> None:
        paths = file_dialogs.open_files(self, "packages", "选择报送包", "报送包 (*.zip);;所有文件 (*)")
        if paths:
            self.add_paths(paths)

    def add_paths(self, paths: list[Path]) -> JobHandle | None:
        if not paths or (self.job is not None and not self.job.finished):
            return None
        ctx, paths = self.ctx, [Path(p) for p in paths]
        self.job = run_job(self, lambda: verifying(ctx, paths), self._verified, "验证报送包")
        return self.job

    def _verified(self, results: list[tuple[Path, Verification]]) -> None:
        for path, v in results:
            self.received.pop(path, None)
            at = next((n for n, (p, _v) in enumerate(self.items) if p == path), None)
            if at is None:
                self.items.append((path, v))
            else:
                self.items[at] = (path, v)
        self.fill()
        first = next((n for n, (p, _v) in enumerate(self.items) if p == results[0][0]), 0) if results else 0
        self.table.selectRow(first)

    def clear(self) -> None:
        self.items, self.received = [], {}
        self.fill()

    # --- showing ------------------------------------------------------------------------------------------
    def fill(self) -> None:
        self.table.setRowCount(len(self.items))
        for r, (path, v) in enumerate(self.items):
            got = self.received.get(path)
            cells = (v.file, v.bureau, v.division, report_label(v.report) if v.report else "",
                     period_label(v.period) if v.period else "", f"第 {v.version} 版" if v.version else "",
                     PASSED if v.ok else FAILED, got.message if got else "")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(path) if c == 0 else text)
                if c == RESULT_COLUMN:
                    item.setForeground(QBrush(QColor(PASS_COLOR if v.ok else ERROR_COLOR)))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                if c == RECEIVED_COLUMN and got is not None and not got.accepted:
                    item.setForeground(QBrush(QColor("#b26a00")))
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.drop_area.setText(DROP_TEXT if not self.items else
                               f"{DROP_TEXT}　（已列出 {len(self.items)} 个，"
                               f"{sum(v.ok for _p, v in self.items)} 个通过）")
        self.show_detail()
        self._update_buttons()

    def selected(self) -> tuple[Path, Verification] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows and rows[0].row() < len(self.items) else None

    def show_detail(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.detail.clear()
            return
        path, v = chosen
        self.detail.setHtml(detail_html(v, self.received.get(path)))

    def _waiting(self) -> list[Path]:
        """Passed, or waiting only for the unit's certificate (kept as pending by ``receive``)."""
        return [p for p, v in self.items if (v.ok or can_wait(v)) and p not in self.received]

    def _update_buttons(self) -> None:
        self.receive_button.setEnabled(self.can_receive and bool(self._waiting()))
        self.clear_button.setEnabled(bool(self.items))

    # --- receiving -------------------------------------------------------------------------------------------
    def receive_passed(self) -> list[Received]:
        waiting = self._waiting()
        results: list[Received] = []
        if not waiting:
            return results
        run_op(self, lambda: receive(self.ctx, waiting), results.extend)
        for path, got in zip(waiting, results, strict=False):
            self.received[path] = got
        if results:
            self.history.refresh()
            selected = self.table.currentRow()
            self.fill()
            self.table.selectRow(max(selected, 0))
            lines = [f"{'✔' if r.accepted else '✘'} {r.file}：{r.message}" for r in results]
            inform(self, "接收结果", "\n".join(lines))
        return results

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if package_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = package_paths(event)
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)


class ReceivingPage(QTabWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.packages = PackagesPanel(ctx)
        self.aggregate = AggregatePanel(ctx)
        self.trust = TrustPanel(ctx)
        self.addTab(self.packages, "验证与接收")
        self.addTab(self.aggregate, "汇总")
        self.addTab(self.trust, "信任的证书")
        self.trust.changed.connect(self.packages.history.refresh)  # packages that waited may now be received
        self.currentChanged.connect(lambda i: self.trust.refresh() if self.widget(i) is self.trust else None)
        self.setDocumentMode(True)

    def refresh(self) -> None:
        self.trust.refresh()
        self.packages.history.refresh()

    def add_paths(self, paths: list[Path]) -> JobHandle | None:
        """Packages dropped on the main window: list and verify them here."""
        self.setCurrentWidget(self.packages)
        return self.packages.add_paths(paths)
