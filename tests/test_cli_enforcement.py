"""``fupin enforcement list|mark|export`` on the demo county: the lists with headings and counts,
marking handled, the workbook, and refusals as one Chinese line with a non-zero exit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from fupin_desktop.cli import main
from fupin_desktop.domain import clock
from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.services import enforcement, organizations
from fupin_desktop.services.enforcement import EnforcementKind
from fupin_desktop.store.models import Organization, Pairing

YEAR = clock.today().year
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def signed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")


def run(capsys: pytest.CaptureFixture[str], demo_dir: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(demo_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _deregister_a_paired_organization(ctx) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """Plant a 已注销 organization still in a pairing: (its name, credit code, agreement number)."""
    with ctx.db.reading() as s:
        org, agreement = s.execute(select(Organization, Pairing.agreement_no).join(
            Pairing, Pairing.organization_id == Organization.id).where(
            Pairing.status == "active", Organization.status == "active").order_by(Pairing.id).limit(1)).one()
    view = organizations.get_organization(ctx, org.id)
    organizations.save_organization(ctx, {**view.values, "status": "已注销"}, org.id)
    return org.name, org.credit_code, agreement


def test_list_mark_and_export(demo_dir: Path, clerk, capsys, signed, tmp_path: Path) -> None:
    name, code, agreement = _deregister_a_paired_organization(clerk)
    rc, out, err = run(capsys, demo_dir, "enforcement", "list", "--year", str(YEAR))
    assert rc == 0, err
    counts = {k: len([c for c in enforcement.cases(clerk, k, YEAR) if c.listed]) for k in EnforcementKind}
    for kind in EnforcementKind:  # a heading per list with its count, in this order
        assert f"【{kind.label}】{YEAR} 年度 {counts[kind]} 个社会组织，已处理 0 个" in out
    assert out.index("【无公开募捐资格") < out.index("【全年未参与") < out.index("【已注销") < out.index("【抽查")
    assert counts[EnforcementKind.DEREGISTERED] == 1
    section = out[out.index("【已注销"):out.index("【抽查")]
    assert name in section and code in section and agreement in section and "未处理" in section
    assert "（没有发现此类情形）" in out[out.index("【抽查"):]

    rc, out, err = run(capsys, demo_dir, "enforcement", "mark", "--kind", "deregistered_in_active_pairing",
                       "--org", code, "--year", str(YEAR), "--note", "已函告业务主管单位，协议终止", "--user", "clerk")
    assert rc == 0, err
    assert out.startswith(f"已标记：{name}（{code}）") and "已函告业务主管单位，协议终止" in out

    rc, out, _ = run(capsys, demo_dir, "enforcement", "list", "--year", str(YEAR), "--kind", "已注销或年检不合格仍在结对期内",
                     "--json")
    assert rc == 0
    [group] = json.loads(out)
    assert group["kind"] == "deregistered_in_active_pairing" and group["count"] == 1 and group["handled"] == 1
    [case] = group["cases"]
    assert case["credit_code"] == code and case["handled"] and case["handled_by"] == "clerk"
    assert case["note"] == "已函告业务主管单位，协议终止" and agreement in case["reason"]

    target = tmp_path / "查处线索.xlsx"
    rc, out, err = run(capsys, demo_dir, "enforcement", "export", "--year", str(YEAR), "-o", str(target),
                       "--user", "clerk")
    assert rc == 0, err
    assert f"已写出：{target}" in err
    ws = load_workbook(target)[enforcement.SHEETS[EnforcementKind.DEREGISTERED]]
    assert ws["A1"].value.endswith("已注销或年检不合格仍在结对期内")
    assert [c.value for c in ws[4]][1:3] == [name, code] and ws.cell(4, 6).value == "已处理"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"


@pytest.mark.parametrize(("argv", "expected"), [
    (["mark", "--kind", "no_activity", "--org", "ORG", "--note", "  ", "--user", "clerk"], "不能为空"),
    (["mark", "--kind", "no_activity", "--org", make_credit_code("5", "1", "350582", "MA2Y0QQQ"),
      "--note", "已核查", "--user", "clerk"], "名册里没有"),
    (["mark", "--kind", "no_activity", "--org", "ORG", "--note", "已核查", "--user", "clerk"], "不在"),
    (["mark", "--kind", "no_activity", "--org", "ORG", "--note", "已核查"], "需要登录"),
    (["mark", "--kind", "没有这类", "--org", "ORG", "--note", "已核查", "--user", "clerk"], "名单类别不对"),
    (["list", "--kind", "nothing"], "名单类别不对"),
    (["export", "-o", "OUT/查处.csv", "--user", "clerk"], ".xlsx"),
    (["export", "-o", "OUT/查处.xlsx"], "需要登录"),
])
def test_refusals_are_chinese_lines(demo_dir: Path, clerk, capsys, signed, tmp_path: Path,
                                    argv: list[str], expected: str) -> None:
    code = _deregister_a_paired_organization(clerk)[1]  # on the 已注销 list, not on the 无活动 one
    argv = [a.replace("ORG", code).replace("OUT", str(tmp_path)) for a in argv]
    rc, out, err = run(capsys, demo_dir, "enforcement", *argv, "--year", str(YEAR))
    assert rc != 0 and expected in err and CJK.search(err) and "Traceback" not in out + err
    assert not (tmp_path / "查处.xlsx").exists()


def test_bad_year_is_refused(demo_dir: Path, capsys) -> None:
    rc, _, err = run(capsys, demo_dir, "enforcement", "list", "--year", str(YEAR + 1))
    assert rc != 0 and f"应在 2000–{YEAR} 之间" in err
    with pytest.raises(SystemExit) as exited:
        main(["--data-dir", str(demo_dir), "enforcement", "list", "--year", "明年"])
    assert exited.value.code != 0 and "应为整数" in capsys.readouterr().err
