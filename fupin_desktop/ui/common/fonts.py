"""The shipped fonts: Noto Sans SC for the interface, LXGW WenKai as fallback for Ext-B names.

Old office PCs may have no CJK font at all (or one without 堃 or 𠮷), so the program
registers its own and never relies on the system's.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from fupin_desktop.paths import font_path

log = logging.getLogger(__name__)

UI_FONT = "NotoSansSC-Regular.ttf"
FALLBACK_FONT = "LXGWWenKai-Regular.ttf"  # has 784 Ext-B characters such as 𠮷 𡒄 𪚥
POINT_SIZE = 10.5


def register_font(file_name: str) -> str | None:
    """Register one shipped TTF; its family name, or None when it is missing or unreadable."""
    path = font_path(file_name)
    font_id = QFontDatabase.addApplicationFont(str(path)) if path.exists() else -1
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("font %s could not be registered", path)
        return None
    return families[0]


def install_fonts(app: QApplication, point_size: float = POINT_SIZE) -> list[str]:
    """Register the shipped fonts and make them the application font; the families used."""
    families = [f for f in (register_font(UI_FONT), register_font(FALLBACK_FONT)) if f]
    font = QFont(app.font())
    if families:
        font.setFamilies(families)
    font.setPointSizeF(point_size)
    app.setFont(font)
    return families
