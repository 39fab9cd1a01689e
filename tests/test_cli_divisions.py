"""``fupin places load-divisions``: still one step (preview and apply, services.division_update)."""

from __future__ import annotations

from pathlib import Path

import pytest
from division_files import newer_table

from fupin_desktop.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_load_divisions_loads_a_newer_table_and_refuses_a_wrong_one(demo_dir: Path, tmp_path: Path, capsys,
                                                                    monkeypatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    newer = newer_table(tmp_path / "div")
    base = ["--data-dir", str(demo_dir), "places", "load-divisions"]
    code, _, err = run(capsys, *base, str(newer.path), "--user", "clerk")
    assert code == 1 and "载入新年度区划代码表" in err
    wrong = tmp_path / "区划.csv"
    wrong.write_text("code,name\n", encoding="utf-8")
    code, _, err = run(capsys, *base, str(wrong), "--user", "admin")
    assert code == 1 and str(wrong) in err and "无法识别" in err
    code, out, _ = run(capsys, *base, str(newer.path), "--user", "admin")
    assert code == 0 and "新增 1 个单位，更名 1 个；新表中已无的 1 个保留未删" in out
    code, out, _ = run(capsys, "--data-dir", str(demo_dir), "audit", "list", "--limit", "1", "--user", "admin")
    assert code == 0 and "载入 2025 年区划代码（divisions-2025.tsv.xz）：新增 1，更名 1，表中已无 1" in out
