"""``fupin visit …`` on the demo county (issue 14: 年初部署、年中检查、年终验收 and their 整改)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from fupin_desktop.cli import main
from fupin_desktop.services import visits


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def visited(today: date) -> date:
    return today - timedelta(days=40)


@pytest.fixture
def target(reviewer, visited: date) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(agreement number, its township) of a pairing in term in the visit's year."""
    number, label = next((no, label) for no, label in visits.pairing_choices(reviewer, visited.year)
                         if not label.endswith("（县外或组织结对）"))
    return number, label.rsplit("（", 1)[1].rstrip("）")


def test_add_list_rectified_overdue(demo_dir: Path, capsys, signed_in, reviewer, target, today: date,
                                   visited: date) -> None:
    number, town = target
    base = ["--data-dir", str(demo_dir)]
    deadline = visited + timedelta(days=10)
    code, out, err = run(capsys, *base, "visit", "add", "--kind", "年中检查", "--year", str(visited.year), "--pairing",
                         number, "--on", visited.strftime("%Y%m%d"), "--inspectors", "张连侨、王芳",
                         "--findings", "帮扶台账齐全", "--problems", "培训记录缺失", "--rectification", "补齐培训记录",
                         "--rectify-by", deadline.isoformat(), "--user", "reviewer")
    assert code == 0, err
    assert out.startswith(f"已登记第 1 号检查：{visited.year} 年度年中检查，{number} ")
    assert f"整改要求：补齐培训记录，期限 {deadline}" in out
    code, out, err = run(capsys, *base, "visit", "add", "--kind", "deployment", "--year", str(visited.year),
                         "--township", town, "--on", visited.isoformat(), "--inspectors", "吴丽婷", "--user",
                         "reviewer")
    assert code == 0, err
    assert f"已登记第 2 号检查：{visited.year} 年度年初部署，{town}，{visited}" in out

    code, out, err = run(capsys, *base, "visit", "list", "--year", str(visited.year), "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert [(x["id"], x["kind_label"], x["agreement_no"], x["township"]) for x in listed] == [
        (1, "年中检查", number, town), (2, "年初部署", "", town)]
    assert listed[0]["rectify_state"] == f"逾期 {(today - deadline).days} 天" and listed[1]["rectify_state"] == "无需整改"
    code, out, _ = run(capsys, *base, "visit", "list", "--year", str(visited.year), "--kind", "年初部署")
    assert code == 0 and "年初部署" in out and number not in out
    assert f"{visited.year} 年度共 1 次检查，整改未完成 0 项" in out

    code, out, err = run(capsys, *base, "visit", "overdue", "--json")
    assert code == 0, err
    overdue = json.loads(out)
    assert [(o["source"], o["id"], o["days_overdue"], o["rectify_by"]) for o in overdue] == [
        ("visit", 1, (today - deadline).days, deadline.isoformat())]
    code, out, _ = run(capsys, *base, "visit", "overdue")
    assert code == 0 and f"截至 {today}，逾期未完成的整改 1 项" in out and number in out

    code, out, err = run(capsys, *base, "visit", "rectified", "1", "--on", today.isoformat(), "--note",
                         "已补齐培训记录，镇社会事务办复核", "--user", "reviewer")
    assert code == 0, err
    assert f"已登记第 1 号检查（年中检查，{number}" in out and f"整改完成：{today}" in out
    code, out, _ = run(capsys, *base, "visit", "overdue", "--json")
    assert json.loads(out) == []

    code, out, err = run(capsys, *base, "visit", "edit", "2", "--problems", "部署会议记录未归档", "--user", "reviewer")
    assert code == 0, err
    assert out.startswith("已修改第 2 号检查")
    assert visits.get_visit(reviewer, 2).problems == "部署会议记录未归档"


def test_refusals_are_chinese_lines_and_exit_1(demo_dir: Path, capsys, signed_in, target, today: date,
                                               visited: date) -> None:
    number, town = target
    base = ["--data-dir", str(demo_dir)]
    add = [*base, "visit", "add", "--kind", "年中检查", "--year", str(visited.year), "--inspectors", "王芳"]

    code, out, err = run(capsys, *add, "--pairing", "JD1999-0001", "--on", (today + timedelta(days=3)).isoformat(),
                         "--user", "reviewer")
    assert code == 1 and out == "" and "Traceback" not in err
    assert "检查记录未保存" in err and "「结对协议编号」：没有协议编号为“JD1999-0001”的结对" in err
    assert f"「检查日期」：{today + timedelta(days=3)} 还没到" in err
    code, _, err = run(capsys, *add, "--township", "火星镇", "--on", visited.isoformat(), "--rectification", "补台账",
                       "--rectify-by", (visited - timedelta(days=2)).isoformat(), "--user", "reviewer")
    assert code == 1
    assert "「镇（街道）」：本县没有名为“火星镇”的镇（街道）" in err and "「整改期限」" in err and "早于检查日期" in err
    code, _, err = run(capsys, *add, "--pairing", number, "--on", "上个月", "--user", "reviewer")
    assert code == 1 and err.startswith("--on：")
    code, _, err = run(capsys, *add, "--pairing", number, "--township", town, "--on", visited.isoformat(),
                       "--user", "reviewer")
    assert code == 1 and "结对协议编号和镇（街道）只写一个" in err
    code, _, err = run(capsys, *add, "--pairing", number, "--on", visited.isoformat(), "--user", "clerk")
    assert code == 1 and "没有“年终评估”的权限" in err
    code, _, err = run(capsys, *add, "--pairing", number, "--on", visited.isoformat())
    assert code == 1 and "这个命令需要登录" in err
    code, _, err = run(capsys, *base, "visit", "rectified", "99", "--on", today.isoformat(), "--note", "x",
                       "--user", "reviewer")
    assert code == 1 and "没有第 99 号检查记录" in err
    code, _, err = run(capsys, *base, "visit", "list", "--year", str(visited.year), "--kind", "抽查")
    assert code == 1 and "检查类别应为 年初部署、年中检查、年终验收 之一" in err
    code, out, _ = run(capsys, *base, "visit", "list", "--year", str(visited.year))
    assert code == 0 and f"{visited.year} 年度共 0 次检查" in out
