"""``fupin inspection …`` and ``fupin attachment check`` on the demo county."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from fupin_desktop.cli import main
from fupin_desktop.cli.inspections import attachments_with_roles
from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import AttachmentRole
from fupin_desktop.services import inspections
from fupin_desktop.store.models import Organization, Pairing, Township
from fupin_desktop.store.models_annual import StoredContent

YEAR = clock.today().year
RECEIVED = (clock.today() - timedelta(days=2)).isoformat()  # handed in two days ago


@pytest.fixture
def as_clerk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def paired(ctx) -> list[Organization]:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return list(s.scalars(select(Organization).join(Pairing, Pairing.organization_id == Organization.id)
                              .where(Pairing.term_end >= date(YEAR, 1, 1)).order_by(Organization.id).distinct()))


def pdf(path: Path, text: str = "") -> str:
    path.write_bytes(b"%PDF-1.4\n% " + (text or path.name).encode() + b"\n")
    return str(path)


def test_attach_roles_by_suffix_or_position() -> None:
    got = attachments_with_roles(["a.pdf", "b.pdf", "c.jpg", "d.pdf:协议", r"C:\材料\e.pdf", r"C:\材料\f.png:照片",
                                  "g.pdf：工作计划", "h.pdf:receipt"])
    assert [(p.name if "\\" not in str(p) else str(p), r) for p, r in got] == [
        ("a.pdf", AttachmentRole.WORK_REPORT), ("b.pdf", AttachmentRole.WORK_PLAN), ("c.jpg", AttachmentRole.OTHER),
        ("d.pdf", AttachmentRole.AGREEMENT), (r"C:\材料\e.pdf", AttachmentRole.OTHER),
        (r"C:\材料\f.png", AttachmentRole.PHOTO), ("g.pdf", AttachmentRole.WORK_PLAN),
        ("h.pdf", AttachmentRole.RECEIPT)]


def test_add_list_checklist_draft_and_check(demo_dir: Path, clerk, capsys, as_clerk, tmp_path: Path) -> None:
    orgs = paired(clerk)
    org = orgs[0]
    base = ["--data-dir", str(demo_dir)]
    code, out, err = run(capsys, *base, "inspection", "add", "--user", "clerk", "--org", org.credit_code,
                         "--year", str(YEAR), "--result", "合格", "--received", RECEIVED, "--remarks", "按时报送",
                         "--attach", pdf(tmp_path / "情况.pdf"), pdf(tmp_path / "计划.pdf"),
                         "--attach", pdf(tmp_path / "现场.pdf") + ":照片")
    assert code == 0, err
    assert "已保存" in out and out.count("已附上") == 3
    code, out, _ = run(capsys, *base, "inspection", "list", "--year", str(YEAR), "--json")
    [listed] = json.loads(out)
    assert listed["credit_code"] == org.credit_code and listed["result"] == "qualified" and listed["missing"] == []
    assert [a["role"] for a in listed["attachments"]] == ["work_report", "work_plan", "photo"]
    assert listed["received_on"] == RECEIVED

    # Only the work report: the reminder names what is still missing.
    second = orgs[1]
    code, _, err = run(capsys, *base, "inspection", "add", "--user", "clerk", "--org", second.credit_code,
                       "--year", str(YEAR), "--result", "基本合格", "--attach", pdf(tmp_path / "只有情况.pdf"))
    assert code == 0 and "还缺 年度工作计划" in err

    xlsx = tmp_path / "清单.xlsx"
    code, out, err = run(capsys, *base, "inspection", "checklist", "--user", "clerk", "--year", str(YEAR), "--json",
                         "-o", str(xlsx))
    rows = json.loads(out)
    assert code == 0 and str(xlsx) in err
    codes = {r["credit_code"]: r["missing_text"] for r in rows}
    assert org.credit_code not in codes and codes[second.credit_code] == "年度工作计划"
    assert len(codes) == len(orgs) - 1
    assert load_workbook(xlsx).active.max_row == 3 + len(rows)
    with clerk.db.reading() as s:
        town = s.scalar(select(Township.name).join(Pairing).where(Pairing.organization_id == second.id))
    code, out, _ = run(capsys, *base, "inspection", "checklist", "--user", "clerk", "--year", str(YEAR),
                       "--township", town)
    assert code == 0 and second.name in out and "个参与结对帮扶的社会组织" in out

    code, out, _ = run(capsys, *base, "inspection", "draft", "--user", "clerk", "--org", org.credit_code,
                       "--year", str(YEAR), "-o", str(tmp_path / "draft"))
    pdf_path, xlsx_path = (Path(line) for line in out.split())
    assert code == 0 and pdf_path.read_bytes().startswith(b"%PDF") and load_workbook(xlsx_path)

    code, out, _ = run(capsys, *base, "attachment", "check")
    assert code == 0 and "完好" in out
    view = inspections.get_inspection(clerk, org.id, YEAR)
    if clerk.db.on_server:  # the bytes are in the server's database: changed there
        with clerk.db.transaction() as s:
            s.get(StoredContent, view.attachments[0].sha256).content = b"%PDF-1.4\n% changed\n"
    else:
        stored = inspections.attachment_path(clerk, view.attachments[0].id)
        os.chmod(stored, stat.S_IREAD | stat.S_IWRITE)
        stored.write_bytes(b"%PDF-1.4\n% changed\n")
    code, out, _ = run(capsys, *base, "attachment", "check")
    assert code == 1 and "已被改动" in out and "情况.pdf" in out


def test_a_refused_file_saves_nothing(demo_dir: Path, clerk, capsys, as_clerk, tmp_path: Path) -> None:
    org = paired(clerk)[0]
    exe = tmp_path / "计划.pdf"
    exe.write_bytes(b"MZ" + bytes(500))
    code, _, err = run(capsys, "--data-dir", str(demo_dir), "inspection", "add", "--user", "clerk", "--org",
                       org.credit_code, "--year", str(YEAR), "--result", "合格",
                       "--attach", pdf(tmp_path / "情况.pdf"), str(exe))
    assert code == 1 and "「计划.pdf」实际上是Windows 程序" in err
    assert inspections.get_inspection(clerk, org.id, YEAR) is None


def test_bad_result_and_date_are_refused(demo_dir: Path, clerk, capsys, as_clerk) -> None:
    org = paired(clerk)[0]
    base = ["--data-dir", str(demo_dir), "inspection", "add", "--user", "clerk", "--org", org.credit_code,
            "--year", str(YEAR)]
    code, _, err = run(capsys, *base, "--result", "优秀")
    assert code == 1 and "年检结论" in err
    code, _, err = run(capsys, *base, "--result", "合格", "--received", "2026年13月1日")
    assert code == 1 and "--received" in err
    code, _, err = run(capsys, "--data-dir", str(demo_dir), "inspection", "draft", "--user", "clerk", "--org", "不存在的组织",
                       "--year", str(YEAR), "-o", "x")
    assert code == 1 and "名册里没有" in err
