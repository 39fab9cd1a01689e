"""导入 Excel / 下载模板 on the 帮扶对象 tab of 村社与帮扶对象: a worker imports, the list shows masked."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
from PySide6.QtWidgets import QApplication, QMessageBox

from fupin_desktop.domain.id_number import make_id_number, mask_id_number
from fupin_desktop.services.register_import import template_for
from fupin_desktop.ui.common.operations import ProblemsDialog
from fupin_desktop.ui.register.places_page import PlacesPage
from fupin_desktop.ui.register.register_io import start_import


def workbook(ctx, path: Path, rows: list[list[str]]) -> Path:  # type: ignore[no-untyped-def]
    template_for(ctx, "household", path)
    book = openpyxl.load_workbook(path)
    for n, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            book["帮扶对象名单"].cell(n, column, value).data_type = "s"
    book.save(path)
    return path


def visible(kind: type) -> list:  # type: ignore[type-arg]
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def test_an_imported_household_appears_masked_with_a_summary(qtbot, clerk_ctx, tmp_path, today: date) -> None:
    number = make_id_number("350582", today - timedelta(days=365 * 45), "951")
    path = workbook(clerk_ctx, tmp_path / "户.xlsx", [["林界面", number, "", "青新社区居委会", "3"]])
    page = PlacesPage(clerk_ctx)
    qtbot.addWidget(page)
    tab = page.households
    assert tab.import_button.isEnabled() and tab.template_button.isEnabled()
    handle = start_import(tab, clerk_ctx, "household", path, lambda _r: tab.imported())
    assert handle is not None
    qtbot.waitUntil(lambda: handle.finished, timeout=10_000)
    assert handle.error is None
    shown = {r.values["head_name"]: r.values["id_number"] for r in tab.shown_rows()}
    assert shown["林界面"] == mask_id_number(number)
    box = visible(QMessageBox)
    assert box and "新增 1 条" in box[0].text()
    box[0].close()


def test_a_bad_file_lists_its_problems_and_an_admin_cannot_import(qtbot, clerk_ctx, admin_ctx, tmp_path,
                                                                  today: date) -> None:
    number = make_id_number("350582", today - timedelta(days=365 * 45), "952")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    path = workbook(clerk_ctx, tmp_path / "坏.xlsx", [["林界面", wrong, "", "青新社区居委会", "3"]])
    page = PlacesPage(clerk_ctx)
    qtbot.addWidget(page)
    before = len(page.households.shown_rows())
    handle = start_import(page.households, clerk_ctx, "household", path, lambda _r: page.refresh())
    assert handle is not None
    qtbot.waitUntil(lambda: handle.finished, timeout=10_000)
    dialogs = visible(ProblemsDialog)
    assert dialogs
    table = dialogs[0].table
    cells = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert any(row[1] == "2" and "身份证号" in row[2] for row in cells), cells
    assert not any(wrong in text for row in cells for text in row)
    assert len(page.households.shown_rows()) == before
    dialogs[0].close()

    admin_page = PlacesPage(admin_ctx)
    qtbot.addWidget(admin_page)
    assert not admin_page.households.import_button.isEnabled()
