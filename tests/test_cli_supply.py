"""``fupin supply …`` on the demo county (issue 14, 供需目录 of seed 004): templates, imports, the
双向选择 view, a need matched and the workbook, as a clerk would run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from fupin_desktop.cli import main
from fupin_desktop.domain import clock
from fupin_desktop.store.models import Organization, Pairing

YEAR = clock.today().year


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def fill(template: Path, target: Path, rows: list[list[object]]) -> Path:
    book = load_workbook(template)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            book.active.cell(r, c).value = value
    book.save(target)
    return target


def village_and_orgs(ctx) -> tuple[str, str, str, list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    """A paired village (name, its township), the paired organization's code, two other organizations."""
    with ctx.db.reading() as s:
        p = s.scalars(select(Pairing).where(Pairing.target_kind == "village", Pairing.status == "active")
                      .order_by(Pairing.id)).first()
        near = set(s.scalars(select(Pairing.organization_id).where(Pairing.village_id == p.village_id)))
        others = [(o.name, o.credit_code) for o in s.scalars(select(Organization).where(
            Organization.status == "active").order_by(Organization.id)) if o.id not in near][:2]
        return p.village.name, p.village.township.name, p.organization.credit_code, others


def test_template_import_match_and_export_round_trip(demo_dir: Path, capsys, signed_in, clerk,
                                                     tmp_path: Path) -> None:
    base = ["--data-dir", str(demo_dir)]
    village, township, paired_code, [(name_a, code_a), (name_b, _)] = village_and_orgs(clerk)
    code, out, err = run(capsys, *base, "supply", "need", "template", "-o", str(tmp_path / "需求.xlsx"), "--user",
                         "clerk")
    assert code == 0, err
    assert out.strip() == f"已生成空白的帮扶需求模板：{tmp_path / '需求.xlsx'}"
    filled = fill(tmp_path / "需求.xlsx", tmp_path / f"{township}.xlsx",
                  [[township, village, "教育", "留守儿童课后辅导", "5", "王主任 13800000000"],
                   ["", village, "基础设施", "村道硬化", 30, ""]])
    code, out, err = run(capsys, *base, "supply", "need", "import", str(filled), "--year", str(YEAR), "--user", "clerk")
    assert (code, out.strip()) == (0, "导入完成：新增 2 条帮扶需求"), err
    code, out, _ = run(capsys, *base, "supply", "need", "import", str(filled), "--year", str(YEAR), "--user", "clerk")
    assert out.strip() == "导入完成：新增 0 条帮扶需求，2 条此前已登记（未重复登记）"

    for org, domain, budget in ((code_a, "健康", "50"), (name_b, "教育", "8"), (paired_code, "教育", "100")):
        code, out, err = run(capsys, *base, "supply", "offer", "add", "--year", str(YEAR), "--org", org, "--domain",
                             domain, "--description", f"{domain}帮扶", "--budget", budget, "--user", "clerk")
        assert code == 0 and out.startswith("已登记第 "), err
    code, out, _ = run(capsys, *base, "supply", "offer", "list", "--year", str(YEAR), "--json")
    assert code == 0 and len(json.loads(out)) == 3

    code, out, err = run(capsys, *base, "supply", "match", "--year", str(YEAR), "--json", "--user", "clerk")
    assert code == 0, err
    view = json.loads(out)
    first = view["open_needs"][0]
    assert first["need"]["description"] == "留守儿童课后辅导"
    assert [c["offer"]["organization"] for c in first["candidates"]] == [name_b, name_a]
    assert first["excluded"][0][1].startswith(f"已与{village}结对")
    code, out, _ = run(capsys, *base, "supply", "match", "--year", str(YEAR), "--user", "clerk")
    assert f"  1. {name_b}　领域相同；计划投入 8.00 万元，足够" in out and "不推荐：" in out

    need_id = str(first["need"]["id"])
    code, out, err = run(capsys, *base, "supply", "match-set", need_id, name_b, "--user", "clerk")
    assert code == 0 and f"已对接 {name_b}" in out, err
    code, out, _ = run(capsys, *base, "supply", "need", "list", "--year", str(YEAR), "--status", "已对接", "--json",
                       "--user", "clerk")
    assert [(n["id"], n["matched_organization"]) for n in json.loads(out)] == [(int(need_id), name_b)]

    target = tmp_path / "out" / "对接表.xlsx"
    code, out, err = run(capsys, *base, "supply", "export", "--year", str(YEAR), "--out", str(target), "--user", "clerk")
    assert code == 0 and out.strip() == str(target), err
    ws = load_workbook(target)["双向选择"]
    assert ws.cell(3, 9).value.startswith("候选社会组织")
    rows = {ws.cell(r, 5).value: ws.cell(r, 9).value for r in (4, 5)}
    assert rows["留守儿童课后辅导"] == name_b and rows["村道硬化"].startswith(f"1. {name_a}（领域不同（健康）")


def test_a_bad_file_is_refused_with_row_and_column_and_stores_nothing(demo_dir: Path, capsys, signed_in,
                                                                       tmp_path: Path) -> None:
    base = ["--data-dir", str(demo_dir)]
    run(capsys, *base, "supply", "offer", "template", "-o", str(tmp_path / "意向.xlsx"), "--user", "clerk")
    bad = fill(tmp_path / "意向.xlsx", tmp_path / "意向-填好.xlsx",
               [["没有这个商会", "教育", "助学", 1, 1], ["", "教育", "", "-5", ""]])
    code, out, err = run(capsys, *base, "supply", "offer", "import", str(bad), "--year", str(YEAR), "--user", "clerk")
    assert code == 1 and out == "" and "Traceback" not in err
    lines = err.splitlines()
    assert lines[0] == "「意向-填好.xlsx」有 4 处问题，没有导入任何数据。请改正后重新导入。"
    assert "第2行「社会组织」：名册里没有“没有这个商会”" in lines[1]
    assert {line.split("「")[3].split("」")[0] for line in lines[2:]} == {"社会组织", "可提供的帮扶", "计划投入（万元）"}
    assert all("第3行" in line for line in lines[2:])
    code, out, _ = run(capsys, *base, "supply", "offer", "list", "--year", str(YEAR), "--json")
    assert json.loads(out) == []


def test_refusals_are_one_chinese_line(demo_dir: Path, capsys, signed_in, tmp_path: Path) -> None:
    base = ["--data-dir", str(demo_dir)]
    code, _, err = run(capsys, *base, "supply", "need", "list", "--year", str(YEAR))
    assert code == 1 and "需要登录" in err
    code, _, err = run(capsys, *base, "supply", "need", "list", "--year", str(YEAR), "--status", "差不多", "--user",
                       "clerk")
    assert code == 1 and "--status（状态）应为 待对接、已对接、已关闭 之一" in err
    code, _, err = run(capsys, *base, "supply", "need", "add", "--year", str(YEAR), "--village", "月球村", "--domain",
                       "教育", "--description", "x", "--budget", "很多", "--user", "clerk")
    assert code == 1 and err.splitlines()[0] == "需求未保存。"
    assert "「资金需求（万元）」：资金需求（万元）应为数字，现为“很多”" in err and "月球村" in err
    code, _, err = run(capsys, *base, "supply", "match-set", "7", "晋江市", "--user", "clerk")
    assert code == 1 and "没有第 7 号帮扶需求" in err
    code, _, err = run(capsys, *base, "supply", "need", "import", str(tmp_path / "没有.xlsx"), "--year", str(YEAR),
                       "--user", "clerk")
    assert code == 1 and "找不到文件" in err and "Traceback" not in err
