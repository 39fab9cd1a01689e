"""The blank register templates: what Excel shows, and that a filled-in template imports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from fupin_desktop.documents import register_template as rt
from fupin_desktop.documents.register_template import GUIDE_SHEET, template_columns, write_template
from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.domain.formspec import FormSpec, load_forms, parse_form
from fupin_desktop.paths import forms_dir


@pytest.fixture(scope="module")
def forms() -> dict[str, FormSpec]:
    return load_forms(forms_dir())


def header(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[str]:
    return [c.value for c in ws[1]]


def validations(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, str]:
    """Column letter → list formula of each drop-down."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            found[openpyxl.utils.get_column_letter(rng.min_col)] = dv.formula1
    return found


def test_organization_template(tmp_path: Path, forms: dict[str, FormSpec]) -> None:
    spec = forms["organization"]
    path = tmp_path / "社会组织名册模板.xlsx"
    write_template(spec, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [spec.sheet, GUIDE_SHEET]
    ws = book[spec.sheet]
    assert header(ws) == [f.label + ("*" if f.required and f.default is None else "") for f in spec.fields]
    assert header(ws)[:3] == ["组织名称*", "统一社会信用代码*", "组织类型*"]
    columns = {f.name: openpyxl.utils.get_column_letter(i) for i, f in enumerate(spec.fields, start=1)}
    # Code and phone columns are text, so an 18-digit code is not turned into 9.14403E+17.
    for name in ("credit_code", "contact_phone", "name"):
        assert ws.column_dimensions[columns[name]].number_format == "@"
    assert ws.column_dimensions[columns["rating_year"]].number_format != "@"
    # Drop-downs for choices and yes/no.
    lists = validations(ws)
    assert lists[columns["kind"]] == '"社会团体,社会服务机构,基金会"'
    assert lists[columns["charity_recognized"]] == '"是,否"'
    assert "5A" in lists[columns["rating"]]
    assert columns["name"] not in lists
    # Help as comments, widths from the form.
    assert "18 位" in ws[f"{columns['credit_code']}1"].comment.text
    assert ws.column_dimensions[columns["name"]].width == spec.field("name").width
    # Header styled, locked and protected; the data columns editable.
    title = ws["A1"]
    assert title.font.b and title.fill.fgColor.rgb.endswith("DDEBF7") and title.alignment.wrap_text
    assert title.border.bottom.style == "thin"
    assert title.protection.locked
    assert ws.column_dimensions["A"].protection.locked is False
    assert ws.protection.sheet and not ws.protection.password
    assert ws.freeze_panes == "A2"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    # The guide lists every column.
    guide = book[GUIDE_SHEET]
    listed = {row[0] for row in guide.iter_rows(values_only=True)}
    assert {f.label for f in spec.fields} <= listed
    kind_row = next(row for row in guide.iter_rows(values_only=True) if row[0] == "组织类型")
    assert kind_row[1] == "必填" and "社会服务机构" in kind_row[3]


def test_pairing_template_has_two_project_groups(tmp_path: Path, forms: dict[str, FormSpec]) -> None:
    spec, sub = forms["pairing"], forms["project"]
    path = tmp_path / "结对.xlsx"
    write_template(spec, path, sub)
    ws = openpyxl.load_workbook(path)[spec.sheet]
    titles = header(ws)
    main = len(spec.fields)
    assert titles[main:main + len(sub.fields)] == ["项目1名称*", "项目1帮扶领域*", "项目1帮扶方式*", "项目1预算(万元)*", "项目1目标指标"]
    assert titles[main + len(sub.fields):] == ["项目2名称", "项目2帮扶领域", "项目2帮扶方式", "项目2预算(万元)", "项目2目标指标"]
    assert "结对对象类型" in titles  # has a default: not marked required
    lists = validations(ws)
    domain_column = openpyxl.utils.get_column_letter(titles.index("项目2帮扶领域") + 1)
    assert "易地扶贫搬迁" in lists[domain_column]
    assert [c.title for c in template_columns(spec, sub)] == titles


def test_formula_like_text_stays_text(tmp_path: Path) -> None:
    spec = parse_form('''
[form]
name = "odd"
title = "怪表"
help = "=HYPERLINK(\\"http://x\\")"
[[fields]]
name = "a"
label = "+号"
type = "text"
help = "-1 表示无"
[[fields]]
name = "b"
label = "@列"
type = "choice"
choices = "PartyBranch"
''')
    path = tmp_path / "odd.xlsx"
    write_template(spec, path)
    book = openpyxl.load_workbook(path)
    ws = book["怪表"]
    assert ws["A1"].value == "+号" and ws["A1"].data_type == "s"
    assert ws["B1"].value == "@列" and ws["B1"].data_type == "s"
    guide_cells = [c for row in book[GUIDE_SHEET].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value.startswith("=HYPERLINK") and c.data_type == "s" for c in guide_cells)
    assert any(c.value.startswith("-1") and c.data_type == "s" for c in guide_cells)


def test_long_choice_lists_go_to_a_hidden_sheet(tmp_path: Path, forms: dict[str, FormSpec],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rt, "_INLINE_LIST_LIMIT", 5)
    path = tmp_path / "long.xlsx"
    write_template(forms["organization"], path)
    book = openpyxl.load_workbook(path)
    assert book[rt.CHOICES_SHEET].sheet_state == "hidden"
    formula = validations(book["社会组织名册"])["C"]
    assert formula.startswith("'选项'!$")
    column = formula.split("$")[1]
    listed = [c.value for c in book[rt.CHOICES_SHEET][column] if c.value is not None]
    assert listed == ["社会团体", "社会服务机构", "基金会"]


def fill(path: Path, sheet: str, rows: list[list[object]]) -> None:
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    book.save(path)


def test_filled_templates_import_cleanly(tmp_path: Path, clerk) -> None:  # type: ignore[no-untyped-def]
    from fupin_desktop.services.pairings import list_pairings
    from fupin_desktop.services.register_import import import_register, run_import, template_for

    org_path = tmp_path / "社会组织.xlsx"
    template_for(clerk, "organization", org_path)
    code = make_credit_code("5", "3", "350582", "MA2Y3K0P")
    fill(org_path, "社会组织名册", [[
        "晋江市模板测试基金会", code, "基金会", "晋江市民政局", "", "陈建华", "林晓华", "0595-85678901",
        "晋江市青阳街道", "4A", 2019, "已建", "是", "否", "正常",
    ]])
    result = run_import(import_register(clerk, "organization", org_path))
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)

    pairing_path = tmp_path / "结对.xlsx"
    template_for(clerk, "pairing", pairing_path)
    fill(pairing_path, "结对帮扶名单", [[
        "JD2020-T001", code, "村（社区）", "青阳街道", "青新社区居委会", None, "百社解千难", None, date(2020, 6, 1),
        date(2020, 6, 1), date(2021, 12, 31), "每季度入村一次", "按方案考核", "执行中",
        "助学圆梦", "教育", "直接捐赠", 2.5, "资助 10 名学生", None, None, None, None, None,
    ]])
    result = run_import(import_register(clerk, "pairing", pairing_path))
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    [view] = list_pairings(clerk, "JD2020-T001")
    assert view.values["organization"] == "晋江市模板测试基金会"
    assert view.extra["projects"][0]["budget_fen"] == 2_500_000  # 2.5 万元 in fen
