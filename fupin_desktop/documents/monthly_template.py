"""The monthly 合作村社帮扶工作开展情况统计表 a township fills in, pre-filled with its pairings.

The layout is the seed's table (晋政民〔2020〕28号 附件) with the bureau's figure columns
added: a title, 填报单位 / 填报时间, a two-row header (合作村社 merged over 村（社区）/
社会组织名称, every other title merged over both rows, units in brackets), one row per
pairing with 序号 / 村（社区）/ 社会组织名称 locked, a 合计 row, a 填表人 / 联系电话 line,
and a 填表说明 sheet. The sheet is protected without a password (it guards against slips);
it prints on A4 landscape, one page wide, with the header on every page.
:mod:`fupin_desktop.intake.monthly_sheet` reads it back.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from fupin_desktop.documents.cells import put_text as _put
from fupin_desktop.documents.print_fit import one_page_units, save_for_print, text_units
from fupin_desktop.documents.song_workbook import song_workbook
from fupin_desktop.domain.formspec import FieldSpec, FormSpec

__all__ = [
    "BLANK_ROWS", "FIRST_DATA_ROW", "GUIDE_SHEET", "HEADER_ROWS", "figure_fields", "header_text",
    "write_monthly_template",
]

GUIDE_SHEET = "填表说明"
TITLE_ROW, INFO_ROW = 1, 2
HEADER_ROWS = (3, 4)
FIRST_DATA_ROW = 5
BLANK_ROWS = 10  # rows to type in when no pairing is known
MONEY_FORMAT = "0.00####"
COUNT_FORMAT = "0"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
_CM = 1 / 2.54

_FONT = "宋体"
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNDERLINE = Border(bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_TEXT = Alignment(horizontal="left", vertical="top", wrap_text=True)
_NUMBER = Alignment(horizontal="right", vertical="center")
_LOCKED, _UNLOCKED = Protection(locked=True), Protection(locked=False)

_EXPLAIN = {
    "seq": "已按结对协议编好，请勿改动",
    "village": "结对的村（社区），已按结对协议填好，请勿改动",
    "organization": "结对的社会组织，已按结对协议填好，请勿改动",
    "content": "本月开展的具体帮扶内容：做了什么、帮了谁、在哪里",
    "progress": "到本月底的进展：已完成 / 正在实施 / 尚未开始；本月没有开展也请写明原因",
}



def figure_fields(spec: FormSpec) -> list[FieldSpec]:
    """The figure columns (money and counts) a township fills in."""
    return [f for f in spec.fields if not f.readonly and f.type in ("money_wan", "int")]


def header_text(f: FieldSpec) -> str:
    """A column title as the template writes it: 投入资金（万元）."""
    return f"{f.label}（{f.unit}）" if f.unit else f.label


def _style(cell: Cell, *, font: Font | None = None, border: Border | None = _BORDER,
           align: Alignment | None = None, locked: bool = True, fill: PatternFill | None = None) -> Cell:
    cell.font = font or Font(name=_FONT, size=11)
    if border is not None:
        cell.border = border
    if align is not None:
        cell.alignment = align
    if fill is not None:
        cell.fill = fill
    cell.protection = _LOCKED if locked else _UNLOCKED
    return cell


def _merge(ws: Worksheet, r0: int, c0: int, r1: int, c1: int) -> None:
    if (r0, c0) != (r1, c1):
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)


def _box(ws: Worksheet, r0: int, c0: int, r1: int, c1: int) -> None:
    """Borders on every cell of a range, so a merged range is outlined in Excel and LibreOffice."""
    for r in range(r0, r1 + 1):
        for c in range(c0, c1 + 1):
            ws.cell(row=r, column=c).border = _BORDER


def _info_columns(spec: FormSpec) -> tuple[int, int, int]:
    """(last column of 填报单位, first and last column of the 填报时间 label); the value follows."""
    n, figures = len(spec.fields), len(figure_fields(spec))
    if figures >= 3:  # 填报单位 over the text columns, 填报时间 over the figures
        return n - figures, n - figures + 1, n - figures + 2
    return max(1, n - 2), n - 1, n - 1


def _header_cell(f: FieldSpec) -> str:
    """The title as the template shows it: the unit on its own line so narrow columns wrap cleanly."""
    return f"{f.label}\n（{f.unit}）" if f.unit else f.label


def _write_heading(ws: Worksheet, spec: FormSpec, title: str, unit_name: str) -> None:
    n = len(spec.fields)
    _style(_put(ws.cell(row=TITLE_ROW, column=1), title), font=Font(name=_FONT, size=16, bold=True),
           border=None, align=Alignment(horizontal="center", vertical="center"))
    _merge(ws, TITLE_ROW, 1, TITLE_ROW, n)
    ws.row_dimensions[TITLE_ROW].height = 32
    unit_end, label_from, label_to = _info_columns(spec)
    big = Font(name=_FONT, size=12)
    _style(_put(ws.cell(row=INFO_ROW, column=1), f"填报单位（盖章）：{unit_name}"), font=big, border=None, align=_LEFT)
    _merge(ws, INFO_ROW, 1, INFO_ROW, unit_end)
    _style(ws.cell(row=INFO_ROW, column=label_from, value="填报时间："), font=big, border=None,
           align=Alignment(horizontal="right", vertical="center"))
    _merge(ws, INFO_ROW, label_from, INFO_ROW, label_to)
    value_col = label_to + 1
    date_cell = _style(ws.cell(row=INFO_ROW, column=value_col), font=big, border=_UNDERLINE, align=_LEFT,
                       locked=False)
    date_cell.number_format = DATE_FORMAT
    _merge(ws, INFO_ROW, value_col, INFO_ROW, n)
    ws.row_dimensions[INFO_ROW].height = 24


def _write_header(ws: Worksheet, spec: FormSpec) -> None:
    top, sub = HEADER_ROWS
    font = Font(name=_FONT, size=11, bold=True)
    c = 1
    fields = list(spec.fields)
    while c <= len(fields):
        f = fields[c - 1]
        if f.group:
            end = c
            while end < len(fields) and fields[end].group == f.group:
                end += 1
            _style(_put(ws.cell(row=top, column=c), f.group), font=font, align=_CENTER, fill=_HEADER_FILL)
            _merge(ws, top, c, top, end)
            for col in range(c, end + 1):
                _style(_put(ws.cell(row=sub, column=col), _header_cell(fields[col - 1])), font=font, align=_CENTER,
                       fill=_HEADER_FILL)
            _box(ws, top, c, sub, end)
            c = end + 1
            continue
        _style(_put(ws.cell(row=top, column=c), _header_cell(f)), font=font, align=_CENTER, fill=_HEADER_FILL)
        _merge(ws, top, c, sub, c)
        _box(ws, top, c, sub, c)
        c += 1
    ws.row_dimensions[top].height = 24
    ws.row_dimensions[sub].height = 42


def _write_rows(ws: Worksheet, spec: FormSpec, rows: list[tuple[Any, ...]]) -> int:
    """The pairing rows; returns the last data row."""
    prefilled = [f for f in spec.fields if f.readonly]
    body = Font(name=_FONT, size=11)
    lines: list[tuple[Any, ...]] = list(rows) or [()] * BLANK_ROWS
    r = FIRST_DATA_ROW - 1
    for r, values in enumerate(lines, start=FIRST_DATA_ROW):
        given = dict(zip((f.name for f in prefilled), values, strict=False))
        for c, f in enumerate(spec.fields, start=1):
            cell = ws.cell(row=r, column=c)
            locked = f.name in given
            if locked:
                _put(cell, given[f.name])
            if f.type == "money_wan" and not f.readonly:
                cell.number_format, align = MONEY_FORMAT, _NUMBER
            elif f.type == "int":
                cell.number_format, align = COUNT_FORMAT, (_CENTER if f.readonly else _NUMBER)
            else:
                cell.number_format, align = "@", (_LEFT if f.readonly else _TEXT)
            _style(cell, font=body, align=align, locked=locked, fill=_LOCKED_FILL if locked else None)
    return r


def _add_validations(ws: Worksheet, spec: FormSpec, last: int) -> None:
    for c, f in enumerate(spec.fields, start=1):
        if f not in figure_fields(spec):
            continue
        money = f.type == "money_wan"
        dv = DataValidation(type="decimal" if money else "whole", operator="greaterThanOrEqual", formula1="0",
                            allow_blank=True, showInputMessage=True, showErrorMessage=True, errorStyle="stop")
        dv.promptTitle = f.label
        dv.prompt = f"单位：{f.unit}，可填到小数点后 6 位" if money else f"单位：{f.unit}，填非负整数，没有填 0"
        dv.errorTitle = f"{f.label}填写有误"
        dv.error = (f"请填不小于 0 的数字，单位{f.unit}，最多 6 位小数；不要带单位" if money
                    else f"请填不小于 0 的整数，单位{f.unit}；不要带单位")
        letter = get_column_letter(c)
        dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
        ws.add_data_validation(dv)


def _write_footer_rows(ws: Worksheet, spec: FormSpec, last: int) -> int:
    """The 合计 row, the 填表人 / 联系电话 line and a note; returns the last row written."""
    n = len(spec.fields)
    figures = figure_fields(spec)
    total = last + 1
    bold = Font(name=_FONT, size=11, bold=True)
    label_end = min(c for c, f in enumerate(spec.fields, start=1) if f in figures) - 1 if figures else n
    _style(ws.cell(row=total, column=1, value="合计"), font=bold, align=_CENTER)
    _merge(ws, total, 1, total, label_end)
    _box(ws, total, 1, total, label_end)
    for c, f in enumerate(spec.fields, start=1):
        if f in figures:
            letter = get_column_letter(c)
            cell = ws.cell(row=total, column=c, value=f"=SUM({letter}{FIRST_DATA_ROW}:{letter}{last})")
            _style(cell, font=bold, align=_NUMBER)
            cell.number_format = MONEY_FORMAT if f.type == "money_wan" else COUNT_FORMAT
    sign = total + 2
    plain = Font(name=_FONT, size=11)
    right = Alignment(horizontal="right", vertical="center")
    unit_end, label_from, label_to = _info_columns(spec)
    _style(ws.cell(row=sign, column=1, value="填表人："), font=plain, border=None, align=right)
    label_end = 2 if unit_end > 2 else 1  # 序号 alone is too narrow for the label
    _merge(ws, sign, 1, sign, label_end)
    name_from = label_end + 1
    _style(ws.cell(row=sign, column=name_from), font=plain, border=_UNDERLINE, align=_LEFT, locked=False)
    _merge(ws, sign, name_from, sign, max(name_from, unit_end))
    _style(ws.cell(row=sign, column=label_from, value="联系电话："), font=plain, border=None, align=right)
    _merge(ws, sign, label_from, sign, label_to)
    phone = min(n, label_to + 1)
    _style(ws.cell(row=sign, column=phone), font=plain, border=_UNDERLINE, align=_LEFT, locked=False)
    _merge(ws, sign, phone, sign, min(n, phone + 2))
    reviewer = phone + 3  # the township's 审核人 signs the paper copy too (issue 11)
    if reviewer < n:
        _style(ws.cell(row=sign, column=reviewer, value="审核人："), font=plain, border=None, align=right)
        _style(ws.cell(row=sign, column=reviewer + 1), font=plain, border=_UNDERLINE, align=_LEFT, locked=False)
        _merge(ws, sign, reviewer + 1, sign, n)
    note = sign + 1
    _style(_put(ws.cell(row=note, column=1), "注：" + (spec.help or "每月 5 日前报上月情况。")), font=plain,
           border=None, align=_LEFT)
    _merge(ws, note, 1, note, n)
    ws.row_dimensions[note].height = 30
    return note


def _set_widths(ws: Worksheet, spec: FormSpec, rows: list[tuple[Any, ...]]) -> None:
    """Widths from what the columns hold, so the form prints one page wide at 9 pt or more: titles
    and pre-filled names unwrapped, the rest of the page shared by the text the township writes."""
    prefilled = [f.name for f in spec.fields if f.readonly]
    widths: dict[str, float] = {}
    for f in spec.fields:
        head = max(text_units(f.label), text_units(f"（{f.unit}）") if f.unit else 0.0)
        if f.type == "longtext":
            continue
        if f.name in prefilled:
            values = [str(r[prefilled.index(f.name)]) for r in rows if len(r) > prefilled.index(f.name)]
            head = max([head, *map(text_units, values)])
            head = min(head, 1.5 * f.width)  # a very long name wraps (its row grows) rather than starve the rest
        widths[f.name] = max(head, 8.0 if f in figure_fields(spec) else 0.0)
    texts = [f for f in spec.fields if f.type == "longtext"]
    room = one_page_units(len(spec.fields), 297.0, 20.0) - sum(widths.values())
    share = sum(f.width for f in texts) or 1
    # Never narrower than 7 characters (they wrap; rows grow): narrower is unreadable, and wider ones
    # than the page allows print across two page widths (the 协议编号 column took the spare room).
    for f in texts:
        widths[f.name] = max(room * f.width / share, 14.5)
    for c, f in enumerate(spec.fields, start=1):
        ws.column_dimensions[get_column_letter(c)].width = round(widths[f.name], 1)
    for r, values in enumerate(rows, start=FIRST_DATA_ROW):
        lines = max((math.ceil(text_units(str(v)) / widths[name]) for name, v in zip(prefilled, values, strict=False)),
                    default=1)
        if lines > 1:
            ws.row_dimensions[r].height = 14.5 * lines


def _page_setup(ws: Worksheet, spec: FormSpec, last: int) -> None:
    n = len(spec.fields)
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=1 + sum(1 for f in spec.fields if f.readonly))
    ws.print_title_rows = f"{HEADER_ROWS[0]}:{HEADER_ROWS[1]}"
    ws.print_area = f"A1:{get_column_letter(n)}{last}"
    setup = ws.page_setup
    setup.orientation = ws.ORIENTATION_LANDSCAPE
    setup.paperSize = ws.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    # 1 cm at the sides: the room _set_widths shares out (one page wide at 9 pt or more).
    ws.page_margins = PageMargins(left=1.0 * _CM, right=1.0 * _CM, top=1.5 * _CM, bottom=1.5 * _CM,
                                  header=0.8 * _CM, footer=0.8 * _CM)
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.evenFooter.center.text = "第 &P 页 共 &N 页"
    # No password: guards the pre-filled pairings against slips, not against the clerk.
    protection = ws.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = False  # False = allowed: widen columns, raise rows
    protection.selectLockedCells = protection.selectUnlockedCells = False


def _write_guide(ws: Worksheet, spec: FormSpec) -> None:
    _put(ws.cell(row=1, column=1), f"{spec.title}填表说明").font = Font(name=_FONT, size=14, bold=True)
    lines = [
        "报送时间：每月 5 日前报上月情况（晋政民〔2020〕28号）；由各镇（街道）社会事务办汇总填写，盖章后报市民政局。",
        "灰色单元格（序号、村（社区）、社会组织名称）已按结对协议填好并锁定，请勿改动；结对有变化请联系市民政局。",
        "每个结对每月一行：文字写清楚本月做了什么、进展如何；数字只填数，不要带单位，没有的填 0。",
        "金额单位为万元，可填到小数点后 6 位（即精确到分），例如 3.5 表示 3.5 万元；人数、户数、个数填整数。",
        "“合计”行自动求和，请勿改动；表格可加宽列、加高行，打印时为 A4 横向。",
    ]
    if spec.help:
        lines.append(spec.help)
    for r, line in enumerate(lines, start=2):
        _put(ws.cell(row=r, column=1), line).alignment = Alignment(wrap_text=True, vertical="top")
        _merge(ws, r, 1, r, 3)
        ws.row_dimensions[r].height = 30
    head = len(lines) + 3
    for c, title in enumerate(("列名", "单位", "填写说明"), start=1):
        _style(ws.cell(row=head, column=c, value=title), font=Font(name=_FONT, bold=True), align=_CENTER,
               fill=_HEADER_FILL)
    for r, f in enumerate(spec.fields, start=head + 1):
        name = f"{f.group}—{f.label}" if f.group else f.label
        if f.name in _EXPLAIN:
            explain = _EXPLAIN[f.name]
        elif f.type == "money_wan":
            explain = f"本月{f.label}，单位{f.unit}，可填到小数点后 6 位；没有填 0"
        elif f.type == "int":
            explain = f"本月{f.label}，单位{f.unit}，填非负整数；没有填 0"
        else:
            explain = f"不超过 {f.max_length} 字" if f.max_length else ""
        if f.max_length and f.name in _EXPLAIN:
            explain += f"（不超过 {f.max_length} 字）"
        for c, value in enumerate((name, f.unit, explain), start=1):
            _style(_put(ws.cell(row=r, column=c), value), align=_TEXT)
    for letter, width in zip("ABC", (26, 8, 90), strict=True):
        ws.column_dimensions[letter].width = width
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=1.5 * _CM, right=1.5 * _CM, top=1.5 * _CM, bottom=1.5 * _CM)


def write_monthly_template(
    spec: FormSpec, path: Path, *, title: str, unit_name: str, period_label: str,
    rows: list[tuple[Any, ...]],
) -> None:
    """Write the monthly table for one township to ``path``.

    ``rows`` are (序号, 协议编号, 村（社区）, 社会组织名称), one per pairing; with none, blank rows are
    left to type in. The title is ``title（period_label）`` unless ``title`` already names the period.
    """
    book = song_workbook()
    ws = book.active
    assert ws is not None
    ws.title = spec.sheet or spec.title
    full_title = f"{title}（{period_label}）" if period_label and period_label not in title else title
    _write_heading(ws, spec, full_title, unit_name)
    _write_header(ws, spec)
    last = _write_rows(ws, spec, rows)
    _add_validations(ws, spec, last)
    end = _write_footer_rows(ws, spec, last)
    _set_widths(ws, spec, rows)
    _page_setup(ws, spec, end)
    _write_guide(book.create_sheet(GUIDE_SHEET), spec)
    book.active = 0
    save_for_print(book, path)
