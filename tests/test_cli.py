"""The command line: same use cases, exit 0 done / 1 refused / 2 usage, messages in Chinese on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fupin_desktop.cli import main
from fupin_desktop.domain.credit_code import make_credit_code

CODE = make_credit_code("5", "3", "350582", "MA2Y1234")


@pytest.fixture
def as_clerk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_org_add_refuses_a_bad_code_and_accepts_a_good_one(demo_dir: Path, capsys, as_clerk) -> None:
    base = ["--data-dir", str(demo_dir), "org", "add", "--user", "clerk", "--name", "晋江市星火助学基金会", "--kind", "基金会"]
    code, _, err = run(capsys, *base, "--credit-code", CODE[:-1] + ("1" if CODE[-1] != "1" else "2"))
    assert code == 1 and "统一社会信用代码" in err
    code, out, _ = run(capsys, *base, "--credit-code", CODE)
    assert code == 0 and "已新增" in out
    code, out, _ = run(capsys, "--data-dir", str(demo_dir), "org", "list", "--json", "-s", "星火助学")
    assert [o["credit_code"] for o in json.loads(out)] == [CODE]


@pytest.mark.parametrize("projects", [0, 3])
def test_pairing_add_with_zero_or_three_projects_is_refused(demo_dir: Path, capsys, as_clerk, projects: int) -> None:
    code, out, _ = run(capsys, "--data-dir", str(demo_dir), "org", "list", "--json")
    org = json.loads(out)[0]["credit_code"]
    args = ["--data-dir", str(demo_dir), "pairing", "add", "--user", "clerk", "--organization", org,
            "--target-kind", "村（社区）", "--target", "350582001004", "--signed-on", "2020-05-20",
            "--term-start", "2020-05-20", "--term-end", "2021-12-31"]
    args += ["--project", "助学圆梦|教育|直接捐赠|2|资助 5 名学生"] * projects
    code, _, err = run(capsys, *args)
    assert code == 1 and "合作项目应为 1–2 个" in err
    code, _, _ = run(capsys, *args[: len(args) - 2 * projects], "--project", "助学圆梦|教育|直接捐赠|2|资助 5 名学生")
    assert code == 0


def test_pairing_list_json_names_township_target_and_organization(demo_dir: Path, capsys, as_clerk) -> None:
    code, out, _ = run(capsys, "--data-dir", str(demo_dir), "pairing", "list", "--json", "--user", "clerk")
    rows = json.loads(out)
    assert code == 0 and len(rows) >= 100
    assert all(r["township"] and r["target"] and r["organization"] and r["projects"] for r in rows)
    assert sum(r["campaign"] == "百社解千难" for r in rows) >= 100


def test_changes_need_a_user_and_the_right_password(demo_dir: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "wrong")
    code, _, err = run(capsys, "--data-dir", str(demo_dir), "org", "add", "--user", "clerk", "--name", "x")
    assert code == 1 and "用户名或密码不正确" in err


def test_usage_error_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["org", "frobnicate"])
    assert caught.value.code == 2


def test_init_creates_a_county_with_its_places(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "s3cret")
    code, _, _ = run(capsys, "init", "--data-dir", str(tmp_path), "--bureau", "晋江市民政局", "--division", "350582",
                     "--admin", "boss")
    assert code == 0
    code, out, _ = run(capsys, "places", "list", "--data-dir", str(tmp_path))
    assert "青阳街道" in out and out.count("\n") == 23  # header + 22 township-level units
    code, _, err = run(capsys, "init", "--data-dir", str(tmp_path), "--bureau", "x", "--division", "350582",
                       "--admin", "boss")
    assert code == 1 and "已经初始化" in err


def test_demo_never_overwrites_a_real_database(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "s3cret")
    run(capsys, "init", "--data-dir", str(tmp_path), "--bureau", "某县民政局", "--division", "350582", "--admin", "boss")
    code, _, err = run(capsys, "demo", "--data-dir", str(tmp_path), "--force")
    assert code == 1 and "正式数据库" in err


def test_bureau_letter_settings_are_set_by_an_admin_and_checked(demo_dir: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    base = ["--data-dir", str(demo_dir), "bureau"]
    code, out, _ = run(capsys, *base, "show")
    assert code == 0 and "机关代字：晋民" in out and "主送机关：泉州市民政局" in out
    code, _, err = run(capsys, *base, "set", "--agency-code", "晋民〔2026〕", "--user", "admin")
    assert code == 1 and "1 到 8 个汉字" in err
    code, _, err = run(capsys, *base, "set", "--agency-code", "石民", "--user", "clerk")
    assert code == 1 and "管理用户" in err
    code, out, _ = run(capsys, *base, "set", "--agency-code", "石民", "--recipient", "", "--user", "admin")
    assert code == 0 and "机关代字：石民" in out and "主送机关：（未设置）" in out


def test_demo_flag_runs_any_command_on_the_demo_county(demo_dir: Path, capsys, as_clerk,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fupin_desktop.paths.demo_data_dir", lambda: demo_dir)  # the test's own copy
    code, out, _ = run(capsys, "--demo", "--user", "clerk", "org", "list", "--json", "-s", "包装培训")
    assert code == 0 and [o["name"] for o in json.loads(out)] == ["晋江市包装培训学校"]


def test_monthly_template_o_takes_a_file_name_for_one_township_and_a_folder_for_many(
        demo_dir: Path, capsys, as_clerk, tmp_path: Path) -> None:
    base = ["--data-dir", str(demo_dir), "monthly", "template", "--user", "clerk", "--period", "2026-09"]
    code, out, _ = run(capsys, *base, "--township", "安海镇", "-o", str(tmp_path / "U盘" / "安海镇.xlsx"))
    assert code == 0 and (tmp_path / "U盘" / "安海镇.xlsx").is_file() and out.strip().endswith("安海镇.xlsx")
    code, _, err = run(capsys, *base, "-o", str(tmp_path / "全部.xlsx"))
    assert code == 1 and "只能写一个镇（街道）" in err and not (tmp_path / "全部.xlsx").exists()
    code, out, _ = run(capsys, *base, "-o", str(tmp_path / "各镇"))
    assert code == 0 and len(list((tmp_path / "各镇").glob("*.xlsx"))) == len(out.split()) > 1
