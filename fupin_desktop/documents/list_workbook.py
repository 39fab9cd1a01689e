"""Any list of the window as an Excel workbook: a title row, the headers, the rows as shown,
set up to print (A4 landscape, the header row on every page, ≥ 9 pt as print_fit keeps it)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from fupin_desktop.documents.cells import put_text
from fupin_desktop.documents.print_fit import save_for_print, text_units

__all__ = ["write_list_workbook"]

# A number as the list shows it: 12, -3, 168.58, 1,234.50. Codes with leading zeros stay text.
_NUMBER = re.compile(r"^-?(0|[1-9]\d{0,2}(,\d{3})*|[1-9]\d*)(\.\d+)?$")
_THIN = Side(style="thin")


def _cell_value(text: str, numeric: bool) -> object:
    if numeric and _NUMBER.match(text):
        plain = text.replace(",", "")
        return int(plain) if "." not in plain else Decimal(plain)
    return text


def write_list_workbook(path: Path, title: str, headers: list[str], rows: list[list[str]],
                        numeric: list[bool]) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = re.sub(r"[\\/?*\[\]:]", "-", title)[:31] or "列表"
    put_text(ws.cell(1, 1), title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(headers), 1))
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    for c, header in enumerate(headers, start=1):
        cell = put_text(ws.cell(2, c), header)
        cell.font, cell.border = Font(bold=True, size=11), border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(rows, start=3):
        for c, text in enumerate(row, start=1):
            value = _cell_value(text, numeric[c - 1])
            cell = put_text(ws.cell(r, c), value)
            cell.font, cell.border = Font(size=11), border
            if isinstance(value, Decimal):
                cell.number_format = "0." + "0" * len(text.rsplit(".", 1)[1])
    for c, header in enumerate(headers, start=1):
        widest = max([text_units(header), *(text_units(row[c - 1]) for row in rows)])
        ws.column_dimensions[get_column_letter(c)].width = min(max(widest + 2, 6), 60)
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.freeze_panes = "A3"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    save_for_print(book, path)
    return path
