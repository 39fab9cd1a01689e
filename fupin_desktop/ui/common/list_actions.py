"""What every list in the window offers: several rows selected at once, Ctrl+C copying them as
tab-separated text with the headers (pastes into Excel or WPS as a table), and a right-click menu
with the page's own buttons, 复制, 全选, 导出到 Excel… and 打印预览….

The list's text is taken as shown (the model's display text, hidden columns left out), so what
is copied, exported and printed is what the clerk sees, in the order it is sorted and filtered.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QPageLayout, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QMenu,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.ui.common import file_dialogs

__all__ = ["ListText", "copy_rows", "install_list_actions", "list_text", "list_title", "print_document"]


class ListText:
    """The shown text of a list: its title, headers, rows and which columns are numbers."""

    def __init__(self, title: str, headers: list[str], rows: list[list[str]], numeric: list[bool]) -> None:
        self.title, self.headers, self.rows, self.numeric = title, headers, rows, numeric

    def tsv(self) -> str:
        def clean(text: str) -> str:
            return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
        return "\n".join("\t".join(clean(v) for v in row) for row in [self.headers, *self.rows]) + "\n"


def list_title(view: QTableView) -> str:
    """The page and tab the list sits on (社会组织; 村社与帮扶对象 · 帮扶对象)."""
    parts: list[str] = []
    child: QWidget = view
    parent = view.parentWidget()
    while parent is not None:
        if isinstance(parent, QTabWidget):
            index = parent.indexOf(child)
            if index >= 0:
                parts.append(parent.tabText(index).replace("&", ""))
        nav = getattr(parent, "nav", None)
        if nav is not None and hasattr(nav, "currentItem") and nav.currentItem() is not None:
            parts.append(nav.currentItem().text())
        child, parent = parent, parent.parentWidget()
    return " · ".join(reversed(parts)) or (view.window().windowTitle() or "列表")


def list_text(view: QTableView, selected_only: bool = False) -> ListText:
    model = view.model()
    columns = [c for c in range(model.columnCount()) if not view.isColumnHidden(c)]
    rows_wanted = sorted({i.row() for i in view.selectionModel().selectedIndexes()}) \
        if selected_only and view.selectionModel() is not None else range(model.rowCount())
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in columns]
    rows = [[str(model.data(model.index(r, c)) or "") for c in columns] for r in rows_wanted]
    numeric = []
    for c in columns:
        align = model.data(model.index(0, c), Qt.ItemDataRole.TextAlignmentRole) if model.rowCount() else None
        numeric.append(align is not None and bool(int(align) & int(Qt.AlignmentFlag.AlignRight)))
    return ListText(list_title(view), headers, rows, numeric)


def copy_rows(view: QTableView) -> int:
    """The selected rows (or the current one) to the clipboard with the headers; how many."""
    text = list_text(view, selected_only=True)
    if not text.rows and view.currentIndex().isValid():
        view.selectRow(view.currentIndex().row())
        text = list_text(view, selected_only=True)
    if text.rows:
        QApplication.clipboard().setText(text.tsv())
    return len(text.rows)


def _html(text: ListText, today: date) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in text.headers)
    body = "".join(
        "<tr>" + "".join(f'<td align="{"right" if text.numeric[n] else "left"}">{html.escape(v)}</td>'
                         for n, v in enumerate(row)) + "</tr>"
        for row in text.rows)
    return (f"<h3 align='center'>{html.escape(text.title)}</h3>"
            f"<p>共 {len(text.rows)} 条　打印日期：{today.year}年{today.month}月{today.day}日</p>"
            "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def print_document(text: ListText, today: date) -> QTextDocument:
    """The list as a printable document: title, count and date, the table with its header row
    repeated on every page."""
    document = QTextDocument()
    document.setDefaultFont(QApplication.font())
    document.setHtml(_html(text, today))
    return document


def export_workbook(view: QTableView, parent: QWidget) -> Path | None:
    from fupin_desktop.documents.list_workbook import write_list_workbook  # openpyxl only when used
    from fupin_desktop.ui.common.operations import inform

    text = list_text(view)
    path = file_dialogs.save_file(parent, "list_export", "导出到 Excel", f"{text.title.replace(' · ', '-')}.xlsx",
                                  "Excel 工作簿 (*.xlsx)")
    if path is None:
        return None
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    try:
        write_list_workbook(path, text.title, text.headers, text.rows, text.numeric)
    except OSError as exc:
        inform(parent, "导出到 Excel", f"文件「{path}」没有写成（{exc.strerror or exc}）。"
               "文件是否正在 Excel 或 WPS 里打开？关掉它再导出。")
        return None
    return path


def preview(view: QTableView, parent: QWidget) -> QWidget:
    """打印预览: Qt's preview dialog over the list (landscape A4); printing from there."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    text = list_text(view)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(text.title)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"打印预览 — {text.title}")
    document = print_document(text, clock.today())
    dialog.paintRequested.connect(document.print_)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _page_buttons(view: QTableView) -> list[QPushButton]:
    """The buttons of the page the list is on (those beside it, not inside other lists' pages)."""
    page = view.parentWidget()
    while page is not None and not page.findChildren(QPushButton):
        page = page.parentWidget()
    if page is None:
        return []
    return [b for b in page.findChildren(QPushButton) if b.isVisible() and b.text() and b.window() is view.window()]


def _menu(view: QTableView) -> QMenu:
    menu = QMenu(view)
    for page_button in _page_buttons(view):
        action = menu.addAction(page_button.text().replace("&", ""))
        action.setEnabled(page_button.isEnabled())
        action.setToolTip(page_button.toolTip())
        action.triggered.connect(page_button.click)
    if menu.actions():
        menu.addSeparator()
    menu.addAction("复制所选行", lambda: copy_rows(view)).setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
    menu.addAction("全选", view.selectAll).setShortcut(QKeySequence(QKeySequence.StandardKey.SelectAll))
    menu.addSeparator()
    menu.addAction("导出到 Excel…", lambda: export_workbook(view, view.window()))
    menu.addAction("打印预览…", lambda: preview(view, view.window()))
    return menu


class _CopyKeys(QObject):
    """Ctrl+C on the list copies the selected rows; QTableView by itself copies one cell."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.matches(QKeySequence.StandardKey.Copy) and isinstance(watched, QTableView):
            copy_rows(watched)
            return True
        return False


def install_list_actions(view: QTableView) -> None:
    """Multi-select, Ctrl+C and the right-click menu on ``view``."""
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.installEventFilter(_CopyKeys(view))
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show(at: QPoint) -> None:
        menu = _menu(view)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(view.viewport().mapToGlobal(at))

    view.customContextMenuRequested.connect(show)
