"""导入 Excel from the organizations page: run in a worker, summary or every problem shown."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from PySide6.QtWidgets import QApplication, QMessageBox

from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.services.register_import import template_for
from fupin_desktop.ui.common.operations import ProblemsDialog
from fupin_desktop.ui.register.organizations_page import OrganizationsPage
from fupin_desktop.ui.register.register_io import start_import


def workbook(ctx, tmp_path: Path, rows: list[list[str]]) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "名册.xlsx"
    template_for(ctx, "organization", path)
    book = openpyxl.load_workbook(path)
    sheet = book["社会组织名册"]
    for n, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            sheet.cell(n, column, value).data_type = "s"
    book.save(path)
    return path


def visible(kind: type) -> list:  # type: ignore[type-arg]
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def test_an_imported_organization_appears_with_a_summary(qtbot, clerk_ctx, tmp_path) -> None:
    code = make_credit_code("5", "3", "350582", "MJ0MP001")
    path = workbook(clerk_ctx, tmp_path, [["晋江市导入测试基金会", code, "基金会"]])
    page = OrganizationsPage(clerk_ctx)
    qtbot.addWidget(page)
    results: list[object] = []
    handle = start_import(page, clerk_ctx, "organization", path, lambda r: (results.append(r), page.refresh()))
    assert handle is not None
    qtbot.waitUntil(lambda: handle.finished, timeout=10_000)
    assert handle.error is None and getattr(results[0], "created", 0) == 1
    assert "晋江市导入测试基金会" in [r.values["name"] for r in page.shown_rows()]
    box = visible(QMessageBox)
    assert box and "新增 1 条" in box[0].text()
    box[0].close()


def test_a_bad_file_lists_its_problems_by_row_and_column(qtbot, clerk_ctx, tmp_path) -> None:
    path = workbook(clerk_ctx, tmp_path, [["晋江市坏代码商会", "51350582MJ0T000140", "社会团体"]])
    page = OrganizationsPage(clerk_ctx)
    qtbot.addWidget(page)
    before = len(page.shown_rows())
    handle = start_import(page, clerk_ctx, "organization", path, lambda _r: page.refresh())
    assert handle is not None
    qtbot.waitUntil(lambda: handle.finished, timeout=10_000)
    dialogs = visible(ProblemsDialog)
    assert dialogs
    table = dialogs[0].table
    cells = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert any(row[1] == "2" and "信用代码" in row[2] for row in cells), cells
    assert len(page.shown_rows()) == before
    dialogs[0].close()
