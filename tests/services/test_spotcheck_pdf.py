"""The 信息核对和抽查情况表 as a 公文 附件 PDF (issue 14): its text, that the table stays inside the
page, ``fupin spotcheck print``, and the state each check is shown in."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pdfplumber
import pytest

from fupin_desktop.cli import main
from fupin_desktop.documents.report_table import LAND_MARGIN
from fupin_desktop.domain import clock
from fupin_desktop.services import spotcheck

YEAR = clock.today().year
HANGING = "，。；：、！？）”’》"
FINDING = "走访村委会和受助户，帮扶资金5万元已到位，但部分物资未发放到户，台账与月报数字不一致"


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    # -raw: in the order drawn, so the wrapped lines of one cell follow each other.
    return "".join(subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())


def test_the_pdf_has_the_title_the_agreement_the_finding_and_how_it_was_drawn(reviewer, tmp_path: Path) -> None:
    view = spotcheck.draw(reviewer, YEAR, 30, "20261118")
    first, second = view.checks[0], view.checks[1]
    today = clock.today()
    spotcheck.record(reviewer, view.summary.id, first.agreement_no, checked_on=today, method="实地", findings=FINDING,
                     truthful=False, rectification="补交物资发放签收表", rectify_by=today + timedelta(days=30))
    spotcheck.record(reviewer, view.summary.id, second.agreement_no, checked_on=today, method="电话", truthful=True)
    path = spotcheck.write_pdf(reviewer, view.summary.id, tmp_path / "sub" / "抽查.pdf")
    assert path == tmp_path / "sub" / "抽查.pdf" and not list(path.parent.glob(".*.part"))
    text = pdf_text(path)
    assert text.startswith("附件") or "附件" in text[:40]
    assert f"{YEAR}年度结对帮扶信息核对和抽查情况表" in text and "随机种子：20261118" in text
    assert first.agreement_no in text and FINDING in text and "补交物资发放签收表" in text
    assert "不属实" in text and (today + timedelta(days=30)).isoformat() in text
    assert "填报单位：晋江市民政局（盖章）" in text and "审核人：陈志明" in text
    assert f"抽取{view.summary.drawn}个" in text and "属实1个，不属实1个" in text
    assert all(c.agreement_no in text for c in view.checks)  # every row, over several pages
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            assert page.width > page.height  # landscape A4
            right = page.width - LAND_MARGIN + 1
            # The notes under the table may hang a closing mark past the edge (CJK 避头, as in every
            # report); nothing else, and nothing of the table, goes past the margins.
            outside = [c["text"] for c in page.chars
                       if c["x0"] < LAND_MARGIN - 1 or (c["x1"] > right and c["text"] not in HANGING)]
            assert outside == [], outside


def test_a_clerk_prints_without_being_named_reviewer(clerk, reviewer, tmp_path: Path) -> None:
    view = spotcheck.draw(reviewer, YEAR, 3, "s")
    text = pdf_text(spotcheck.write_pdf(clerk, view.summary.id, tmp_path / "a.pdf"))
    assert "审核人：联系电话" in text  # the line left for the reviewer to sign


def test_fupin_spotcheck_print(demo_dir: Path, capsys, monkeypatch, reviewer, tmp_path: Path) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    base = ["--data-dir", str(demo_dir), "spotcheck", "print", "--year", str(YEAR)]
    target = tmp_path / "out" / "抽查.pdf"
    assert main([*base, "--out", str(target), "--user", "clerk"]) == 1
    assert f"{YEAR} 年度还没有抽取抽查样本" in capsys.readouterr().err
    older = spotcheck.draw(reviewer, YEAR, 4, "a")
    newer = spotcheck.draw(reviewer, YEAR, 5, "b")
    assert main([*base, "--out", str(target), "--user", "clerk"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(target) and f"打印最新的第 {newer.summary.id} 号" in err
    assert all(c.agreement_no in pdf_text(target) for c in newer.checks)
    assert main([*base, "--sample", str(older.summary.id), "-o", str(target), "--user", "clerk"]) == 0
    capsys.readouterr()
    assert "随机种子：a" in pdf_text(target)
    assert main([*base, "--sample", "99", "-o", str(target), "--user", "clerk"]) == 1
    assert "第 99 号抽查样本不是" in capsys.readouterr().err
    assert main([*base, "-o", str(target)]) == 1  # writes a file: a login
    assert "需要登录" in capsys.readouterr().err


def test_the_state_of_a_check(reviewer) -> None:
    view = spotcheck.draw(reviewer, YEAR, 1, "s")
    today = clock.today()
    later = today + timedelta(days=3)
    base = view.checks[0]
    assert base.state(today) == "未核查"
    checked = replace(base, checked_on=today, method="电话")
    assert checked.state(today) == "待定"
    assert replace(checked, truthful=True).state(today) == "已核查"
    asked = replace(checked, truthful=False, rectification="补材料", rectify_by=later)
    assert asked.state(today) == "整改中" and asked.state(later) == "整改中"
    assert asked.state(later + timedelta(days=1)) == "整改逾期"
    assert replace(asked, follow_up="已补交").state(later + timedelta(days=9)) == "已跟进"
    assert replace(checked, truthful=True, rectification="补材料").state(today) == "整改中"
