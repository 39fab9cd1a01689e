"""Township workbooks in: our template round trip, the seed's hand-typed table, and whole-file refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, ValidationFailed
from fupin_desktop.services import monthly, monthly_documents, monthly_import, places, summaries

FIGURE_VALUES = {"投入资金": "1.5", "物资折款": "0.25", "帮扶贫困户": "0", "受益人数": "20", "提供就业岗位": "1",
                 "培训": "5", "志愿服务": "4", "落地项目": "0"}


def _month() -> Period:
    return Period.month(clock.today().year + 1, 3)  # in every demo pairing's term, no demo data


def _tid(ctx, name: str = "青阳街道") -> int:  # type: ignore[no-untyped-def]
    return next(t.id for t in places.list_townships(ctx) if t.values["name"] == name)


def _fill_template(path: Path, overrides: dict[int, dict[str, str]] | None = None) -> int:
    """Fill every pre-filled row as a township clerk would; returns the number of rows."""
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = {}
    for col in range(1, ws.max_column + 1):
        for row in (3, 4):
            text = str(ws.cell(row, col).value or "")
            for label in ("具体帮扶内容", "进展情况", *FIGURE_VALUES):
                if text.startswith(label):
                    headers[label] = col
    n = 0
    for row in range(5, ws.max_row + 1):
        if not isinstance(ws.cell(row, 1).value, int):
            continue
        n += 1
        values = {"具体帮扶内容": f"第{n}行：入户走访", "进展情况": "已完成", **FIGURE_VALUES,
                  **(overrides or {}).get(n, {})}
        for label, value in values.items():
            ws.cell(row, headers[label], value)
    wb.save(path)
    return n


def test_round_trip_template_import_approve_summaries(clerk, reviewer, tmp_path: Path) -> None:
    month, tid = _month(), _tid(clerk)
    path = monthly_documents.write_township_template(clerk, tid, month, tmp_path)
    n = _fill_template(path, {2: {"投入资金": "3.5万元", "受益人数": "１，２００"}})
    view = monthly_import.import_monthly(clerk, path, township="青阳街道", period=month)
    assert (view.status, view.revision, len(view.rows)) == ("draft", 1, n)
    monthly.submit(clerk, tid, month)
    monthly.approve(reviewer, tid, month)
    expected_funds = 1_500_000 * (n - 1) + 3_500_000
    for period in (month, Period.quarter(month.year, 1), Period.annual(month.year)):
        row = next(r for r in summaries.summarize(clerk, period, "township").rows if r.label == "青阳街道")
        assert row.figures["funds_fen"] == expected_funds
        assert row.figures["materials_fen"] == 250_000 * n
        assert row.figures["beneficiaries"] == 20 * (n - 1) + 1200


def _seed_workbook(path: Path, rows: list[tuple[str, str, str, str]], unit: str = "青阳街道社会事务办",
                   filled: str = "") -> None:
    """The seed's own table as a township types it: text columns only, merged header, messy extras.
    ``filled`` (填报时间) defaults to 3 April of the test month's year."""
    filled = filled or f"{_month().year}年4月3日"
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["合作村社帮扶工作开展情况统计表"])
    ws.merge_cells("A1:E1")
    ws.append([f"填报单位：{unit}", None, None, f"填报时间：{filled}"])
    ws.append(["序号", "合作村社", None, "具体帮扶内容", "进展情况"])
    ws.append([None, "村（社区）", "社会组织名称", None, None])
    ws.merge_cells("B3:C3")
    ws.merge_cells("A3:A4")
    ws.merge_cells("D3:D4")
    ws.merge_cells("E3:E4")
    for n, (village, org, content, progress) in enumerate(rows, start=1):
        ws.append([n, village, org, content, progress])
    ws.append([])
    ws.append(["小计", None, None, None, None])
    ws.append(["备注：本表每月5日前报送"])
    wb.save(path)


def _pairing_names(ctx, tid: int, month: Period) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(r.village, r.organization) for r in monthly.get_month(ctx, tid, month).rows]


def test_seed_format_workbook_is_matched_to_the_right_pairings(clerk, tmp_path: Path) -> None:
    month, tid = _month(), _tid(clerk)
    names = _pairing_names(clerk, tid, month)
    # Typed by hand: 社区 instead of 社区居委会, the county prefix left out, a stray full-width space.
    typed = [(v.replace("居委会", ""), o.removeprefix("晋江市") + "\u3000", f"{o}开展帮扶", "推进中") for v, o in names]
    path = tmp_path / "青阳.xlsx"
    _seed_workbook(path, typed, filled=f"{month.year}.4.3")
    plan = monthly_import.plan_monthly_import(clerk, path)
    assert (plan.township, plan.period) == ("青阳街道", month)  # filled on 3 April → reports March
    assert plan.problems == [] and plan.unmatched == []
    view = monthly_import.commit_monthly_import(clerk, plan)
    assert [(r.village, r.organization, r.values["content"]) for r in view.rows] == [
        (v, o, t[2]) for (v, o), t in zip(names, typed, strict=True)]
    assert all(r.values["funds_fen"] == 0 for r in view.rows)  # the seed's table has no figures


def test_a_bad_workbook_is_refused_whole_then_the_fixed_one_imports(clerk, tmp_path: Path) -> None:
    month, tid = _month(), _tid(clerk)
    path = monthly_documents.write_township_template(clerk, tid, month, tmp_path)
    _fill_template(path, {1: {"投入资金": "-2"}, 3: {"受益人数": "二十"}})
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    ws.protection.sheet = False
    ws.cell(6, 2, "不存在社区")  # row 2: an unknown village
    ws.insert_rows(9)
    for col in range(1, ws.max_column + 1):  # row 4 typed twice
        ws.cell(9, col, ws.cell(8, col).value)
    wb.save(path)
    with pytest.raises(ValidationFailed) as caught:
        monthly_import.import_monthly(clerk, path, period=month)
    where = {(p.row, p.label) for p in caught.value.problems}
    assert (5, "投入资金") in where and (7, "受益人数") in where and (6, "村（社区）") in where
    assert any(p.row == 9 and "重复" in p.message for p in caught.value.problems)
    assert all(p.sheet and p.file == path.name for p in caught.value.problems)
    assert monthly.get_month(clerk, tid, month).status == "missing"  # nothing stored

    fixed = monthly_documents.write_township_template(clerk, tid, month, tmp_path / "fixed")
    _fill_template(fixed)
    assert monthly_import.import_monthly(clerk, fixed, period=month).status == "draft"


def test_reimport_is_a_new_revision_and_an_approved_month_is_locked(clerk, reviewer, tmp_path: Path) -> None:
    month, tid = _month(), _tid(clerk)
    path = monthly_documents.write_township_template(clerk, tid, month, tmp_path)
    _fill_template(path)
    assert monthly_import.import_monthly(clerk, path, period=month).revision == 1
    second = monthly_import.import_monthly(clerk, path, period=month)
    assert second.revision == 2 and [h.revision for h in second.history] == [1, 2]
    monthly.submit(clerk, tid, month)
    monthly.approve(reviewer, tid, month)
    with pytest.raises(KnownError, match="已锁定.*重新打开"):
        monthly_import.import_monthly(clerk, path, period=month)


def test_unit_contradicting_the_chosen_township_is_refused(clerk, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    _seed_workbook(path, [("青华社区", "某组织", "走访", "完成")])
    with pytest.raises(KnownError, match="不符"):
        monthly_import.plan_monthly_import(clerk, path, township="梅岭街道")


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice missing")
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_template_resaved_by_libreoffice_imports_the_same(clerk, tmp_path: Path, fmt: str) -> None:
    """Townships open our template in WPS/Excel/LibreOffice and save it again, often as .xls."""
    import subprocess

    month, tid = _month(), _tid(clerk)
    path = monthly_documents.write_township_template(clerk, tid, month, tmp_path)
    n = _fill_template(path)
    out = tmp_path / "resaved"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", fmt,
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    resaved = next(out.glob(f"*.{fmt}"))
    view = monthly_import.import_monthly(clerk, resaved, period=month)
    assert view.township == "青阳街道" and len(view.rows) == n
    assert view.totals()["funds_fen"] == 1_500_000 * n
