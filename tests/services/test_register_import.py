"""Importing register workbooks into the demo county: all rows or none, keyed, located problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.errors import PermissionDenied, ValidationFailed
from fupin_desktop.intake.workbook import WorkbookError
from fupin_desktop.services.context import CurrentUser
from fupin_desktop.services.register_import import Progress, import_register, run_import
from fupin_desktop.store.models import AuditRecord, Household, Organization, Pairing

ORG_HEADER = ["组织名称*", "统一社会信用代码*", "组织类型*", "法定代表人", "联系电话"]
PAIRING_HEADER = ["协议编号", "社会组织*", "结对对象类型", "镇（街道）", "结对对象*", "签订日期*", "帮扶期限起*",
                  "帮扶期限止*", "项目1名称*", "项目1帮扶领域*", "项目1帮扶方式*", "项目1预算(万元)*",
                  "项目2名称", "项目2帮扶领域", "项目2帮扶方式", "项目2预算(万元)"]


def code(n: int, kind_digit: str = "1") -> str:
    return make_credit_code("5", kind_digit, "350582", f"MA{n:06d}")


def workbook(path: Path, sheet: str, header: list[str], rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def org_rows(n: int = 3) -> list[list[Any]]:
    return [[f"晋江市导入测试{i}号商会", code(i), "社会团体", "陈建华", f"1380000000{i}"] for i in range(1, n + 1)]


def counts(ctx) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return (s.scalar(select(func.count()).select_from(Organization)) or 0,
                s.scalar(select(func.count()).select_from(Pairing)) or 0,
                s.scalar(select(func.count()).select_from(AuditRecord)) or 0)


def org(ctx, credit_code: str) -> Organization | None:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return s.scalar(select(Organization).where(Organization.credit_code == credit_code))


def refused(ctx, kind: str, path: Path) -> ValidationFailed:  # type: ignore[no-untyped-def]
    before = counts(ctx)
    with pytest.raises(ValidationFailed) as info:
        run_import(import_register(ctx, kind, path))  # type: ignore[arg-type]
    assert counts(ctx) == before  # nothing stored, no audit record
    assert all(p.file == path.name and p.sheet and p.row for p in info.value.problems)
    return info.value


# --- 社会组织 -------------------------------------------------------------------------------------


def test_one_bad_row_stores_nothing_then_the_fixed_file_imports(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = org_rows(3)
    good_code = rows[1][1]
    rows[1][1] = good_code[:-1] + ("0" if good_code[-1] != "0" else "1")  # wrong check character
    path = workbook(tmp_path / "名册.xlsx", "社会组织名册", ORG_HEADER, rows)
    error = refused(clerk, "organization", path)
    [problem] = error.problems
    assert (problem.row, problem.label, problem.sheet) == (3, "统一社会信用代码", "社会组织名册")
    assert "第3行「统一社会信用代码」" in str(error) and "名册.xlsx" in str(error)
    assert "校验位" in problem.message

    rows[1][1] = good_code
    workbook(path, "社会组织名册", ORG_HEADER, rows)
    orgs, pairings, audits = counts(clerk)
    steps: list[Progress] = []
    result = run_import(import_register(clerk, "organization", path), steps.append)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert counts(clerk) == (orgs + 3, pairings, audits + 3)
    assert steps[-1].done == steps[-1].total == 6
    assert org(clerk, good_code).name == "晋江市导入测试2号商会"

    again = run_import(import_register(clerk, "organization", path))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert counts(clerk) == (orgs + 3, pairings, audits + 3)  # no duplicates, no audit records


def test_changed_row_updates_and_absent_columns_keep_stored_values(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with clerk.db.reading() as s:
        existing = s.scalars(select(Organization).where(Organization.rating == "4A")).first()
    assert existing is not None
    path = workbook(tmp_path / "改.xlsx", "社会组织名册", ORG_HEADER,
                    [[existing.name, existing.credit_code, existing.kind, "新法人", existing.contact_phone]])
    _, _, audits = counts(clerk)
    result = run_import(import_register(clerk, "organization", path))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    after = org(clerk, existing.credit_code)
    assert after.legal_representative == "新法人"
    assert (after.rating, after.rating_year, after.status) == ("4A", existing.rating_year, existing.status)
    assert counts(clerk)[2] == audits + 1


def test_full_width_ideographic_spaces_lower_case_and_old_kind_name(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plain = code(77, "2")
    full_width = plain.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    rows = [["\u3000晋江市\u3000导入测试\u3000服务中心\u3000", full_width.lower(), "民办非企业单位", "陈　建华",
             "１３８００００００７７"]]
    path = workbook(tmp_path / "全角.xlsx", "社会组织名册", ORG_HEADER, rows)
    result = run_import(import_register(clerk, "organization", path))
    assert result.created == 1 and result.warnings == []
    stored = org(clerk, plain)
    assert stored is not None
    assert (stored.name, stored.kind, stored.contact_phone) == ("晋江市导入测试服务中心", "social_service_agency", "13800000077")
    again = run_import(import_register(clerk, "organization", path))  # the same code, however written
    assert again.unchanged == 1


def test_duplicate_credit_code_in_the_file_names_both_rows(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = org_rows(3)
    rows[2][1] = rows[0][1].lower()  # the same code, written differently
    error = refused(clerk, "organization", workbook(tmp_path / "重复.xlsx", "社会组织名册", ORG_HEADER, rows))
    by_row = {p.row: p for p in error.problems}
    assert set(by_row) == {2, 4}
    assert "第 4 行" in by_row[2].message and "第 2 行" in by_row[4].message
    assert by_row[2].label == "统一社会信用代码"


def test_kind_disagreeing_with_the_code_is_a_warning(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [["晋江市导入测试基金会", code(5, "1"), "基金会", "", ""]]
    path = workbook(tmp_path / "警告.xlsx", "社会组织名册", ORG_HEADER, rows)
    result = run_import(import_register(clerk, "organization", path))
    assert result.created == 1
    [warning] = result.warnings
    assert (warning.row, warning.label, warning.file) == (2, "组织类型", "警告.xlsx")
    assert "51" in warning.message


def test_missing_required_column_is_refused(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = workbook(tmp_path / "缺列.xlsx", "社会组织名册", ["组织名称", "组织类型"], [["晋江市某商会", "社会团体"]])
    error = refused(clerk, "organization", path)
    assert [p.label for p in error.problems] == ["统一社会信用代码"]
    assert error.problems[0].row == 1


def test_header_only_is_refused(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    error = refused(clerk, "organization", workbook(tmp_path / "空.xlsx", "社会组织名册", ORG_HEADER, []))
    assert "没有数据行" in str(error)


def test_not_a_workbook_is_a_known_error(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "名册.xlsx"
    path.write_text("组织名称\n", encoding="utf-8")
    with pytest.raises(WorkbookError, match="名册.xlsx"):
        run_import(import_register(clerk, "organization", path))


def test_permission_is_checked(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from fupin_desktop.services import permissions

    path = workbook(tmp_path / "p.xlsx", "社会组织名册", ORG_HEADER, org_rows(1))
    clerk_role = permissions.Role.CLERK
    grants = dict(permissions._GRANTS)
    grants[clerk_role] = frozenset()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(permissions, "_GRANTS", grants)
        with pytest.raises(PermissionDenied):  # at the call, before any progress is shown
            import_register(clerk.as_user(CurrentUser(99, "x", "x", "clerk")), "organization", path)


def test_cancelling_while_writing_stores_nothing(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = workbook(tmp_path / "取消.xlsx", "社会组织名册", ORG_HEADER, org_rows(4))
    before = counts(clerk)
    gen = import_register(clerk, "organization", path)
    for step in gen:
        if step.message.startswith("正在保存") and step.done == 6:
            break
    gen.close()
    assert counts(clerk) == before


# --- 结对帮扶 -------------------------------------------------------------------------------------


@pytest.fixture
def known(clerk) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with clerk.db.reading() as s:
        active = s.scalars(select(Organization).where(Organization.status == "active").order_by(Organization.id)).all()
        household = next(h for h in s.scalars(select(Household)) if h.id_number.endswith("X"))
        return {"org": active[0], "org2": active[1], "household": household.id_number}


def pairing_row(org_text: str, target: str, *, number: str = "", kind: str = "村（社区）", township: str = "",
                projects: int = 1) -> list[Any]:
    row: list[Any] = [number, org_text, kind, township, target, "2020-06-01", "2020-06-01", "2021-12-31"]
    groups = [["助学圆梦", "教育", "直接捐赠", 2], ["健康义诊", "健康", "志愿服务", "1.5"]]
    for n in range(2):
        row += groups[n] if n < projects else [None] * 4
    return row


def test_pairings_import_once_and_again(clerk, known, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        pairing_row(known["org"].name, "青新社区居委会", number="JD2020-9001", township="青阳街道", projects=2),
        pairing_row(known["org2"].credit_code.lower(), "350582001005", number="JD2020-9002"),
        pairing_row(known["org"].credit_code, known["household"].lower(), kind="帮扶对象"),  # lower-case x
    ]
    path = workbook(tmp_path / "结对.xlsx", "结对帮扶名单", PAIRING_HEADER, rows)
    orgs, pairings, audits = counts(clerk)
    result = run_import(import_register(clerk, "pairing", path))
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert counts(clerk) == (orgs, pairings + 3, audits + 3)
    with clerk.db.reading() as s:
        p = s.scalar(select(Pairing).where(Pairing.agreement_no == "JD2020-9001"))
        assert [(x.seq, x.name, x.budget_fen) for x in p.projects] == [(1, "助学圆梦", 2_000_000), (2, "健康义诊", 1_500_000)]
        assert p.campaign_id is None

    again = run_import(import_register(clerk, "pairing", path))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert counts(clerk) == (orgs, pairings + 3, audits + 3)

    rows[0] = pairing_row(known["org"].name, "青新社区居委会", number="JD2020-9001", projects=1)
    workbook(path, "结对帮扶名单", PAIRING_HEADER, rows)
    changed = run_import(import_register(clerk, "pairing", path))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    with clerk.db.reading() as s:
        p = s.scalar(select(Pairing).where(Pairing.agreement_no == "JD2020-9001"))
        assert [x.name for x in p.projects] == ["助学圆梦"]


def test_existing_pairing_keeps_its_campaign_when_the_file_has_no_such_column(clerk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with clerk.db.reading() as s:
        p = s.scalars(select(Pairing).where(Pairing.campaign_id.is_not(None), Pairing.target_kind == "village")
                      .order_by(Pairing.id)).first()
        number, campaign_id = p.agreement_no, p.campaign_id
        org_code, village_code = p.organization.credit_code, p.village.code
    path = workbook(tmp_path / "旧.xlsx", "结对帮扶名单", PAIRING_HEADER,
                    [pairing_row(org_code, village_code, number=number)])
    _, _, audits = counts(clerk)
    result = run_import(import_register(clerk, "pairing", path))
    assert result.updated == 1
    assert counts(clerk)[2] == audits + 1
    with clerk.db.reading() as s:
        assert s.scalar(select(Pairing.campaign_id).where(Pairing.agreement_no == number)) == campaign_id


def test_bad_pairing_rows_are_refused_with_row_and_column(clerk, known, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        pairing_row(known["org"].name, "青新社区居委会", number="JD2020-9101", projects=0),
        pairing_row(known["org"].name, "不存在村", number="JD2020-9102"),
        pairing_row("晋江市没有登记的商会", "锦青社区居委会", number="JD2020-9103"),
        pairing_row(known["org"].name, "锦青社区居委会", number="JD2020-9104"),  # fine on its own
    ]
    rows[3][9] = "炒股"  # 项目1帮扶领域 not a choice
    path = workbook(tmp_path / "坏结对.xlsx", "结对帮扶名单", PAIRING_HEADER, rows)
    error = refused(clerk, "pairing", path)
    located = {(p.row, p.label) for p in error.problems}
    assert (2, "项目1名称") in located  # no project: said where the first one goes
    assert (3, "结对对象") in located
    assert (4, "社会组织") in located
    assert (5, "项目1帮扶领域") in located
    messages = {p.row: p.message for p in error.problems}
    assert "不存在村" in messages[3] and "晋江市没有登记的商会" in messages[4]


def test_project_in_the_second_group_only_is_named_by_its_own_columns(clerk, known, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    row = pairing_row(known["org"].name, "青新社区居委会", number="JD2020-9201", projects=0)
    row[12:16] = ["义诊", "健康", "志愿服务", -1]
    error = refused(clerk, "pairing", workbook(tmp_path / "p2.xlsx", "结对帮扶名单", PAIRING_HEADER, [row]))
    assert [(p.row, p.label) for p in error.problems] == [(2, "项目2预算（万元）")]  # the title as written, tidied


def test_duplicates_in_a_pairing_file_name_both_rows(clerk, known, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        pairing_row(known["org"].name, "青新社区居委会", number="JD2020-9301"),
        pairing_row(known["org2"].name, "锦青社区居委会", number="JD2020-9301"),
        pairing_row(known["org2"].name, "青华社区居委会"),
        pairing_row(known["org2"].credit_code, "350582001006"),  # the same pairing, no number either time
    ]
    error = refused(clerk, "pairing", workbook(tmp_path / "重复结对.xlsx", "结对帮扶名单", PAIRING_HEADER, rows))
    by_row = {p.row: p for p in error.problems}
    assert set(by_row) == {2, 3, 4, 5}
    assert by_row[2].label == "协议编号" and "第 3 行" in by_row[2].message and "JD2020-9301" in by_row[2].message
    assert "第 2 行" in by_row[3].message
    assert by_row[4].label == "结对对象" and "第 5 行" in by_row[4].message and "第 4 行" in by_row[5].message
