"""Issue 14's script on a freshly initialized bureau (not the demo), through the CLI only: a
campaign with targets and phases, pairings of every kind the notices describe, households from
Excel, a filled township template imported with no manual assignment, and the campaign's progress."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from fupin_desktop.cli import main
from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.domain.id_number import make_id_number

pytestmark = pytest.mark.sqlite_only  # `fupin init` makes the folder's own SQLite database

ORG = make_credit_code("5", "1", "350582", "MJ000001")
ORG2 = make_credit_code("5", "1", "350582", "MJ000002")
PARTNER = make_credit_code("5", "1", "513333", "MJ000003")
SEDA_VILLAGE = "513333100002"  # 四川省甘孜藏族自治州色达县色柯镇吉祥社区居民委员会 (三区三州)


@pytest.fixture
def bureau(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> list[str]:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    base = ["--data-dir", str(tmp_path / "bureau")]
    assert main([*base, "init", "--bureau", "晋江市民政局", "--division", "350582", "--admin", "admin"]) == 0
    assert main([*base, "user", "add", "--user", "admin", "--username", "lin", "--role", "clerk"]) == 0
    capsys.readouterr()
    return base


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in err
    return out


def test_a_fresh_bureau_runs_the_notices_work_model_from_the_cli(bureau: list[str], capsys, tmp_path: Path,
                                                                  today: date) -> None:
    run = lambda *argv: ok(capsys, *bureau, *argv, "--user", "lin")  # noqa: E731
    year = str(today.year)
    run("org", "add", "--name", "晋江市慈善总会", "--credit-code", ORG, "--kind", "社会团体")
    run("org", "add", "--name", "晋江市青年商会", "--credit-code", ORG2, "--kind", "社会团体")
    run("campaign", "add", "--name", "百社解千难", "--year", year, "--starts-on", f"{year}-04-28",
        "--ends-on", f"{year}-12-31", "--target-organizations", "2", "--target-villages", "4",
        "--target-households", "2", "--target-projects", "8", "--target-funds-fen", "100")
    run("campaign", "phases", "百社解千难", "--phase", f"准备阶段|{year}-04-28|{year}-04-30|供需目录",
        "--phase", f"双向选择||{year}-05-15", "--phase", f"总结阶段|{year}-12-01|{year}-12-20")

    # Households from Excel first: a household pairing names its head's ID number.
    numbers = [make_id_number("350582", date(1980, 1, 1 + n), f"{500 + n:03d}") for n in range(2)]
    template = tmp_path / "帮扶对象.xlsx"
    run("household", "template", "-o", str(template))
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    for r, (name, number) in enumerate(zip(["陈大山", "林小梅"], numbers, strict=True), start=2):
        for c, value in enumerate([name, number, "青阳街道", "青新社区居委会", "3"], start=1):
            sheet.cell(r, c, value).data_type = "s"
    book.save(template)
    assert "新增 2" in run("household", "import", str(template))

    term = ["--signed-on", f"{year}-05-10", "--term-start", f"{year}-05-10", "--term-end", f"{year}-12-31",
            "--campaign", "百社解千难"]
    project = ["--project", "助学|教育|直接捐赠|5"]
    run("pairing", "add", "--organization", "晋江市慈善总会", "--target-kind", "村（社区）",
        "--target", "350582001004", *term, *project)
    run("pairing", "add", "--organization", "晋江市慈善总会", "--target-kind", "帮扶对象（户）",
        "--target", numbers[0], *term, *project)
    run("pairing", "add", "--organization", "晋江市慈善总会", "--target-kind", "对口支援（县外）",
        "--target", SEDA_VILLAGE, *term, *project)
    run("pairing", "add", "--organization", "晋江市青年商会", "--target-kind", "组织结对",
        "--target", "色达县格萨尔公益协会", "--partner-credit-code", PARTNER, *term, "--more-campaigns", "",
        "--project", "能力建设|教育|技能培训|2")
    run("institution", "add", "--name", "青阳街道敬老院", "--kind", "敬老院", "--township", "青阳街道")
    run("staff-link", "add", "--staff-name", "王明", "--staff-unit", "晋江市民政局社会救助科",
        "--institution", "青阳街道敬老院", "--campaign", "百社解千难", "--signed-on", f"{year}-05-10",
        "--term-start", f"{year}-05-10", "--term-end", f"{year}-12-31")

    pairings = {p["target_kind"]: p for p in json.loads(run("pairing", "list", "--json"))}
    assert pairings["remote"]["target"] == "四川省甘孜藏族自治州色达县色柯镇吉祥社区居民委员会"
    assert pairings["remote"]["township"] == "对口支援（县外）"
    assert pairings["organization"]["target"] == "色达县格萨尔公益协会"

    # The township's template keys the village row and the household row (same organization, same
    # village, same names) by agreement number: filled in, it imports without any assignment.
    period = f"{year}-10"
    form = tmp_path / "青阳街道.xlsx"
    run("monthly", "template", "--period", period, "--township", "青阳街道", "-o", str(form))
    book = openpyxl.load_workbook(form)
    sheet = book.worksheets[0]
    header = next(r for r in range(1, 10) if sheet.cell(r, 2).value == "协议编号")
    first = header + 2  # 合作村社 is a two-row header
    rows = [r for r in range(first, first + 5) if sheet.cell(r, 2).value]
    assert len(rows) == 2
    assert {sheet.cell(r, 3).value for r in rows} == {"青新社区居委会"}  # the same names twice
    assert {sheet.cell(r, 2).value for r in rows} == {pairings["village"]["agreement_no"],
                                                     pairings["household"]["agreement_no"]}
    for r in rows:
        sheet.cell(r, 5, "助学金发放").data_type = "s"
        sheet.cell(r, 6, "已完成").data_type = "s"
        sheet.cell(r, 7, 1.5)
    book.save(form)
    out = run("monthly", "import", str(form), "--period", period)
    assert "2 行" in out or "2行" in out

    campaign = next(c for c in json.loads(run("campaign", "list", "--json")) if c["name"] == "百社解千难")
    assert (campaign["organizations"], campaign["villages"], campaign["households"]) == (2, 1, 1)
    assert (campaign["remote"], campaign["staff_links"], campaign["projects"]) == (1, 1, 4)
    assert [p["name"] for p in campaign["phases"]] == ["准备阶段", "双向选择", "总结阶段"]
    table = run("campaign", "list")
    assert "2/2（100%）" in table and "1/4（25%）" in table and "1/2（50%）" in table

    # The year's reports count the 对口支援 pairing apart from the county's townships.
    out_dir = tmp_path / "reports"
    for kind in ("participation", "pairing-plan", "progress"):
        run("report", kind, "--period", year, "-o", str(out_dir))
    book = openpyxl.load_workbook(next(out_dir.glob("*参与脱贫攻坚情况统计*.xlsx")))
    texts = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert "对口支援（县外）" in texts and "青阳街道" in texts
    assert "色达" not in " ".join(t for t in texts if "青阳" in t)
    calendar = run("calendar", "--year", year)
    assert "百社解千难·双向选择" in calendar
