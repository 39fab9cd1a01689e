"""The sealed Excel workbook in the bureau's template look.

Written with XlsxWriter, not openpyxl: the totals must be formulas *with* their values
stored, so a reader that does not calculate (python-calamine, a phone's viewer) still shows
them; openpyxl writes formulas without cached values.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import xlsxwriter

from fupin_desktop.documents.table_widths import ColumnText, fit_widths
from fupin_desktop.domain.money import fen_to_wan

FONT = "宋体"


class Column(Protocol):
    key: str
    title: str
    group: str
    kind: str  # text | money | count
    weight: float


class Table(Protocol):
    title: str
    unit_name: str
    filled_on: date
    period_label: str
    columns: list[Any]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None
    preparer: str
    reviewer: str
    phone: str
    notes: list[str]
    sections: list[Any]


def _value(column: Column, value: Any) -> Any:
    if column.kind == "money":
        return float(fen_to_wan(int(value or 0)))  # a number cell; the exact fen sum is in data.json
    if column.kind == "count":
        return int(value or 0)
    if column.kind == "decimal":  # a number if it is one ("214.86"), else its text ("<5", "")
        try:
            return float(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            return "" if value is None else str(value)
    return "" if value is None else str(value)


SEAL_MM = 42.0  # a 公章's diameter
_PX_PER_MM = 96 / 25.4  # XlsxWriter lays images out at 96 dpi
_MARGIN_IN = 0.5
# Printable width of landscape A4 with the sheet's 0.5-inch side margins, in pixels.
_PRINTABLE_PX = (297 - 2 * _MARGIN_IN * 25.4) * _PX_PER_MM
# Fit-to-width may shrink the sheet to this at most: 10 pt cells print at 9.2 pt.
_LEAST_SCALE = 0.92
_LINE_PT = 13.5  # one line of 10 pt 宋体 in a row


def _units(text: str) -> float:
    """Width in Excel's column units (a 7-pixel digit) at 10 pt: a Chinese character is about two."""
    return sum(1.9 if ord(ch) >= 0x2E80 else 1.0 for ch in text)


def _shown(column: Column, value: Any) -> str:
    shown = _value(column, value)
    return f"{shown:,.2f}" if column.kind == "money" else str(shown)


def _column_widths(table: Table) -> list[float]:
    """Widths that keep numbers, codes and dates on one line and print the sheet one page wide
    at 9 pt or more: the running text wraps instead (documents/table_widths.py)."""
    columns = table.columns
    budget = (_PRINTABLE_PX / _LEAST_SCALE - 5 * len(columns)) / 7
    texts = [ColumnText(c.title, [_shown(c, r.get(c.key)) for r in [*table.rows, table.totals or {}]],
                        wraps=c.kind == "text") for c in columns]
    fitted = fit_widths(texts, budget, _units, 1.5) if table.rows else None
    if fitted:
        return fitted
    total_weight = sum(c.weight for c in columns) or 1
    return [max(6.0, budget * column.weight / total_weight) for column in columns]


def _lines(text: str, width: float) -> int:
    return max(1, -(-int(_units(text) * 10) // max(10, int((width - 1.5) * 10))))


def _seal_placement(seal_png: bytes, widths: list[float], unit_name: str) -> dict[str, float]:
    """Scale, offset and height that print the seal 42 mm wide in the 填报单位 row, centred over
    the bureau's name after 填报单位（盖章）：. Fit-to-width shrinks the whole sheet when it
    prints, so the image is made larger by the same factor."""
    from PIL import Image

    width_px = Image.open(io.BytesIO(seal_png)).width
    columns_px = sum(int(w * 7 + 5) for w in widths)  # Excel's column width → pixels
    shrink = min(1.0, _PRINTABLE_PX / columns_px)
    seal_px = SEAL_MM * _PX_PER_MM / shrink
    char_px = 11 * 96 / 72  # the 11 pt info row
    centre_x = (len("填报单位（盖章）：") + len(unit_name) / 2) * char_px
    return {"scale": seal_px / width_px, "x_offset": max(0.0, centre_x - seal_px / 2),
            "height_pt": seal_px * 72 / 96}


def _span(ws: Any, r0: int, c0: int, r1: int, c1: int, text: str, cell_format: Any) -> None:
    """Text over a block of cells (merged when it is more than one cell)."""
    if (r0, c0) == (r1, c1):
        ws.write_string(r0, c0, text, cell_format)
    else:
        ws.merge_range(r0, c0, r1, c1, text, cell_format)


def workbook_bytes(table: Table, *, seal_png: bytes | None = None, sheet_name: str = "统计表") -> bytes:
    buf = io.BytesIO()
    # Cells left unstyled (and the columns' default) in 宋体 too, not Calibri.
    wb = xlsxwriter.Workbook(buf, {"in_memory": True,
                                   "default_format_properties": {"font_name": FONT, "font_size": 10}})
    wb.set_properties({"title": table.title, "author": table.unit_name})
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
    fmt = {
        "title": wb.add_format({**base, "font_size": 16, "bold": True, "align": "center"}),
        "info": wb.add_format({**base, "font_size": 11}),
        "head": wb.add_format({**base, "bold": True, "align": "center", "text_wrap": True, "border": 1,
                               "bg_color": "#DDEBF7"}),
        "text": wb.add_format({**base, "text_wrap": True, "border": 1, "valign": "top", "locked": True}),
        "money": wb.add_format({**base, "num_format": "#,##0.00", "border": 1}),
        "count": wb.add_format({**base, "num_format": "0", "border": 1}),
        "decimal": wb.add_format({**base, "num_format": "General", "border": 1}),
        "total_label": wb.add_format({**base, "bold": True, "align": "center", "border": 1}),
        "total_money": wb.add_format({**base, "bold": True, "num_format": "#,##0.00", "border": 1}),
        "total_count": wb.add_format({**base, "bold": True, "num_format": "0", "border": 1}),
    }
    _write_sheet(wb, wb.add_worksheet(sheet_name[:31]), fmt, table, seal_png)
    for n, section in enumerate(table.sections, start=2):  # a city's breakdowns: a sheet each
        _write_sheet(wb, wb.add_worksheet(f"{n}.{section.title}"[:31]), fmt, section, None)
    wb.close()
    return buf.getvalue()


def _write_sheet(wb: Any, ws: Any, fmt: dict[str, Any], table: Table, seal_png: bytes | None) -> None:
    """One table on one sheet: title, 填报单位/时间, two header rows, rows, 合计, notes, print setup."""
    columns = table.columns
    n = len(columns)
    ws.merge_range(0, 0, 0, n - 1, table.title, fmt["title"])
    ws.set_row(0, 30)
    half = max(1, n // 2)
    _span(ws, 1, 0, 1, half - 1, f"填报单位（盖章）：{table.unit_name}", fmt["info"])
    d = table.filled_on
    _span(ws, 1, half, 1, n - 1, f"填报时间：{d.year}年{d.month}月{d.day}日", fmt["info"])
    widths = _column_widths(table)
    seal_at = _seal_placement(seal_png, widths, table.unit_name) if seal_png else None
    # The seal's row is as tall as the seal: reaching into the header rows, it would print on every page.
    ws.set_row(1, seal_at["height_pt"] + 4 if seal_at else 24)
    # Two header rows: a group title over its columns, the others merged down over both rows.
    col = 0
    group_lines, title_lines, spanned = 1, 1, 1
    while col < n:
        group = columns[col].group
        if group:
            end = col
            while end + 1 < n and columns[end + 1].group == group:
                end += 1
            _span(ws, 2, col, 2, end, group, fmt["head"])
            group_lines = max(group_lines, _lines(group, sum(widths[col:end + 1])))
            for c in range(col, end + 1):
                ws.write_string(3, c, columns[c].title, fmt["head"])
                title_lines = max(title_lines, _lines(columns[c].title, widths[c]))
            col = end + 1
        else:
            _span(ws, 2, col, 3, col, columns[col].title, fmt["head"])
            spanned = max(spanned, _lines(columns[col].title, widths[col]))
            col += 1
    # Excel does not grow rows for wrapped text it did not lay out itself: every row is given
    # the lines its longest text needs, the header rows too.
    title_lines = max(title_lines, spanned - group_lines)
    ws.set_row(2, _LINE_PT * group_lines + 3)
    ws.set_row(3, _LINE_PT * title_lines + 3)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    first = 4
    for r, row in enumerate(table.rows, start=first):
        lines = max([1] + [_lines(str(row.get(col.key) or ""), widths[c])
                           for c, col in enumerate(columns) if col.kind == "text"])
        ws.set_row(r, _LINE_PT * min(lines, 12) + 3)
        for c, column in enumerate(columns):
            value = _value(column, row.get(column.key))
            if isinstance(value, str):
                ws.write_string(r, c, value, fmt["text"])  # never a formula, whatever it starts with
            else:
                ws.write_number(r, c, value, fmt[column.kind])
    last = first + len(table.rows)
    if table.totals is not None:
        ws.write_string(last, 0, "合计", fmt["total_label"])
        for c, column in enumerate(columns[1:], start=1):
            if column.kind in ("text", "decimal"):  # decimal rows have different units: never summed
                ws.write_string(last, c, "", fmt["total_label"])
                continue
            letter = xlsxwriter.utility.xl_col_to_name(c)
            formula = f"=SUM({letter}{first + 1}:{letter}{last})" if table.rows else "=0"
            value = _value(column, table.totals.get(column.key))
            ws.write_formula(last, c, formula, fmt[f"total_{column.kind}"], value)
        last += 1
    sign = last + 1
    ws.write_string(sign, 0, f"填表人：{table.preparer}    审核人：{table.reviewer}    联系电话：{table.phone}", fmt["info"])
    for i, note in enumerate(table.notes, start=sign + 1):
        ws.write_string(i, 0, note, fmt["info"])
    if seal_png and seal_at:
        ws.insert_image(1, 0, "seal.png", {"image_data": io.BytesIO(seal_png), "x_scale": seal_at["scale"],
                                           "y_scale": seal_at["scale"], "x_offset": seal_at["x_offset"],
                                           "y_offset": 2, "object_position": 3})
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2, 3)
    ws.center_horizontally()
    ws.set_margins(left=_MARGIN_IN, right=_MARGIN_IN, top=0.6, bottom=0.7)
    ws.set_footer("&C&11第 &P 页 共 &N 页")  # 11 pt: it prints at the sheet's scale too
    ws.freeze_panes(first, 0)
    ws.protect("", {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                    "select_unlocked_cells": True})
