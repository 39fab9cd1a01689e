"""Reading townships' monthly tables: our template, the seed's table typed by hand, resaved copies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from fupin_desktop.domain.formspec import FormSpec, parse_form
from fupin_desktop.domain.periods import Period, reporting_month_for_fill_date
from fupin_desktop.intake.monthly_sheet import MonthlySheet, read_monthly_sheet
from fupin_desktop.intake.workbook import Sheet, Workbook, read_workbook
from fupin_desktop.paths import forms_dir

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "monthly"
UNIT = "青阳街道社会事务办"
FIGURES = ("funds_fen", "materials_fen", "households", "beneficiaries", "jobs", "trainees", "volunteers",
           "projects_landed")


@pytest.fixture(scope="module")
def spec() -> FormSpec:
    source = forms_dir() / "monthly.toml"
    return parse_form(source.read_text(encoding="utf-8"), str(source))


def _read(name: str, spec: FormSpec) -> MonthlySheet:
    return read_monthly_sheet(read_workbook(FIXTURES / name), spec)


def _book(rows: list[list[Any]], merged: list[tuple[int, int, int, int]] | None = None, name: str = "Sheet1",
          before: list[Sheet] | None = None) -> Workbook:
    return Workbook("test.xlsx", [*(before or []), Sheet(name, rows, merged or [])])


def _pairs(sheet: MonthlySheet) -> list[tuple[Any, Any]]:
    return [(r.values.get("village"), r.values.get("organization")) for r in sheet.rows]


HEADER = ["序号", "村（社区）", "社会组织名称", "具体帮扶内容", "进展情况"]
ROW = [1, "青华社区居委会", "晋江市青阳商会", "捐资修缮活动中心", "已招标"]


# --- the fixtures ------------------------------------------------------------------------------


def test_seed_table_typed_by_hand(spec: FormSpec) -> None:
    sheet = _read("seed_handtyped.xlsx", spec)
    assert sheet.problems == []
    assert sheet.unit_text == UNIT
    assert sheet.filled_text == "2020.6.3"
    assert sheet.filled_on == dt.date(2020, 6, 3)
    assert reporting_month_for_fill_date(sheet.filled_on) == Period.month(2020, 5)
    assert sheet.title_text == "合作村社帮扶工作开展情况统计表" and sheet.title_period is None
    assert sheet.columns == {"seq": 0, "village": 1, "organization": 2, "content": 3, "progress": 4}
    assert [r.row for r in sheet.rows] == [6, 7, 9, 10, 11]
    assert _pairs(sheet) == [  # the merged village cells count for every row they cover
        ("青华社区居委会", "晋江市青阳商会"),
        ("青华社区居委会", "晋江市青阳街道慈善协会"),
        ("莲屿社区居委会", "晋江市青阳街道教育发展促进会"),
        ("陈村社区居委会", "晋江市青阳商会"),
        ("陈村社区居委会", "晋江市义工联合会"),
    ]
    assert sheet.skipped == [(8, "空行"), (12, "小计行"), (13, "备注/说明行")]
    assert sheet.rows[1].values["progress"] == "已慰问 12 户"
    assert not any(f in r.values for r in sheet.rows for f in FIGURES)  # no figures invented


def test_seed_table_typed_by_hand_and_saved_as_ods(spec: FormSpec) -> None:
    # seed_handtyped.xlsx converted by LibreOffice (tests/fixtures/ods/make_fixtures.py); the merged
    # village cells come from the .ods's own content.xml, since calamine reports none for .ods.
    copy = read_monthly_sheet(read_workbook(FIXTURES.parent / "ods" / "seed_handtyped.ods"), spec)
    original = _read("seed_handtyped.xlsx", spec)
    assert copy.problems == []
    assert [r.row for r in copy.rows] == [r.row for r in original.rows]
    assert _pairs(copy) == _pairs(original)
    assert all(village for village, _ in _pairs(copy))
    assert copy.skipped == original.skipped


def test_filled_template_keeps_cells_raw(spec: FormSpec) -> None:
    sheet = _read("template_filled.xlsx", spec)
    assert sheet.problems == []
    assert (sheet.sheet, sheet.unit_text, sheet.filled_text) == ("统计表", UNIT, "2020年6月3日")
    assert sheet.filled_on == dt.date(2020, 6, 3)
    assert sheet.title_period == Period.month(2020, 5)
    assert sheet.header_row == 4
    # A template written before the 协议编号 column still reads (its rows match by names).
    assert set(sheet.columns) == {f.name for f in spec.fields} - {"agreement_no"}
    assert [r.row for r in sheet.rows] == [5, 6, 7, 8]
    first = sheet.rows[0].values
    assert (first["funds_fen"], first["beneficiaries"], first["trainees"]) == ("3.5万元", "３５０", "1,200")
    assert spec.field("funds_fen").coerce(first["funds_fen"]) == 3_500_000
    assert spec.field("beneficiaries").coerce(first["beneficiaries"]) == 350
    assert spec.field("trainees").coerce(first["trainees"]) == 1200
    assert sheet.rows[2].values["content"] == "-资助困难家庭在校学生"
    assert all(sheet.rows[3].values[f] is None for f in FIGURES)
    assert [why for _r, why in sheet.skipped] == ["合计行", "填表人/联系电话行", "备注/说明行"]


def test_data_on_the_second_sheet_in_another_column_order(spec: FormSpec) -> None:
    sheet = _read("other_sheet_order.xlsx", spec)
    assert sheet.sheet == "Sheet1" and sheet.problems == []
    assert sheet.unit_text == UNIT and sheet.filled_on == dt.date(2020, 6, 3)
    assert sheet.columns == {"seq": 0, "organization": 1, "village": 2, "content": 3, "progress": 4, "funds_fen": 5,
                             "beneficiaries": 6}
    assert _pairs(sheet)[1] == ("莲屿社区居委会", "晋江市青阳街道慈善协会")
    assert sheet.rows[1].values["beneficiaries"] == "48人次"
    assert sheet.skipped == [(8, "合计行")]


def _coerced(sheet: MonthlySheet, spec: FormSpec) -> list[dict[str, Any]]:
    return [{k: spec.field(k).coerce(v) for k, v in r.values.items()} for r in sheet.rows]


@pytest.mark.parametrize("name", ["resaved_by_libreoffice.xlsx", "resaved_by_libreoffice.xls",
                                  "resaved_by_libreoffice.ods"])
def test_resaved_copies_read_the_same(spec: FormSpec, name: str) -> None:
    original, copy = _read("template_filled.xlsx", spec), _read(name, spec)
    assert copy.problems == []
    for attr in ("unit_text", "filled_text", "filled_on", "title_period", "columns", "skipped"):
        assert getattr(copy, attr) == getattr(original, attr), attr
    assert [r.row for r in copy.rows] == [r.row for r in original.rows]
    assert [r.values for r in copy.rows] == [r.values for r in original.rows]  # 1 == 1.0 in .xls
    assert _coerced(copy, spec) == _coerced(original, spec)


# --- headers -------------------------------------------------------------------------------------


def test_missing_progress_column_is_a_problem_naming_it(spec: FormSpec) -> None:
    sheet = read_monthly_sheet(_book([HEADER[:4] + ["备注"], ROW[:4]]), spec)
    assert [p.field for p in sheet.problems] == ["progress"]
    problem = sheet.problems[0]
    assert "进展情况" in problem.message and problem.label == "进展情况" and problem.row == 1
    assert "补上" in problem.message
    assert len(sheet.rows) == 1  # the other columns are still read


def test_missing_village_column_mentions_its_group(spec: FormSpec) -> None:
    sheet = read_monthly_sheet(_book([["序号", "社会组织名称", "具体帮扶内容", "进展情况"], ROW[:1] + ROW[2:]]), spec)
    assert [p.field for p in sheet.problems] == ["village"]
    assert "「合作村社」下的「村（社区）」" in sheet.problems[0].message


def test_header_titles_with_units_stars_and_line_breaks(spec: FormSpec) -> None:
    header = [*HEADER, "投入资金\n（万元）*", "受益人数(人次)", "帮扶贫困户（单位：户）", "落地项目*"]
    sheet = read_monthly_sheet(_book([header, [*ROW, "3.5", 20, 2, 1]]), spec)
    assert sheet.problems == []
    assert sheet.columns["funds_fen"] == 5 and sheet.columns["beneficiaries"] == 6
    assert sheet.columns["households"] == 7 and sheet.columns["projects_landed"] == 8
    assert sheet.rows[0].values["funds_fen"] == "3.5"


def test_money_column_in_yuan_is_refused(spec: FormSpec) -> None:
    sheet = read_monthly_sheet(_book([[*HEADER, "投入资金（元）"], [*ROW, 35000]]), spec)
    assert "funds_fen" not in sheet.columns
    assert [p.field for p in sheet.problems] == ["funds_fen"]
    assert "元" in sheet.problems[0].message and "万元" in sheet.problems[0].message


def test_two_row_header_without_merges(spec: FormSpec) -> None:
    rows = [["序号", "合作村社", None, "具体帮扶内容", "进展情况", "投入资金"],
            [None, "村（社区）", "社会组织名称", None, None, "（万元）"],
            ROW + [2]]
    sheet = read_monthly_sheet(_book(rows), spec)
    assert sheet.problems == [] and sheet.header_row == 2
    assert sheet.columns == {"seq": 0, "village": 1, "organization": 2, "content": 3, "progress": 4, "funds_fen": 5}


def test_no_header_anywhere_is_one_problem(spec: FormSpec) -> None:
    sheet = read_monthly_sheet(_book([["姓名", "年龄"], ["张三", 30]]), spec)
    assert sheet.rows == [] and len(sheet.problems) == 1
    assert "村（社区）" in sheet.problems[0].message


def test_best_matching_sheet_wins_and_guide_sheets_are_ignored(spec: FormSpec) -> None:
    guide = Sheet("填表说明", [["填表说明"], ["序号", "村（社区）", "社会组织名称"], ["具体帮扶内容", "进展情况"]])
    weak = Sheet("汇总", [["序号", "村（社区）", "备注"], [1, "青华社区居委会", ""]])
    sheet = read_monthly_sheet(_book([HEADER, ROW], name="六月", before=[guide, weak]), spec)
    assert sheet.sheet == "六月" and sheet.problems == []


def test_repeated_header_row_is_skipped(spec: FormSpec) -> None:
    sheet = read_monthly_sheet(_book([HEADER, ROW, HEADER, [2, *ROW[1:]]]), spec)
    assert [r.row for r in sheet.rows] == [2, 4]
    assert sheet.skipped == [(3, "重复的表头行")]


# --- rows ----------------------------------------------------------------------------------------


def test_subtotal_words_in_any_text_column(spec: FormSpec) -> None:
    rows = [HEADER, ROW,
            [None, None, "总计", None, None],
            [None, "合 计：", None, None, None],
            [None, None, None, "小计", None],
            [2, "莲屿社区居委会", "晋江市青阳商会", "捐款合计 3 万元", "已到账"]]
    sheet = read_monthly_sheet(_book(rows), spec)
    assert sheet.skipped == [(3, "总计行"), (4, "合计行"), (5, "小计行")]
    assert [r.row for r in sheet.rows] == [2, 6]  # "捐款合计…" is content, not a subtotal


def test_note_and_signature_rows(spec: FormSpec) -> None:
    rows = [HEADER, ROW, ["注：金额单位万元"], ["说明：本表每月报送"], ["填表人：张三", None, "联系电话：123"],
            [None, "注:另附照片"]]
    sheet = read_monthly_sheet(_book(rows), spec)
    assert [why for _r, why in sheet.skipped] == ["备注/说明行", "备注/说明行", "填表人/联系电话行", "备注/说明行"]
    assert len(sheet.rows) == 1


def test_seq_without_village_and_organization_is_a_problem(spec: FormSpec) -> None:
    rows = [HEADER, ROW, [2, None, None, "修路", "已完工"], [3, None, None, None, None], [None, "", " ", "x", None]]
    sheet = read_monthly_sheet(_book(rows), spec)
    assert [p.row for p in sheet.problems] == [3, 5]
    assert "序号“2”" in sheet.problems[0].message and "村（社区）和社会组织名称" in sheet.problems[0].message
    assert sheet.skipped == [(4, "只有序号，其余为空")]
    assert [r.row for r in sheet.rows] == [2]


def test_village_merged_down_and_organization_only_rows(spec: FormSpec) -> None:
    rows = [HEADER, ROW, [2, None, "晋江市义工联合会", "助老", "已开展"], [3, None, "晋江市慈善总会", "助学", "已资助"]]
    merged = read_monthly_sheet(_book(rows, merged=[(1, 1, 2, 1)]), spec)
    assert _pairs(merged) == [("青华社区居委会", "晋江市青阳商会"), ("青华社区居委会", "晋江市义工联合会"),
                              (None, "晋江市慈善总会")]  # not merged: left for the checks to flag


def test_blank_rows_below_the_data_are_not_listed(spec: FormSpec) -> None:
    sheet = read_monthly_sheet(_book([HEADER, ROW, [None] * 5, [2, *ROW[1:]], [None] * 5, [None] * 5]), spec)
    assert sheet.skipped == [(3, "空行")]


# --- 填报单位 / 填报时间 ---------------------------------------------------------------------------


@pytest.mark.parametrize(("top", "unit", "filled"), [
    ([["填报单位：青阳街道社会事务办"], ["填报时间：2020年6月3日"]], UNIT, dt.date(2020, 6, 3)),
    ([["填报单位：", "青阳街道社会事务办", None, "填报时间：", "2020-06-03"]], UNIT, dt.date(2020, 6, 3)),
    ([["填报单位（盖章）：青阳街道社会事务办\n填报时间：2020.6.3"]], UNIT, dt.date(2020, 6, 3)),
    ([["填报单位(盖章)：青阳街道社会事务办     填报时间：2020年6月"]], UNIT, Period.month(2020, 6)),
    ([["填报单位：青阳街道社会事务办（盖章）", None, "填报日期：", dt.datetime(2020, 6, 3)]], UNIT, dt.date(2020, 6, 3)),
    ([["填报单位："], ["青阳街道社会事务办"], ["填报时间：    年   月   日"]], UNIT, None),
    ([["填报单位：", None, "填报时间：", "２０２０年６月３日（星期三）"]], None, dt.date(2020, 6, 3)),
])
def test_unit_and_time_as_townships_write_them(spec: FormSpec, top: list[list[Any]], unit: str | None,
                                                filled: dt.date | Period | None) -> None:
    sheet = read_monthly_sheet(_book([["合作村社帮扶工作开展情况统计表"], *top, HEADER, ROW]), spec)
    assert sheet.problems == []
    assert (sheet.unit_text, sheet.filled_on) == (unit, filled)
    assert sheet.title_text == "合作村社帮扶工作开展情况统计表"
    assert len(sheet.rows) == 1


def test_unit_and_time_under_the_table(spec: FormSpec) -> None:
    rows = [HEADER, ROW, ["填表人：张三", None, "填报单位：青阳街道社会事务办", "填报时间：2020年6月3日"]]
    sheet = read_monthly_sheet(_book(rows), spec)
    assert (sheet.unit_text, sheet.filled_on) == (UNIT, dt.date(2020, 6, 3))


def test_unreadable_time_is_a_problem_not_an_error(spec: FormSpec) -> None:
    sheet = read_monthly_sheet(_book([["填报时间：六月三日"], HEADER, ROW]), spec)
    assert sheet.filled_text == "六月三日" and sheet.filled_on is None
    assert [p.field for p in sheet.problems] == ["filled_on"]
    assert len(sheet.rows) == 1


def test_title_with_annex_line_and_month(spec: FormSpec) -> None:
    sheet = read_monthly_sheet(_book([["附件"], ["合作村社帮扶工作开展情况统计表（2020年5月份）"], HEADER, ROW]), spec)
    assert sheet.title_text == "合作村社帮扶工作开展情况统计表（2020年5月份）"
    assert sheet.title_period == Period.month(2020, 5)
