"""Issue 14: households from Excel with the register's all-or-nothing checks: the ID number's check
character, duplicates by ID number, an ID number already registered updates that household, and
ID numbers and head names masked in every message and audit record."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from fupin_desktop.cli import main
from fupin_desktop.domain.id_number import check_char, make_id_number, mask_id_number
from fupin_desktop.errors import AuthError, PermissionDenied, ValidationFailed
from fupin_desktop.intake.workbook import WorkbookError
from fupin_desktop.services import households
from fupin_desktop.services.context import CurrentUser
from fupin_desktop.services.register_import import import_register, run_import, template_for
from fupin_desktop.store.models import AuditRecord, Household

SHEET = "帮扶对象名单"


def id_number(today: date, n: int) -> str:
    """A valid number unlike any of the demo's (their sequence numbers are 000–159)."""
    return make_id_number("350582", today - timedelta(days=365 * 40 + 37 * n), f"{900 + n:03d}")


def id_number_ending_in_x(today: date) -> str:
    return next(number for n in range(1, 60) if (number := id_number(today, n)).endswith("X"))


def filled(ctx, path: Path, rows: list[dict[str, Any]]) -> Path:  # type: ignore[no-untyped-def]
    """The program's own template with ``rows`` (column title without its * → value) typed in as text."""
    template_for(ctx, "household", path)
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    columns = {str(c.value).rstrip("*"): c.column for c in sheet[1] if c.value}
    for r, row in enumerate(rows, start=2):
        for title, value in row.items():
            cell = sheet.cell(r, columns[title], value)
            if isinstance(value, str) and not value.startswith("="):
                cell.data_type = "s"
    book.save(path)
    return path


def row(name: str, number: str, village: str, *, township: str = "", size: Any = 3, groups: str = "",
        poor: str = "") -> dict[str, Any]:
    return {"户主姓名": name, "户主身份证号": number, "镇（街道）": township, "所在村（社区）": village,
            "家庭人口": size, "特殊群体": groups, "建档立卡户": poor}


def counts(ctx) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return (s.scalar(select(func.count()).select_from(Household)) or 0,
                s.scalar(select(func.count()).select_from(AuditRecord)) or 0)


def audits_after(ctx, seq: int) -> list[str]:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return [json.dumps([a.entity, a.summary, a.before, a.after], ensure_ascii=False)
                for a in s.scalars(select(AuditRecord).where(AuditRecord.seq > seq).order_by(AuditRecord.seq))]


def last_seq(ctx) -> int:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return s.scalar(select(func.max(AuditRecord.seq))) or 0


def refused(ctx, path: Path) -> ValidationFailed:  # type: ignore[no-untyped-def]
    before = counts(ctx)
    with pytest.raises(ValidationFailed) as info:
        run_import(import_register(ctx, "household", path))
    assert counts(ctx) == before  # nothing stored, no audit record
    assert all(p.file == path.name and p.sheet == SHEET and p.row for p in info.value.problems)
    assert "没有导入任何数据" in str(info.value)
    return info.value


def test_template_filled_with_three_households_imports_them_once(clerk, tmp_path: Path, today: date) -> None:  # type: ignore[no-untyped-def]
    numbers = [id_number(today, 1), id_number_ending_in_x(today), id_number(today, 61)]
    assert len(set(numbers)) == 3 and all(n[17] == check_char(n[:17]) for n in numbers)
    rows = [
        row("林导入", numbers[0], "青新社区居委会", groups="残疾人、低保户"),
        row("黄导入", numbers[1].lower(), "梧埭村委会", township="陈埭镇", size=5, poor="否"),  # a name in two townships
        row("许导入", f" {numbers[2][:6]} {numbers[2][6:]} ", "350582001005", size="2"),
    ]
    path = filled(clerk, tmp_path / "帮扶对象.xlsx", rows)
    (before_households, before_audits), seq = counts(clerk), last_seq(clerk)
    result = run_import(import_register(clerk, "household", path))
    assert (result.created, result.updated, result.unchanged, result.warnings) == (3, 0, 0, [])
    assert counts(clerk) == (before_households + 3, before_audits + 3)

    found = [households.list_households(clerk, n) for n in numbers]
    assert [[v.values["head_name"] for v in f] for f in found] == [["林导入"], ["黄导入"], ["许导入"]]
    assert [f[0].extra["township"] for f in found][1] == "陈埭镇"
    assert found[0][0].values["groups"] == ["disabled", "minimum_living"]
    assert (found[1][0].values["size"], found[1][0].values["registered_poor"]) == (5, False)
    assert found[2][0].values["registered_poor"] is True  # blank: the form's default
    assert all(f[0].values["id_number"] == mask_id_number(n) for f, n in zip(found, numbers, strict=True))

    records = audits_after(clerk, seq)
    assert len(records) == 3 and all('"household"' in r for r in records)
    for text in records:
        assert not any(n in text for n in numbers)
        assert not any(name in text for name in ("林导入", "黄导入", "许导入"))
    assert mask_id_number(numbers[0]) in "".join(records)  # masked, as save_household audits

    again = run_import(import_register(clerk, "household", path))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert counts(clerk) == (before_households + 3, before_audits + 3)  # no duplicates, no audit records


def test_a_registered_id_number_updates_that_household(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with clerk.db.reading() as s:
        h = s.scalars(select(Household).order_by(Household.id)).first()
        hid, number, name, size, village = h.id, h.id_number, h.head_name, h.size, h.village.code
    new_size = size % 7 + 1
    path = filled(clerk, tmp_path / "改.xlsx", [row(name, number, village, size=new_size)])
    (before_households, before_audits), seq = counts(clerk), last_seq(clerk)
    result = run_import(import_register(clerk, "household", path))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert counts(clerk) == (before_households, before_audits + 1)
    with clerk.db.reading() as s:
        stored = s.get(Household, hid)
        assert (stored.size, stored.head_name, stored.id_number) == (new_size, name, number)
        assert stored.groups == []  # a blank 特殊群体 cell empties the groups
    [record] = audits_after(clerk, seq)
    assert number not in record and name not in record and f'"size": {new_size}' in record


def test_a_bad_check_character_and_a_duplicate_pair_refuse_the_file(clerk, tmp_path: Path, today: date) -> None:  # type: ignore[no-untyped-def]
    good, twice, other = id_number(today, 2), id_number(today, 3), id_number(today, 4)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        row("甲", wrong, "青新社区居委会"),
        row("乙", twice, "青新社区居委会"),
        row("丙", other, "青新社区居委会"),
        row("丁", twice.lower() if twice.endswith("X") else f"{twice[:9]} {twice[9:]}", "锦青社区居委会"),
    ]
    error = refused(clerk, filled(clerk, tmp_path / "坏.xlsx", rows))
    located = {(p.row, p.label): p.message for p in error.problems}
    assert set(located) == {(2, "户主身份证号"), (3, "户主身份证号"), (5, "户主身份证号")}
    assert "校验位" in located[(2, "户主身份证号")]
    assert "第 5 行" in located[(3, "户主身份证号")] and "第 3 行" in located[(5, "户主身份证号")]
    assert "第2行「户主身份证号」" in str(error) and "工作表「帮扶对象名单」" in str(error)
    assert not any(n in str(error) for n in (wrong, twice, other))  # masked everywhere
    assert mask_id_number(twice) in located[(3, "户主身份证号")]


def test_every_other_problem_is_located_by_row_and_column(clerk, tmp_path: Path, today: date) -> None:  # type: ignore[no-untyped-def]
    rows = [
        row("", id_number(today, 5), "青新社区居委会"),
        row("乙", id_number(today, 6), "青新社区居委会", size=0),
        row("丙", id_number(today, 7), "青新社区居委会", groups="炒股"),
        row("丁", id_number(today, 8), "不存在村"),
        row("戊", id_number(today, 9), "梧埭村委会"),  # in 安海镇 and 陈埭镇
        row("己", id_number(today, 10), "350582001005", township="安海镇"),
        row("庚", id_number(today, 11), "青新社区居委会", township="没有这个镇"),
        row("辛", id_number(today, 12)[:15], "青新社区居委会", poor="也许"),
    ]
    error = refused(clerk, filled(clerk, tmp_path / "问题.xlsx", rows))
    located = {(p.row, p.label): p.message for p in error.problems}
    assert set(located) == {(2, "户主姓名"), (3, "家庭人口"), (4, "特殊群体"), (5, "所在村（社区）"),
                            (6, "所在村（社区）"), (7, "镇（街道）"), (8, "镇（街道）"), (9, "户主身份证号"),
                            (9, "建档立卡户")}
    assert "必须填写" in located[(2, "户主姓名")] and "炒股" in located[(4, "特殊群体")]
    assert "不存在村" in located[(5, "所在村（社区）")]
    assert "重名" in located[(6, "所在村（社区）")] and "镇（街道）" in located[(6, "所在村（社区）")]
    assert "不在安海镇" in located[(7, "镇（街道）")] and "没有这个镇" in located[(8, "镇（街道）")]
    assert "18位" in located[(9, "户主身份证号")]


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "帮扶对象.xlsx"
    path.write_bytes(b"\x00\x01not a zip at all" * 50)
    before = counts(clerk)
    with pytest.raises(WorkbookError, match="帮扶对象.xlsx") as info:
        run_import(import_register(clerk, "household", path))
    assert any("\u4e00" <= c <= "\u9fff" for c in str(info.value))
    assert counts(clerk) == before


def test_a_formula_in_the_id_number_cell_is_refused(clerk, tmp_path: Path, today: date) -> None:  # type: ignore[no-untyped-def]
    number = id_number(today, 13)
    formula = f'="{number[:9]}"&"{number[9:]}"'  # no value of its own until Excel computes it
    error = refused(clerk, filled(clerk, tmp_path / "公式.xlsx", [row("甲", formula, "青新社区居委会")]))
    assert [(p.row, p.label) for p in error.problems] == [(2, "户主身份证号")]
    assert "必须填写" in error.problems[0].message


def test_a_file_without_rows_or_without_the_id_column_is_refused(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert "没有数据行" in str(refused(clerk, filled(clerk, tmp_path / "空.xlsx", [])))
    path = tmp_path / "缺列.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["户主姓名", "所在村（社区）", "家庭人口"])
    book.active.append(["甲", "青新社区居委会", 3])
    book.save(path)
    before = counts(clerk)
    with pytest.raises(ValidationFailed) as info:
        run_import(import_register(clerk, "household", path))
    assert [p.label for p in info.value.problems] == ["户主身份证号"] and counts(clerk) == before


def test_only_signed_in_roles_that_edit_households_may_import(clerk, admin, tmp_path: Path, today: date) -> None:  # type: ignore[no-untyped-def]
    path = filled(clerk, tmp_path / "权限.xlsx", [row("甲", id_number(today, 14), "青新社区居委会")])
    with pytest.raises(PermissionDenied):  # the administrator keeps the system, not the case files
        import_register(admin, "household", path)
    with pytest.raises(AuthError):
        import_register(clerk.as_user(CurrentUser(0, "anonymous", "未登录用户", "clerk")), "household", path)


def test_cancelling_while_writing_stores_nothing(clerk, tmp_path: Path, today: date) -> None:  # type: ignore[no-untyped-def]
    path = filled(clerk, tmp_path / "取消.xlsx", [row(f"户{n}", id_number(today, 20 + n), "青新社区居委会")
                                                  for n in range(4)])
    before = counts(clerk)
    gen = import_register(clerk, "household", path)
    for step in gen:
        if step.message.startswith("正在保存") and step.done == 6:
            break
    gen.close()
    assert counts(clerk) == before


# --- fupin household template / import ------------------------------------------------------------


def test_cli_template_import_and_a_refused_file(demo_dir: Path, capsys, monkeypatch, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                today: date) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    base = ["--data-dir", str(demo_dir), "household"]
    template = tmp_path / "模板.xlsx"
    assert main([*base, "template", "-o", str(template), "--user", "clerk"]) == 0
    out, _ = capsys.readouterr()
    assert "模板" in out and openpyxl.load_workbook(template).sheetnames[0] == SHEET

    number = id_number(today, 30)
    book = openpyxl.load_workbook(template)
    for column, value in enumerate(["命令行", number, "", "青新社区居委会", "4"], start=1):
        book[SHEET].cell(2, column, value).data_type = "s"
    book.save(template)
    assert main([*base, "import", str(template), "--user", "clerk"]) == 0
    out, _ = capsys.readouterr()
    assert "新增 1" in out
    assert main([*base, "import", str(template), "--user", "clerk"]) == 0
    assert "未变 1" in capsys.readouterr()[0]

    bad = filled_cli_copy(template, tmp_path / "坏.xlsx", number[:17] + ("0" if number[17] != "0" else "1"))
    assert main([*base, "import", str(bad), "--user", "clerk"]) == 1
    out, err = capsys.readouterr()
    assert "没有导入任何数据" in err and "第2行「户主身份证号」" in err and "校验位" in err
    assert "Traceback" not in err and number[:17] not in err + out

    assert main([*base, "import", str(template), "--user", "admin"]) == 1  # no household rights
    assert "权限" in capsys.readouterr()[1]


def filled_cli_copy(template: Path, path: Path, number: str) -> Path:
    book = openpyxl.load_workbook(template)
    book[SHEET].cell(2, 2, number).data_type = "s"
    book.save(path)
    return path
