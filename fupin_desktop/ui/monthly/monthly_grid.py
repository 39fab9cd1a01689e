"""The monthly data-entry grid: a table typed like a spreadsheet, its totals pinned below it.

Keys as in Excel: arrows and Tab move, typing replaces a cell, Enter commits and moves down,
Delete clears, Ctrl+C / Ctrl+V copy and paste rectangular blocks of tab-separated text
(what Excel and WPS put on the clipboard), Ctrl+Z undoes the last change. Cells the service
refused are red with the reason as tooltip and listed below the grid; flagged cells
(outliers, empty or copied text) carry an orange corner.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QPainter, QPen, QPolygon
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QFrame,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain.formspec import FormSpec
from fupin_desktop.errors import FieldProblem
from fupin_desktop.services.monthly import MonthView
from fupin_desktop.ui.monthly.monthly_grid_model import FLAG_ROLE, PROBLEM_ROLE, MonthGridModel, TotalsModel

FLAG_COLOR = QColor("#ef6c00")
PROBLEM_BORDER = QColor("#c62828")
EDIT_TRIGGERS = (QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                 | QAbstractItemView.EditTrigger.AnyKeyPressed)
# Columns start at most this wide (form units) so that the figures fit a 1366-pixel screen;
# the full text is in the tooltip, and a column can be widened by dragging its header.
WIDTH_CAPS = {"longtext": 11, "ref": 17}


def parse_block(text: str) -> list[list[str]]:
    """Clipboard text from Excel/WPS as rows of cells (quoted cells may hold tabs and line breaks)."""
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    return [row or [""] for row in csv.reader(io.StringIO(text), delimiter="\t")]


def block_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\n").writerows(rows)
    return out.getvalue()


class CellDelegate(QStyledItemDelegate):
    """Draws the problem border and the flag corner; Enter in an editor commits and moves down."""

    enter_pressed = Signal()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        rect = option.rect  # type: ignore[attr-defined]
        if index.data(PROBLEM_ROLE):
            painter.save()
            painter.setPen(QPen(PROBLEM_BORDER, 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
            painter.restore()
        if index.data(FLAG_ROLE):
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(FLAG_COLOR)
            right, top, size = rect.right(), rect.top(), 9
            painter.drawPolygon(QPolygon([QPoint(right - size, top), QPoint(right, top), QPoint(right, top + size)]))
            painter.restore()

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.enter_pressed.emit()
            return True
        return super().eventFilter(editor, event)


class GridView(QTableView):
    """The spreadsheet keys on top of a QTableView."""

    message = Signal(str)
    geometry_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delegate = CellDelegate(self)
        self.setItemDelegate(self.delegate)
        self.delegate.enter_pressed.connect(self.move_down)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(EDIT_TRIGGERS)
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)

    def grid(self) -> MonthGridModel:
        model = self.model()
        assert isinstance(model, MonthGridModel)
        return model

    def updateGeometries(self) -> None:
        super().updateGeometries()
        self.geometry_changed.emit()

    # --- keys -------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
        elif event.matches(QKeySequence.StandardKey.Undo):
            if self.grid().undo():
                self.message.emit("已撤销上一次修改")
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear_selected()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.move_down()
        else:
            super().keyPressEvent(event)

    def commit_open_editor(self) -> None:
        """Take what is being typed in a cell (Ctrl+S or a question before the editor closed)."""
        editor = self.indexWidget(self.currentIndex())
        if editor is not None:
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def move_down(self) -> None:
        current = self.currentIndex()
        if current.isValid() and current.row() + 1 < self.grid().rowCount():
            self.setCurrentIndex(self.grid().index(current.row() + 1, current.column()))

    def _selected(self) -> list[QModelIndex]:
        chosen = self.selectionModel().selectedIndexes() if self.selectionModel() else []
        return chosen or ([self.currentIndex()] if self.currentIndex().isValid() else [])

    def copy(self) -> str:
        cells = self._selected()
        if not cells:
            return ""
        rows = [i.row() for i in cells]
        columns = [i.column() for i in cells]
        chosen = {(i.row(), i.column()) for i in cells}
        grid = self.grid()
        block = [[str(grid.index(r, c).data() or "") if (r, c) in chosen else ""
                  for c in range(min(columns), max(columns) + 1)] for r in range(min(rows), max(rows) + 1)]
        text = block_text(block)
        QApplication.clipboard().setText(text)
        self.message.emit(f"已复制 {len(block)} 行 × {len(block[0])} 列")
        return text

    def paste(self) -> int:
        """Paste the clipboard's block with its top-left at the selection's top-left cell."""
        grid = self.grid()
        if not grid.editable:
            self.message.emit("本月月报现在不能修改，未粘贴")
            return 0
        block = parse_block(QApplication.clipboard().text())
        cells = self._selected()
        if not block or not cells:
            return 0
        top, left = min(i.row() for i in cells), min(i.column() for i in cells)
        if len(block) == 1 and len(block[0]) == 1 and len(cells) > 1:  # one value into every selected cell
            targets = [(i.row(), i.column(), block[0][0]) for i in cells]
        else:
            targets = [(top + r, left + c, value) for r, line in enumerate(block) for c, value in enumerate(line)]
        inside = [(r, c, v) for r, c, v in targets if r < grid.rowCount() and c < grid.columnCount()]
        fixed = sum(1 for r, c, _v in inside if not grid.can_edit(r, c))
        changed = grid.set_cells(inside)
        notes = [f"已粘贴 {len(inside) - fixed} 格（改动 {changed} 格）"]
        if len(inside) < len(targets):
            notes.append(f"超出表格的 {len(targets) - len(inside)} 格未粘贴")
        if fixed:
            notes.append(f"序号、村（社区）、社会组织名称不能修改，{fixed} 格未粘贴")
        self.message.emit("；".join(notes))
        if inside:
            bottom = max(r for r, _c, _v in inside)
            right = max(c for _r, c, _v in inside)
            selection = QItemSelection(grid.index(top, left), grid.index(bottom, right))
            self.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        return changed

    def clear_selected(self) -> int:
        grid = self.grid()
        if not grid.editable:
            return 0
        return grid.set_cells([(i.row(), i.column(), "") for i in self._selected()])


class TotalsView(QTableView):
    """The 合计 row, pinned under the grid and scrolled with it."""

    def __init__(self, main: GridView, model: TotalsModel) -> None:
        super().__init__()
        self.main = main
        self.setModel(model)
        self.horizontalHeader().setVisible(False)
        self.verticalHeader().setVisible(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(False)
        height = main.verticalHeader().defaultSectionSize()
        self.verticalHeader().setDefaultSectionSize(height)
        self.setFixedHeight(height + 2 * self.frameWidth())
        main.horizontalHeader().sectionResized.connect(lambda n, _old, new: self.setColumnWidth(n, new))
        main.horizontalScrollBar().valueChanged.connect(self.horizontalScrollBar().setValue)
        main.geometry_changed.connect(self.follow)

    def follow(self) -> None:
        """Same column widths, and room on the right where the grid has its scroll bar."""
        bar = self.main.verticalScrollBar()
        self.setViewportMargins(0, 0, bar.width() if bar.isVisible() else 0, 0)
        for n in range(self.model().columnCount()):
            self.setColumnWidth(n, self.main.columnWidth(n))
        self.horizontalScrollBar().setValue(self.main.horizontalScrollBar().value())


class MonthGrid(QWidget):
    """Grid, totals and the list of refused cells, for one township-month."""

    def __init__(self, spec: FormSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MonthGridModel(spec, self)
        self.table = GridView(self)
        self.table.setModel(self.model)
        self.totals_model = TotalsModel(self.model)
        self.totals = TotalsView(self.table, self.totals_model)
        self.message = QLabel()
        self.message.setStyleSheet("color: #555;")
        self.problems_title = QLabel()
        self.problems_title.setStyleSheet("color: #c62828; font-weight: bold;")
        self.problems = QListWidget()
        self.problems.itemClicked.connect(self._go_to_problem)
        self.problems.itemActivated.connect(self._go_to_problem)
        self.table.message.connect(self.message.setText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addSpacing(4)
        layout.addWidget(self.message)
        layout.addWidget(self.problems_title)
        layout.addWidget(self.problems)
        self.table.setFrameShape(QFrame.Shape.StyledPanel)
        self._fitted = False
        self._show_problems([])

    def set_view(self, view: MonthView, editable: bool, read_only_note: str = "") -> None:
        self.model.set_view(view, editable)
        self.table.setEditTriggers(EDIT_TRIGGERS if editable else QAbstractItemView.EditTrigger.NoEditTriggers)
        self.message.setText("" if editable else read_only_note)
        self._show_problems([])
        if not self._fitted and view.rows:
            self.fit_columns()
            self._fitted = True
        self.totals.follow()

    def entries(self) -> list[dict[str, Any]]:
        return self.model.entries()

    def total_text(self, name: str) -> str:
        """What the 合计 row shows under column ``name`` (a trailing * when some cells are not numbers)."""
        return str(self.totals_model.index(0, self.model.column_of(name)).data() or "")

    def show_problems(self, problems: list[FieldProblem], summary: str = "") -> None:
        listed = self.model.set_problems(problems)
        self._show_problems(listed, summary)
        if listed:
            self._go_to(listed[0][0] - 1, next((p.field for p in problems), ""))

    def problem_lines(self) -> list[str]:
        return [self.problems.item(n).text() for n in range(self.problems.count())]

    def _show_problems(self, listed: list[tuple[int, str, str]], summary: str = "") -> None:
        self.problems.clear()
        for row, label, message in listed:
            item = QListWidgetItem(f"第{row}行「{label}」：{message}")
            item.setData(Qt.ItemDataRole.UserRole, row - 1)
            item.setData(Qt.ItemDataRole.UserRole + 1, label)
            self.problems.addItem(item)
        self.problems_title.setText(summary or (f"未保存：有 {len(listed)} 处需要改正（点一行可跳到该格）"
                                                if listed else ""))
        self.problems_title.setVisible(bool(listed))
        self.problems.setVisible(bool(listed))
        line = self.problems.sizeHintForRow(0) if listed else 0
        self.problems.setFixedHeight(min(len(listed), 4) * line + 2 * self.problems.frameWidth() + 2)

    def _go_to_problem(self, item: QListWidgetItem) -> None:
        label = item.data(Qt.ItemDataRole.UserRole + 1)
        name = next((c.name for c in self.model.columns if c.label == label), "")
        self._go_to(int(item.data(Qt.ItemDataRole.UserRole)), name)

    def _go_to(self, row: int, name: str) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        column = self.model.column_of(name) if name in {c.name for c in self.model.columns} else 0
        index = self.model.index(row, column)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def fit_columns(self) -> None:
        """As wide as the values need, within the form's widths; long texts start narrower."""
        metrics = self.table.fontMetrics()
        unit = max(metrics.horizontalAdvance("0"), metrics.horizontalAdvance("中") // 2)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for n, column in enumerate(self.model.columns):
            title = max(metrics.horizontalAdvance(line) for line in column.title.split("\n")) + 14
            cap = min(column.spec.width, WIDTH_CAPS.get(column.spec.type, column.spec.width))
            limit = cap * unit + 12
            content = self.table.sizeHintForColumn(n) + 8 if self.model.rowCount() else limit
            self.table.setColumnWidth(n, max(min(content, limit), title))
        self.totals.follow()
