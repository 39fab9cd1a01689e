"""年检年报: an inspection with two attachments through the real dialog, a renamed program
refused, files dropped on the list, the checklist filter, opening a file that was altered on
disk, the checklist workbook, the work-report draft and 校验附件."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from monthly_helpers import close_boxes
from openpyxl import load_workbook
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import AttachmentRole
from fupin_desktop.services import inspections
from fupin_desktop.services.organizations import list_organizations
from fupin_desktop.ui.annual import inspection_dialog
from fupin_desktop.ui.annual.attachment_table import role_from_name
from fupin_desktop.ui.annual.inspection_dialog import InspectionDialog
from fupin_desktop.ui.annual.inspections_page import (
    MISSING_COLUMN,
    NO,
    NOT_DUE,
    PLAN_COLUMN,
    REPORT_COLUMN,
    YES,
    InspectionsPage,
)

YEAR = clock.today().year - 1  # this spring's 年检 concerns last year's work; the demo pairings ran then


@pytest.fixture(autouse=True)
def _no_boxes_left() -> Iterator[None]:
    yield
    close_boxes()


def pdf(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(b"%PDF-1.4\n% " + name.encode() + b"\n%%EOF\n")
    return path


def png(folder: Path, name: str) -> Path:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#4a90d9"))
    path = folder / name
    assert image.save(str(path), "PNG")
    return path


def make_page(qtbot, ctx) -> InspectionsPage:  # type: ignore[no-untyped-def]
    page = InspectionsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 650)
    page.show()
    return page


def open_row(page: InspectionsPage, org_id: int) -> InspectionDialog:
    assert page.select_org(org_id)
    dialog = page.open_selected()
    assert dialog is not None and dialog.isVisible()
    return dialog


def cells(page: InspectionsPage, org_id: int) -> list[str]:
    n = next(i for i, r in enumerate(page.shown) if r.org_id == org_id)
    return [page.table.item(n, c).text() for c in range(page.table.columnCount())]


def lacking(ctx, n: int) -> inspections.ChecklistRow:  # type: ignore[no-untyped-def]
    """The n-th organization of the checklist with no inspection record yet."""
    return [r for r in inspections.checklist(ctx, YEAR) if r.inspection_id is None][n]


def test_an_inspection_with_a_pdf_and_a_png_through_the_dialog_shows_two_ticks(qtbot, clerk_ctx, tmp_path) -> None:
    page = make_page(qtbot, clerk_ctx)
    assert page.year.value() == YEAR
    org = lacking(clerk_ctx, 0)
    before = cells(page, org.organization_id)
    assert before[REPORT_COLUMN] == NO and before[PLAN_COLUMN] == NO and "未登记年检" in before[MISSING_COLUMN]

    dialog = open_row(page, org.organization_id)
    assert dialog.inspection is None and dialog.role.currentData() == AttachmentRole.WORK_REPORT.value
    dialog.result.setCurrentIndex(dialog.result.findData("qualified"))
    dialog.remarks.setPlainText("材料齐全，按时报送")
    dialog.activity_cost.setText("800000")
    dialog.poverty_cost.setText("200000")  # 业务活动成本中用于脱贫攻坚的比例 (003)
    added = dialog.add_files([pdf(tmp_path, "report.pdf")])  # the use: the first missing one
    assert [a.role for a in added] == [AttachmentRole.WORK_REPORT.value]
    assert dialog.inspection is not None  # the record was saved first
    assert dialog.role.currentData() == AttachmentRole.WORK_PLAN.value  # the next missing one is offered
    assert "尚缺必备附件：年度工作计划" in dialog.status.text()
    dialog.add_files([png(tmp_path, "plan.png")])
    assert [(a.role, a.kind) for a in dialog.attachments()] == [("work_report", "pdf"), ("work_plan", "png")]
    assert dialog.table.rowCount() == 2 and dialog.table.item(1, 2).text() == "PNG 图片"
    assert "已齐" in dialog.status.text() and "已添加 1 个附件：plan.png" in dialog.file_message.text()
    assert dialog.save() and not dialog.isVisible()

    row = cells(page, org.organization_id)
    assert (row[REPORT_COLUMN], row[PLAN_COLUMN]) == (YES, YES)
    assert row[4] == "合格" and row[MISSING_COLUMN] == ""
    stored = inspections.get_inspection(clerk_ctx, org.organization_id, YEAR)
    assert stored is not None and stored.remarks == "材料齐全，按时报送" and stored.missing == []
    assert (stored.activity_cost_fen, stored.poverty_cost_fen, stored.cost_share) == (80_000_000, 20_000_000, "25.00%")
    n = next(i for i, r in enumerate(page.shown) if r.org_id == org.organization_id)
    assert page.table.item(n, REPORT_COLUMN).foreground().color() == QColor("#2e7d32")


def test_a_renamed_program_and_a_file_too_big_are_refused_by_name(qtbot, clerk_ctx, tmp_path) -> None:
    page = make_page(qtbot, clerk_ctx)
    org = lacking(clerk_ctx, 0)
    dialog = open_row(page, org.organization_id)
    exe = tmp_path / "x.pdf"
    exe.write_bytes(b"MZ" + bytes(4096))
    # No conclusion chosen yet (materials come first): the record may be saved, the program is not attached.
    assert dialog.add_files([exe]) == []
    assert "x.pdf" in dialog.file_message.text() and "Windows 程序" in dialog.file_message.text()
    stored = inspections.get_inspection(clerk_ctx, org.organization_id, YEAR)
    assert stored is None or stored.attachments == []

    dialog.result.setCurrentIndex(dialog.result.findData("basically_qualified"))
    assert dialog.add_files([exe]) == []
    message = dialog.file_message.text()
    assert "「x.pdf」" in message and "Windows 程序" in message and dialog.file_message.isVisible()
    big = tmp_path / "年度工作计划.pdf"
    with open(big, "wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(60 * 1024 * 1024)  # sparse: fast
    assert dialog.add_files([big]) == []
    assert "年度工作计划.pdf" in dialog.file_message.text() and "50 MB" in dialog.file_message.text()
    assert dialog.attachments() == [] and dialog.table.rowCount() == 0
    stored = inspections.get_inspection(clerk_ctx, org.organization_id, YEAR)
    assert stored is not None and stored.attachments == []
    dialog.reject()


def test_files_dropped_on_the_list_are_added_by_the_use_their_names_state(qtbot, clerk_ctx, tmp_path) -> None:
    assert role_from_name("2026年度工作计划.pdf") is AttachmentRole.WORK_PLAN
    assert role_from_name("上一年度参与脱贫攻坚工作情况.docx") is AttachmentRole.WORK_REPORT
    assert role_from_name("工作情况和工作计划.pdf") is None  # two uses: the combo decides
    page = make_page(qtbot, clerk_ctx)
    org = lacking(clerk_ctx, 1)
    dialog = open_row(page, org.organization_id)
    dialog.result.setCurrentIndex(0)
    files = [pdf(tmp_path, "2026年度工作计划.pdf"), png(tmp_path, "走访照片.png")]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in files])
    viewport = dialog.table.viewport()
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted()
    assert [(a.original_name, a.role) for a in dialog.attachments()] == [
        ("2026年度工作计划.pdf", "work_plan"), ("走访照片.png", "photo")]
    dialog.reject()
    row = cells(page, org.organization_id)
    assert (row[REPORT_COLUMN], row[PLAN_COLUMN], row[8]) == (NO, YES, "1")
    assert row[MISSING_COLUMN] == "工作情况"


def test_the_checklist_filter_shows_only_organizations_missing_materials(qtbot, clerk_ctx, tmp_path) -> None:
    complete = lacking(clerk_ctx, 2)
    view = inspections.save_inspection(clerk_ctx, complete.organization_id, YEAR, result="合格")
    inspections.add_attachment(clerk_ctx, view.id, pdf(tmp_path, "a.pdf"), AttachmentRole.WORK_REPORT)
    inspections.add_attachment(clerk_ctx, view.id, pdf(tmp_path, "b.pdf"), AttachmentRole.WORK_PLAN)
    page = make_page(qtbot, clerk_ctx)
    everyone = {r.org_id for r in page.shown}
    assert complete.organization_id in everyone
    page.only_missing.setChecked(True)
    shown = {r.org_id for r in page.shown}
    assert shown == {r.organization_id for r in inspections.checklist(clerk_ctx, YEAR)}
    assert complete.organization_id not in shown and shown < everyone
    assert all(page.table.item(n, MISSING_COLUMN).text() for n in range(page.table.rowCount()))
    assert page.count.text().startswith(f"显示 {len(shown)} 家；")

    township = lacking(clerk_ctx, 3).townships[0]
    page.township.setCurrentIndex(page.township.findData(township))
    wanted = {r.organization_id for r in inspections.checklist(clerk_ctx, YEAR, township=township)}
    assert {r.org_id for r in page.shown} == wanted and wanted
    assert all(township in r.townships for r in page.shown)
    unit = next(r.supervising_unit for r in page.shown if r.supervising_unit)
    page.unit.setCurrentIndex(page.unit.findData(unit))
    assert {r.org_id for r in page.shown} == {r.organization_id for r in inspections.checklist(
        clerk_ctx, YEAR, township=township, supervising_unit=unit)}

    out = page.export_checklist(tmp_path / "清单.xlsx")
    assert out is not None and out.is_file()
    text = " ".join(str(c.value) for row in load_workbook(out).worksheets[0].iter_rows() for c in row if c.value)
    assert all(r.name in text for r in page.shown) and "缺少的材料" in text
    assert any(str(out) in t for t in close_boxes())


def test_open_refuses_a_file_altered_on_disk_and_the_check_lists_it(qtbot, clerk_ctx, tmp_path, monkeypatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(inspection_dialog, "open_file", lambda path: opened.append(path) or True)
    page = make_page(qtbot, clerk_ctx)
    org = lacking(clerk_ctx, 4)
    dialog = open_row(page, org.organization_id)
    dialog.result.setCurrentIndex(0)
    dialog.add_files([pdf(tmp_path, "上一年度参与脱贫攻坚工作情况.pdf")])
    dialog.table.selectRow(0)
    path = dialog.open_selected()
    assert opened == [path] and path is not None and path.suffix == ".pdf"
    assert path.read_bytes().startswith(b"%PDF-1.4")

    stored = clerk_ctx.data_dir / "attachments"
    blob = next(p for p in stored.rglob("*") if p.is_file() and p.name == dialog.attachments()[0].sha256)
    original = blob.read_bytes()
    os.chmod(blob, stat.S_IRUSR | stat.S_IWUSR)
    blob.write_bytes(original + b"changed")
    try:
        assert dialog.open_selected() is None and len(opened) == 1
        assert "上一年度参与脱贫攻坚工作情况.pdf" in dialog.file_message.text()
        handle = page.check_files()
        qtbot.waitUntil(lambda: handle.finished, timeout=30_000)
        assert page.last_problems and any(p.sha256 == blob.name for p in page.last_problems)
        close_boxes()
    finally:
        blob.write_bytes(original)
    handle = page.check_files()
    qtbot.waitUntil(lambda: handle.finished, timeout=30_000)
    assert page.last_problems == []
    assert any(t.startswith("全部完好") for t in close_boxes())

    exported = dialog.export_to(tmp_path / "导出")
    assert [p.name for p in exported] == ["上一年度参与脱贫攻坚工作情况.pdf"]
    assert dialog.remove_selected() and dialog.attachments() == []
    dialog.reject()


def test_the_work_report_draft_is_written_for_the_selected_organization(qtbot, clerk_ctx, tmp_path) -> None:
    page = make_page(qtbot, clerk_ctx)
    assert not page.draft_button.isEnabled()
    org = lacking(clerk_ctx, 5)
    page.select_org(org.organization_id)
    assert page.draft_button.isEnabled()
    written = page.write_draft(tmp_path)
    assert written is not None and all(p.is_file() for p in written)
    assert {p.suffix for p in written} == {".pdf", ".xlsx"} and org.organization in written[0].name
    texts = close_boxes()
    assert any(str(written[0]) in t and str(written[1]) in t for t in texts)


def test_an_organization_without_pairings_that_year_owes_no_attachments(qtbot, clerk_ctx) -> None:
    page = make_page(qtbot, clerk_ctx)
    dialog = page.new_inspection()
    assert dialog is not None and dialog.org_editor is not None
    participants = {r.org_id for r in page.rows}
    editor = dialog.org_editor
    outsider = next(o for o in list_organizations(clerk_ctx, include_deregistered=False) if o.id not in participants)
    assert dialog.status.text() == "请先选择社会组织。"
    qtbot.keyClicks(editor.edit, outsider.values["credit_code"])
    popup = editor.completer.popup()
    assert popup.isVisible() and editor.suggestions()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("还没有登记这一年度的年检"))
    assert editor.value() == outsider.values["credit_code"]
    dialog.result.setCurrentIndex(0)
    assert dialog.save()
    row = cells(page, outsider.id)
    assert (row[REPORT_COLUMN], row[PLAN_COLUMN], row[MISSING_COLUMN]) == (NOT_DUE, NOT_DUE, "")
