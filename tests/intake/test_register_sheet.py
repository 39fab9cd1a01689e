"""Finding a register's sheet, header row and columns; rows as raw records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fupin_desktop.domain.formspec import FormSpec, load_forms
from fupin_desktop.intake.register_sheet import read_records, repeat_key
from fupin_desktop.intake.workbook import Sheet, Workbook, read_workbook
from fupin_desktop.paths import forms_dir


@pytest.fixture(scope="module")
def forms() -> dict[str, FormSpec]:
    return load_forms(forms_dir())


def book(*sheets: Sheet) -> Workbook:
    return Workbook("名册.xlsx", list(sheets))


def xlsx(path: Path, build: Any) -> Workbook:
    wb = openpyxl.Workbook()
    build(wb)
    wb.save(path)
    return read_workbook(path)


CODE = "51350582MJ0000000X"


def test_template_header_with_required_markers(forms: dict[str, FormSpec]) -> None:
    rows = [
        ["组织名称*", "统一社会信用代码*", "组织类型*", "备注"],
        ["晋江市服装商会", CODE, "社会团体", "x"],
        [None, "  ", None, "only an unknown column"],
        ["说明：代码以证书为准", None, None, None],
        ["组织名称", "统一社会信用代码", "组织类型", None],  # the header again, pasted from another sheet
        ["晋江市鞋业商会", None, "社会团体", None],
    ]
    result = read_records(book(Sheet("社会组织名册", rows)), forms["organization"])
    assert result.problems == []
    assert result.sheet == "社会组织名册" and result.header_row == 1
    assert [r.row for r in result.rows] == [2, 6]
    assert result.rows[0].raw == {"name": "晋江市服装商会", "credit_code": CODE, "kind": "社会团体"}
    assert result.rows[1].raw["credit_code"] is None  # a blank cell of a column the sheet has
    assert result.columns["credit_code"] == "统一社会信用代码"


def test_header_below_title_rows_with_aliases_brackets_and_line_breaks(forms: dict[str, FormSpec]) -> None:
    rows = [
        ["晋江市社会组织名册（2020年）", None, None, None, None],
        ["填报单位：晋江市民政局", None, None, None, None],
        ["序号", "社会组织名称（必填）", "统一社会\n信用代码", "类　别", "法人代表"],
        [1, "晋江市服装商会", CODE, "民办非企业单位", "陈建华"],
        [2, None, None, None, None],  # 序号 filled in advance: not a record
    ]
    result = read_records(book(Sheet("Sheet1", rows, [(0, 0, 0, 4)])), forms["organization"])
    assert result.problems == []
    assert result.header_row == 3
    assert [r.row for r in result.rows] == [4]
    assert result.rows[0].raw == {"name": "晋江市服装商会", "credit_code": CODE, "kind": "民办非企业单位",
                                  "legal_representative": "陈建华"}
    assert result.columns["kind"] == "类别"  # as written (cleaned), for messages
    assert result.columns["credit_code"] == "统一社会信用代码"


def test_sheet_by_name_even_when_not_first(forms: dict[str, FormSpec]) -> None:
    other = Sheet("封面", [["组织名称", "统一社会信用代码"], ["别的", CODE]])
    named = Sheet("社会组织名册", [["组织名称", "统一社会信用代码"], ["这个", CODE]])
    result = read_records(book(other, named), forms["organization"])
    assert result.sheet == "社会组织名册" and result.rows[0].raw["name"] == "这个"


def test_first_visible_sheet_with_a_header_otherwise(forms: dict[str, FormSpec]) -> None:
    cover = Sheet("封面", [["晋江市民政局"], ["2020年"]])
    hidden = Sheet("隐藏", [["组织名称", "统一社会信用代码"], ["隐藏的", CODE]], hidden=True)
    data = Sheet("Sheet3", [["组织名称", "统一社会信用代码", "组织类型"], ["看得见的", CODE, "基金会"]])
    result = read_records(book(cover, hidden, data), forms["organization"])
    assert result.sheet == "Sheet3" and result.rows[0].raw["name"] == "看得见的"


def test_no_header_anywhere(forms: dict[str, FormSpec]) -> None:
    result = read_records(book(Sheet("Sheet1", [["a", "b"], [1, 2]])), forms["organization"])
    assert result.rows == []
    [problem] = result.problems
    assert "社会组织名册" in problem.message and "组织名称" in problem.message
    assert problem.file == "名册.xlsx"


def test_missing_required_column_is_named(forms: dict[str, FormSpec]) -> None:
    rows = [["组织名称", "法定代表人", "联系电话"], ["晋江市服装商会", "陈建华", "13800000000"]]
    result = read_records(book(Sheet("社会组织名册", rows)), forms["organization"])
    labels = {p.label for p in result.problems}
    assert labels == {"统一社会信用代码", "组织类型"}
    assert all(p.row == 1 and p.sheet == "社会组织名册" and "缺少" in p.message for p in result.problems)


def test_pairing_repeat_groups(forms: dict[str, FormSpec]) -> None:
    header = ["社会组织", "结对对象", "签订日期", "帮扶期限起", "帮扶期限止",
              "项目1名称*", "项目1帮扶领域*", "项目1帮扶方式*", "项目1预算(万元)*", "项目1目标指标",
              "项目2名称", "项目2帮扶领域", "项目2帮扶方式", "项目2预算（万元）", "项目2目标指标"]
    one = ["商会", "梅岭", "2020-05-10", "2020-05-10", "2021-12-31", "助学", "教育", "直接捐赠", 2.0, None,
           None, None, None, None, None]
    only_second = ["商会", "梅岭", "2020-05-10", "2020-05-10", "2021-12-31", None, None, None, None, None,
                   "义诊", "健康", "志愿服务", 1.5, "10 场"]
    none = ["商会", "梅岭", "2020-05-10", "2020-05-10", "2021-12-31"] + [None] * 10
    result = read_records(book(Sheet("结对帮扶名单", [header, one, only_second, none])),
                          forms["pairing"], forms["project"])
    assert result.problems == []
    first, second, third = result.rows
    assert first.repeats == [{"name": "助学", "domain": "教育", "method": "直接捐赠", "budget_fen": 2.0,
                              "indicators": None}]
    assert first.repeat_slots == [1]
    assert second.repeats[0]["name"] == "义诊" and second.repeat_slots == [2]
    assert third.repeats == [] and third.repeat_slots == []
    assert "target_kind" not in first.raw  # no column: the form's default applies later
    assert result.columns[repeat_key(forms["project"], 2, "budget_fen")] == "项目2预算（万元）"


def test_pairing_missing_project_column(forms: dict[str, FormSpec]) -> None:
    header = ["社会组织", "结对对象", "签订日期", "帮扶期限起", "帮扶期限止", "项目1名称", "项目1帮扶领域"]
    result = read_records(book(Sheet("结对帮扶名单", [header])), forms["pairing"], forms["project"])
    assert {p.label for p in result.problems} == {"项目1帮扶方式", "项目1预算(万元)"}


def test_two_row_header_and_merged_cells_in_xlsx(tmp_path: Path, forms: dict[str, FormSpec]) -> None:
    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        ws.title = "结对帮扶名单"
        main = ["镇（街道）", "社会组织", "结对对象", "签订日期", "帮扶期限起", "帮扶期限止"]
        for c, title in enumerate(main, start=1):
            ws.cell(row=1, column=c, value=title)
            ws.merge_cells(start_row=1, start_column=c, end_row=2, end_column=c)
        ws.cell(row=1, column=7, value="项目1")
        ws.merge_cells(start_row=1, start_column=7, end_row=1, end_column=10)
        for c, title in enumerate(["名称", "帮扶领域", "帮扶方式", "预算（万元）"], start=7):
            ws.cell(row=2, column=c, value=title)
        for r in (3, 4):
            ws.append([None, "商会", f"村{r}", "2020-05-10", "2020-05-10", "2021-12-31", "助学", "教育", "捐赠", 1])
        ws["A3"] = "青阳街道"
        ws.merge_cells("A3:A4")  # one township for both rows

    result = read_records(xlsx(tmp_path / "two.xlsx", build), forms["pairing"], forms["project"])
    assert result.problems == []
    assert result.header_row == 2
    assert [r.raw["township"] for r in result.rows] == ["青阳街道", "青阳街道"]
    assert [r.row for r in result.rows] == [3, 4]
    assert result.rows[0].repeats[0]["domain"] == "教育"
    assert result.columns[repeat_key(forms["project"], 1, "name")] == "项目1名称"
