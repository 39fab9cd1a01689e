"""A worksheet's print scale: never smaller than 9 pt on paper.

Fit-to-one-page-wide shrinks a wide sheet to whatever fits: a 20-column summary came out at 5 pt.
Here a sheet prints one page wide only when that keeps its smallest text at 9 pt or more;
otherwise it prints at the scale that does, across as many page widths as it takes, with its key
columns repeated on each.
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["MIN_PRINTED_PT", "fit_for_print", "one_page_units", "printed_scale", "save_for_print", "text_units"]

MIN_PRINTED_PT = 9.0
_DEFAULT_WIDTH = 8.43  # Excel's column width when none is set
_DEFAULT_PT = 11.0


def _column_px(width: float) -> float:
    return width * 7 + 5  # Excel's width units → pixels at 96 dpi (a 7-pixel digit)


def text_units(text: str) -> float:
    """Excel width units a line of 11 pt 宋体 takes: a Chinese character is a little over two digits."""
    return sum(2.1 if ord(ch) > 0x2E7F else 1.0 for ch in text) + 1.0  # + the cell's padding


def one_page_units(columns: int, paper_mm: float, margins_mm: float, pt: float = 11.0,
                   min_pt: float = MIN_PRINTED_PT) -> float:
    """The column widths (Excel units, summed) that print one page wide with ``pt`` text at ``min_pt``."""
    sheet_px = (paper_mm - margins_mm) * 96 / 25.4 * pt / min_pt
    return (sheet_px - 5 * columns) / 7 - 1.0  # one unit to spare: LibreOffice and WPS round widths


def printed_scale(sheet_px: float, printable_px: float, smallest_pt: float, min_pt: float = MIN_PRINTED_PT) -> int | None:
    """None when one page wide prints ``smallest_pt`` at ``min_pt`` or more; else the percentage."""
    if smallest_pt * min(1.0, printable_px / max(sheet_px, 1.0)) >= min_pt:
        return None
    return min(100, math.ceil(100 * min_pt / smallest_pt) + 1)  # one more: LibreOffice rounds down


def fit_for_print(ws: Worksheet, *, repeat_columns: str | None = "A:A", min_pt: float = MIN_PRINTED_PT) -> None:
    """Set ``ws`` to print one page wide, or at a readable scale with ``repeat_columns`` on every page."""
    sizes = [float(c.font.sz or _DEFAULT_PT) for row in ws.iter_rows() for c in row if c.value not in (None, "")]
    smallest = min(sizes, default=_DEFAULT_PT)
    sheet_px = 0.0
    for col in range(1, (ws.max_column or 1) + 1):
        dim = ws.column_dimensions.get(get_column_letter(col))
        if dim is not None and dim.hidden:
            continue
        sheet_px += _column_px(dim.width if dim is not None and dim.width else _DEFAULT_WIDTH)
    margins_mm = (ws.page_margins.left + ws.page_margins.right) * 25.4

    def printable_px(paper_mm: float) -> float:
        return (paper_mm - margins_mm) * 96 / 25.4

    portrait = ws.page_setup.orientation != "landscape"
    scale = printed_scale(sheet_px, printable_px(210.0 if portrait else 297.0), smallest, min_pt)
    if scale is not None and portrait and printed_scale(sheet_px, printable_px(297.0), smallest, min_pt) is None:
        ws.page_setup.orientation, scale = "landscape", None  # a form too wide for portrait fits across
    # The page number prints at the sheet's scale too: as large as the smallest cell text.
    for part in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right,
                 ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right):
        if part.text:
            part.size = max(part.size or 0, math.ceil(smallest))
    if scale is None:
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        return
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = scale
    if repeat_columns:
        ws.print_title_cols = repeat_columns


def save_for_print(book: Workbook, path: Path) -> None:
    """Fit every sheet for print (the key column repeated: 序号 and the name after it) and save."""
    for ws in book.worksheets:
        numbered = any(ws.cell(r, 1).value == "序号" for r in range(1, 8))
        fit_for_print(ws, repeat_columns="A:B" if numbered else "A:A")
    book.save(path)
