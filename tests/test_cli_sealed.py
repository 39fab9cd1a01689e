"""Sealed submissions on the command line: submit, trust, verify (exit codes and --json), receive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fupin_desktop.cli import main
from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_submit_trust_verify_receive(demo_dir: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    monkeypatch.setenv("FUPIN_SEAL_PASSPHRASE", "demo")
    month = str(Period.of_date(clock.today()).previous().previous())
    county = ["--data-dir", str(demo_dir)]
    code, _, err = run(capsys, *county, "--user", "clerk", "submit", "monthly", "--period", month, "-o", str(tmp_path))
    assert code == 1 and "没有" in err and "权限" in err  # a clerk does not hold the seal
    code, out, _ = run(capsys, *county, "--user", "reviewer", "submit", "monthly", "--period", month,
                       "-o", str(tmp_path / "usb"))
    assert code == 0
    package = next((tmp_path / "usb").glob("*.zip"))
    code, out, _ = run(capsys, *county, "--user", "reviewer", "seal", "export-cert", "-o", str(tmp_path / "jj.pem"))
    fingerprint = out.rsplit("：", 1)[1].strip()
    assert (tmp_path / "jj.pdf").exists()

    city = ["--data-dir", str(tmp_path / "city")]
    assert run(capsys, "init", *city, "--bureau", "泉州市民政局", "--division", "350500", "--admin", "admin")[0] == 0
    code, out, _ = run(capsys, *city, "verify", "--json", str(package))
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["trusted"] is False
    assert {"ok", "intact", "trusted", "signer", "division", "report", "period", "version", "problems"} <= set(report)
    code, _, err = run(capsys, *city, "--user", "admin", "trust", "add", str(tmp_path / "jj.pem"), "--division", "350582",
                       "--fingerprint", "0000 1111")
    assert code == 1 and "不一致" in err
    code, _, _ = run(capsys, *city, "--user", "admin", "trust", "add", str(tmp_path / "jj.pem"), "--division", "350582",
                     "--fingerprint", fingerprint)
    assert code == 0
    code, out, _ = run(capsys, *city, "verify", "--json", str(package))
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["division"] == "350582" and report["period"] == month
    code, out, _ = run(capsys, *city, "--user", "admin", "receive", str(package))
    assert code == 0 and "已接收" in out
    code, out, _ = run(capsys, *city, "--user", "admin", "aggregate", "monthly", "--period", month, "-o", str(tmp_path / "agg"))
    assert code == 0 and len(list((tmp_path / "agg").iterdir())) == 2

    export = tmp_path / "audit.json"
    assert run(capsys, *county, "--user", "reviewer", "audit", "export", "-o", str(export))[0] == 0
    code, out, _ = run(capsys, *city, "audit", "check", str(export))
    assert code == 0 and "完整" in out


def test_the_letter_is_drafted_then_sealed_as_the_reviewer_wrote_it(demo_dir: Path, tmp_path: Path, capsys,
                                                                     monkeypatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    monkeypatch.setenv("FUPIN_SEAL_PASSPHRASE", "demo")
    month = str(Period.of_date(clock.today()).previous().previous())
    county = ["--data-dir", str(demo_dir), "--user", "reviewer"]
    code, out, _ = run(capsys, *county, "letter-draft", "monthly", "--period", month)
    assert code == 0 and out.startswith("主送机关：泉州市民政局") and "特此报告。" in out
    body = tmp_path / "正文.txt"
    body.write_text("各镇（街道）均按时报送。\n特此报告。\n", encoding="utf-8")
    base = [*county, "submit", "monthly", "--period", month, "-o", str(tmp_path / "usb"), "--body-file", str(body)]
    code, _, err = run(capsys, *base, "--recipient", " ")
    assert code == 1 and "主送机关不能为空" in err and not list(tmp_path.glob("usb/*.zip"))
    code, out, _ = run(capsys, *base, "--recipient", "泉州市民政局社会组织管理局")
    assert code == 0 and "已盖章报送" in out
