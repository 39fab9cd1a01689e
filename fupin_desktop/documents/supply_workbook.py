"""The 供需目录 双向选择 tables as an Excel workbook (issue 14; seed 004, 准备阶段): one sheet per
table, each with a title, a line saying whose and when, the table with its header repeated on
every printed page, and a summary line under it.

A4 landscape with half-inch side margins. Each table's column widths are given by the caller and
sum to what prints one page wide with 11 pt text at no less than 9 pt (``print_fit`` checks, and
would scale otherwise); rows are as tall as their wrapped text, explicit line breaks included.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fupin_desktop.documents.cells import put_text
from fupin_desktop.documents.print_fit import save_for_print, text_units
from fupin_desktop.documents.song_workbook import SONG, song_workbook

__all__ = ["HEADER_ROW", "TableSheet", "write_supply_workbook"]

HEADER_ROW = 3
_LINE_PT = 15.0  # one line of 11 pt 宋体
_SIDE_MARGIN_IN = 0.5
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(vertical="top", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class TableSheet:
    name: str  # the sheet's tab (at most 31 characters, none of \\ / ? * [ ] :)
    title: str
    subtitle: str
    headers: list[str]
    widths: list[int]  # one per header, in Excel units
    rows: Sequence[Sequence[object]]  # text, int, Decimal (万元) or "" per header; "\n" breaks a line
    summary: list[str]  # lines under the table, the first in bold


def _lines(value: object, width: float) -> int:
    if not isinstance(value, str) or not value:
        return 1
    return sum(max(1, math.ceil(text_units(part) / width)) for part in value.split("\n"))


def _line(ws: Worksheet, row: int, text: str, widths: list[int], font: Font, align: Alignment) -> None:
    """Text across the table's width; a merged cell does not grow with its text, so the row is set."""
    cell = put_text(ws.cell(row, 1), text)
    cell.font, cell.alignment = font, align
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
    size = font.sz or 11
    lines = math.ceil(text_units(text) * size / 11 / sum(widths))
    ws.row_dimensions[row].height = max(1, lines) * _LINE_PT * size / 11 + 4


def _write_table(ws: Worksheet, table: TableSheet) -> None:
    widths = table.widths
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    _line(ws, 1, table.title, widths, Font(name="黑体", size=14, bold=True), _CENTER)
    _line(ws, 2, table.subtitle, widths, Font(name=SONG, size=11), _WRAP)
    header_lines = max(_lines(h, w) for h, w in zip(table.headers, widths, strict=True))
    ws.row_dimensions[HEADER_ROW].height = header_lines * _LINE_PT + 4
    for col, header in enumerate(table.headers, start=1):
        cell = put_text(ws.cell(HEADER_ROW, col), header)
        cell.font, cell.border, cell.alignment, cell.fill = Font(name=SONG, size=11, bold=True), _BOX, _CENTER, _HEAD_FILL
    for r, values in enumerate(table.rows, start=HEADER_ROW + 1):
        for col, value in enumerate(values, start=1):
            cell = put_text(ws.cell(r, col), value)  # an organization named "=1+1" stays text
            cell.font, cell.border, cell.alignment = Font(name=SONG, size=11), _BOX, _WRAP
            if isinstance(value, Decimal):  # 万元, exact: two decimals at least, six at most
                cell.number_format = "0.00####"
        # Excel, WPS and LibreOffice do not all grow a row to its wrapped text when they open a file.
        lines = max((_lines(v, w) for v, w in zip(values, widths, strict=False)), default=1)
        ws.row_dimensions[r].height = lines * _LINE_PT + 3
    for n, text in enumerate(table.summary):
        _line(ws, HEADER_ROW + len(table.rows) + 2 + n, text, widths, Font(name=SONG, size=11, bold=n == 0), _WRAP)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left = ws.page_margins.right = _SIDE_MARGIN_IN
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def write_supply_workbook(path: Path, tables: list[TableSheet]) -> Path:
    """One sheet per table, in order; the first is the one shown when the file opens."""
    book = song_workbook()
    for n, table in enumerate(tables):
        ws = book.active if n == 0 else book.create_sheet()
        assert ws is not None
        ws.title = table.name
        _write_table(ws, table)
    save_for_print(book, path)
    return path
