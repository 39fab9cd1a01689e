"""信息核对和抽查 (notice 003): a year's samples of pairings and what checking each one found.

The year and one of its samples (the newest first) are picked at the top; the list shows the
sample's pairings in the order drawn with the state of each check. 抽取样本… (reviewer only)
draws and records a new sample; 登记核查结果… or a double-click opens one check (read-only for
the other roles); 导出Excel… and 打印… write the sheet (the PDF is a 公文 附件, opened in the
system's viewer to print). Every rule is in ``services.spotcheck``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLabel, QSpinBox, QVBoxLayout, QWidget

from fupin_desktop.domain import clock
from fupin_desktop.services import spotcheck
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.inspections import MIN_YEAR
from fupin_desktop.services.spotcheck import CheckView, SampleSummary, SampleView
from fupin_desktop.ui.common import file_dialogs
from fupin_desktop.ui.common.operations import inform, run_op
from fupin_desktop.ui.common.tables import fill_table, read_only_table
from fupin_desktop.ui.common.widgets import ERROR_COLOR, WARNING_COLOR, button, open_dialog
from fupin_desktop.ui.supervision.spotcheck_dialogs import CheckDialog, DrawDialog

HEADERS = ("序号", "镇（街道）", "协议编号", "社会组织", "帮扶对象", "核查日期", "方式", "是否属实", "整改期限", "状态")
TRUTHFUL_COLUMN, STATE_COLUMN = 7, 9
NAME_COLUMNS = (3, 4)  # 社会组织, 帮扶对象
STATE_COLORS = {spotcheck.STATE_UNCHECKED: "#888", spotcheck.STATE_PENDING: WARNING_COLOR,
                spotcheck.STATE_RECTIFYING: WARNING_COLOR, spotcheck.STATE_OVERDUE: ERROR_COLOR,
                spotcheck.STATE_FOLLOWED_UP: "#2e7d32", spotcheck.STATE_DONE: "#2e7d32"}
NOT_REVIEWER = "只有审核人可以抽取样本：抽查是对填报员所录名册的核对，由审核人抽取和判定。"


def open_file(path: Path) -> bool:
    """Show a file in the system's own viewer (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _day(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def sample_label(s: SampleSummary) -> str:
    return f"第 {s.id} 号（{s.created_at:%Y-%m-%d}，种子 {s.seed}，{s.drawn} 个）"


class SpotcheckTab(QWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or clock.today()
        self.reviewer = ctx.can(spotcheck.PERMISSION)
        self.samples: list[SampleSummary] = []
        self.view: SampleView | None = None

        self.year = QSpinBox()
        self.year.setRange(MIN_YEAR, self.today.year)
        self.year.setSuffix(" 年度")
        self.year.setValue(self.today.year)
        self.year.setToolTip("抽查的结对年度：协议期与该年有交集的结对")
        self.sample = QComboBox()
        self.sample.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sample.setToolTip("这一年度已抽取的样本（最新的在前）")
        self.draw_button = button("抽取样本…", self.open_draw,
                                  "按镇（街道）分层随机抽取这一年度的结对（同一种子总能重新抽出同一样本）")
        if not self.reviewer:
            self.draw_button.setEnabled(False)
            self.draw_button.setToolTip(NOT_REVIEWER)
        self.record_button = button("登记核查结果…", self.open_selected,
                                    "登记或修改所选结对的核查结果（也可双击）" if self.reviewer
                                    else "查看所选结对的核查结果（也可双击）；只有审核人可以登记")
        self.export_button = button("导出Excel…", self.choose_workbook, "把样本和核查结果写成 Excel（A4 横向，可直接打印）")
        self.print_button = button("打印…", self.choose_pdf,
                                   "把样本和核查结果写成公文附件 PDF（A4 横向），用本机的 PDF 阅读器打开后打印")
        top = QHBoxLayout()
        for label, widget in (("年度", self.year), ("样本", self.sample)):
            top.addWidget(QLabel(label))
            top.addWidget(widget)
            top.addSpacing(10)
        top.addStretch(1)
        actions = QHBoxLayout()
        for b in (self.draw_button, self.record_button):
            actions.addWidget(b)
        actions.addSpacing(16)
        for b in (self.export_button, self.print_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setStyleSheet("color: #555;")
        self.table = read_only_table(HEADERS, [])
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.count = QLabel()
        self.count.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.sample.currentIndexChanged.connect(lambda _n: self.show_sample())
        self.refresh()

    # --- reading ----------------------------------------------------------------------------------
    def refresh(self, keep: int | None = None) -> None:
        """The year's samples again; ``keep`` (or the one shown) stays chosen when it is there."""
        wanted = keep if keep is not None else self.sample.currentData()
        run_op(self, lambda: spotcheck.list_samples(self.ctx, self.year.value()),
               lambda samples: self._listed(samples, wanted))

    def _listed(self, samples: list[SampleSummary], wanted: int | None) -> None:
        self.samples = list(reversed(samples))  # the newest first
        with QSignalBlocker(self.sample):
            self.sample.clear()
            for s in self.samples:
                self.sample.addItem(sample_label(s), s.id)
            if not self.samples:
                self.sample.addItem("（尚未抽取）", None)
            self.sample.setCurrentIndex(max(self.sample.findData(wanted), 0) if wanted is not None else 0)
        self.show_sample()

    def show_sample(self) -> None:
        sample_id = self.sample.currentData()
        if sample_id is None:
            self._shown(None)
            return
        run_op(self, lambda: spotcheck.get_sample(self.ctx, sample_id), self._shown)

    def _shown(self, view: SampleView | None) -> None:
        chosen = self.selected()
        self.view = view
        checks = view.checks if view else []
        fill_table(self.table, [self.cells(c) for c in checks])
        for n, c in enumerate(checks):
            if c.truthful is False:
                self.table.item(n, TRUTHFUL_COLUMN).setForeground(QColor(ERROR_COLOR))
            state = self.table.item(n, STATE_COLUMN)
            state.setForeground(QColor(STATE_COLORS.get(state.text(), "#000")))
            if chosen is not None and c.id == chosen.id:
                self.table.selectRow(n)
        # The names share what the other columns leave: the whole list fits a 1024-pixel screen.
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in NAME_COLUMNS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.info.setText(self._info_text(view))
        self.info.setToolTip(self._shares_text(view))
        self.count.setText(view.summary.counts_text if view else "")
        self._update_buttons()

    def cells(self, c: CheckView) -> tuple[object, ...]:
        return (c.number, c.township, c.agreement_no, c.organization, c.target, _day(c.checked_on), c.method,
                c.truthful_label, _day(c.rectify_by), c.state(self.today))

    def _info_text(self, view: SampleView | None) -> str:
        year = self.year.value()
        if view is None:
            who = "点【抽取样本…】" if self.reviewer else "请审核人"
            return f"{year} 年度还没有抽取抽查样本。{who}按镇（街道）分层随机抽取这一年度的结对。"
        s = view.summary
        who = self.ctx.user.display_name if s.created_by == self.ctx.user.username else s.created_by
        text = (f"第 {s.id} 号样本：{s.created_at:%Y-%m-%d %H:%M} 由 {who} 抽取，随机种子 {s.seed}；"
                f"{year} 年度在期结对 {s.population} 个，抽取 {s.drawn} 个。")
        return text + (view.note if view.note else "")

    @staticmethod
    def _shares_text(view: SampleView | None) -> str:
        if view is None:
            return ""
        return "各镇（街道）抽取数/在期结对数：\n" + "\n".join(f"{t.township}　{t.drawn}/{t.in_term}"
                                                          for t in view.shares)

    def selected(self) -> CheckView | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model else []
        checks = self.view.checks if self.view else []
        return checks[rows[0].row()] if rows and rows[0].row() < len(checks) else None

    def select_pairing(self, agreement_no: str) -> bool:
        checks = self.view.checks if self.view else []
        n = next((i for i, c in enumerate(checks) if c.agreement_no == agreement_no), -1)
        if n >= 0:
            self.table.selectRow(n)
        return n >= 0

    def _update_buttons(self) -> None:
        self.record_button.setEnabled(self.selected() is not None)
        for b in (self.export_button, self.print_button):
            b.setEnabled(self.view is not None)

    # --- dialogs ----------------------------------------------------------------------------------
    def open_draw(self) -> DrawDialog | None:
        if not self.reviewer:
            return None
        dialog = DrawDialog(self.ctx, self.year.value(), self, today=self.today)
        dialog.drawn.connect(lambda view: self.refresh(keep=view.summary.id))
        open_dialog(dialog)
        return dialog

    def open_selected(self) -> CheckDialog | None:
        check = self.selected()
        if check is None:
            return None
        dialog = CheckDialog(self.ctx, check, self, today=self.today)
        dialog.saved.connect(self._saved)
        open_dialog(dialog)
        return dialog

    def _saved(self, check: CheckView) -> None:
        self.show_sample()
        self.select_pairing(check.agreement_no)

    # --- outputs ----------------------------------------------------------------------------------
    def _base_name(self) -> str:
        s = self.view.summary if self.view else None
        return f"{self.year.value()}年度结对帮扶信息核对和抽查情况表" + (f"（第{s.id}号样本）" if s else "")

    def choose_workbook(self) -> None:
        if self.view is None:
            return
        path = file_dialogs.save_file(self, "spotcheck_export", "导出抽查情况表", f"{self._base_name()}.xlsx",
                                      "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_workbook(path if path.suffix.lower() == ".xlsx" else path.with_name(f"{path.name}.xlsx"))

    def export_workbook(self, path: Path) -> Path | None:
        if self.view is None:
            return None
        sample_id = self.view.summary.id
        written: list[Path] = []

        def done(result: Path) -> None:
            written.append(result)
            inform(self, "已导出", f"抽查情况表已写到：\n{result}")

        run_op(self, lambda: spotcheck.export_xlsx(self.ctx, sample_id, path), done)
        return written[0] if written else None

    def choose_pdf(self) -> None:
        if self.view is None:
            return
        path = file_dialogs.save_file(self, "spotcheck_print", "打印抽查情况表（写成 PDF）", f"{self._base_name()}.pdf",
                                      "PDF 文件 (*.pdf)")
        if path:
            self.print_pdf(path if path.suffix.lower() == ".pdf" else path.with_name(f"{path.name}.pdf"))

    def print_pdf(self, path: Path) -> Path | None:
        """Write the 公文 附件 PDF and open it in the system's viewer, to print from there."""
        if self.view is None:
            return None
        sample_id = self.view.summary.id
        written: list[Path] = []

        def done(result: Path) -> None:
            written.append(result)
            if not open_file(result):
                inform(self, "已写出 PDF", f"抽查情况表（公文附件）已写到：\n{result}\n\n请用 PDF 阅读器打开后打印。")

        run_op(self, lambda: spotcheck.write_pdf(self.ctx, sample_id, path), done)
        return written[0] if written else None
