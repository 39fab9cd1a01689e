"""年终评估 through the dialog (reviewer only; the clerk has no button) and a campaign's year with
the organizations to commend."""

from __future__ import annotations

from PySide6.QtCore import Qt

from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import EvaluationGrade
from fupin_desktop.services.campaigns import list_campaigns
from fupin_desktop.services.evaluations import list_evaluations
from fupin_desktop.ui.home_page import HomePage
from fupin_desktop.ui.register.evaluation_dialog import NO_STANDARD, EvaluationDialog, open_evaluation
from fupin_desktop.ui.register.pairings_page import PairingsPage

Y = clock.today().year  # every demo pairing runs through this year


def make_page(qtbot, ctx) -> PairingsPage:  # type: ignore[no-untyped-def]
    page = PairingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    return page


def open_for(qtbot, page: PairingsPage, n: int) -> EvaluationDialog:  # type: ignore[no-untyped-def]
    record = page.shown_rows()[n]
    assert page.select_id(record.id)
    qtbot.mouseClick(page.evaluate_button, Qt.MouseButton.LeftButton)
    shown = [d for d in page.findChildren(EvaluationDialog) if d.isVisible()]  # closed ones wait for deleteLater
    assert len(shown) == 1 and shown[0].pairing.id == record.id
    return shown[0]


def test_a_reviewer_records_an_evaluation_through_the_dialog(qtbot, reviewer_ctx) -> None:
    page = make_page(qtbot, reviewer_ctx)
    assert page.evaluate_button.isVisible()
    record = next(r for r in page.shown_rows() if r.values.get("campaign") == "百社解千难")
    dialog = open_for(qtbot, page, page.shown_rows().index(record))
    standard = record.values.get("assessment_standard") or NO_STANDARD
    assert dialog.standard.toPlainText() == standard and dialog.standard.isReadOnly()
    assert dialog.year.value() == Y and dialog.grade.currentIndex() == -1
    assert dialog.previous.text() == "本年度尚未评估。"

    assert not dialog.save()  # no grade chosen: the service's sentence, in the dialog
    assert "评估等次" in dialog.message.text() and dialog.isVisible()
    dialog.grade.setCurrentIndex(dialog.grade.findData(EvaluationGrade.EXCELLENT.value))
    dialog.remarks.setPlainText("按协议完成产业帮扶和助学任务")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.result_value is not None
    stored = [e for e in list_evaluations(reviewer_ctx, Y) if e.pairing_id == record.id]
    assert [(e.grade, e.remarks, e.evaluated_by) for e in stored] == [("excellent", "按协议完成产业帮扶和助学任务", "reviewer")]

    again = open_for(qtbot, page, page.shown_rows().index(record))
    assert again.grade.currentText() == "优秀" and again.remarks.toPlainText() == "按协议完成产业帮扶和助学任务"
    assert f"由 {reviewer_ctx.user.display_name} 评为优秀" in again.previous.text()
    again.reject()

    home = HomePage(reviewer_ctx)
    qtbot.addWidget(home)
    campaign = next(c for c in list_campaigns(reviewer_ctx) if c.values["name"] == "百社解千难")
    view = home.open_campaign(campaign.id, "百社解千难")
    assert view.year.value() == Y and view.progress is not None
    assert record.values["organization"] in view.commended_names()
    assert view.progress.evaluated >= 1 and view.progress.grades["优秀"] >= 1
    assert "已评估" in view.grades.text()
    view.accept()


def test_a_clerk_sees_no_evaluation_button(qtbot, clerk_ctx) -> None:
    page = make_page(qtbot, clerk_ctx)
    assert not page.evaluate_button.isVisibleTo(page)
    assert page.add_button.isVisible()
    assert open_evaluation(page, clerk_ctx, page.shown_rows()[0]) is None
    assert page.findChild(EvaluationDialog) is None
