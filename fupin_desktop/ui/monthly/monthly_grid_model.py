"""The model of the monthly data-entry grid: one row per pairing of a ``MonthView``.

Columns come from the monthly form (``forms/monthly.toml``): the read-only ones (序号,
村（社区）, 社会组织名称) and the typed ones (具体帮扶内容, 进展情况, the figures). Each
typed cell holds the text as typed; ``entries()`` hands that text to ``save_entry``, which
does every check. The model only reads numbers back for the running totals, and marks the
cells that the service refused (``set_problems``) or flagged (``MonthRow.flags``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.formspec import FieldSpec, FormSpec
from fupin_desktop.errors import FieldProblem
from fupin_desktop.services.monthly import MonthRow, MonthView

Index = QModelIndex | QPersistentModelIndex

FLAG_ROLE = Qt.ItemDataRole.UserRole + 11  # list of flag messages of a cell
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 12  # the refusal message of a cell, or None

_NUMERIC = frozenset({"int", "money_wan"})
_FIXED = ("seq", "agreement_no", "village", "organization")  # taken from the MonthRow itself, never typed
PROBLEM_BACKGROUND = QColor("#ffcdd2")
PROBLEM_TEXT = QColor("#b71c1c")
READ_ONLY_BACKGROUND = QColor("#f4f4f4")
UNDO_DEPTH = 50


@dataclass(frozen=True)
class GridColumn:
    name: str
    spec: FieldSpec
    editable: bool
    numeric: bool

    @property
    def title(self) -> str:
        """The header: a figure's label over two lines and its unit below, so the column stays narrow."""
        if not self.numeric:
            return self.spec.label
        label = self.spec.label
        if len(label) > 3:
            label = f"{label[:2]}\n{label[2:]}"
        return f"{label}\n({self.spec.unit})" if self.spec.unit else label

    @property
    def label(self) -> str:
        return self.spec.label


def grid_columns(spec: FormSpec) -> list[GridColumn]:
    return [GridColumn(f.name, f, not f.readonly and f.name not in _FIXED, f.type in _NUMERIC) for f in spec.fields]


class MonthGridModel(QAbstractTableModel):
    """Typed text per cell, problems and flags per cell; ``edited`` after every change."""

    edited = Signal()

    def __init__(self, spec: FormSpec, parent: Any = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.columns = grid_columns(spec)
        self._by_name = {c.name: n for n, c in enumerate(self.columns)}
        self.rows: list[MonthRow] = []
        self.texts: list[dict[str, str]] = []
        self.problems: dict[tuple[int, str], str] = {}  # (0-based row, field) → message
        self.cell_flags: dict[tuple[int, str], list[str]] = {}
        self.editable = False
        self.dirty = False
        self._undo: list[list[dict[str, str]]] = []

    # --- content ----------------------------------------------------------------------
    def set_view(self, view: MonthView, editable: bool) -> None:
        self.beginResetModel()
        self.rows = list(view.rows)
        # A row whose figures were not reported shows them blank (saved blank, they stay not reported).
        self.texts = [{c.name: "" if c.numeric and not r.figures_reported else c.spec.display(r.values.get(c.name))
                       for c in self.columns if c.editable} for r in self.rows]
        self.cell_flags = {}
        for n, r in enumerate(self.rows):
            for flag in r.flags:
                self.cell_flags.setdefault((n, flag.get("field", "")), []).append(flag.get("message", ""))
        self.problems = {}
        self.editable = editable
        self.dirty = False
        self._undo = []
        self.endResetModel()
        self.edited.emit()

    def entries(self) -> list[dict[str, Any]]:
        """What ``save_entry`` takes: each row's pairing and the typed text of every column."""
        return [{"pairing_id": r.pairing_id, **t} for r, t in zip(self.rows, self.texts, strict=True)]

    def column_of(self, name: str) -> int:
        return self._by_name[name]

    def text(self, row: int, name: str) -> str:
        column = self.columns[self._by_name[name]]
        return self.texts[row][name] if column.editable else self._fixed(self.rows[row], name)

    @staticmethod
    def _fixed(row: MonthRow, name: str) -> str:
        return str({"seq": row.seq, "agreement_no": row.agreement_no, "village": row.village,
                    "organization": row.organization}.get(name, ""))

    # --- problems -----------------------------------------------------------------------
    def set_problems(self, problems: list[FieldProblem]) -> list[tuple[int, str, str]]:
        """Mark refused cells; (grid row 1-based, column label, message) for the list below."""
        self.problems = {}
        listed = []
        for p in problems:
            row = (p.row or 0) - 1
            name = p.field if p.field in self._by_name else "seq"
            if 0 <= row < len(self.rows):
                self.problems[(row, name)] = p.message
            listed.append((p.row or 0, p.label or self.columns[self._by_name[name]].label, p.message))
        self._changed_all()
        return listed

    def clear_problems(self) -> None:
        if self.problems:
            self.problems = {}
            self._changed_all()

    # --- totals ----------------------------------------------------------------------------
    def totals(self) -> dict[str, tuple[str, int]]:
        """Each figure column: (its total as shown, how many cells are not numbers yet)."""
        out = {}
        for c in self.columns:
            if not (c.editable and c.numeric):
                continue
            total, bad = 0, 0
            for t in self.texts:
                try:
                    total += int(c.spec.coerce(t.get(c.name, "")) or 0)
                except CodeError:
                    bad += 1
            out[c.name] = (c.spec.display(total), bad)
        return out

    # --- editing -----------------------------------------------------------------------------
    def can_edit(self, row: int, column: int) -> bool:
        return self.editable and 0 <= row < len(self.rows) and 0 <= column < len(self.columns) \
            and self.columns[column].editable

    def set_cells(self, cells: list[tuple[int, int, str]]) -> int:
        """Put text in several cells as one change (one undo step); how many cells changed."""
        changes = [(r, c, v) for r, c, v in cells
                   if self.can_edit(r, c) and self.texts[r][self.columns[c].name] != v]
        if not changes:
            return 0
        self._undo.append([dict(t) for t in self.texts])
        del self._undo[:-UNDO_DEPTH]
        for r, c, v in changes:
            name = self.columns[c].name
            self.texts[r][name] = v
            self.problems.pop((r, name), None)
        self.dirty = True
        rows = [r for r, _c, _v in changes]
        columns = [c for _r, c, _v in changes]
        self.dataChanged.emit(self.index(min(rows), min(columns)), self.index(max(rows), max(columns)))
        self.edited.emit()
        return len(changes)

    def load_cells(self, cells: list[dict[str, Any]]) -> tuple[int, int]:
        """Put a draft's typed text back as one change: (cells changed, draft rows whose pairing is not here)."""
        rows = {r.pairing_id: n for n, r in enumerate(self.rows)}
        targets: list[tuple[int, int, str]] = []
        missing = 0
        for cell in cells:
            n = rows.get(cell.get("pairing_id"))
            if n is None:
                missing += 1
                continue
            targets += [(n, c, "" if cell[column.name] is None else str(cell[column.name]))
                        for c, column in enumerate(self.columns) if column.editable and column.name in cell]
        return self.set_cells(targets), missing

    def undo(self) -> bool:
        if not self._undo:
            return False
        self.texts = self._undo.pop()
        self._changed_all()
        self.edited.emit()
        return True

    def _changed_all(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))

    # --- Qt ------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: Index) -> Qt.ItemFlag:  # type: ignore[override]
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.can_edit(index.row(), index.column()):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), self.columns[index.column()]
        key = (row, column.name)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.text(row, column.name)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = []
            if key in self.problems:
                lines.append(f"错误：{self.problems[key]}")
            lines += [f"提醒：{m}" for m in self.cell_flags.get(key, [])]
            text = self.text(row, column.name)
            if not column.numeric and len(text) > 8:
                lines.append(text)
            return "\n".join(lines) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if key in self.problems:
                return QBrush(PROBLEM_BACKGROUND)
            if not column.editable or not self.editable:
                return QBrush(READ_ONLY_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and key in self.problems:
            return QBrush(PROBLEM_TEXT)
        if role == FLAG_ROLE:
            return self.cell_flags.get(key)
        if role == PROBLEM_ROLE:
            return self.problems.get(key)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        return self.set_cells([(index.row(), index.column(), "" if value is None else str(value))]) > 0 \
            or self.can_edit(index.row(), index.column())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.spec.help or (f"{column.label}（{column.spec.unit}）" if column.spec.unit else column.label)
        return None


class TotalsModel(QAbstractTableModel):
    """One row under the grid: 合计 of every figure column, re-read after each change."""

    def __init__(self, grid: MonthGridModel) -> None:
        super().__init__(grid)
        self.grid = grid
        self._totals: dict[str, tuple[str, int]] = {}
        grid.edited.connect(self.update)
        grid.modelReset.connect(self.update)

    def update(self) -> None:
        self._totals = self.grid.totals()
        if self.grid.columns:
            self.dataChanged.emit(self.index(0, 0), self.index(0, len(self.grid.columns) - 1))

    def total(self, name: str) -> str:
        return self._totals.get(name, ("", 0))[0]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.grid.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.grid.columns[index.column()]
        shown, bad = self._totals.get(column.name, ("", 0))
        if role == Qt.ItemDataRole.DisplayRole:
            if column.name == "seq":
                return "合计"
            if column.name == "village":
                return f"{len(self.grid.rows)} 个结对"
            return shown + ("*" if bad else "")
        if role == Qt.ItemDataRole.ToolTipRole and bad:
            return f"有 {bad} 格还不是有效的数字，未计入合计"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor("#e8f0fe"))
        return None
