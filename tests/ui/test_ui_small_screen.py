"""Every page at 1024 × 768 (an old office screen): the window does not grow past it and no
button lies off screen (below the fold only inside a page that scrolls)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QScrollArea

from fupin_desktop.ui.main_window import PAGES, MainWindow

pytestmark = pytest.mark.gui


def _scrolls(widget, window) -> bool:  # type: ignore[no-untyped-def]
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


@pytest.mark.parametrize("role", ["clerk", "reviewer", "admin"])
def test_every_page_fits_1024_by_768(qtbot, request, role: str) -> None:
    ctx = request.getfixturevalue(f"{role}_ctx")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    for text, _icon, _factory in PAGES:
        page = window.show_page(text)
        window.resize(1024, 768)
        QApplication.processEvents()
        assert (window.width(), window.height()) == (1024, 768), (text, window.width(), window.height())
        off = []
        for b in page.findChildren(QAbstractButton):
            if not b.isVisibleTo(window) or b.width() == 0:
                continue
            left, right = b.mapTo(window, b.rect().topLeft()), b.mapTo(window, b.rect().bottomRight())
            below = right.y() > window.height() and not _scrolls(b, window)
            if left.x() < 0 or right.x() > window.width() or below:
                off.append((b.text() or b.toolTip(), right.x(), right.y()))
        assert off == [], (text, off)
