"""``fupin spotcheck …`` on the demo county (issue 14, 信息核对和抽查)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fupin_desktop.cli import main
from fupin_desktop.domain import clock
from fupin_desktop.services import spotcheck

YEAR = clock.today().year
AGREEMENT = re.compile(r"\bJD\d{4}-\d{4}\b")


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_same_seed_prints_the_same_sample_then_record_show_export(demo_dir: Path, capsys, signed_in,
                                                                  tmp_path: Path) -> None:
    base = ["--data-dir", str(demo_dir)]
    draw = [*base, "spotcheck", "sample", "--year", str(YEAR), "--size", "10", "--seed", "2026-11-18", "--user",
            "reviewer"]
    code, first, err = run(capsys, *draw)
    assert code == 0, err
    assert f"第 1 号抽查样本：{YEAR} 年度，种子 2026-11-18，抽取 10 个" in first and "已记录抽查样本（第 1 号）" in err
    code, second, _ = run(capsys, *draw)
    assert code == 0 and "第 2 号抽查样本" in second
    numbers = AGREEMENT.findall(first)
    assert len(numbers) == 10 and AGREEMENT.findall(second) == numbers

    code, out, err = run(capsys, *base, "spotcheck", "record", "1", "--pairing", numbers[0], "--date",
                         clock.today().isoformat(), "--method", "电话", "--findings", "与村委会电话核实",
                         "--truthful", "是", "--user", "reviewer")
    assert code == 0, err
    assert f"已登记第 1 号样本第 1 项：{numbers[0]}" in out and "电话核查，属实" in out

    code, out, _ = run(capsys, *base, "spotcheck", "list", "--year", str(YEAR), "--json")
    listed = json.loads(out)
    assert [(x["id"], x["seed"], x["drawn"], x["truthful"]) for x in listed] == [(1, "2026-11-18", 10, 1),
                                                                                (2, "2026-11-18", 10, 0)]
    code, out, _ = run(capsys, *base, "spotcheck", "show", "1", "--user", "clerk")
    assert code == 0 and "抽查 10 个，属实 1 个，不属实 0 个，未核查 9 个" in out

    target = tmp_path / "out" / "抽查.xlsx"
    code, out, err = run(capsys, *base, "spotcheck", "export", "1", "-o", str(target), "--user", "clerk")
    assert code == 0, err
    ws = load_workbook(out.strip()).active
    assert ws["A1"].value == f"{YEAR} 年度结对帮扶信息核对抽查情况表（种子 2026-11-18）"
    assert [ws.cell(4, c).value for c in (1, 3, 7, 8, 9)] == [1, numbers[0], "电话", "与村委会电话核实", "属实"]


def test_bad_input_is_one_chinese_line_and_a_refusal(demo_dir: Path, capsys, signed_in, reviewer) -> None:
    base = ["--data-dir", str(demo_dir)]
    view = spotcheck.draw(reviewer, YEAR, 4, "x")
    sid, first = str(view.summary.id), view.checks[0].agreement_no
    today = clock.today().isoformat()
    record = [*base, "spotcheck", "record", sid, "--pairing", first, "--date", today, "--user", "reviewer"]

    code, out, err = run(capsys, *record, "--method", "其他")
    assert code == 1 and out == ""
    assert "核查结果未保存" in err and "「核查方式」：应为 实地、电话、材料 之一，而不是“其他”" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, *record, "--method", "实地", "--truthful", "大概")
    assert code == 1 and "--truthful（是否属实）应为 是、否 或 未定" in err
    code, _, err = run(capsys, *record, "--method", "实地", "--rectify-by", "下个月")
    assert code == 1 and err.startswith("--rectify-by：")
    code, _, err = run(capsys, *[a if a != today else "2026-02-30" for a in record], "--method", "实地")
    assert code == 1 and "不是有效日期" in err
    # A clerk may look, not judge.
    code, _, err = run(capsys, *[a if a != "reviewer" else "clerk" for a in record], "--method", "实地")
    assert code == 1 and "没有“年终评估”的权限" in err
    code, _, err = run(capsys, *base, "spotcheck", "sample", "--year", str(YEAR), "--size", "0", "--seed", "s",
                       "--user", "reviewer")
    assert code == 1 and "「抽查数量」：应至少为 1" in err
    code, _, err = run(capsys, *base, "spotcheck", "show", "99", "--user", "clerk")
    assert code == 1 and "没有第 99 号抽查样本" in err
    code, _, err = run(capsys, *base, "spotcheck", "record", sid, "--pairing", first, "--date", today, "--method",
                       "实地")
    assert code == 1 and "需要登录" in err
    assert spotcheck.get_sample(reviewer, view.summary.id).checks[0].checked_on is None  # nothing recorded
