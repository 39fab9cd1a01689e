"""The summary workbook (月报/季度/半年/年度汇总): one sheet per dimension, plus the detail rows.

An unsealed draft: the sealed, bureau-template version is written for submissions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fupin_desktop.documents.print_fit import save_for_print
from fupin_desktop.documents.song_workbook import song_workbook
from fupin_desktop.domain.formspec import FormSpec
from fupin_desktop.domain.money import fen_to_wan
from fupin_desktop.domain.monthly_checks import FIGURES

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = PatternFill("solid", fgColor="DDEBF7")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_MONEY, _COUNT, _PERCENT = "#,##0.00", "#,##0", "0.0%"


@dataclass(frozen=True)
class SheetData:
    title: str  # 按镇（街道）…
    key_title: str  # 镇（街道）
    rows: list[tuple[str, int, dict[str, int], dict[str, int], dict[str, int]]]  # label, pairings, now, prev, ytd
    total: tuple[str, int, dict[str, int], dict[str, int], dict[str, int]]


def _text(cell: Any, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # a name starting with "=" stays text, never a formula


def _number(name: str, value: int) -> int | Decimal:
    return fen_to_wan(value) if name.endswith("_fen") else value


def _head(ws: Worksheet, row: int, col: int, text: str, *, rows: int = 1, cols: int = 1) -> None:
    ws.cell(row, col, text)
    if rows > 1 or cols > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row + rows - 1, end_column=col + cols - 1)
    for r in range(row, row + rows):
        for c in range(col, col + cols):
            cell = ws.cell(r, c)
            cell.font, cell.fill, cell.alignment, cell.border = Font(bold=True), _HEAD, _CENTER, _BORDER


def _setup(ws: Worksheet, title: str, subtitle: str, width: int) -> None:
    ws.cell(1, 1, title).font = Font(bold=True, size=16)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1).alignment = _CENTER
    ws.cell(2, 1, subtitle)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:4"
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.freeze_panes = "B5"


def _summary_sheet(wb: Workbook, spec: FormSpec, data: SheetData, heading: str, subtitle: str) -> None:
    ws = wb.create_sheet(data.title[:31])
    labels = {n: spec.field(n) for n in FIGURES}
    width = 2 + 4 + 2 * (len(FIGURES) - 1)
    _setup(ws, heading, subtitle, width)
    _head(ws, 3, 1, data.key_title, rows=2)
    _head(ws, 3, 2, "结对数", rows=2)
    col = 3
    for name in FIGURES:
        f = labels[name]
        parts = ["本期", "上期", "环比", "年初至今"] if name == "funds_fen" else ["本期", "年初至今"]
        _head(ws, 3, col, f"{f.label}（{f.unit}）", cols=len(parts))
        for i, part in enumerate(parts):
            _head(ws, 4, col + i, part)
        col += len(parts)
    for r, (label, pairings, now, prev, ytd) in enumerate([*data.rows, data.total], start=5):
        _text(ws.cell(r, 1), label)
        ws.cell(r, 2, pairings).number_format = _COUNT
        col = 3
        for name in FIGURES:
            fmt = _MONEY if name.endswith("_fen") else _COUNT
            values: list[Any] = [_number(name, now[name])]
            if name == "funds_fen":
                change = (Decimal(now[name] - prev[name]) / prev[name]) if prev[name] else None
                values += [_number(name, prev[name]), change]
            values.append(_number(name, ytd[name]))
            for i, value in enumerate(values):
                cell = ws.cell(r, col + i, value)
                cell.number_format = _PERCENT if (name == "funds_fen" and i == 2) else fmt
            col += len(values)
        for c in range(1, width + 1):
            ws.cell(r, c).border = _BORDER
            if r == 4 + len(data.rows) + 1:
                ws.cell(r, c).font = Font(bold=True)
    ws.column_dimensions["A"].width = 28
    for c in range(2, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 11


def _detail_sheet(wb: Workbook, spec: FormSpec, rows: list[dict[str, Any]], heading: str, subtitle: str) -> None:
    ws = wb.create_sheet("明细")
    columns = [("township", "镇（街道）", 12), ("period", "月份", 9)] + [
        (f.name, f"{f.label}（{f.unit}）" if f.unit else f.label, f.width) for f in spec.fields if f.name != "seq"]
    _setup(ws, heading, subtitle, len(columns) + 1)
    _head(ws, 3, 1, "序号", rows=2)
    for c, (_, title, width) in enumerate(columns, start=2):
        _head(ws, 3, c, title, rows=2)
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, row in enumerate(rows, start=5):
        ws.cell(r, 1, r - 4).border = _BORDER
        for c, (name, _, _) in enumerate(columns, start=2):
            value = row.get(name, "")
            cell = ws.cell(r, c)
            if name in FIGURES:
                cell.value = _number(name, int(value or 0))
                cell.number_format = _MONEY if name.endswith("_fen") else _COUNT
            else:
                _text(cell, str(value))
                cell.alignment = _WRAP
            cell.border = _BORDER


def write_summary_workbook(path: Path, spec: FormSpec, *, heading: str, subtitle: str, sheets: list[SheetData],
                           detail: list[dict[str, Any]]) -> None:
    wb = song_workbook()
    wb.remove(wb.active)
    for data in sheets:
        _summary_sheet(wb, spec, data, heading, subtitle)
    _detail_sheet(wb, spec, detail, heading, subtitle)
    wb.properties.title = heading
    save_for_print(wb, path)
