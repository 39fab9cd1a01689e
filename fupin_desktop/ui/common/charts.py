"""Small charts drawn with QPainter (QtCharts is not shipped): horizontal bars and stacked columns."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR_COLOR = QColor("#1e88e5")
AXIS_COLOR = QColor("#9e9e9e")
TEXT_COLOR = QColor("#333333")


class BarChart(QWidget):
    """One horizontal bar per item: its label on the left, its value at the bar's end."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.items: list[tuple[str, int]] = []
        self.format: Callable[[int], str] = str
        self.paints = 0
        self.shown = 0  # bars drawn in the last paint
        self.of = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, items: Sequence[tuple[str, int]], format_value: Callable[[int], str] = str,
                 title: str | None = None, of: int | None = None) -> None:
        """``of``: how many there are in all, when ``items`` are the biggest of them."""
        self.items = list(items)
        self.of = len(self.items) if of is None else of
        self.format = format_value
        if title is not None:
            self.title = title
        self.updateGeometry()
        self.update()

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 6

    def sizeHint(self) -> QSize:
        return QSize(480, 34 + self._row_height() * min(max(len(self.items), 3), 8))

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 34 + self._row_height() * 3)

    def paintEvent(self, _event: QPaintEvent) -> None:
        self.paints += 1
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = painter.fontMetrics()
        top = 6 + (metrics.height() + 8 if self.title else 0)
        # As many bars as fit with readable labels; the rest are left out (the table has them all).
        row = max(min(self._row_height(), (self.height() - top - 4) // max(len(self.items), 1)), metrics.height() + 2)
        items = self.items[:max((self.height() - top - 4) // row, 1)]
        self.shown = len(items)
        if self.title:
            title = self.title + (f"（前 {self.shown} 个，共 {self.of} 个）" if self.shown < self.of else "")
            painter.setPen(TEXT_COLOR)
            painter.drawText(QRect(8, 6, self.width() - 16, metrics.height()), Qt.AlignmentFlag.AlignLeft, title)
        if not items:
            painter.setPen(AXIS_COLOR)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "没有数据")
            return
        label_width = min(max(metrics.horizontalAdvance(label) for label, _v in items) + 12, self.width() // 3)
        value_width = max(metrics.horizontalAdvance(self.format(v)) for _l, v in items) + 10
        left = 8 + label_width
        span = max(self.width() - left - value_width - 12, 20)
        biggest = max((v for _l, v in items), default=0) or 1
        painter.setPen(AXIS_COLOR)
        painter.drawLine(left, top, left, top + row * len(items))
        for n, (label, value) in enumerate(items):
            y = top + n * row
            text_box = QRect(8, y, label_width - 8, row)
            painter.setPen(TEXT_COLOR)
            shown = metrics.elidedText(label, Qt.TextElideMode.ElideMiddle, label_width - 8)
            painter.drawText(text_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown)
            length = span * value / biggest
            bar = QRectF(left + 1, y + 3, max(length, 1 if value else 0), row - 6)
            painter.fillRect(bar, BAR_COLOR)
            painter.drawText(QRect(int(left + length + 6), y, value_width, row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.format(value))
        painter.end()


class StackedColumns(QWidget):
    """Columns (e.g. months) stacked by category, with a legend; ``set_data`` gives each column's counts."""

    def __init__(self, series: Sequence[tuple[str, str, str]], title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series = list(series)  # (key, label, colour), bottom first
        self.title = title
        self.columns: list[tuple[str, dict[str, int]]] = []
        self.paints = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, columns: Sequence[tuple[str, dict[str, int]]]) -> None:
        self.columns = list(columns)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(440, 220)

    def minimumSizeHint(self) -> QSize:
        return QSize(300, 170)

    def paintEvent(self, _event: QPaintEvent) -> None:
        self.paints += 1
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = painter.fontMetrics()
        line = metrics.height()
        top = 6
        if self.title:
            painter.setPen(TEXT_COLOR)
            painter.drawText(QRect(8, top, self.width() - 16, line), Qt.AlignmentFlag.AlignLeft, self.title)
            top += line + 4
        x = 8  # legend
        for _key, label, color in self.series:
            painter.fillRect(QRect(x, top + line // 2 - 5, 10, 10), QColor(color))
            painter.setPen(TEXT_COLOR)
            painter.drawText(x + 14, top + metrics.ascent(), label)
            x += 14 + metrics.horizontalAdvance(label) + 14
        top += line + 8
        if not self.columns:
            return
        bottom = self.height() - line - 8
        left, right = 30, self.width() - 8
        keys = [key for key, _label, _color in self.series]
        highest = max((sum(c.get(k, 0) for k in keys) for _l, c in self.columns), default=0) or 1
        painter.setPen(AXIS_COLOR)
        painter.drawLine(left, bottom, right, bottom)
        painter.drawText(QRect(0, top - 2, left - 4, line), Qt.AlignmentFlag.AlignRight, str(highest))
        painter.drawText(QRect(0, bottom - line, left - 4, line), Qt.AlignmentFlag.AlignRight, "0")
        slot = (right - left) / len(self.columns)
        width = max(slot * 0.62, 3)
        # Labels that would run into each other: every stride-th one, counted from the newest.
        widest = max(metrics.horizontalAdvance(label) for label, _c in self.columns) + 6
        stride = max(1, math.ceil(widest / slot))
        for n, (label, counts) in enumerate(self.columns):
            x0 = left + n * slot + (slot - width) / 2
            y = float(bottom)
            for key, _label, color in self.series:
                value = counts.get(key, 0)
                if value <= 0:
                    continue
                height = (bottom - top) * value / highest
                painter.fillRect(QRectF(x0, y - height, width, height), QColor(color))
                y -= height
            if (len(self.columns) - 1 - n) % stride:
                continue
            painter.setPen(TEXT_COLOR)
            centre = left + (n + 0.5) * slot
            painter.drawText(QRect(int(max(0, centre - widest / 2)), bottom + 2, widest, line + 4),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
        painter.end()
