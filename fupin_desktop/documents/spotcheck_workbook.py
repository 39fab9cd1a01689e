"""The 信息核对抽查情况表 as an Excel workbook: a title, a line saying how the sample was drawn, the
table with its header repeated on every printed page, and the counts under it (issue 14).

A4 landscape with half-inch side margins; the column widths sum to what prints one page wide
with 11 pt text at no less than 9 pt (``print_fit`` checks, and would scale otherwise).
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fupin_desktop.documents.cells import put_text
from fupin_desktop.documents.print_fit import save_for_print, text_units
from fupin_desktop.documents.song_workbook import SONG, song_workbook

__all__ = ["HEADER_ROW", "write_spotcheck_workbook"]

HEADER_ROW = 3
# 序号 镇（街道） 协议编号 社会组织 帮扶对象 核查日期 核查方式 核查情况 是否属实 整改要求 整改期限 跟进情况:
# 164 units, under the 169 that fit one landscape A4 page wide at 9 pt (print_fit.one_page_units).
_WIDTHS = [5, 10, 13, 24, 15, 12, 6, 22, 8, 19, 12, 18]
_LINE_PT = 15.0  # one line of 11 pt 宋体
_SIDE_MARGIN_IN = 0.5
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(vertical="top", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _line(ws: Worksheet, row: int, text: str, columns: int, font: Font, align: Alignment) -> None:
    """Text across the table's width; a merged cell does not grow with its text, so the row is set."""
    cell = put_text(ws.cell(row, 1), text)
    cell.font, cell.alignment = font, align
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    lines = math.ceil(text_units(text) * (font.sz or 11) / 11 / sum(_WIDTHS[:columns]))
    ws.row_dimensions[row].height = max(1, lines) * _LINE_PT * (font.sz or 11) / 11 + 4


def write_spotcheck_workbook(path: Path, title: str, subtitle: str, headers: list[str], rows: list[list[object]],
                             summary: list[str]) -> Path:
    """``rows``: one list per check in ``headers``' order; dates as ``date``, the rest as text or int.
    ``summary``: the lines under the table, the counts first."""
    book = song_workbook()
    ws = book.active
    ws.title = "抽查情况"
    columns = len(headers)
    for col, width in enumerate(_WIDTHS[:columns], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    _line(ws, 1, title, columns, Font(name="黑体", size=14, bold=True), _CENTER)
    _line(ws, 2, subtitle, columns, Font(name=SONG, size=11), _WRAP)
    ws.row_dimensions[HEADER_ROW].height = 2 * _LINE_PT + 4  # 核查方式 and 是否属实 take two lines
    for col, header in enumerate(headers, start=1):
        cell = put_text(ws.cell(HEADER_ROW, col), header)
        cell.font, cell.border, cell.alignment, cell.fill = Font(name=SONG, size=11, bold=True), _BOX, _CENTER, _HEAD_FILL
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for col, value in enumerate(values, start=1):
            cell = put_text(ws.cell(r, col), value)  # an organization named "=1+1" stays text
            cell.font, cell.border, cell.alignment = Font(name=SONG, size=11), _BOX, _WRAP
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
        # Excel, WPS and LibreOffice do not all grow a row to its wrapped text when they open a file.
        lines = max((math.ceil(text_units(v) / w) for v, w in zip(values, _WIDTHS, strict=False)
                     if isinstance(v, str) and v), default=1)
        ws.row_dimensions[r].height = lines * _LINE_PT + 3
    for n, text in enumerate(summary):
        _line(ws, HEADER_ROW + len(rows) + 2 + n, text, columns, Font(name=SONG, size=11, bold=n == 0), _WRAP)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left = ws.page_margins.right = _SIDE_MARGIN_IN
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    save_for_print(book, path)
    return path
