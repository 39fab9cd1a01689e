"""A county's sealed PDF, page by page, inside the window (issue 15's drill-down ends here): opened
at the page of the row the user came from, that row marked. What is shown is the sealed file
kept at receipt; 用系统阅读器打开 shows the same file with its signature panel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from fupin_desktop.intake.pdf_view import PdfView, RowPlace

SCALE = 1.4  # a landscape A4 page about 1,180 px wide: table cells readable at 100 %
MARK = QColor(255, 214, 0, 90)  # a highlighter's yellow, the text still readable under it


class PdfPageDialog(QDialog):
    def __init__(self, view: PdfView, title: str, *, place: RowPlace | None = None, page: int = 0,
                 open_outside: Callable[[], object] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view, self.place = view, place
        self.page = place.page if place is not None else page
        self.setWindowTitle(title)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        self.scroll = scroll
        self.where = QLabel()
        self.previous_button = QPushButton("上一页")
        self.next_button = QPushButton("下一页")
        self.previous_button.clicked.connect(lambda _c=False: self.show_page(self.page - 1))
        self.next_button.clicked.connect(lambda _c=False: self.show_page(self.page + 1))
        tools = QHBoxLayout()
        tools.addWidget(self.previous_button)
        tools.addWidget(self.next_button)
        tools.addWidget(self.where, 1)
        if open_outside is not None:
            outside = QPushButton("用系统阅读器打开")
            outside.setToolTip("在 PDF 阅读器里可查看电子签章的详细信息")
            outside.clicked.connect(lambda _c=False: open_outside())
            tools.addWidget(outside)
        close = QPushButton("关闭")
        close.clicked.connect(lambda _c=False: self.accept())
        tools.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(tools)
        self.resize(1000, 700)
        self.show_page(self.page)

    def show_page(self, index: int) -> None:
        self.page = max(0, min(index, len(self.view) - 1))
        shot = self.view.render(self.page, SCALE)
        image = QImage(shot.rgb, shot.width, shot.height, shot.width * 3, QImage.Format.Format_RGB888).copy()
        marked = self.place is not None and self.place.page == self.page
        if marked and self.place is not None:
            _width, height = self.view.page_size(self.page)
            painter = QPainter(image)
            top = (height - self.place.top) * SCALE - 3
            painter.fillRect(0, int(top), shot.width, int((self.place.top - self.place.bottom) * SCALE + 6), MARK)
            painter.end()
        self.picture.setPixmap(QPixmap.fromImage(image))
        if marked:  # once the page is laid out: the row in view, a little below the top
            QTimer.singleShot(0, lambda: self.scroll.verticalScrollBar().setValue(max(0, int(top) - 200)))
        self.where.setText(f"第 {self.page + 1} / {len(self.view)} 页" + ("（所选的行已用黄色标出）" if marked else ""))
        self.previous_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page < len(self.view) - 1)
