"""报送: the reviewer seals through the passphrase dialog; a wrong passphrase, incomplete months,
corrections and 重新写出; the seal box; a clerk only reads the history."""

from __future__ import annotations

import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from monthly_helpers import close_boxes, visible
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QLineEdit, QMessageBox

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.services import submissions
from fupin_desktop.services.seal import current_seal
from fupin_desktop.services.summaries import summarize
from fupin_desktop.ui.common.choosers import last_period
from fupin_desktop.ui.sealed.seal_dialogs import NewSealDialog
from fupin_desktop.ui.sealed.seal_panel import PLACEHOLDER_TEXT
from fupin_desktop.ui.sealed.submission_page import FILE_COLUMN, INCOMPLETE_COLUMN, SubmissionPage

LAST_MONTH = Period.of_date(clock.today()).previous()  # still coming in: incomplete
APPROVED_MONTH = LAST_MONTH.previous()  # approved in the demo


@pytest.fixture(autouse=True)
def _no_boxes_left() -> Iterator[None]:
    yield
    close_boxes()


def make_page(qtbot, ctx) -> SubmissionPage:  # type: ignore[no-untyped-def]
    page = SubmissionPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 700)
    page.show()
    return page


def finish(qtbot, page: SubmissionPage) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.job is not None and page.job.finished, timeout=60_000)


def cell(page: SubmissionPage, row: int, column: int) -> str:
    return page.table.item(row, column).text()


def test_the_period_follows_the_report_kind_and_starts_at_the_last_finished_one(qtbot, reviewer_ctx) -> None:
    page = make_page(qtbot, reviewer_ctx)
    assert page.picker.report() == "monthly" and page.picker.period() == LAST_MONTH
    page.picker.kind.setCurrentIndex(page.picker.kind.findData("quarter"))
    assert page.picker.period() == last_period("quarter", clock.today()) and page.picker.index.count() == 4
    page.picker.kind.setCurrentIndex(page.picker.kind.findData("year"))
    assert page.picker.period() == Period.annual(clock.today().year - 1) and page.picker.index.isHidden()
    assert last_period("half", date(2026, 3, 10)) == Period.half(2025, 2)


def test_a_reviewer_seals_through_the_passphrase_dialog(qtbot, reviewer_ctx, tmp_path: Path) -> None:
    page = make_page(qtbot, reviewer_ctx)
    assert page.submit_button.isEnabled() and not page.holder_note.isVisibleTo(page)
    page.out.set_folder(tmp_path)
    page.picker.set_choice("monthly", APPROVED_MONTH)
    dialog = page.seal_and_submit()
    assert dialog is not None and dialog.isVisible()
    assert dialog.edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(dialog.edit, "demo")
    dialog.ok_button.click()
    finish(qtbot, page)
    written = list(tmp_path.glob("*.zip"))
    assert [p.name for p in written] == [f"350582_晋江市民政局_月报_{APPROVED_MONTH}_v1.zip"]
    assert cell(page, 0, FILE_COLUMN) == written[0].name and cell(page, 0, 2) == "第 1 版"
    assert cell(page, 0, 1) == APPROVED_MONTH.label_zh and cell(page, 0, 0) == "月报"
    assert page.table.currentRow() == 0  # the new one is selected
    assert any(str(written[0]) in t for t in close_boxes())
    assert page.out.folder() == tmp_path
    assert make_page(qtbot, reviewer_ctx).out.folder() == tmp_path  # remembered for next time


def test_a_wrong_passphrase_says_so_and_writes_nothing(qtbot, reviewer_ctx, tmp_path: Path) -> None:
    page = make_page(qtbot, reviewer_ctx)
    page.out.set_folder(tmp_path)
    page.picker.set_choice("monthly", APPROVED_MONTH)
    rows = page.table.rowCount()
    page.submit_with("wrong")
    finish(qtbot, page)
    assert any("印章口令不正确" in t for t in close_boxes())
    assert list(tmp_path.iterdir()) == [] and page.table.rowCount() == rows


def test_incomplete_months_are_listed_and_sent_only_when_confirmed(qtbot, reviewer_ctx, tmp_path: Path) -> None:
    page = make_page(qtbot, reviewer_ctx)
    page.out.set_folder(tmp_path)
    page.picker.set_choice("monthly", LAST_MONTH)
    missing = summarize(reviewer_ctx, LAST_MONTH, "township").unapproved
    page.submit_with("demo")
    finish(qtbot, page)
    box = page.confirm_box
    assert box is not None and box.isVisible()
    assert "仍然报送" in box.informativeText() and missing[0][0] in box.informativeText()
    assert LAST_MONTH.label_zh in box.informativeText()
    box.button(QMessageBox.StandardButton.No).click()
    assert list(tmp_path.iterdir()) == []

    page.submit_with("demo")
    finish(qtbot, page)
    page.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    finish(qtbot, page)
    assert len(list(tmp_path.glob("*.zip"))) == 1
    assert cell(page, 0, 1) == LAST_MONTH.label_zh and cell(page, 0, INCOMPLETE_COLUMN) == f"{len(missing)} 个"
    assert missing[0][0] in page.table.item(0, INCOMPLETE_COLUMN).toolTip()
    assert any("未计入" in t for t in close_boxes())


def test_a_correction_is_the_next_version_naming_the_one_it_corrects(qtbot, reviewer_ctx, tmp_path: Path) -> None:
    submissions.submit(reviewer_ctx, "monthly", APPROVED_MONTH, tmp_path / "first", "demo")  # v1, sent earlier
    page = make_page(qtbot, reviewer_ctx)
    page.out.set_folder(tmp_path)
    row = next(r for r in range(page.table.rowCount()) if cell(page, r, 1) == APPROVED_MONTH.label_zh)
    page.table.selectRow(row)
    assert "第 N+1 版" in page.correct_button.toolTip()
    page.picker.set_choice("year", Period.annual(2020))
    dialog = page.correct_selected()
    assert dialog is not None and page.picker.period() == APPROVED_MONTH
    assert "更正报送（第 2 版）" in dialog.intro.text()
    qtbot.keyClicks(dialog.edit, "demo")
    dialog.ok_button.click()
    finish(qtbot, page)
    close_boxes()
    assert cell(page, 0, 2) == "第 2 版" and cell(page, 0, 5) == "更正第 1 版"
    assert (tmp_path / f"350582_晋江市民政局_月报_{APPROVED_MONTH}_v2.zip").exists()


def test_resend_writes_the_same_bytes(qtbot, reviewer_ctx, tmp_path: Path) -> None:
    page = make_page(qtbot, reviewer_ctx)
    first = tmp_path / "first"
    page.out.set_folder(first)
    page.picker.set_choice("monthly", APPROVED_MONTH)
    page.submit_with("demo")
    finish(qtbot, page)
    close_boxes()
    original = next(first.glob("*.zip"))
    page.table.selectRow(0)
    assert page.resend_button.isEnabled()
    again = page.resend_to(tmp_path / "second")
    assert again is not None and again.name == original.name
    assert again.read_bytes() == original.read_bytes()
    assert str(tmp_path / "second") in page.table.item(0, FILE_COLUMN).toolTip()
    assert any("原样" in t for t in close_boxes())


def test_the_seal_box_shows_the_fingerprint_and_exports_the_certificate(qtbot, reviewer_ctx, tmp_path: Path) -> None:
    page = make_page(qtbot, reviewer_ctx)
    seal = current_seal(reviewer_ctx)
    assert seal is not None
    panel = page.seal_panel
    assert panel.fingerprint.text().replace("\n", " ") == seal.fingerprint
    assert not panel.create_button.isVisibleTo(panel) and panel.export_button.isEnabled()
    assert panel.placeholder_label.isVisibleTo(panel) and panel.placeholder_label.text() == PLACEHOLDER_TEXT
    assert not panel.image_button.isVisibleTo(panel)  # the admin loads the image
    exported = panel.export_to(tmp_path)
    assert exported is not None
    pem, sheet, fingerprint = exported
    assert pem.exists() and sheet.exists() and fingerprint == seal.fingerprint
    texts = close_boxes()
    assert any(fingerprint.split()[0] in t and "打印" in t and sheet.name in t for t in texts)


def test_a_new_seal_asks_the_passphrase_twice(qtbot) -> None:
    given: list[str] = []
    dialog = NewSealDialog(lambda p: given.append(p) or True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.first, "short")
    assert dialog.strength.text().startswith("强度：太短")
    qtbot.keyClicks(dialog.second, "short")
    dialog.ok_button.click()
    assert given == [] and dialog.isVisible() and "至少 8 个字符" in dialog.message.text()
    for edit in (dialog.first, dialog.second):
        edit.clear()
    qtbot.keyClicks(dialog.first, "secret-1")
    assert dialog.strength.text().startswith("强度：弱")  # typed while it is typed
    qtbot.keyClicks(dialog.second, "secret-2")
    dialog.ok_button.click()
    assert given == [] and dialog.isVisible() and "不一致" in dialog.message.text()
    dialog.second.clear()
    qtbot.keyClicks(dialog.second, "secret-1")
    dialog.ok_button.click()
    assert given == ["secret-1"] and not dialog.isVisible()


def test_a_clerk_reads_the_history_but_cannot_seal(qtbot, clerk_ctx, reviewer_ctx, tmp_path: Path) -> None:
    submissions.submit(reviewer_ctx, "monthly", APPROVED_MONTH, tmp_path, "demo")
    submissions.submit(reviewer_ctx, "monthly", APPROVED_MONTH, tmp_path, "demo")  # a correction: v2
    page = make_page(qtbot, clerk_ctx)
    assert page.table.rowCount() == 2
    assert not page.submit_button.isEnabled() and not page.out.choose_button.isEnabled()
    page.table.selectRow(0)
    assert not page.resend_button.isEnabled() and not page.correct_button.isEnabled()
    assert page.holder_note.isVisibleTo(page) and "只有审核人" in page.holder_note.text()
    assert page.seal_and_submit() is None
    assert not page.seal_panel.create_button.isVisibleTo(page) and not page.seal_panel.export_button.isVisibleTo(page)
    assert visible(QMessageBox) == []


def test_a_clerk_sees_who_holds_the_seal_and_its_fingerprint(qtbot, clerk_ctx, reviewer_ctx) -> None:
    seal = current_seal(reviewer_ctx)
    assert seal is not None
    panel = make_page(qtbot, clerk_ctx).seal_panel
    assert panel.seal is None and reviewer_ctx.user.display_name in panel.status.text()
    assert panel.fingerprint.isVisibleTo(panel) and panel.fingerprint.text().replace("\n", " ") == seal.fingerprint


def test_the_admin_loads_the_seal_image_and_the_sample_mark_goes(qtbot, admin_ctx, tmp_path: Path) -> None:
    page = make_page(qtbot, admin_ctx)
    panel = page.seal_panel
    assert panel.image_button.isVisibleTo(panel) and panel.placeholder_label.isVisibleTo(panel)
    assert not page.submit_button.isEnabled()
    image = QImage(240, 240, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setPen(QColor("#d00000"))
    painter.drawEllipse(10, 10, 220, 220)
    painter.end()
    png = tmp_path / "公章.png"
    assert image.save(str(png))
    assert panel.load_image_from(png)
    close_boxes()
    assert not panel.placeholder_label.isVisibleTo(panel) and "本单位载入" in panel.image_note.text()
    assert not panel.preview.pixmap().isNull()



def test_the_reviewer_edits_the_letter_before_sealing(qtbot, reviewer_ctx, tmp_path: Path) -> None:
    """Issue 11: 主送机关, body and 附件 are the reviewer's to change; what was sealed carries them."""
    page = make_page(qtbot, reviewer_ctx)
    page.out.set_folder(tmp_path)
    page.picker.set_choice("monthly", APPROVED_MONTH)
    dialog = page.edit_letter()
    assert dialog is not None and dialog.recipient.text() == "泉州市民政局"
    assert dialog.body.toPlainText().endswith("特此报告。")
    dialog.recipient.clear()
    dialog.accept()
    assert dialog.isVisible() and "主送机关不能为空" in dialog.message.text()
    dialog.recipient.setText("泉州市民政局社会组织管理局")  # keyClicks types ASCII only
    dialog.body.setPlainText("现将本月情况报告如下：各镇（街道）均已按时报送。\n特此报告。")
    dialog.attachments.setPlainText("")
    dialog.accept()
    assert not dialog.isVisible()
    page.submit_with("demo")
    finish(qtbot, page)
    (path,) = tmp_path.glob("*.zip")
    with zipfile.ZipFile(path) as zf:
        (tmp_path / "r.pdf").write_bytes(zf.read("report.pdf"))
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "")
    assert "泉州市民政局社会组织管理局：" in text and "各镇（街道）均已按时报送。" in text and "附件：" not in text
    assert page.letters == {}  # sealed: a correction starts from a fresh draft
