"""A thin table model over ``RecordView`` rows, its columns taken from a form's list fields.

The model holds plain rows that a service returned; it never queries anything itself.
``SORT_ROLE`` gives the raw stored value (dates sort as dates, money as fen), ``ROW_ROLE``
the whole ``RecordView``; ``RecordFilterProxy`` filters on text and on a row predicate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from fupin_desktop.domain.formspec import FieldSpec, FormSpec
from fupin_desktop.services.records import RecordView
from fupin_desktop.ui.common.list_actions import install_list_actions

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

_NUMERIC_TYPES = frozenset({"int", "money_wan", "year"})
Index = QModelIndex | QPersistentModelIndex


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Column:
    """One table column: how to get the raw value from a row and how to show it."""

    title: str
    value: Callable[[RecordView], Any]
    text: Callable[[Any], str] = _plain
    width: int = 12  # in the forms' unit: about one Latin character, half a hanzi
    numeric: bool = False

    @classmethod
    def for_field(cls, spec: FieldSpec) -> Column:
        name = spec.name
        return cls(spec.label, lambda row: row.values.get(name), spec.display, spec.width,
                   spec.type in _NUMERIC_TYPES)


ExtraColumn = Column | tuple[str, Callable[[RecordView], Any]]


def columns_for(spec: FormSpec, fields: Sequence[str] | None = None,
                extra: Iterable[ExtraColumn] = ()) -> list[Column]:
    """The list fields of ``spec`` (or the named ``fields`` in that order), then ``extra``."""
    chosen = [spec.field(n) for n in fields] if fields is not None else spec.list_fields
    columns = [Column.for_field(f) for f in chosen]
    for item in extra:
        if isinstance(item, Column):
            columns.append(item)
        else:
            title, getter = item
            columns.append(Column(title, getter, width=max(6, 2 * len(title) + 2)))
    return columns


class RecordTableModel(QAbstractTableModel):
    def __init__(self, spec: FormSpec, rows: Iterable[RecordView] = (), *, fields: Sequence[str] | None = None,
                 extra: Iterable[ExtraColumn] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.columns = columns_for(spec, fields, extra)
        self._rows: list[RecordView] = list(rows)

    # --- rows -------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[RecordView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, n: int) -> RecordView:
        return self._rows[n]

    def rows(self) -> list[RecordView]:
        return list(self._rows)

    def row_of_id(self, record_id: int) -> int:
        return next((n for n, r in enumerate(self._rows) if r.id == record_id), -1)

    def column_of(self, title: str) -> int:
        return next(n for n, c in enumerate(self.columns) if c.title == title)

    # --- Qt -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        if role == ROW_ROLE:
            return row
        value = column.value(row)
        if role == SORT_ROLE:
            return value
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return str(section + 1)


def _sort_key(value: Any) -> tuple[int, Any]:
    """Empty values last; numbers, dates and text each compare among themselves."""
    if value is None or value == "" or value == []:
        return (3, "")
    if isinstance(value, bool | int | float | Decimal):
        return (0, value)
    if isinstance(value, date):
        return (1, value.isoformat())
    if isinstance(value, list | tuple):
        return (2, "、".join(map(str, value)))
    return (2, str(value))


class RecordFilterProxy(QSortFilterProxyModel):
    """Sorts on raw values; keeps rows whose shown text contains the filter text and that
    pass the optional predicate (e.g. 状态 = 正常, or one township)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._predicate: Callable[[RecordView], bool] | None = None
        self.setSortRole(SORT_ROLE)

    def set_text_filter(self, text: str) -> None:
        self._change_filter(lambda: setattr(self, "_text", text.strip().casefold()))

    def set_predicate(self, predicate: Callable[[RecordView], bool] | None) -> None:
        self._change_filter(lambda: setattr(self, "_predicate", predicate))

    def _change_filter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+; invalidateFilter is deprecated there
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:
            change()
            self.invalidateFilter()

    def row_at(self, proxy_row: int) -> RecordView:
        return self.index(proxy_row, 0).data(ROW_ROLE)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        record = model.index(source_row, 0, source_parent).data(ROW_ROLE)
        if self._predicate is not None and not self._predicate(record):
            return False
        if not self._text:
            return True
        for column in range(model.columnCount()):
            shown = model.index(source_row, column, source_parent).data(Qt.ItemDataRole.DisplayRole)
            if self._text in str(shown).casefold():
                return True
        return False

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = _sort_key(left.data(SORT_ROLE)), _sort_key(right.data(SORT_ROLE))
        if a[0] != b[0]:
            return a[0] < b[0]
        return a[1] < b[1]


def make_table(parent: QWidget | None = None) -> QTableView:
    """A read-only, row-selecting, sortable table as every register page uses it."""
    view = QTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    # No sort until a header is clicked: the service's order (best match first) stands.
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setStretchLastSection(True)
    install_list_actions(view)
    return view


def fit_columns(view: QTableView, model: RecordTableModel) -> None:
    """Column widths: as wide as the shown values need (rows loaded), at most the forms'
    ``width`` (about one Latin character per unit), never narrower than the title."""
    metrics = view.fontMetrics()
    unit = max(metrics.horizontalAdvance("0"), metrics.horizontalAdvance("中") // 2)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    # A right-aligned number stretched across the spare width reads badly: leave it its size.
    header.setStretchLastSection(bool(model.columns) and not model.columns[-1].numeric)
    for n, column in enumerate(model.columns):
        title = metrics.horizontalAdvance(column.title) + 28
        limit = column.width * unit + 12
        content = view.sizeHintForColumn(n) + 8 if model.rowCount() else limit
        # Text may be cut (its tooltip has it whole); a number never is: 120… reads as 120.
        view.setColumnWidth(n, max(content if column.numeric else min(content, limit), title))
