"""``fupin campaign add|edit|list``: a bureau creates its own 专项行动 with targets (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fupin_desktop.cli import main
from fupin_desktop.domain import clock


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_edit_and_list_a_campaign_with_targets(demo_dir: Path, capsys, signed_in) -> None:
    base = ["--data-dir", str(demo_dir)]
    year = str(clock.today().year)
    code, _out, err = run(capsys, *base, "campaign", "add", "--user", "clerk", "--name", "春蕾助学行动",
                          "--year", year, "--target-organizations", "100", "--target-villages", "80")
    assert code == 0, err
    code, out, _ = run(capsys, *base, "campaign", "list", "--json")
    made = next(c for c in json.loads(out) if c["name"] == "春蕾助学行动")
    assert (made["target_organizations"], made["target_villages"], made["pairings"]) == (100, 80, 0)

    code, _out, err = run(capsys, *base, "campaign", "edit", "春蕾助学行动", "--user", "clerk", "--target-villages", "120")
    assert code == 0, err
    code, out, _ = run(capsys, *base, "campaign", "list")
    assert "春蕾助学行动" in out and "0/120" in out and "0/100" in out

    code, _out, err = run(capsys, *base, "campaign", "add", "--user", "clerk", "--name", "春蕾助学行动", "--year", year)
    assert code != 0 and "已有同名的专项行动" in err and "Traceback" not in err
    code, _out, err = run(capsys, *base, "campaign", "edit", "春蕾助学行动", "--user", "clerk", "--target-villages", "-5")
    assert code != 0 and "目标村（社区）数" in err
    code, _out, err = run(capsys, *base, "campaign", "edit", "没有这个行动", "--user", "clerk", "--year", year)
    assert code != 0 and "没有名为或编号为“没有这个行动”的专项行动" in err
