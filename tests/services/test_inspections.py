"""年检年报: records, attachments stored by content, the checklist and the pre-filled draft."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fupin_desktop.domain import clock
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import ValidationFailed
from fupin_desktop.intake import attachment_type
from fupin_desktop.intake.attachment_type import AttachmentRefused
from fupin_desktop.services import inspections
from fupin_desktop.services.monthly_documents import approved_detail
from fupin_desktop.store import audit
from fupin_desktop.store.blobs import BlobCorrupted, BlobMissing
from fupin_desktop.store.models import AuditRecord, Organization, Pairing, Township
from fupin_desktop.store.models_annual import Attachment

YEAR = clock.today().year  # the demo pairings run from ~14 months ago to the end of next year


def pdf(folder: Path, name: str, text: str = "") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n% " + (text or name).encode() + b"\n%%EOF\n")
    return path


def participants(ctx, year: int = YEAR) -> list[Organization]:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        ids = set(s.scalars(select(Pairing.organization_id).where(
            Pairing.term_start <= date(year, 12, 31), Pairing.term_end >= date(year, 1, 1))))
        return list(s.scalars(select(Organization).where(Organization.id.in_(ids)).order_by(Organization.id)))


def outsiders(ctx) -> list[Organization]:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        paired = select(Pairing.organization_id)
        return list(s.scalars(select(Organization).where(Organization.id.not_in(paired))))


def stored_files(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "attachments").rglob("*") if p.is_file()]


def audit_actions(ctx) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return [(r.action, r.summary) for r in s.scalars(
            select(AuditRecord).where(AuditRecord.entity == "inspection").order_by(AuditRecord.seq))]


def test_renamed_exe_offered_as_pdf_is_refused(clerk, tmp_path: Path) -> None:
    org = participants(clerk)[0]
    view = inspections.save_inspection(clerk, org.credit_code, YEAR, result="合格")
    exe = tmp_path / "上一年度工作情况.pdf"
    exe.write_bytes(b"MZ\x90\x00" + bytes(4096))
    with pytest.raises(AttachmentRefused, match=r"「上一年度工作情况\.pdf」实际上是Windows 程序"):
        inspections.add_attachment(clerk, view.id, exe, "上一年度参与脱贫攻坚工作情况")
    assert inspections.get_inspection(clerk, org.id, YEAR).attachments == []
    assert not (clerk.data_dir / "attachments").exists() or stored_files(clerk.data_dir) == []


def test_file_over_the_limit_is_refused_before_it_is_read(clerk, tmp_path: Path, monkeypatch) -> None:
    view = inspections.save_inspection(clerk, participants(clerk)[0].id, YEAR, result="合格")
    big = tmp_path / "年度工作计划.pdf"
    with open(big, "wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(60 * 1024 * 1024)  # sparse: the test stays fast
    monkeypatch.setattr(attachment_type, "identify_file", lambda path: pytest.fail("the file was read"))
    with pytest.raises(AttachmentRefused, match=r"年度工作计划\.pdf.*超过了附件上限 50 MB"):
        inspections.add_attachment(clerk, view.id, big, "work_plan")


def test_same_file_added_twice_is_stored_once(clerk, tmp_path: Path) -> None:
    a, b = participants(clerk)[:2]
    plan = pdf(tmp_path, "年度工作计划.pdf")
    first = inspections.save_inspection(clerk, a.credit_code, YEAR, result="合格")
    second = inspections.save_inspection(clerk, b.credit_code, YEAR, result="基本合格")
    one = inspections.add_attachment(clerk, first.id, plan, "年度工作计划")
    two = inspections.add_attachment(clerk, second.id, pdf(tmp_path / "copy", "计划（副本）.pdf",
                                                           "年度工作计划.pdf"), "work_plan")
    again = inspections.add_attachment(clerk, first.id, plan, "work_plan")
    assert one.sha256 == two.sha256 and one.id != two.id
    assert again.already_present and again.id == one.id
    with clerk.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1
    files = stored_files(clerk.data_dir)
    assert [f.name for f in files] == [one.sha256]
    assert files[0].relative_to(clerk.data_dir).as_posix() == f"attachments/{one.sha256[:2]}/{one.sha256[2:4]}/{one.sha256}"
    assert stat.S_IMODE(files[0].stat().st_mode) & 0o222 == 0  # stored read-only
    assert not list((clerk.data_dir / "attachments").glob(".incoming-*"))
    assert [action for action, _ in audit_actions(clerk)].count("attach") == 2  # the repeat changed nothing


def test_altered_attachment_is_reported_and_never_served(clerk, tmp_path: Path) -> None:
    org = participants(clerk)[0]
    view = inspections.save_inspection(clerk, org.id, YEAR, result="合格")
    link = inspections.add_attachment(clerk, view.id, pdf(tmp_path, "工作情况.pdf"), "work_report")
    other = inspections.add_attachment(clerk, view.id, pdf(tmp_path, "计划.pdf"), "work_plan")
    assert inspections.check_attachments(clerk) == []
    assert inspections.attachment_path(clerk, link.id).read_bytes().startswith(b"%PDF")
    stored = inspections.attachment_path(clerk, link.id)
    os.chmod(stored, stat.S_IREAD | stat.S_IWRITE)
    stored.write_bytes(stored.read_bytes() + b"% edited in place\n")
    problems = inspections.check_attachments(clerk)
    assert [(p.sha256, p.problem) for p in problems] == [(link.sha256, "changed")]
    assert "已被改动" in problems[0].message and org.name in problems[0].used_by[0]
    with pytest.raises(BlobCorrupted, match="工作情况.pdf"):
        inspections.attachment_path(clerk, link.id)
    with pytest.raises(BlobCorrupted):
        inspections.export_attachments(clerk, view.id, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # nothing copied when one file is bad
    inspections.attachment_path(clerk, other.id).unlink()
    assert {p.problem for p in inspections.check_attachments(clerk)} == {"changed", "missing"}
    with pytest.raises(BlobMissing):
        inspections.attachment_path(clerk, other.id)
    # Adding the original again repairs the stored copy.
    inspections.add_attachment(clerk, view.id, pdf(tmp_path, "工作情况.pdf"), "other")
    assert [p.problem for p in inspections.check_attachments(clerk)] == ["missing"]


def test_export_copies_with_original_names_made_unique(clerk, tmp_path: Path) -> None:
    view = inspections.save_inspection(clerk, participants(clerk)[0].id, YEAR, result="合格")
    for n, folder in enumerate(("a", "b")):
        inspections.add_attachment(clerk, view.id, pdf(tmp_path / folder, "照片.pdf", f"photo {n}"), "照片")
    inspections.add_attachment(clerk, view.id, pdf(tmp_path, "协议.pdf"), "agreement")
    out = tmp_path / "export"
    out.mkdir()
    (out / "协议.pdf").write_text("already here")
    paths = inspections.export_attachments(clerk, view.id, out)
    assert [p.name for p in paths] == ["照片.pdf", "照片 (2).pdf", "协议 (2).pdf"]
    assert b"photo 1" in paths[1].read_bytes() and (out / "协议.pdf").read_text() == "already here"
    assert os.access(paths[0], os.W_OK)  # the copies are the user's to edit


def test_checklist_lists_exactly_the_organizations_missing_something(clerk, tmp_path: Path) -> None:
    orgs = participants(clerk)
    assert len(orgs) > 20
    complete, partial, bare = orgs[:4], orgs[4:7], orgs[7:9]
    for org in complete:
        v = inspections.save_inspection(clerk, org.credit_code, YEAR, result="合格")
        inspections.add_attachment(clerk, v.id, pdf(tmp_path / org.credit_code, "情况.pdf"), "work_report")
        inspections.add_attachment(clerk, v.id, pdf(tmp_path / org.credit_code, "计划.pdf"), "work_plan")
        inspections.add_attachment(clerk, v.id, pdf(tmp_path / org.credit_code, "照片.pdf"), "photo")
    for org, role in zip(partial, ("work_report", "work_plan", "photo"), strict=True):
        v = inspections.save_inspection(clerk, org.credit_code, YEAR, result="基本合格")
        inspections.add_attachment(clerk, v.id, pdf(tmp_path / org.credit_code, f"{role}.pdf"), role)
    for org in bare:
        inspections.save_inspection(clerk, org.credit_code, YEAR, result="不合格", remarks="材料未交")
    outsider = outsiders(clerk)[0]
    inspections.save_inspection(clerk, outsider.credit_code, YEAR, result="合格")  # no pairing: nothing due

    rows = inspections.checklist(clerk, YEAR)
    by_id = {r.organization_id: r for r in rows}
    assert set(by_id) == {o.id for o in orgs[4:]}
    assert outsider.id not in by_id and not set(by_id) & {o.id for o in outsiders(clerk)}
    assert by_id[partial[0].id].missing == ["年度工作计划"]
    assert by_id[partial[1].id].missing == ["上一年度参与脱贫攻坚工作情况"]
    assert by_id[partial[2].id].missing == ["上一年度参与脱贫攻坚工作情况", "年度工作计划"]
    assert by_id[bare[0].id].missing == by_id[partial[2].id].missing
    assert by_id[orgs[9].id].missing == [inspections.NO_RECORD, "上一年度参与脱贫攻坚工作情况", "年度工作计划"]
    assert by_id[orgs[9].id].inspection_id is None and by_id[bare[0].id].inspection_id is not None
    row = by_id[orgs[9].id]
    assert (row.credit_code, row.contact_phone, row.supervising_unit) == (
        orgs[9].credit_code, orgs[9].contact_phone, orgs[9].supervising_unit or "")
    assert inspections.get_inspection(clerk, outsider.id, YEAR).required is False
    assert inspections.get_inspection(clerk, complete[0].id, YEAR).missing == []

    # Filters: township of the organization's pairings, supervising unit.
    with clerk.db.reading() as s:
        town_id, town = s.execute(select(Pairing.township_id, Township.name).join(Township)
                                  .where(Pairing.organization_id == orgs[9].id)).first()
        in_town = set(s.scalars(select(Pairing.organization_id).where(Pairing.township_id == town_id)))
    assert {r.organization_id for r in inspections.checklist(clerk, YEAR, township=town)} == set(by_id) & in_town
    unit = orgs[9].supervising_unit
    assert unit
    by_unit = inspections.checklist(clerk, YEAR, supervising_unit=unit)
    assert by_unit and {r.organization_id for r in by_unit} == {i for i, r in by_id.items() if r.supervising_unit == unit}
    # A year in which no pairing was in term lists nobody.
    assert inspections.checklist(clerk, YEAR - 3) == []

    path = inspections.write_checklist_xlsx(clerk, rows, tmp_path / "清单.xlsx")
    ws = load_workbook(path).active
    assert ws.cell(3, 2).value == "社会组织名称" and ws.max_row == 3 + len(rows)
    codes = {ws.cell(r, 3).value: ws.cell(r, 8).value for r in range(4, ws.max_row + 1)}
    assert codes[orgs[9].credit_code] == row.missing_text
    assert ws.cell(4, 5).data_type == "s"  # phone numbers stay text


def test_draft_shows_the_organization_and_the_years_funds(clerk, tmp_path: Path) -> None:
    funds = Counter()
    for item in approved_detail(clerk, Period.annual(YEAR)):
        funds[item["organization"]] += item["funds_fen"]
    if not funds or funds.most_common(1)[0][1] == 0:
        # Early January: no month of this year is approved yet; last year's are.
        pytest.skip("no approved month in the current year yet")
    name, total = funds.most_common(1)[0]
    pdf_path, xlsx_path = inspections.write_work_report_draft(clerk, name, YEAR, tmp_path / "draft")
    assert pdf_path.suffix == ".pdf" and xlsx_path.suffix == ".xlsx"
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert name in flat and f"{format_wan(total)}万元" in flat
    assert "主要做法" in flat and "法定代表人（签字）" in flat
    ws = load_workbook(xlsx_path).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any(name in str(v) for v in values) and f"{format_wan(total)} 万元" in values


def test_every_change_is_audited(clerk, tmp_path: Path) -> None:
    org = participants(clerk)[0]
    v = inspections.save_inspection(clerk, org.credit_code, YEAR, result="合格",
                                    received_on=clock.today() - timedelta(days=1))
    inspections.save_inspection(clerk, org.credit_code, YEAR, result="基本合格", remarks="照片不清晰")
    inspections.save_inspection(clerk, org.credit_code, YEAR, result="基本合格")  # no change: no record
    link = inspections.add_attachment(clerk, v.id, pdf(tmp_path, "情况.pdf"), "work_report")
    inspections.remove_attachment(clerk, link.id)
    assert [a for a, _ in audit_actions(clerk)] == ["create", "update", "attach", "detach"]
    assert all(org.name in summary for _, summary in audit_actions(clerk))
    with clerk.db.reading() as s:
        assert audit.verify_chain(s) == []
    view = inspections.get_inspection(clerk, org.id, YEAR)
    assert (view.result_label, view.remarks, view.attachments) == ("基本合格", "照片不清晰", [])
    assert view.received_on == clock.today() - timedelta(days=1)  # kept when not given
    assert len(stored_files(clerk.data_dir)) == 1  # detaching keeps the stored content


def test_bad_values_are_refused_with_field_problems(clerk) -> None:
    org = participants(clerk)[0]
    with pytest.raises(ValidationFailed) as caught:
        inspections.save_inspection(clerk, org.id, YEAR, result="优秀", received_on=clock.today() + timedelta(days=3))
    assert {p.field for p in caught.value.problems} == {"result", "received_on"}
    with pytest.raises(ValidationFailed, match="年度"):
        inspections.save_inspection(clerk, org.id, YEAR + 1, result="合格")
    assert inspections.list_inspections(clerk, YEAR) == []


def test_materials_can_arrive_before_the_conclusion(clerk) -> None:
    from fupin_desktop.services import inspections, organizations

    org = organizations.list_organizations(clerk)[0]
    view = inspections.save_inspection(clerk, org.values["credit_code"], clock.today().year - 1, result=None)
    assert view.result is None
    view = inspections.save_inspection(clerk, org.values["credit_code"], clock.today().year - 1, result="合格")
    assert view.result == "qualified"
