"""``fupin evaluate --score/--typical/--case-text`` and ``fupin commend …`` on the demo county (issue 14)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fupin_desktop.cli import main
from fupin_desktop.domain import clock

YEAR = clock.today().year
CASE = "组织志愿者每月入村，开设茶叶种植技能培训班 6 期，带动 38 户脱贫户户均增收 4200 元。"


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    monkeypatch.setenv("FUPIN_SEAL_PASSPHRASE", "demo")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _two_pairings(base: list[str], capsys) -> list[dict]:  # type: ignore[type-arg]
    code, out, _ = run(capsys, *base, "pairing", "list", "--json", "--user", "clerk")
    assert code == 0
    seen: set[str] = set()
    found = []
    for p in json.loads(out):
        if p["organization"] not in seen and p["term_start"][:4] <= str(YEAR) <= p["term_end"][:4]:
            seen.add(p["organization"])
            found.append(p)
    return found[:2]


def test_evaluate_with_score_and_typical_then_the_list_from_proposal_to_print(demo_dir: Path, capsys, signed_in,
                                                                               tmp_path: Path) -> None:
    base = ["--data-dir", str(demo_dir)]
    a, b = _two_pairings(base, capsys)
    evaluate = [*base, "evaluate", "--year", str(YEAR), "--user", "reviewer", "--grade"]
    code, _, err = run(capsys, *evaluate, "优秀", "--pairing", a["agreement_no"], "--score", "120")
    assert code == 1 and "评估得分应在 0–100 分之间" in err
    code, _, err = run(capsys, *evaluate, "合格", "--pairing", a["agreement_no"], "--typical", "--case-text", CASE)
    assert code == 1 and "不能选为典型" in err and "优秀或良好" in err
    code, _, err = run(capsys, *evaluate, "优秀", "--pairing", a["agreement_no"], "--case-text", CASE)
    assert code == 1 and "--typical" in err
    code, out, err = run(capsys, *evaluate, "优秀", "--pairing", a["agreement_no"], "--score", "96", "--typical",
                         "--case-text", CASE)
    assert code == 0, err
    assert "优秀，96 分，选为典型" in out
    code, out, _ = run(capsys, *base, "evaluate", "list", "--year", str(YEAR), "--user", "clerk")
    assert code == 0 and "96" in out and "典型" in out and "其中选为典型 1 对" in out

    commend = [*base, "commend"]
    code, out, err = run(capsys, *commend, "propose", "--year", str(YEAR), "--user", "clerk")
    assert code == 0, err
    assert a["organization"] in out and "不会自动添加" in out
    code, _, err = run(capsys, *commend, "add", "--year", str(YEAR), "--pairing", a["agreement_no"], "--user", "clerk")
    assert code == 1 and "没有“年终评估”的权限" in err
    code, out, err = run(capsys, *commend, "add", "--year", str(YEAR), "--pairing", a["agreement_no"], "--user",
                         "reviewer")
    assert code == 0, err
    assert f"先进单位 {a['organization']}" in out and "年终评估为优秀（96分），入选典型案例" in out
    code, out, err = run(capsys, *commend, "add", "--year", str(YEAR), "--person", "陈堃", "--work-unit",
                         b["organization"], "--reason", "驻村帮扶三年", "--user", "reviewer")
    assert code == 0, err
    code, _, err = run(capsys, *commend, "add", "--year", str(YEAR), "--unit", "某单位", "--person", "张三",
                       "--user", "reviewer")
    assert code == 1 and "二者选一" in err
    code, out, _ = run(capsys, *commend, "list", "--year", str(YEAR), "--json", "--user", "clerk")
    entries = json.loads(out)
    assert [(e["kind"], e["name"]) for e in entries] == [("unit", a["organization"]), ("individual", "陈堃")]
    code, out, _ = run(capsys, *commend, "list", "--year", str(YEAR), "--user", "clerk")
    assert "先进单位 1 个，先进个人 1 名" in out
    code, out, _ = run(capsys, *commend, "propose", "--year", str(YEAR), "--json", "--user", "clerk")
    assert [x["listed"] for x in json.loads(out)] == [True]

    code, out, err = run(capsys, *commend, "print", "--year", str(YEAR), "-o", str(tmp_path / "usb"), "--user",
                         "reviewer")
    assert code == 0, err
    pdf = Path(out.split("：", 1)[1].strip())
    assert pdf.exists() and pdf.parent == tmp_path / "usb" and "报送包（第 1 版）" in err
    text = "".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                                  text=True).stdout.split())
    assert "一、先进单位（1个）" in text and "二、先进个人（1名）" in text and "三、典型案例" in text and "陈堃" in text
    code, out, err = run(capsys, *commend, "print", "--year", str(YEAR), "-o", str(tmp_path / "draft"), "--draft",
                         "--user", "reviewer")
    assert code == 0 and "草稿" in out, err

    code, out, err = run(capsys, *commend, "remove", str(entries[1]["id"]), "--year", str(YEAR - 1), "--user",
                         "reviewer")
    assert code == 1 and "不是" in err
    code, out, err = run(capsys, *commend, "remove", str(entries[1]["id"]), "--year", str(YEAR), "--user", "reviewer")
    assert code == 0 and "已从" in out and "陈堃" in out, err


def test_rating_bonus_workbook(demo_dir: Path, capsys, signed_in, tmp_path: Path) -> None:
    base = ["--data-dir", str(demo_dir)]
    a, b = _two_pairings(base, capsys)
    for p, grade in ((a, "优秀"), (b, "合格")):
        code, _, err = run(capsys, *base, "evaluate", "--pairing", p["agreement_no"], "--year", str(YEAR), "--grade",
                           grade, "--score", "91", "--user", "reviewer")
        assert code == 0, err
    code, _, err = run(capsys, *base, "commend", "rating-bonus", "--year", str(YEAR), "--out",
                       str(tmp_path / "x.csv"), "--user", "reviewer")
    assert code == 1 and ".xlsx" in err
    target = tmp_path / "评估" / "加分.xlsx"
    code, out, err = run(capsys, *base, "commend", "rating-bonus", "--year", str(YEAR), "--out", str(target),
                         "--user", "reviewer")
    assert code == 0, err
    assert out.strip() == str(target) and "1 个社会组织、1 对结对" in err
    rows = [[c.value for c in row] for row in load_workbook(target).active.iter_rows(min_row=4)]
    assert [(r[1], r[4], r[6], r[7]) for r in rows] == [(a["organization"], a["agreement_no"], "优秀", 91)]
