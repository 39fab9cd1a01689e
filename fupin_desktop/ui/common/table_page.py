"""What every register page has: a tool row (search, filters, buttons), a table, a count."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain.formspec import FormSpec
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.records import RecordView
from fupin_desktop.ui.common import ui_state
from fupin_desktop.ui.common.flow_layout import FlowLayout
from fupin_desktop.ui.common.record_model import (
    ExtraColumn,
    RecordFilterProxy,
    RecordTableModel,
    fit_columns,
    make_table,
)


class SearchBox(QLineEdit):
    """A line edit that reports its text a moment after typing stops (one query, not ten)."""

    search = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None, delay_ms: int = 250) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(lambda: self.search.emit(self.text().strip()))
        self.textChanged.connect(lambda _text: self._timer.start())

    def flush(self) -> None:
        """Report now (Enter, tests)."""
        self._timer.stop()
        self.search.emit(self.text().strip())

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.flush()
            return
        super().keyPressEvent(event)


class TablePage(QWidget):
    """A register table over ``load()``'s rows; subclasses fill the tool row and the actions."""

    def __init__(self, ctx: ServiceContext, spec: FormSpec, *, fields: Sequence[str] | None = None,
                 extra: Iterable[ExtraColumn] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = RecordTableModel(spec, fields=fields, extra=extra, parent=self)
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self)
        self.table.setModel(self.proxy)
        self.table.doubleClicked.connect(self._double_clicked)
        fit_columns(self.table, self.model)
        # Widths the user set last time come back; else the columns are fitted to the first rows.
        self._fitted = ui_state.remember_columns(self.table.horizontalHeader(), type(self).__name__)
        self.tools = FlowLayout()  # wraps at 1024 × 768 rather than widen the window
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(self.tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.proxy.rowsInserted.connect(self._count)
        self.proxy.rowsRemoved.connect(self._count)
        self.proxy.modelReset.connect(self._count)
        self.proxy.layoutChanged.connect(self._count)

    def load(self) -> list[RecordView]:
        raise NotImplementedError

    def refresh(self) -> None:
        current = self.selected()
        self.model.set_rows(self.load())
        if not self._fitted and self.model.rowCount():
            fit_columns(self.table, self.model)  # once, so that widths the user sets stay
            self._fitted = True
        if current is not None:
            self.select_id(current.id)
        self._count()

    def _count(self, *_args: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"共 {total} 条" if shown == total else f"显示 {shown} 条，共 {total} 条")

    def selected(self) -> RecordView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.proxy.row_at(rows[0].row()) if rows else None

    def select_id(self, record_id: int) -> bool:
        source_row = self.model.row_of_id(record_id)
        if source_row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def shown_rows(self) -> list[RecordView]:
        return [self.proxy.row_at(n) for n in range(self.proxy.rowCount())]

    def _double_clicked(self, index: QModelIndex) -> None:
        self.open_record(self.proxy.row_at(index.row()))

    def open_record(self, record: RecordView) -> None:
        """Double-click or 编辑 on one row."""

    def edit_selected(self) -> None:
        record = self.selected()
        if record is not None:
            self.open_record(record)
