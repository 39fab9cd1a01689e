"""The monthly table a township fills in: layout, protection, validation, printing, round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from fupin_desktop.documents.monthly_template import (
    BLANK_ROWS,
    FIRST_DATA_ROW,
    GUIDE_SHEET,
    figure_fields,
    write_monthly_template,
)
from fupin_desktop.domain.formspec import FormSpec, parse_form
from fupin_desktop.domain.periods import Period
from fupin_desktop.intake.monthly_sheet import read_monthly_sheet
from fupin_desktop.intake.workbook import read_workbook
from fupin_desktop.paths import forms_dir

UNIT = "青阳街道社会事务办"
PAIRINGS = [  # 序号, 协议编号, 村（社区）, 社会组织名称: the locked columns
    (1, "JD2020-0001", "青华社区居委会", "晋江市青阳商会"),
    (2, "JD2020-0002", "莲屿社区居委会", "=晋江市慈善总会青阳分会"),  # text that looks like a formula
    (3, "JD2020-0003", "陈村社区居委会", "晋江市青阳街道教育发展促进会"),
]
LAST_DATA_ROW = FIRST_DATA_ROW + len(PAIRINGS) - 1


@pytest.fixture(scope="module")
def spec() -> FormSpec:
    source = forms_dir() / "monthly.toml"
    return parse_form(source.read_text(encoding="utf-8"), str(source))


@pytest.fixture
def template(spec: FormSpec, tmp_path: Path) -> Path:
    path = tmp_path / "月报.xlsx"
    write_monthly_template(spec, path, title=spec.title, unit_name=UNIT, period_label="2020年5月", rows=PAIRINGS)
    return path


def _sheet(path: Path, spec: FormSpec) -> Worksheet:
    book = load_workbook(path)
    assert book.sheetnames == [spec.sheet, GUIDE_SHEET]
    return book[spec.sheet]


def _merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def test_title_unit_time_and_two_row_header(template: Path, spec: FormSpec) -> None:
    ws = _sheet(template, spec)
    assert ws["A1"].value == "合作村社帮扶工作开展情况统计表（2020年5月）"
    assert ws["A1"].font.b and ws["A1"].font.sz == 16
    merged = _merged(ws)
    assert "A1:N1" in merged
    assert ws["A2"].value == f"填报单位（盖章）：{UNIT}"
    assert "填报时间：" in [c.value for c in ws[2]]
    assert ws["B3"].value == "协议编号"
    assert ws["C3"].value == "合作村社" and "C3:D3" in merged
    assert (ws["C4"].value, ws["D4"].value) == ("村（社区）", "社会组织名称")
    for letter in "ABEFGHIJKLMN":
        assert f"{letter}3:{letter}4" in merged
    assert [c.value.replace("\n", "") for c in ws[3][4:]] == [
        "具体帮扶内容", "进展情况", "投入资金（万元）", "物资折款（万元）", "帮扶贫困户（户）", "受益人数（人次）",
        "提供就业岗位（个）", "培训（人次）", "志愿服务（人次）", "落地项目（个）"]
    assert ws["G3"].value == "投入资金\n（万元）"  # the unit on its own line in narrow columns
    # Widths from the content: the pre-filled names on one line, the text the township writes widest.
    width = {letter: ws.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMN"}
    assert width["D"] >= 2 * max(len(org) for *_, org in PAIRINGS) and width["C"] >= 2 * len("村（社区）")
    assert 7 <= width["B"] < width["C"]  # narrow: an agreement number wraps at its hyphen
    assert min(width["E"], width["F"]) > max(width[x] for x in "GHIJKLMN") and width["A"] < width["G"]
    assert ws["E5"].alignment.wrap_text


def test_prefilled_cells_locked_and_the_rest_unlocked(template: Path, spec: FormSpec) -> None:
    ws = _sheet(template, spec)
    assert [[c.value for c in row[:4]] for row in ws.iter_rows(min_row=5, max_row=LAST_DATA_ROW)] == [
        list(p) for p in PAIRINGS]
    for r in range(FIRST_DATA_ROW, LAST_DATA_ROW + 1):
        assert all(ws.cell(row=r, column=c).protection.locked for c in (1, 2, 3, 4))
        assert not any(ws.cell(row=r, column=c).protection.locked for c in range(5, 15))
    assert ws["A3"].protection.locked and ws["A1"].protection.locked
    protection = ws.protection
    assert protection.sheet and not protection.password
    assert protection.formatColumns is False and protection.formatRows is False


def test_formula_like_text_is_stored_as_text(template: Path, spec: FormSpec) -> None:
    ws = _sheet(template, spec)
    assert ws["D6"].data_type == "s" and ws["D6"].value == "=晋江市慈善总会青阳分会"
    rows = read_workbook(template).sheets[0].rows
    assert rows[5][3] == "=晋江市慈善总会青阳分会"


def test_validation_and_number_formats_on_the_figure_cells(template: Path, spec: FormSpec) -> None:
    ws = _sheet(template, spec)
    validations = ws.data_validations.dataValidation
    for c, f in enumerate(spec.fields, start=1):
        cell = ws.cell(row=FIRST_DATA_ROW, column=c)
        covering = [dv for dv in validations if cell.coordinate in dv.sqref]
        last = ws.cell(row=LAST_DATA_ROW, column=c).coordinate
        if f not in figure_fields(spec):
            assert covering == []
            continue
        assert len(covering) == 1 and last in covering[0].sqref
        dv = covering[0]
        assert (dv.operator, dv.formula1) == ("greaterThanOrEqual", "0")
        if f.type == "money_wan":
            assert dv.type == "decimal" and dv.prompt == "单位：万元，可填到小数点后 6 位"
            assert cell.number_format == "0.00####"
        else:
            assert dv.type == "whole" and f.unit in dv.prompt
            assert cell.number_format == "0"


def test_total_row_and_signature_line(template: Path, spec: FormSpec) -> None:
    ws = _sheet(template, spec)
    total = LAST_DATA_ROW + 1
    assert ws.cell(row=total, column=1).value == "合计"
    assert ws.cell(row=total, column=7).value == f"=SUM(G{FIRST_DATA_ROW}:G{LAST_DATA_ROW})"
    assert ws.cell(row=total, column=14).value == f"=SUM(N{FIRST_DATA_ROW}:N{LAST_DATA_ROW})"
    texts = [c.value for row in ws.iter_rows(min_row=total + 1) for c in row if c.value]
    assert "填表人：" in texts and "联系电话：" in texts and "审核人：" in texts
    sign = next(r for r in range(total + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "填表人：")
    reviewer = next(c for c in range(1, 15) if ws.cell(row=sign, column=c).value == "审核人：")
    assert ws.cell(row=sign, column=reviewer + 1).protection.locked is False  # the township writes the name


def test_print_setup(template: Path, spec: FormSpec) -> None:
    ws = _sheet(template, spec)
    setup = ws.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == "9"  # A4
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0) and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$4"
    assert ws.print_options.horizontalCentered
    assert abs(ws.page_margins.left - 1.0 / 2.54) < 0.01  # one page wide at 9 pt (test_workbook_print)
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_guide_sheet(template: Path) -> None:
    guide = load_workbook(template)[GUIDE_SHEET]
    text = "\n".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    assert "每月 5 日前报上月" in text
    assert "投入资金" in text and "万元" in text and "小数点后 6 位" in text


def test_blank_template_reads_back_as_pairings_without_figures(template: Path, spec: FormSpec) -> None:
    sheet = read_monthly_sheet(read_workbook(template), spec)
    assert sheet.problems == []
    assert (sheet.unit_text, sheet.filled_on, sheet.title_period) == (UNIT, None, Period.month(2020, 5))
    assert [(r.values["seq"], r.values["agreement_no"], r.values["village"], r.values["organization"])
            for r in sheet.rows] == PAIRINGS
    assert all(r.values["content"] is None for r in sheet.rows)


def test_round_trip_write_fill_read(template: Path, spec: FormSpec) -> None:
    book = load_workbook(template)
    ws = book[spec.sheet]
    date_cell = next(c for c in ws[2] if c.value == "填报时间：").column + 2  # the label spans two columns
    ws.cell(row=2, column=date_cell, value=dt.datetime(2020, 6, 3))
    filled = {
        5: ["修缮活动中心", "已招标", 3.5, 0, 12, 350, 0, 20, 30, 1],
        6: ["慰问困难家庭", "已慰问", "1.2万元", "0.3", "12户", "４８", 0, 0, 15, 0],
        7: ["资助学生", "已资助", 2, 0, 8, 8, 0, 0, 0, 0],
    }
    for r, values in filled.items():
        for c, value in enumerate(values, start=5):
            ws.cell(row=r, column=c, value=value)
    book.save(template)

    sheet = read_monthly_sheet(read_workbook(template), spec)
    assert sheet.problems == []
    assert sheet.filled_on == dt.date(2020, 6, 3)
    assert [r.row for r in sheet.rows] == [5, 6, 7]
    names = [f.name for f in spec.fields]
    for row, pairing in zip(sheet.rows, PAIRINGS, strict=True):
        assert (row.values["seq"], row.values["agreement_no"], row.values["village"],
                row.values["organization"]) == pairing
        assert [row.values[n] for n in names[4:]] == filled[row.row]
    second = sheet.rows[1].values
    assert spec.field("funds_fen").coerce(second["funds_fen"]) == 1_200_000
    assert spec.field("beneficiaries").coerce(second["beneficiaries"]) == 48


def test_no_pairings_gives_blank_rows_to_type_in(spec: FormSpec, tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    write_monthly_template(spec, path, title=spec.title, unit_name=UNIT, period_label="", rows=[])
    ws = _sheet(path, spec)
    assert ws["A1"].value == spec.title
    last = FIRST_DATA_ROW + BLANK_ROWS - 1
    assert not any(ws.cell(row=r, column=c).protection.locked for r in (FIRST_DATA_ROW, last) for c in range(1, 15))
    assert ws.cell(row=last + 1, column=1).value == "合计"
    sheet = read_monthly_sheet(read_workbook(path), spec)
    assert sheet.problems == [] and sheet.rows == []


def test_period_not_repeated_when_the_title_already_has_it(spec: FormSpec, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_monthly_template(spec, path, title=f"{spec.title}（2020年5月）", unit_name=UNIT, period_label="2020年5月",
                           rows=PAIRINGS)
    assert _sheet(path, spec)["A1"].value == "合作村社帮扶工作开展情况统计表（2020年5月）"
