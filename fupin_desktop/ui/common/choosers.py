"""Small choosers shared by 报送 and 接收: a report kind with its period, and an output folder.

``ReportPeriodPicker`` offers the kinds of ``REPORT_KINDS``; the period part follows the
kind (a month, a quarter, a half-year or a year) and starts at the last finished one.
``FolderChooser`` remembers the folder last used for the same purpose in the data folder's
``ui-state.ini`` (per user), so the USB stick is offered again next time.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDir, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QWidget

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.report_kinds import REPORT_KINDS
from fupin_desktop.ui.common import ui_state
from fupin_desktop.ui.common.widgets import button

FIRST_YEAR = 2015
INDEXES = {"month": [f"{m} 月" for m in range(1, 13)], "quarter": ["第一季度", "第二季度", "第三季度", "第四季度"],
           "half": ["上半年", "下半年"], "year": ["全年"]}


def last_period(kind: str, today: date) -> Period:
    """The last finished period of a kind: last month, last quarter, last half-year, last year."""
    m = today.month
    index = {"month": m, "quarter": (m - 1) // 3 + 1, "half": (m - 1) // 6 + 1, "year": 1}[kind]
    return Period(kind, today.year, index).previous()  # type: ignore[arg-type]


def report_label(name: str) -> str:
    kind = REPORT_KINDS.get(name)
    return kind.label if kind else name


def period_label(text: str) -> str:
    try:
        return Period.parse(text).label_zh
    except ValueError:
        return text


class ReportPeriodPicker(QWidget):
    """报表 [kind] 期间 [year] [month / quarter / half]."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.today = today or clock.today()
        self.kind = QComboBox()
        for kind in REPORT_KINDS.values():
            self.kind.addItem(kind.label, kind.name)
            self.kind.setItemData(self.kind.count() - 1, kind.label, Qt.ItemDataRole.ToolTipRole)
        # Ten characters shown, the rest in the list and the tooltip: the page fits 1024 × 768.
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind.setMinimumContentsLength(10)
        self.year = QSpinBox()
        self.year.setRange(FIRST_YEAR, self.today.year + 1)
        self.year.setSuffix(" 年")
        self.index = QComboBox()
        self.index.setMaxVisibleItems(12)
        self.index.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # 9 月 … 第四季度
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("报表"))
        row.addWidget(self.kind)
        row.addSpacing(8)
        row.addWidget(QLabel("期间"))
        row.addWidget(self.year)
        row.addWidget(self.index)
        self._show(last_period(self.period_kind(), self.today))
        self.kind.currentIndexChanged.connect(lambda _n: (self._show(last_period(self.period_kind(), self.today)),
                                                          self.changed.emit()))
        self.year.valueChanged.connect(lambda _v: self.changed.emit())
        self.index.currentIndexChanged.connect(lambda _n: self.changed.emit())

    def period_kind(self) -> str:
        return REPORT_KINDS[self.kind.currentData()].period_kind

    def report(self) -> str:
        return str(self.kind.currentData())

    def period(self) -> Period:
        return Period(self.period_kind(), self.year.value(), self.index.currentIndex() + 1)  # type: ignore[arg-type]

    def set_choice(self, report: str, period: Period) -> None:
        blockers = [QSignalBlocker(w) for w in (self.kind, self.year, self.index)]
        self.kind.setCurrentIndex(max(self.kind.findData(report), 0))
        self._show(period)
        del blockers
        self.changed.emit()

    def _show(self, period: Period) -> None:
        blockers = [QSignalBlocker(w) for w in (self.year, self.index)]
        self.year.setValue(period.year)
        self.index.clear()
        self.index.addItems(INDEXES[period.kind])
        self.index.setCurrentIndex(period.index - 1)
        self.index.setVisible(period.kind != "year")
        del blockers


class FolderChooser(QWidget):
    """[the folder's path] [选择…]; the folder chosen last time for ``purpose`` comes back."""

    def __init__(self, ctx: ServiceContext, purpose: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.title = ctx, title
        self.key = f"{ctx.user.username}/{purpose}"
        self.edit = QLineEdit()
        self.edit.setReadOnly(True)
        self.edit.setPlaceholderText("请选择 U 盘或文件夹")
        self.choose_button = button("选择…", self.choose, title)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.choose_button)
        remembered = ui_state.settings(ctx.data_dir).value(self.key, "")
        if remembered and Path(str(remembered)).is_dir():
            self._show(Path(str(remembered)))

    def folder(self) -> Path | None:
        text = self.edit.text()
        return Path(text) if text else None

    def _show(self, folder: Path) -> None:
        self.edit.setText(str(folder))
        self.edit.setToolTip(str(folder))
        self.edit.setCursorPosition(0)

    def set_folder(self, folder: Path) -> None:
        self._show(Path(folder))
        settings = ui_state.settings(self.ctx.data_dir)
        settings.setValue(self.key, str(folder))
        settings.sync()

    def choose(self) -> Path | None:
        start = str(self.folder() or QDir.homePath())
        chosen = QFileDialog.getExistingDirectory(self, self.title, start)
        if not chosen:
            return None
        self.set_folder(Path(chosen))
        return Path(chosen)
