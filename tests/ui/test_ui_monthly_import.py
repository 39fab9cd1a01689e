"""导入 Excel on 月度统计: a filled template, an unmatched row assigned by hand, refused files, drops."""

from __future__ import annotations

from pathlib import Path

import pytest
from monthly_helpers import close_boxes, fill_template, future_month, township_id, visible
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from fupin_desktop.services.monthly import get_month
from fupin_desktop.services.monthly_documents import write_township_template
from fupin_desktop.ui.common.operations import ProblemsDialog
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.monthly.monthly_assign_dialog import CHOOSE, AssignDialog
from fupin_desktop.ui.monthly.monthly_import_flow import MonthlyImportFlow
from fupin_desktop.ui.monthly.monthly_page import MonthlyPage


@pytest.fixture
def page(qtbot, clerk_ctx) -> MonthlyPage:  # type: ignore[no-untyped-def]
    page = MonthlyPage(clerk_ctx)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    return page


def template(ctx, name: str, month, folder: Path, values=None) -> Path:  # type: ignore[no-untyped-def]
    path = write_township_template(ctx, township_id(ctx, name), month, folder)
    fill_template(path, values)
    return path


def wait_for_dialog(qtbot, flow: MonthlyImportFlow, kind: type):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: isinstance(flow.dialog, kind) and flow.dialog.isVisible(), timeout=10_000)
    return flow.dialog


def test_an_unmatched_row_is_assigned_by_hand_then_the_month_is_shown(qtbot, page, clerk_ctx, tmp_path) -> None:
    month = future_month(8)
    # An agreement number cleared by hand: the row is matched by its names, and no village has that name.
    path = template(clerk_ctx, "青阳街道", month, tmp_path, {2: {"协议编号": "", "村（社区）": "新建安置小区"}})
    expected = get_month(clerk_ctx, township_id(clerk_ctx, "青阳街道"), month).rows
    flow = page.import_paths([path])  # the file's 填报单位 and title decide township and month
    assert flow is not None
    dialog = wait_for_dialog(qtbot, flow, AssignDialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == "新建安置小区"
    assert "没有村（社区）" in dialog.table.item(0, 3).text()
    combo = dialog.combos[int(dialog.table.item(0, 0).text())]
    assert combo.currentText() == CHOOSE and not dialog.import_button.isEnabled()  # never guessed
    second = expected[1]
    dialog.choose(int(dialog.table.item(0, 0).text()), second.pairing_id)
    assert combo.currentText().startswith(f"{second.agreement_no} {second.village}") and dialog.import_button.isEnabled()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: flow.finished, timeout=10_000)
    assert "新建安置小区" not in " ".join(close_boxes())  # the summary names what the file lacked, not the row
    view = page.view
    assert view is not None and (view.township, view.period, view.status) == ("青阳街道", str(month), "draft")
    assert page.period() == month and page.township_name() == "青阳街道"
    assert [r.pairing_id for r in view.rows] == [r.pairing_id for r in expected]
    assert view.totals()["funds_fen"] == 1_500_000 * len(expected)
    assert page.grid.total_text("funds_fen") == f"{1.5 * len(expected):.2f}"


def test_a_file_with_errors_lists_them_and_stores_nothing(qtbot, page, clerk_ctx, tmp_path) -> None:
    month = future_month(9)
    path = template(clerk_ctx, "梅岭街道", month, tmp_path, {1: {"投入资金": "-1", "受益人数": "many"}})
    flow = page.import_paths([path])
    assert flow is not None
    dialog = wait_for_dialog(qtbot, flow, ProblemsDialog)
    cells = [[dialog.table.item(r, c).text() for c in range(4)] for r in range(dialog.table.rowCount())]
    assert any(row[1] == "5" and row[2] == "投入资金" and "负数" in row[3] for row in cells), cells
    assert any(row[2] == "受益人数" for row in cells)
    dialog.close()
    qtbot.waitUntil(lambda: flow.finished, timeout=10_000)
    assert flow.outcomes[0][1].startswith("未导入")
    assert get_month(clerk_ctx, township_id(clerk_ctx, "梅岭街道"), month).status == "missing"


def test_several_files_go_one_after_the_other_with_a_summary(qtbot, page, clerk_ctx, tmp_path) -> None:
    month = future_month(10)
    bad = template(clerk_ctx, "西园街道", month, tmp_path, {1: {"投入资金": "abc"}})
    good = template(clerk_ctx, "罗山街道", month, tmp_path)
    not_a_workbook = tmp_path / "说明.xlsx"
    not_a_workbook.write_text("不是表格", encoding="utf-8")
    flow = page.import_paths([bad, not_a_workbook, good])
    assert flow is not None
    wait_for_dialog(qtbot, flow, ProblemsDialog).close()
    qtbot.waitUntil(lambda: flow.dialog is not None and flow.dialog.isVisible() and flow.current == not_a_workbook,
                    timeout=10_000)
    assert "不是 Excel" in close_boxes()[0]
    qtbot.waitUntil(lambda: flow.finished, timeout=10_000)
    summary = close_boxes()
    assert summary and "已导入 罗山街道" in summary[0] and summary[0].count("未导入") == 2
    assert page.view is not None and page.view.township == "罗山街道"


def test_the_chosen_township_is_used_only_when_ticked(qtbot, page, clerk_ctx, tmp_path) -> None:
    month = future_month(11)
    path = template(clerk_ctx, "新塘街道", month, tmp_path)
    page.show_month(township_id(clerk_ctx, "青阳街道"), month)
    page.by_township.setChecked(True)
    page.by_month.setChecked(True)
    flow = page.import_paths([path])
    assert flow is not None
    qtbot.waitUntil(lambda: any("不符" in b.text() for b in visible(QMessageBox)), timeout=10_000)
    close_boxes()
    qtbot.waitUntil(lambda: flow.finished, timeout=10_000)
    page.by_township.setChecked(False)
    assert get_month(clerk_ctx, township_id(clerk_ctx, "新塘街道"), month).status == "missing"


def test_dropped_workbooks_are_imported(qtbot, page, clerk_ctx, tmp_path) -> None:
    month = future_month(12)
    path = template(clerk_ctx, "灵源街道", month, tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)), QUrl.fromLocalFile(str(tmp_path / "照片.jpg"))])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    page.dropEvent(event)
    flow = page.import_flow
    assert flow is not None and flow.total == 1  # the photo is not a workbook
    qtbot.waitUntil(lambda: flow.finished, timeout=10_000)
    close_boxes()
    assert get_month(clerk_ctx, township_id(clerk_ctx, "灵源街道"), month).status == "draft"


def test_the_main_window_passes_dropped_workbooks_to_the_monthly_page(qtbot, clerk_ctx, tmp_path) -> None:
    month = future_month(5)
    path = template(clerk_ctx, "金井镇", month, tmp_path)
    window = MainWindow(clerk_ctx)
    qtbot.addWidget(window)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier))
    page = window.stack.currentWidget()
    assert isinstance(page, MonthlyPage) and page.import_flow is not None
    qtbot.waitUntil(lambda: page.import_flow.finished, timeout=10_000)
    assert page.view is not None and (page.view.township, page.view.status) == ("金井镇", "draft")


def test_the_month_template_is_written_to_the_chosen_folder(qtbot, page, clerk_ctx, tmp_path) -> None:
    month = future_month(4)
    page.show_month(township_id(clerk_ctx, "安海镇"), month)
    path = page.save_template_to(tmp_path)
    assert path is not None and path.exists() and path.name.startswith("安海镇_")
    assert any(str(path) in t for t in close_boxes())
    assert fill_template(path) == len(page.view.rows)  # one pre-filled row per pairing in term
