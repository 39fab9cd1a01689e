"""The monthly data-entry grid: typing, Enter and Tab, Excel paste, running totals, save and refusal."""

from __future__ import annotations

import pytest
from monthly_helpers import fill_texts, future_month, paste, township_id, type_into
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.services.monthly import get_month
from fupin_desktop.services.monthly_status import status_board
from fupin_desktop.ui.monthly.monthly_grid import block_text, parse_block
from fupin_desktop.ui.monthly.monthly_grid_model import FLAG_ROLE, PROBLEM_ROLE
from fupin_desktop.ui.monthly.monthly_page import MonthlyPage

MONTH = future_month(6)


@pytest.fixture
def page(qtbot, clerk_ctx) -> MonthlyPage:  # type: ignore[no-untyped-def]
    page = MonthlyPage(clerk_ctx)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.show_month(township_id(clerk_ctx, "青阳街道"), MONTH)
    return page


def test_clipboard_blocks_read_and_write_like_excel() -> None:
    assert parse_block("1\t2\t3\r\n4\t5\t6\r\n") == [["1", "2", "3"], ["4", "5", "6"]]
    assert parse_block('"两行\n文字"\t2\n\t') == [["两行\n文字", "2"], ["", ""]]
    assert parse_block("") == []
    rows = [["a\tb", "引号\"里"], ["", "3"]]
    assert parse_block(block_text(rows)) == rows


def test_typing_paste_totals_and_save_as_draft(qtbot, page, clerk_ctx) -> None:
    grid, model = page.grid, page.grid.model
    assert page.status_tag.text() == "未报" and model.editable and model.rowCount() >= 3
    assert page.grid.total_text("funds_fen") == "0.00"

    type_into(qtbot, grid, 0, "funds_fen", "12")  # the first key replaces the cell, as in Excel
    assert model.text(0, "funds_fen") == "12"
    assert grid.table.currentIndex().row() == 1  # Enter moved down
    assert page.grid.total_text("funds_fen") == "12.00"  # running total while typing
    type_into(qtbot, grid, 1, "funds_fen", "0.5")
    assert page.grid.total_text("funds_fen") == "12.50"

    view = grid.table
    view.setCurrentIndex(model.index(0, model.column_of("beneficiaries")))
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.currentIndex().column() == model.column_of("jobs")
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1

    paste(qtbot, grid, 1, "beneficiaries", "20\t1\t5\r\n30\t2\t6\r\n")  # a 2×3 block copied from Excel
    assert [model.text(r, n) for r in (1, 2) for n in ("beneficiaries", "jobs", "trainees")] == \
        ["20", "1", "5", "30", "2", "6"]
    assert page.grid.total_text("beneficiaries") == "50" and page.grid.total_text("trainees") == "11"
    assert "已粘贴 6 格" in grid.message.text()
    fill_texts(qtbot, grid)
    assert model.text(2, "content") == "入户走访第3户" and model.text(2, "progress") == "已完成"

    assert page.save()
    assert page.status_tag.text() == "草稿" and page.view.revision == 1
    stored = get_month(clerk_ctx, page.view.township_id, MONTH)
    assert stored.status == "draft"
    assert stored.rows[0].values["funds_fen"] == 12_000_000 and stored.rows[1].values["funds_fen"] == 500_000
    assert stored.rows[2].values["beneficiaries"] == 30
    assert stored.totals()["funds_fen"] == 12_500_000


def test_delete_clears_copy_copies_and_undo_restores(qtbot, page) -> None:
    grid, model, view = page.grid, page.grid.model, page.grid.table
    paste(qtbot, grid, 0, "volunteers", "7\t8\r\n9\t10")
    top_left = model.index(0, model.column_of("volunteers"))
    selection = QItemSelection(top_left, model.index(1, model.column_of("projects_landed")))
    view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "7\t8\n9\t10\n"
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert model.text(0, "volunteers") == "" and model.text(1, "projects_landed") == ""
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert model.text(1, "projects_landed") == "10"
    paste(qtbot, grid, 0, "village", "某村\t某组织\t内容")  # read-only columns keep their text
    assert model.text(0, "content") == "内容" and model.text(0, "village") != "某村"
    assert "不能修改" in grid.message.text()
    model.dirty = False


def test_a_negative_figure_is_marked_and_listed_and_nothing_is_saved(qtbot, page, clerk_ctx) -> None:
    grid, model = page.grid, page.grid.model
    before = get_month(clerk_ctx, page.view.township_id, MONTH)
    fill_texts(qtbot, grid)
    type_into(qtbot, grid, 1, "funds_fen", "-3")
    assert page.grid.total_text("funds_fen").endswith("*")  # not a number yet: left out of the total
    assert not page.save()
    column = model.column_of("funds_fen")
    assert "不能为负数" in model.index(1, column).data(PROBLEM_ROLE)
    assert "不能为负数" in model.index(1, column).data(Qt.ItemDataRole.ToolTipRole)
    lines = grid.problem_lines()
    assert len(lines) == 1 and lines[0].startswith("第2行「投入资金」：") and grid.problems.isVisible()
    assert grid.table.currentIndex() == model.index(1, column)  # the first bad cell is shown
    after = get_month(clerk_ctx, page.view.township_id, MONTH)
    assert (after.revision, after.totals()) == (before.revision, before.totals())
    type_into(qtbot, grid, 1, "funds_fen", "3")  # corrected: the mark goes
    assert model.index(1, column).data(PROBLEM_ROLE) is None
    assert page.save() and not grid.problems.isVisible()


def test_flags_of_an_approved_demo_month_are_marked_and_the_grid_is_read_only(qtbot, page, clerk_ctx) -> None:
    month = Period.of_date(clock.today()).previous().previous()  # approved in the demo
    views = [get_month(clerk_ctx, b.township_id, month) for b in status_board(clerk_ctx, month)]
    view = next(v for v in views if any(r.flags for r in v.rows))
    page.show_month(view.township_id, month)
    model = page.grid.model
    assert page.status_tag.text() == "已审核" and not model.editable and not page.save_button.isEnabled()
    row = next(n for n, r in enumerate(view.rows) if r.flags)
    flag = view.rows[row].flags[0]
    index = model.index(row, model.column_of(flag["field"]))
    assert index.data(FLAG_ROLE) == [f["message"] for f in view.rows[row].flags if f["field"] == flag["field"]]
    assert f"提醒：{flag['message']}" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "处提醒" in page.detail.text()
    page.grid.table.grab()  # the orange corners paint


def test_a_month_someone_saved_meanwhile_offers_to_reload_and_keeps_their_figures(qtbot, page, clerk_ctx,
                                                                                   monkeypatch) -> None:
    from fupin_desktop.services import monthly, users
    from fupin_desktop.services.users import login
    from fupin_desktop.ui.common import unsaved

    admin = clerk_ctx.as_user(login(clerk_ctx.db, "admin", "demo"))
    users.create_user(admin, "wangfang", "demo", "clerk", "王芳")
    wangfang = clerk_ctx.as_user(login(clerk_ctx.db, "wangfang", "demo"))
    type_into(qtbot, page.grid, 0, "funds_fen", "12")  # typing in the open month …
    fill_texts(qtbot, page.grid)
    theirs = monthly.get_month(wangfang, page.view.township_id, MONTH)  # … while 王芳 saves it on her PC
    monthly.save_entry(wangfang, theirs.township_id, MONTH, [
        {"pairing_id": r.pairing_id, "content": "王芳填的", "progress": "进行中", "funds_fen": "3"} for r in theirs.rows])
    asked: list[str] = []
    monkeypatch.setattr(unsaved, "ask_edit_conflict", lambda _parent, text: asked.append(text) or unsaved.RELOAD)
    assert not page.save()
    assert "已被 王芳（填报员）于" in asked[0] and "这次没有保存" in asked[0]
    assert page.grid.model.text(0, "funds_fen") == "3.00" and page.grid.model.text(0, "content") == "王芳填的"
    assert not page.grid.model.dirty and "重新载入" in page.grid.message.text()
    assert get_month(clerk_ctx, page.view.township_id, MONTH).rows[0].values["funds_fen"] == 3_000_000
