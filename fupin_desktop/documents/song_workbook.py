"""A new openpyxl workbook whose default font is 宋体 (SimSun), not Calibri: cells the program
does not style itself (blank cells, the columns' default) print in a Chinese face in Excel, WPS
and LibreOffice alike (issue 11)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList

SONG = "宋体"
# charset 134 = GB2312: Excel picks the Chinese face even where 宋体 is named differently.
DEFAULT_FONT = Font(name=SONG, sz=11, family=3, charset=134)


def song_workbook() -> Workbook:
    book = Workbook()
    # openpyxl keeps the default (index 0) font in its private font list; nothing is styled yet.
    book._fonts = IndexedList([DEFAULT_FONT])  # type: ignore[attr-defined]
    return book
