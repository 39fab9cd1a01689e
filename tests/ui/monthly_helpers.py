"""Helpers for the monthly GUI tests: months without demo data, typing into the grid, workbooks."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.services.places import list_townships
from fupin_desktop.ui.monthly.monthly_grid import MonthGrid


def future_month(month: int) -> Period:
    """Inside every demo pairing's term, with no demo data."""
    return Period.month(clock.today().year + 1, month)


def township_id(ctx, name: str) -> int:  # type: ignore[no-untyped-def]
    return next(t.id for t in list_townships(ctx) if t.values["name"] == name)


def type_into(qtbot, grid: MonthGrid, row: int, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Click a cell and type ASCII as a clerk would: the first key opens the editor, Enter commits."""
    view = grid.table
    index = grid.model.index(row, grid.model.column_of(name))
    view.setCurrentIndex(index)
    view.setFocus()
    qtbot.keyClick(view, text[0])
    editor = view.indexWidget(index)
    assert isinstance(editor, QLineEdit), "typing did not open an editor"
    if text[1:]:
        qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def paste(qtbot, grid: MonthGrid, row: int, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Put tab-separated text on the clipboard and press Ctrl+V with the top-left cell selected."""
    QApplication.clipboard().setText(text)
    view = grid.table
    view.setCurrentIndex(grid.model.index(row, grid.model.column_of(name)))
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def fill_texts(qtbot, grid: MonthGrid) -> None:  # type: ignore[no-untyped-def]
    """具体帮扶内容 and 进展情况 of every row, pasted as a block (Chinese goes by the clipboard)."""
    block = "\n".join(f"入户走访第{n}户\t已完成" for n in range(1, grid.model.rowCount() + 1))
    paste(qtbot, grid, 0, "content", block)


def visible(kind: type) -> list:  # type: ignore[type-arg]
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def close_boxes() -> list[str]:
    """Close every message box shown; their texts."""
    texts = []
    for box in visible(QMessageBox):
        texts.append(box.text())
        box.close()
    return texts


LABELS = ("协议编号", "村（社区）", "具体帮扶内容", "进展情况", "投入资金", "物资折款", "受益人数")


def fill_template(path: Path, values: dict[int, dict[str, str]] | None = None) -> int:
    """Fill every pre-filled row of a township template; ``values`` overrides cells of row n (1-based)."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    columns = {}
    for column in range(1, sheet.max_column + 1):
        for row in (3, 4):
            text = str(sheet.cell(row, column).value or "")
            for label in LABELS:
                if text.startswith(label):
                    columns[label] = column
    n = 0
    for row in range(5, sheet.max_row + 1):
        if not isinstance(sheet.cell(row, 1).value, int):
            continue
        n += 1
        cells = {"具体帮扶内容": f"第{n}行：入户走访", "进展情况": "已完成", "投入资金": "1.5", "物资折款": "0.25",
                 "受益人数": "20", **(values or {}).get(n, {})}
        for label, value in cells.items():
            sheet.cell(row, columns[label], value)
    book.save(path)
    return n
