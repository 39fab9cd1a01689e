"""No lost typing in the window: Ctrl+S, the unsaved bar and title mark, 保存 / 不保存 / 取消 on
switching month and on closing, and 放弃已填写的内容？ in dialogs with typed content."""

from __future__ import annotations

import pytest
from monthly_helpers import fill_texts, future_month, township_id, type_into
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from fupin_desktop.services import drafts
from fupin_desktop.services.monthly import get_month
from fupin_desktop.services.pairings import list_pairings
from fupin_desktop.services.places import list_townships
from fupin_desktop.ui.annual.inspection_dialog import InspectionDialog
from fupin_desktop.ui.common import unsaved
from fupin_desktop.ui.common.form_dialog import FormDialog
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.monthly.monthly_page import UNSAVED_BAR, MonthlyPage
from fupin_desktop.ui.monthly.monthly_review import ReasonDialog
from fupin_desktop.ui.register.evaluation_dialog import EvaluationDialog

MONTH = future_month(6)


def answers(monkeypatch, name: str, *replies):  # type: ignore[no-untyped-def]
    """Replace ``unsaved.<name>`` by one answering ``replies`` in turn; the texts it was asked."""
    asked: list[str] = []
    left = list(replies)

    def fake(_parent, *text):  # type: ignore[no-untyped-def]
        asked.append(text[0] if text else "")
        return left.pop(0)

    monkeypatch.setattr(unsaved, name, fake)
    return asked


def click_in_box(button_text: str, seen: list[list[str]]) -> None:
    """Soon: press the button ``button_text`` of the modal message box shown then (the real box)."""
    def press(tries: int = 250) -> None:  # gives up after 5 s: never presses a later test's box
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if tries:
                QTimer.singleShot(20, lambda: press(tries - 1))
            return
        seen.append([b.text() for b in box.buttons()] + [box.text()])
        next(b for b in box.findChildren(QPushButton) if b.text() == button_text).click()

    QTimer.singleShot(0, press)


@pytest.fixture
def window(qtbot, clerk_ctx) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(clerk_ctx)
    qtbot.addWidget(window)
    window.resize(1300, 760)
    window.show()
    window.activateWindow()  # shortcuts (Ctrl+S) go to the active window only
    qtbot.waitUntil(window.isActiveWindow)
    return window


def open_grid(qtbot, window: MainWindow, ctx) -> MonthlyPage:  # type: ignore[no-untyped-def]
    """青阳街道's month with its required texts saved once (revision 1), nothing unsaved."""
    page = window.open_month(township_id(ctx, "青阳街道"), str(MONTH))
    fill_texts(qtbot, page.grid)
    assert page.save() and page.view.revision == 1
    return page


def test_ctrl_s_saves_and_the_bar_and_title_show_unsaved_typing(qtbot, window, clerk_ctx) -> None:
    page = open_grid(qtbot, window, clerk_ctx)
    assert not page.bar.isVisible() and not window.windowTitle().startswith("*")
    type_into(qtbot, page.grid, 0, "funds_fen", "12")
    assert page.bar.isVisible() and page.bar_text.text().startswith(UNSAVED_BAR)
    assert window.windowTitle().startswith("*")
    code = next(t.values["code"] for t in list_townships(clerk_ctx) if t.values["name"] == "青阳街道")
    draft = drafts.draft_path(clerk_ctx.data_dir, "clerk", code, str(MONTH))
    assert draft.exists()  # the first edit writes the draft at once

    view = page.grid.table
    view.setCurrentIndex(page.grid.model.index(1, page.grid.model.column_of("funds_fen")))
    qtbot.keyClick(view, "3")  # an editor still open when Ctrl+S comes: its text is saved too
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not page.grid.model.dirty and page.grid.message.text() == "已保存。"
    assert not page.bar.isVisible() and not window.windowTitle().startswith("*")
    stored = get_month(clerk_ctx, page.view.township_id, MONTH)
    assert stored.rows[0].values["funds_fen"] == 12_000_000 and stored.rows[1].values["funds_fen"] == 3_000_000
    assert not draft.exists()  # saved properly: no draft left


def test_switching_month_asks_and_cancel_keeps_the_month_shown(qtbot, window, clerk_ctx) -> None:
    page = open_grid(qtbot, window, clerk_ctx)
    type_into(qtbot, page.grid, 0, "funds_fen", "7")
    seen: list[list[str]] = []
    click_in_box("取消", seen)  # the real box, its Chinese buttons
    page.month.setCurrentIndex(page.month.currentIndex() + 1)
    assert seen and sorted(seen[0][:3]) == sorted(["保存", "不保存", "取消"]) and "青阳街道" in seen[0][3]
    assert page.period() == MONTH and page.grid.model.text(0, "funds_fen") == "7"  # the combo went back

    asked = answers(monkeypatch := pytest.MonkeyPatch(), "ask_unsaved", unsaved.DISCARD)
    try:
        page.step_month(1)
    finally:
        monkeypatch.undo()
    assert len(asked) == 1 and page.period() == MONTH.next() and not page.grid.model.dirty
    stored = get_month(clerk_ctx, page.view.township_id, MONTH).rows[0].values
    assert not stored.get("funds_fen")  # 不保存: the typed 7 was never stored
    assert drafts.list_drafts(clerk_ctx.data_dir, "clerk") == []


def test_switching_township_with_save_saves_first(qtbot, monkeypatch, window, clerk_ctx) -> None:
    page = open_grid(qtbot, window, clerk_ctx)
    type_into(qtbot, page.grid, 0, "funds_fen", "5")
    answers(monkeypatch, "ask_unsaved", unsaved.SAVE)
    page.townships.setCurrentRow(page.townships.currentRow() + 1)
    assert page.township_name() != "青阳街道"
    assert get_month(clerk_ctx, township_id(clerk_ctx, "青阳街道"), MONTH).rows[0].values["funds_fen"] == 5_000_000


def test_closing_the_window_asks_cancel_keeps_it_dont_save_closes(qtbot, monkeypatch, window, clerk_ctx) -> None:
    page = open_grid(qtbot, window, clerk_ctx)
    type_into(qtbot, page.grid, 0, "funds_fen", "9")
    backups: list[int] = []
    monkeypatch.setattr(window, "automatic_backup", lambda: backups.append(1))
    asked = answers(monkeypatch, "ask_unsaved", unsaved.CANCEL, unsaved.DISCARD)
    assert not window.close()
    assert window.isVisible() and page.grid.model.text(0, "funds_fen") == "9" and backups == []
    assert "青阳街道" in asked[0]
    assert window.close()
    assert not window.isVisible() and backups == [1]  # the automatic backup runs after the question
    assert not get_month(clerk_ctx, page.view.township_id, MONTH).rows[0].values.get("funds_fen")
    assert drafts.list_drafts(clerk_ctx.data_dir, "clerk") == []


def test_closing_with_save_saves_and_closes_a_refused_save_keeps_the_window(qtbot, monkeypatch, window,
                                                                            clerk_ctx) -> None:
    page = open_grid(qtbot, window, clerk_ctx)
    type_into(qtbot, page.grid, 0, "beneficiaries", "abc")  # not a number: the service refuses it
    answers(monkeypatch, "ask_unsaved", unsaved.SAVE, unsaved.SAVE)
    assert not window.close()
    assert window.isVisible() and page.grid.problem_lines()  # the problem is shown in the grid
    page.grid.model.set_cells([(0, page.grid.model.column_of("beneficiaries"), "4")])
    assert window.close() and not window.isVisible()
    assert get_month(clerk_ctx, page.view.township_id, MONTH).rows[0].values["beneficiaries"] == 4


def test_closing_without_unsaved_typing_asks_nothing(qtbot, monkeypatch, window, clerk_ctx) -> None:
    open_grid(qtbot, window, clerk_ctx)
    asked = answers(monkeypatch, "ask_unsaved")
    assert window.close() and asked == []


def test_a_form_dialog_asks_before_esc_throws_typed_content_away(qtbot, monkeypatch, clerk_ctx) -> None:
    dialog = FormDialog(clerk_ctx.forms["organization"], None, save=lambda _raw: None)
    qtbot.addWidget(dialog)
    dialog.show()
    asked = answers(monkeypatch, "ask_discard_typed", False, True)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [] and not dialog.isVisible()  # nothing typed: closes silently

    dialog.show()
    qtbot.keyClicks(dialog.panel.focus_widgets()[0], "ABC")
    qtbot.keyClick(dialog.panel.focus_widgets()[0], Qt.Key.Key_Escape)
    assert len(asked) == 1 and dialog.isVisible()  # 继续填写
    dialog.cancel_button.click()
    assert len(asked) == 2 and not dialog.isVisible()  # 放弃


@pytest.mark.real_questions
def test_the_discard_question_has_chinese_buttons(qtbot, clerk_ctx) -> None:
    dialog = FormDialog(clerk_ctx.forms["organization"], None, save=lambda _raw: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.panel.focus_widgets()[0], "ABC")
    seen: list[list[str]] = []
    click_in_box("继续填写", seen)
    dialog.reject()
    assert sorted(seen[0][:2]) == sorted(["放弃", "继续填写"]) and seen[0][2] == "放弃已填写的内容？"
    assert len(seen) == 1 and dialog.isVisible()


def test_inspection_and_evaluation_dialogs_ask_before_esc(qtbot, monkeypatch, clerk_ctx, reviewer_ctx) -> None:
    asked = answers(monkeypatch, "ask_discard_typed", False, True)
    inspection = InspectionDialog(clerk_ctx, 2025)
    qtbot.addWidget(inspection)
    inspection.show()
    qtbot.keyClick(inspection, Qt.Key.Key_Escape)
    assert asked == [] and not inspection.isVisible()
    inspection.show()
    qtbot.keyClicks(inspection.remarks, "ok")
    qtbot.keyClick(inspection.remarks, Qt.Key.Key_Escape)
    assert len(asked) == 1 and inspection.isVisible()

    pairing = list_pairings(reviewer_ctx)[0]
    evaluation = EvaluationDialog(reviewer_ctx, pairing)
    qtbot.addWidget(evaluation)
    evaluation.show()
    qtbot.keyClicks(evaluation.remarks, "good")
    qtbot.keyClick(evaluation.remarks, Qt.Key.Key_Escape)
    assert len(asked) == 2 and not evaluation.isVisible()  # 放弃


def test_a_typed_return_reason_is_not_thrown_away_by_esc(qtbot, monkeypatch) -> None:
    asked = answers(monkeypatch, "ask_discard_typed", False)
    dialog = ReasonDialog("退回", "退回原因", "退回", lambda _text: True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog.text, Qt.Key.Key_Escape)
    assert asked == [] and not dialog.isVisible()  # nothing typed: closes
    dialog.show()
    qtbot.keyClicks(dialog.text, "figures wrong")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Escape)
    assert len(asked) == 1 and dialog.isVisible() and dialog.text.toPlainText() == "figures wrong"
