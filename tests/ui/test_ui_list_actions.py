"""Every list: several rows selected and copied with Ctrl+C as tab-separated text with headers,
a right-click menu with the page's buttons, exported to Excel and shown in a print preview."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QFileDialog, QTableView

from fupin_desktop.ui.common import list_actions
from fupin_desktop.ui.common.record_model import Column, RecordTableModel, fit_columns, make_table
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.register.organizations_page import OrganizationsPage

pytestmark = pytest.mark.gui

Select = QItemSelectionModel.SelectionFlag


def _select_rows(view: QTableView, rows: list[int]) -> None:
    model = view.selectionModel()
    model.clearSelection()
    for row in rows:
        model.select(view.model().index(row, 0), Select.Select | Select.Rows)


def _shown(view: QTableView, row: int) -> list[str]:
    model = view.model()
    return [str(model.data(model.index(row, c)) or "") for c in range(model.columnCount())]


def test_ctrl_c_copies_the_selected_rows_with_their_headers(qtbot, clerk_ctx) -> None:
    page = OrganizationsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.show()
    view = page.table
    _select_rows(view, [0, 2, 3])
    view.setFocus()
    QApplication.clipboard().clear()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    lines = QApplication.clipboard().text().splitlines()
    headers = [view.model().headerData(c, Qt.Orientation.Horizontal) for c in range(view.model().columnCount())]
    assert lines[0].split("\t") == headers
    assert [line.split("\t") for line in lines[1:]] == [_shown(view, 0), _shown(view, 2), _shown(view, 3)]


def test_the_right_click_menu_offers_the_pages_buttons_and_the_list_actions(qtbot, clerk_ctx) -> None:
    page = OrganizationsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.show()
    menu = list_actions._menu(page.table)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:4] == ["新增", "编辑", "导入 Excel", "下载模板"]
    assert texts[-4:] == ["复制所选行", "全选", "导出到 Excel…", "打印预览…"]
    opened = []
    page.new_record = lambda: opened.append("new")  # type: ignore[method-assign]
    page.add_button.clicked.disconnect()
    page.add_button.clicked.connect(lambda: page.new_record())
    menu.actions()[0].trigger()
    assert opened == ["new"]


def test_a_list_exported_to_excel_has_its_title_headers_and_shown_rows(qtbot, monkeypatch, tmp_path: Path,
                                                                          clerk_ctx) -> None:
    window = MainWindow(clerk_ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("结对帮扶")
    view = page.table  # type: ignore[attr-defined]
    target = tmp_path / "out" / "结对.xlsx"
    target.parent.mkdir()
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda _p, _t, start, _f: (asked.append(start), (str(target), ""))[1]))
    written = list_actions.export_workbook(view, window)

    assert written == target and asked[0].endswith("结对帮扶.xlsx")
    ws = load_workbook(target).active
    model = view.model()
    assert ws.cell(1, 1).value == "结对帮扶"
    assert [ws.cell(2, c + 1).value for c in range(model.columnCount())] == \
        [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert ws.max_row == 2 + model.rowCount()
    assert ws.print_title_rows == "$2:$2"
    # The next export starts in the folder chosen this time.
    list_actions.export_workbook(view, window)
    assert Path(asked[1]).parent == target.parent


def test_numbers_are_written_as_numbers_and_codes_stay_text(tmp_path: Path) -> None:
    from fupin_desktop.documents.list_workbook import write_list_workbook

    path = write_list_workbook(tmp_path / "x.xlsx", "测试", ["代码", "金额（万元）", "人数"],
                               [["007", "168.58", "3,242"], ["=1+1", "-2.50", "12"]], [False, True, True])
    ws = load_workbook(path).active
    assert [ws.cell(3, c).value for c in (1, 2, 3)] == ["007", 168.58, 3242]
    assert ws.cell(4, 1).value == "=1+1" and ws.cell(4, 1).data_type == "s"
    assert ws.cell(4, 2).number_format == "0.00"


def test_the_print_preview_shows_the_list(qtbot, clerk_ctx) -> None:
    page = OrganizationsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.show()
    dialog = list_actions.preview(page.table, page)
    assert isinstance(dialog, QPrintPreviewDialog) and dialog.isVisible()
    text = list_actions.list_text(page.table)
    document = list_actions.print_document(text, date(2026, 11, 18))
    plain = document.toPlainText()
    assert f"共 {page.model.rowCount()} 条" in plain and "2026年11月18日" in plain
    assert all(cell in plain for cell in _shown(page.table, 0) if cell)
    dialog.close()


@pytest.mark.parametrize(("page_title", "attribute"), [
    ("社会组织", "table"), ("结对帮扶", "table"), ("年检年报", "table"),
])
def test_the_named_lists_have_the_menu_and_multi_select(qtbot, admin_ctx, page_title: str, attribute: str) -> None:
    window = MainWindow(admin_ctx)
    qtbot.addWidget(window)
    window.show()
    view = getattr(window.show_page(page_title), attribute)
    assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    assert view.selectionMode() == QTableView.SelectionMode.ExtendedSelection


def test_the_other_lists_have_the_menu_too(qtbot, admin_ctx) -> None:
    window = MainWindow(admin_ctx)
    qtbot.addWidget(window)
    window.show()
    places = window.show_page("村社与帮扶对象")
    system = window.show_page("系统")
    receiving = window.show_page("接收")
    for view in (places.villages.table, places.households.table, system.audit.table,  # type: ignore[attr-defined]
                 receiving.findChildren(QTableView)[-1]):
        assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu, view


def test_a_number_column_is_never_cut_to_an_ellipsis(qtbot, ui_forms) -> None:
    from fupin_desktop.services.records import RecordView

    narrow = Column("金额", lambda r: r.values["n"], width=3, numeric=True)
    model = RecordTableModel(ui_forms["organization"], [RecordView(1, {"n": "123456789.12"}, {})], fields=[],
                             extra=[narrow, ("名称", lambda r: "甲")])
    view = make_table()
    qtbot.addWidget(view)
    view.setModel(model)
    fit_columns(view, model)
    assert view.columnWidth(0) >= view.fontMetrics().horizontalAdvance("123456789.12")


def test_edit_copy_in_the_menu_copies_the_focused_lists_rows(qtbot, clerk_ctx) -> None:
    window = MainWindow(clerk_ctx)
    qtbot.addWidget(window)
    window.show()
    view = window.show_page("社会组织").table  # type: ignore[attr-defined]
    _select_rows(view, [1])
    with qtbot.waitActive(window):
        window.activateWindow()
    view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view)
    QApplication.clipboard().clear()
    window.actions_by_text["复制"].trigger()
    assert QApplication.clipboard().text().splitlines()[1].split("\t") == _shown(view, 1)
