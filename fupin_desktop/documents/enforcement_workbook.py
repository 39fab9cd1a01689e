"""The 查处 lists as one workbook, one sheet per list: title, basis and counts, a header row
repeated on every printed page, the cases; A4 landscape, 11 pt text (never below 9 pt printed),
row heights set for wrapped text (Excel and WPS do not grow a row they did not see typed)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from fupin_desktop.documents.cells import put_text
from fupin_desktop.documents.print_fit import save_for_print, text_units
from fupin_desktop.documents.song_workbook import song_workbook

__all__ = ["ListSheet", "write_lists"]


@dataclass(frozen=True)
class ListSheet:
    name: str
    title: str
    note: str
    headers: list[str]
    widths: list[float]
    rows: list[list[Any]]
    right_aligned: set[int] = field(default_factory=set)  # 0-based columns (amounts)
    empty: str = ""  # said under the header when there are no rows


def _height(values: list[Any], widths: list[float], units: Callable[[str], float]) -> float:
    """Points a row of wrapped 11 pt text needs; two units of each column kept spare, as fonts
    other than 宋体 set a little wider."""
    lines = max(math.ceil(units(str(v)) / max(w - 2, 1)) for v, w in zip(values, widths, strict=True))
    return 15.0 * max(lines, 1) + 2


def write_lists(sheets: list[ListSheet], path: Path) -> None:
    thin = Side(style="thin", color="000000")
    box, wrap = Border(left=thin, right=thin, top=thin, bottom=thin), Alignment(wrap_text=True, vertical="top")
    book = song_workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name)
        span = len(sheet.headers)
        put_text(ws.cell(1, 1), sheet.title).font = Font(name="黑体", size=14, bold=True)
        ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
        put_text(ws.cell(2, 1), sheet.note)
        ws.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="center")
        for r in (1, 2):
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=span)
        ws.row_dimensions[1].height, ws.row_dimensions[2].height = 28, 32
        for col, header in enumerate(sheet.headers, start=1):
            cell = put_text(ws.cell(3, col), header)
            cell.font, cell.border = Font(name="宋体", size=11, bold=True), box
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.fill = PatternFill("solid", fgColor="EEEEEE")
        for col, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.row_dimensions[3].height = _height(sheet.headers, sheet.widths, text_units)
        for n, values in enumerate(sheet.rows, start=1):
            for col, value in enumerate(values, start=1):
                cell = put_text(ws.cell(n + 3, col), value)
                cell.font, cell.border, cell.alignment = Font(name="宋体", size=11), box, wrap
                if col != 1:
                    cell.number_format = "@"  # credit codes and amounts stay as written
                if col - 1 in sheet.right_aligned:
                    cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="right")
            ws.row_dimensions[n + 3].height = _height(values, sheet.widths, text_units)
        if not sheet.rows and sheet.empty:
            put_text(ws.cell(4, 1), sheet.empty).font = Font(name="宋体", size=11)
            ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=span)
        ws.freeze_panes = "C4"
        ws.print_title_rows = "3:3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_margins.left = ws.page_margins.right = 0.4  # inches
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    save_for_print(book, path)
