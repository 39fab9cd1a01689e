"""年终评估's score and 典型 in the dialog, and the 表彰名单 dialog opened from 结对帮扶 (issue 14):
entries added through the dialog show in its list and in the service; proposals; sealing."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from monthly_helpers import close_boxes
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from ui_helpers import put_chinese

from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import EvaluationGrade
from fupin_desktop.services import commendations, evaluations
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.register.campaign_dialog import CampaignDialog
from fupin_desktop.ui.register.commendation_dialog import CommendationDialog, EntryDialog, ProposalDialog
from fupin_desktop.ui.register.evaluation_dialog import NO_SCORE, EvaluationDialog
from fupin_desktop.ui.register.pairings_page import PairingsPage

Y = clock.today().year  # every demo pairing runs through this year
CASE = "组织志愿者每月入村，开设茶叶种植技能培训班六期，带动三十八户脱贫户户均增收四千二百元。"


@pytest.fixture(autouse=True)
def _no_boxes_left() -> Iterator[None]:
    yield
    close_boxes()


def make_page(qtbot, ctx) -> PairingsPage:  # type: ignore[no-untyped-def]
    page = PairingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    return page


def shown(parent, kind):  # type: ignore[no-untyped-def]
    found = [d for d in parent.findChildren(kind) if d.isVisible()]  # closed ones wait for deleteLater
    assert len(found) == 1
    return found[0]


def open_list(qtbot, page: PairingsPage) -> CommendationDialog:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.commend_button, Qt.MouseButton.LeftButton)
    return shown(page, CommendationDialog)


def test_the_evaluation_dialog_takes_a_score_and_a_typical_with_its_case(qtbot, reviewer_ctx) -> None:
    page = make_page(qtbot, reviewer_ctx)
    record = page.shown_rows()[0]
    assert page.select_id(record.id)
    qtbot.mouseClick(page.evaluate_button, Qt.MouseButton.LeftButton)
    dialog = shown(page, EvaluationDialog)
    assert dialog.score.value() == NO_SCORE and dialog.score.text() == "不打分"
    assert not dialog.typical.isChecked() and not dialog.case_text.isEnabled()
    # The 考核标准 stands beside the grade: same row, to its left.
    assert dialog.standard.mapTo(dialog, dialog.standard.rect().topRight()).x() < dialog.grade.mapTo(dialog, dialog.grade.rect().topLeft()).x()

    dialog.grade.setCurrentIndex(dialog.grade.findData(EvaluationGrade.QUALIFIED.value))
    dialog.typical.setChecked(True)
    assert dialog.case_text.isEnabled() and "已写 0 字" in dialog.case_count.text()
    dialog.case_text.setPlainText(CASE)
    assert not dialog.save()
    assert "评为合格的结对不能选为典型" in dialog.message.text() and dialog.isVisible()
    dialog.grade.setCurrentIndex(dialog.grade.findData(EvaluationGrade.EXCELLENT.value))
    dialog.case_text.setPlainText("成效显著")
    assert not dialog.save() and "现为 4 字" in dialog.message.text()
    dialog.case_text.setPlainText(CASE)
    dialog.score.setValue(93)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    (stored,) = evaluations.list_evaluations(reviewer_ctx, Y)
    assert (stored.pairing_id, stored.grade, stored.score, stored.typical, stored.case_text) == (
        record.id, "excellent", 93, True, CASE)

    qtbot.mouseClick(page.evaluate_button, Qt.MouseButton.LeftButton)
    again = shown(page, EvaluationDialog)
    assert again.score.value() == 93 and again.typical.isChecked() and again.case_text.toPlainText() == CASE
    assert "评为优秀（93 分），选为典型" in again.previous.text()
    again.reject()


def test_units_and_individuals_are_added_through_the_dialog(qtbot, reviewer_ctx) -> None:
    page = make_page(qtbot, reviewer_ctx)
    org = page.shown_rows()[0].values["organization"]
    dialog = open_list(qtbot, page)
    assert dialog.year.value() == Y and dialog.names() == [] and not dialog.print_button.isEnabled()

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    entry = shown(dialog, EntryDialog)
    assert entry.unit_name.isVisibleTo(entry) and not entry.person.isVisibleTo(entry)
    put_chinese(entry.unit_name, org)
    assert not entry.save() and "表彰理由" in entry.message.text()  # the service's sentence, in the dialog
    entry.reason.setPlainText("结对帮扶成效显著，年终评估优秀")
    qtbot.mouseClick(entry.save_button, Qt.MouseButton.LeftButton)
    assert not entry.isVisible()

    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    person = shown(dialog, EntryDialog)
    person.person_kind.setChecked(True)
    assert person.person.isVisibleTo(person) and person.work_unit.isVisibleTo(person)
    assert not person.unit_name.isVisibleTo(person)
    put_chinese(person.person, "陈堃")
    put_chinese(person.work_unit, "晋江市慈善总会")
    person.reason.setPlainText("牵头组织结对对接活动")
    qtbot.mouseClick(person.save_button, Qt.MouseButton.LeftButton)
    assert not person.isVisible()

    assert dialog.names() == [org, "陈堃"]
    assert [dialog.table.item(r, 0).text() for r in range(2)] == ["先进单位", "先进个人"]
    assert dialog.table.item(1, 2).text() == "晋江市慈善总会"
    assert "先进单位 1 个，先进个人 1 名" in dialog.count.text()
    stored = commendations.list_entries(reviewer_ctx, Y)
    assert [(e.kind, e.name, e.unit, e.created_by) for e in stored] == [
        ("unit", org, "", "reviewer"), ("individual", "陈堃", "晋江市慈善总会", "reviewer")]
    assert stored[0].organization_id is not None  # the register's organization, by its name
    assert dialog.print_button.isEnabled()

    dialog.table.selectRow(1)
    box = dialog.remove_selected()
    assert box is not None and "陈堃" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert dialog.names() == [org]
    assert [e.name for e in commendations.list_entries(reviewer_ctx, Y)] == [org]


def test_proposals_from_the_evaluations_then_the_sealed_list(qtbot, reviewer_ctx, tmp_path: Path) -> None:
    page = make_page(qtbot, reviewer_ctx)
    rows = page.shown_rows()
    excellent = rows[0]
    evaluations.evaluate(reviewer_ctx, excellent.id, Y, "优秀", score=95)
    evaluations.evaluate(reviewer_ctx, rows[1].id, Y, "合格")
    dialog = open_list(qtbot, page)
    proposals = dialog.open_proposals()
    assert isinstance(proposals, ProposalDialog)
    assert [x.organization for x in proposals.proposals] == [excellent.values["organization"]]
    assert proposals.checked_rows() == [0] and "优秀（95分）" in proposals.table.item(0, 3).text()
    proposals.table.item(0, 3).setText("结对帮扶成效显著，年终评估优秀（95分）。")  # edited before adding
    qtbot.mouseClick(proposals.add_button, Qt.MouseButton.LeftButton)
    assert not proposals.isVisible()
    assert dialog.names() == [excellent.values["organization"]]
    (entry,) = commendations.list_entries(reviewer_ctx, Y)
    assert entry.reason == "结对帮扶成效显著，年终评估优秀（95分）。" and entry.pairing_id == excellent.id
    again = dialog.open_proposals()
    assert isinstance(again, ProposalDialog) and again.checked_rows() == [] and not again.add_button.isEnabled()
    again.reject()

    assert dialog.export_bonus(tmp_path / "加分.xlsx") == tmp_path / "加分.xlsx"
    close_boxes()
    passphrase = dialog.seal_and_print(tmp_path / "usb")
    assert passphrase is not None
    qtbot.keyClicks(passphrase.edit, "demo")
    passphrase.ok_button.click()
    qtbot.waitUntil(lambda: dialog.job is not None and dialog.job.finished, timeout=60_000)
    (pdf,) = (tmp_path / "usb").glob("*.pdf")
    assert any(str(pdf) in t for t in close_boxes())
    text = "".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                                  text=True).stdout.split())
    assert "一、先进单位（1个）" in text and excellent.values["organization"] in text


def test_a_clerk_sees_the_list_but_cannot_change_it(qtbot, clerk_ctx) -> None:
    page = make_page(qtbot, clerk_ctx)
    assert page.commend_button.isVisible()
    dialog = open_list(qtbot, page)
    assert not any(b.isEnabled() for b in (dialog.add_button, dialog.remove_button, dialog.propose_button,
                                           dialog.print_button, dialog.draft_button, dialog.bonus_button))
    assert "只有审核人" in dialog.message.text()
    assert dialog.add_entry() is None


def test_the_list_opens_from_a_campaign_year_and_the_page_fits_1024(qtbot, reviewer_ctx) -> None:
    campaign = CampaignDialog(reviewer_ctx, 1, "百社解千难", year=Y - 1)
    qtbot.addWidget(campaign)
    opened = campaign.open_commendations()
    assert isinstance(opened, CommendationDialog) and opened.year.value() == Y - 1
    opened.accept()
    window = MainWindow(reviewer_ctx)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    page = window.show_page("结对帮扶")
    assert isinstance(page, PairingsPage)
    window.resize(1024, 768)
    right = page.commend_button.mapTo(window, page.commend_button.rect().bottomRight())
    assert page.commend_button.isVisible() and right.x() <= window.width()
