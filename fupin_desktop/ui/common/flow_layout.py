"""A row of tools that wraps onto a second line when the window is narrow (a 1024 × 768 screen)
instead of pushing the page wider than the screen.

Used like a QHBoxLayout: ``addWidget(w)`` (a stretch factor is read as "may grow"),
``addStretch()`` (the rest of a line's width goes there, so what follows sits at the right), and
``addSpacing(n)``.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QSpacerItem, QWidget, QWidgetItem

__all__ = ["FlowLayout"]


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._growing: set[int] = set()  # ids of items given a stretch factor
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    # --- what QHBoxLayout callers use -------------------------------------------------------------
    def addWidget(self, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802 (Qt's name)
        self.addChildWidget(widget)
        item = QWidgetItem(widget)
        if stretch:
            self._growing.add(id(item))
        self.addItem(item)

    def addStretch(self, stretch: int = 1) -> None:  # noqa: N802
        item = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self._growing.add(id(item))
        self.addItem(item)

    def addSpacing(self, size: int) -> None:  # noqa: N802
        self.addItem(QSpacerItem(size, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum))

    # --- QLayout ------------------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802
        self._items.append(item)
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        if not 0 <= index < len(self._items):
            return None
        item = self._items.pop(index)
        self._growing.discard(id(item))
        return item

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        visible = self._visible()
        width = sum(i.sizeHint().width() for i in visible) + self._gap * max(len(visible) - 1, 0)
        return QSize(width, max((i.sizeHint().height() for i in visible), default=0))

    def minimumSize(self) -> QSize:  # noqa: N802
        visible = self._visible()
        return QSize(max((i.minimumSize().width() for i in visible), default=0),
                     max((i.minimumSize().height() for i in visible), default=0))

    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not (i.widget() is not None and i.widget().isHidden())]

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        """Lay the items out in lines no wider than ``rect``; the height they take."""
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._visible():
            w = item.sizeHint().width()
            if lines[-1] and used + self._gap + w > rect.width():
                lines.append([])
                used = 0
            used += (self._gap if lines[-1] else 0) + w
            lines[-1].append(item)
        y = rect.y()
        for line in lines:
            if not line:
                continue
            height = max(i.sizeHint().height() for i in line)
            if place:
                natural = sum(i.sizeHint().width() for i in line) + self._gap * (len(line) - 1)
                growing = [i for i in line if id(i) in self._growing]
                extra = (rect.width() - natural) // len(growing) if growing else 0
                x = rect.x()
                for item in line:
                    w = item.sizeHint().width() + (extra if item in growing else 0)
                    h = item.sizeHint().height()
                    item.setGeometry(QRect(QPoint(x, y + (height - h) // 2), QSize(w, h)))
                    x += w + self._gap
            y += height + self._gap
        return y - rect.y() - self._gap if y > rect.y() else 0
