"""Coloured status tags of the monthly reports: the same colours in the list, the dashboard and charts."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QStyledItemDelegate, QStyleOptionViewItem, QWidget

STATUS_COLORS = {
    "missing": "#9e9e9e",  # 未报
    "draft": "#f9a825",  # 草稿
    "submitted": "#1e88e5",  # 待审核
    "returned": "#e53935",  # 已退回
    "approved": "#43a047",  # 已审核
    "none": "#cfd8dc",  # 本月没有在期结对，不用报
}
LATE_COLOR = "#c62828"
TAG_ROLE = Qt.ItemDataRole.UserRole + 21  # (text, colour) of an item's tag


def tag_label(text: str = "", color: str = STATUS_COLORS["missing"], parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    set_tag(label, text, color)
    return label


def set_tag(label: QLabel, text: str, color: str) -> None:
    label.setText(text)
    label.setStyleSheet(f"background: {color}; color: white; border-radius: 9px; padding: 1px 9px;"
                        " font-weight: bold;")
    label.setVisible(bool(text))


def paint_tag(painter: QPainter, rect: QRect, text: str, color: str) -> QRect:
    """A rounded tag at the right end of ``rect``; the rectangle it took."""
    metrics = painter.fontMetrics()
    width, height = metrics.horizontalAdvance(text) + 14, metrics.height() + 2
    box = QRect(rect.right() - width - 6, rect.center().y() - height // 2 + 1, width, height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(box, height / 2, height / 2)
    painter.setPen(QColor("white"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
    return box


class TagDelegate(QStyledItemDelegate):
    """List items with a coloured tag on the right (``TAG_ROLE`` = (text, colour)); a long text is
    shortened with … before the tag."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        tag = index.data(TAG_ROLE)
        if tag:
            metrics = option.fontMetrics  # type: ignore[attr-defined]
            room = option.rect.width() - metrics.horizontalAdvance(tag[0]) - 34  # type: ignore[attr-defined]
            option.text = metrics.elidedText(option.text, Qt.TextElideMode.ElideRight, max(room, 20))  # type: ignore[attr-defined]

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        tag = index.data(TAG_ROLE)
        if tag:
            paint_tag(painter, option.rect, *tag)  # type: ignore[attr-defined]

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        tag = index.data(TAG_ROLE)
        if tag:
            metrics = option.fontMetrics  # type: ignore[attr-defined]
            size.setWidth(size.width() + metrics.horizontalAdvance(tag[0]) + 28)
            size.setHeight(max(size.height(), metrics.height() + 10))
        return size
