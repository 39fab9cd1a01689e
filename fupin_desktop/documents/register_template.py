"""The blank register workbook a clerk or a township fills in: one renderer of a ``FormSpec``.

One header row of the form's labels (required ones marked ``*``; for a form with a repeat,
the sub-form's columns for each group after the main fields), the field's help as a
comment, drop-down lists for choices, text format for code columns so that Excel keeps an
18-digit code as typed, a protected header row and a second sheet explaining every column.
The import (:mod:`fupin_desktop.intake.register_sheet`) reads exactly these titles back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from fupin_desktop.documents.cells import put_text
from fupin_desktop.documents.print_fit import save_for_print
from fupin_desktop.documents.song_workbook import song_workbook
from fupin_desktop.domain.formspec import FieldSpec, FormSpec

__all__ = ["GUIDE_SHEET", "TEMPLATE_ROWS", "TemplateColumn", "template_columns", "write_template"]

GUIDE_SHEET = "填表说明"
CHOICES_SHEET = "选项"
TEMPLATE_ROWS = 5000  # rows that get drop-downs and unlocked cells
_INLINE_LIST_LIMIT = 250  # Excel allows 255 characters in a list validation's formula

TEXT_TYPES = frozenset({"text", "longtext", "ref", "credit_code", "id_number", "phone", "division_code"})
_TYPE_NAMES = {
    "text": "文字", "longtext": "文字（可较长）", "choice": "从下拉列表选择", "multichoice": "可选多项，用“、”分隔",
    "bool": "是 / 否", "int": "整数", "money_wan": "金额（万元）", "date": "日期，如 2020-06-03", "year": "年份，如 2020",
    "credit_code": "18 位统一社会信用代码", "id_number": "18 位公民身份号码", "phone": "电话号码",
    "division_code": "统计用区划代码", "ref": "名称或代码",
}

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_WRAP_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class TemplateColumn:
    title: str  # header text as written, with the required marker
    field: FieldSpec
    required: bool
    group: int = 0  # repeat group number, 0 for the main form


def template_columns(spec: FormSpec, sub: FormSpec | None = None) -> list[TemplateColumn]:
    """The template's columns in order (the main form's fields, then each repeat group's)."""
    columns = []
    for f in spec.fields:
        required = f.required and f.default is None
        columns.append(TemplateColumn(f.label + ("*" if required else ""), f, required))
    if spec.repeat is not None and sub is not None:
        for n in range(1, spec.repeat.max + 1):
            prefix = spec.repeat.prefix.format(n=n)
            for f in sub.fields:
                required = f.required and f.default is None and n <= spec.repeat.min
                columns.append(TemplateColumn(prefix + f.label + ("*" if required else ""), f, required, n))
    return columns



def _default_text(f: FieldSpec) -> str:
    if f.default is None:
        return ""
    return f"留空时为“{f.display(f.default)}”"


def _comment(column: TemplateColumn, spec: FormSpec) -> str:
    f = column.field
    parts = [f.help] if f.help else []
    if column.group and spec.repeat is not None:
        parts.append(f"第 {column.group} 个{spec.repeat.title}")
    if f.choice_labels():
        parts.append("可选：" + "、".join(f.choice_labels()))
    if f.max_length:
        parts.append(f"不超过 {f.max_length} 个字")
    if _default_text(f):
        parts.append(_default_text(f))
    if column.required:
        parts.append("必填")
    return "\n".join(parts) or _TYPE_NAMES.get(f.type, "")


class _Lists:
    """Drop-down lists: inline when short, else on a hidden sheet."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.sheet: Worksheet | None = None
        self.next_column = 1

    def formula(self, labels: list[str]) -> str:
        inline = ",".join(labels)
        if len(inline) <= _INLINE_LIST_LIMIT and not any("," in x or '"' in x for x in labels):
            return f'"{inline}"'
        if self.sheet is None:
            self.sheet = self.book.create_sheet(CHOICES_SHEET)
            self.sheet.sheet_state = "hidden"
            self.sheet.protection.sheet = True
        col = get_column_letter(self.next_column)
        for r, label in enumerate(labels, start=1):
            put_text(self.sheet.cell(row=r, column=self.next_column), label)
        self.next_column += 1
        return f"{quote_sheetname(CHOICES_SHEET)}!${col}$1:${col}${len(labels)}"


def _validation(f: FieldSpec, lists: _Lists) -> DataValidation | None:
    if f.type == "choice" and f.choices:
        labels = f.choice_labels()
    elif f.type == "bool":
        labels = ["是", "否"]
    else:
        return None
    dv = DataValidation(type="list", formula1=lists.formula(labels), allow_blank=True)
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.errorTitle = "请从下拉列表中选择"
    dv.error = ("应为：" + "、".join(labels))[:255]
    return dv


def _write_sheet(ws: Worksheet, spec: FormSpec, columns: list[TemplateColumn], lists: _Lists) -> None:
    unlocked = Protection(locked=False)
    for c, column in enumerate(columns, start=1):
        f = column.field
        cell = put_text(ws.cell(row=1, column=c), column.title)
        cell.font = _REQUIRED_FONT if column.required else _HEADER_FONT
        cell.fill, cell.border, cell.alignment = _HEADER_FILL, _BORDER, _WRAP_CENTER
        cell.protection = Protection(locked=True)
        comment = Comment(_comment(column, spec), "模板说明")
        comment.width, comment.height = 260, 120
        cell.comment = comment
        letter = get_column_letter(c)
        dim = ws.column_dimensions[letter]
        dim.width = max(f.width, len(column.title) + 2)
        dim.protection = unlocked  # cells typed in later take the column's style: editable
        if f.type in TEXT_TYPES:
            dim.number_format = "@"
        elif f.type == "date":
            dim.number_format = "yyyy-mm-dd"
        if f.type == "longtext":
            dim.alignment = _WRAP_TOP
        dv = _validation(f, lists)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 36
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    # Protected without a password: guards the titles against slips, not against the clerk.
    protection = ws.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = protection.formatCells = False
    protection.insertRows = protection.deleteRows = protection.sort = protection.autoFilter = False


def _write_guide(ws: Worksheet, spec: FormSpec, sub: FormSpec | None, columns: list[TemplateColumn]) -> None:
    put_text(ws.cell(row=1, column=1), f"{spec.title}名册填表说明").font = Font(bold=True, size=14)
    lines = [spec.help] if spec.help else []
    lines.append(f"在“{spec.sheet}”工作表填写，每行一条；带 * 的列必须填写；第 1 行列名请勿修改。")
    if spec.repeat is not None and sub is not None:
        lines.append(f"每行填 {spec.repeat.min}–{spec.repeat.max} 个{spec.repeat.title}，"
                     f"列名以“{spec.repeat.prefix.format(n=1)}”“{spec.repeat.prefix.format(n=2)}”开头；不用的项目整组留空。")
    for r, line in enumerate(lines, start=2):
        put_text(ws.cell(row=r, column=1), line).alignment = Alignment(wrap_text=False)
    head = len(lines) + 3
    for c, title in enumerate(("列名", "是否必填", "填写内容", "可选值", "说明"), start=1):
        cell = put_text(ws.cell(row=head, column=c), title)
        cell.font, cell.fill, cell.border, cell.alignment = _HEADER_FONT, _HEADER_FILL, _BORDER, _WRAP_CENTER
    for r, column in enumerate(columns, start=head + 1):
        f = column.field
        note = "；".join(x for x in (f.help, _default_text(f), f"不超过 {f.max_length} 个字" if f.max_length else "") if x)
        values = (column.title.rstrip("*"), "必填" if column.required else "选填", _TYPE_NAMES.get(f.type, f.type),
                  "、".join(f.choice_labels()) or ("是、否" if f.type == "bool" else ""), note)
        for c, value in enumerate(values, start=1):
            cell = put_text(ws.cell(row=r, column=c), value)
            cell.border, cell.alignment = _BORDER, _WRAP_TOP
    for letter, width in zip("ABCDE", (22, 10, 22, 40, 60), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = f"{head}:{head}"


def write_template(spec: FormSpec, path: Path, sub: FormSpec | None = None) -> None:
    """Write the blank register workbook for ``spec`` (with ``sub`` for its repeated groups) to ``path``."""
    columns = template_columns(spec, sub)
    book = song_workbook()
    ws = book.active
    assert ws is not None
    ws.title = spec.sheet or spec.title
    lists = _Lists(book)
    _write_sheet(ws, spec, columns, lists)
    _write_guide(book.create_sheet(GUIDE_SHEET, 1), spec, sub, columns)
    book.active = 0
    save_for_print(book, path)
