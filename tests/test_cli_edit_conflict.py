"""``fupin org show`` / ``org edit --expect-version``: an edit made on a version someone else has
changed since is refused with the Chinese conflict message (exit 1, no traceback), nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fupin_desktop.cli import main


@pytest.fixture(autouse=True)
def demo_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _show(capsys: pytest.CaptureFixture[str], demo_dir: Path, org: str) -> dict[str, object]:
    code, out, err = run(capsys, "--data-dir", str(demo_dir), "org", "show", org, "--json")
    assert code == 0, err
    return dict(json.loads(out))


def test_a_stale_expect_version_is_refused_naming_who_changed_it(demo_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "--data-dir", str(demo_dir), "org", "list", "--json")
    first = json.loads(out)[0]
    assert code == 0 and isinstance(first["version"], int)
    opened = _show(capsys, demo_dir, str(first["id"]))
    assert opened["version"] == first["version"]

    code, out, err = run(capsys, "--data-dir", str(demo_dir), "org", "edit", str(first["id"]), "--user", "reviewer",
                         "--contact-person", "陈改", "--expect-version", str(opened["version"]))
    assert code == 0, err
    assert "已保存" in out

    code, out, err = run(capsys, "--data-dir", str(demo_dir), "org", "edit", str(opened["credit_code"]),
                         "--user", "clerk", "--contact-person", "林改", "--address", "青阳街道",
                         "--expect-version", str(opened["version"]))
    assert code == 1 and out == ""
    assert err.startswith(f"「{opened['name']}」在您打开之后已被 陈志明（审核人）于 ")
    assert "为避免覆盖别人的修改，这次没有保存。请重新载入后再改。" in err and "Traceback" not in err
    stored = _show(capsys, demo_dir, str(first["id"]))
    assert stored["contact_person"] == "陈改" and stored["address"] == opened["address"]
    assert stored["version"] == opened["version"] + 1

    # At the version shown now, the same edit goes through.
    code, _, err = run(capsys, "--data-dir", str(demo_dir), "org", "edit", str(first["id"]), "--user", "clerk",
                       "--contact-person", "林改", "--expect-version", str(stored["version"]))
    assert code == 0, err
    assert _show(capsys, demo_dir, str(first["id"]))["contact_person"] == "林改"


def test_show_prints_every_field_and_the_version_and_edit_needs_something_to_change(demo_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "--data-dir", str(demo_dir), "org", "list", "--json")
    first = json.loads(out)[0]
    code, out, _ = run(capsys, "--data-dir", str(demo_dir), "org", "show", first["credit_code"])
    assert code == 0 and f"组织名称：{first['name']}" in out and f"版本：{first['version']}" in out
    code, _, err = run(capsys, "--data-dir", str(demo_dir), "org", "edit", str(first["id"]), "--user", "clerk")
    assert code == 1 and "没有要修改的内容" in err
    code, _, err = run(capsys, "--data-dir", str(demo_dir), "org", "show", "99999")
    assert code == 1 and "找不到这个社会组织" in err
