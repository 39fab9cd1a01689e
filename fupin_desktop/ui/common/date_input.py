"""A date typed the way clerks type it: 20261201, 2026.12.1, 2026-12-01, 2026/12/1, 2026年12月1日.

QDateEdit takes a date only section by section; a clerk types the digits in one go. This is a
line edit that reads any of those forms (``domain.periods.parse_loose_date``), writes the date
back as 2026-12-01 once it is read, and says in red what it could not read — it never puts
today's date in place of what was typed. A small button opens a calendar to pick from.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from fupin_desktop.domain import clock
from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.periods import parse_loose_date
from fupin_desktop.errors import KnownError

__all__ = ["DateInput", "read_date"]

PLACEHOLDER = "如 2026-12-01 或 20261201"
_ERROR_STYLE = "QLineEdit { border: 1px solid #c0392b; background: #fdecea; }"


def read_date(text: str, label: str = "日期") -> date | None:
    """The date ``text`` stands for, None when empty; a KnownError in Chinese when it is no date."""
    if not text.strip():
        return None
    try:
        parsed = parse_loose_date(text)
    except CodeError as exc:
        raise KnownError(f"{label}：{exc}") from None
    if not isinstance(parsed, date):
        raise KnownError(f"{label}：“{text.strip()}”缺少日，应写成 2026-12-01 或 2026年12月1日")
    return parsed


class DateInput(QWidget):
    """A date field: ``date()`` gives the date (None when empty) or raises KnownError with ``label``."""

    changed = Signal()

    def __init__(self, label: str = "日期", value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(PLACEHOLDER)
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("2026年12月31日") + 16)
        self.edit.editingFinished.connect(self._tidy)
        self.edit.textChanged.connect(self.changed)
        self.pick = QToolButton()
        self.pick.setText("日历")
        self.pick.setToolTip("从日历中选择")
        self.pick.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pick.clicked.connect(self._open_calendar)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit)
        row.addWidget(self.pick)
        self.setFocusProxy(self.edit)
        self.set_date(value)

    def text(self) -> str:
        return self.edit.text()

    def date(self) -> date | None:
        return read_date(self.edit.text(), self.label)

    def set_date(self, value: date | None) -> None:
        self.edit.setText(value.isoformat() if value else "")
        self._mark("")

    def setReadOnly(self, read_only: bool) -> None:  # noqa: N802 (as QLineEdit spells it)
        self.edit.setReadOnly(read_only)
        self.pick.setEnabled(not read_only)

    def _mark(self, problem: str) -> None:
        self.edit.setStyleSheet(_ERROR_STYLE if problem else "")
        self.edit.setToolTip(problem)

    def _tidy(self) -> None:
        """Once typed: the date as 2026-12-01, or what is wrong with it in red (the text stays)."""
        try:
            value = self.date()
        except KnownError as exc:
            self._mark(str(exc))
            return
        self._mark("")
        if value is not None and self.edit.text() != value.isoformat():
            self.edit.setText(value.isoformat())

    def _open_calendar(self) -> None:
        calendar = QCalendarWidget()
        calendar.setGridVisible(True)
        try:
            start = self.date() or clock.today()
        except KnownError:
            start = clock.today()
        calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        menu = QMenu(self)
        action = QWidgetAction(menu)
        action.setDefaultWidget(calendar)
        menu.addAction(action)

        def picked(day: QDate) -> None:
            self.set_date(day.toPython())
            self.changed.emit()
            menu.close()

        calendar.clicked.connect(picked)
        calendar.activated.connect(picked)
        menu.popup(self.mapToGlobal(QPoint(0, self.height())))
