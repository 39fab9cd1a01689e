"""One input widget per form field type, each behind the same small ``FieldEditor`` interface.

An editor gives back what the user typed or picked (``value()``) for the service to check;
it never checks anything itself. Choice editors give the stored value (``social_group``),
which ``FieldSpec.coerce`` accepts like the label.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from fupin_desktop.domain.formspec import FieldSpec
from fupin_desktop.errors import KnownError
from fupin_desktop.ui.common.date_input import DateInput

_PLACEHOLDERS = {
    "credit_code": "18 位统一社会信用代码",
    "id_number": "18 位公民身份号码",
    "phone": "手机号或区号-电话，如 0595-85681234",
    "int": "整数",
    "money_wan": "单位：万元，如 3.5",
    "year": "四位年份，如 2019",
    "division_code": "12 位统计用区划代码",
}


class FieldEditor:
    """The widget for one field: ``widget`` goes into the layout, ``focus_widgets`` into the tab chain."""

    def __init__(self, spec: FieldSpec, widget: QWidget) -> None:
        self.spec = spec
        self.widget = widget
        if spec.help:
            widget.setToolTip(spec.help)

    @property
    def focus_widgets(self) -> list[QWidget]:
        return [self.widget]

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.widget.setEnabled(not read_only)


class LineEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        self.edit = QLineEdit()
        super().__init__(spec, self.edit)
        short_help = spec.help if len(spec.help) <= 24 else ""
        self.edit.setPlaceholderText(spec.placeholder or _PLACEHOLDERS.get(spec.type, "") or short_help)
        if spec.max_length:
            self.edit.setMaxLength(spec.max_length + 20)  # the service says how many are too many
        if spec.type in ("credit_code", "id_number", "division_code"):
            self.edit.setMaxLength(24)

    def value(self) -> str:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        if value is None:
            text = ""
        elif self.spec.type in ("money_wan", "bool", "date"):
            text = self.spec.display(value)
        else:
            text = str(value)  # an ID number arrives masked or in full, as the service decided
        self.edit.setText(text)
        self.edit.setCursorPosition(0)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


class LongTextEditor(FieldEditor):
    def __init__(self, spec: FieldSpec, lines: int = 3) -> None:
        self.edit = QPlainTextEdit()
        super().__init__(spec, self.edit)
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText(spec.placeholder)
        self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * lines + 14)

    def value(self) -> str:
        return self.edit.toPlainText()

    def set_value(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


class ChoiceEditor(FieldEditor):
    """A closed list shown by its labels; an empty entry when the field may stay empty."""

    def __init__(self, spec: FieldSpec, options: list[tuple[str, Any]] | None = None) -> None:
        self.combo = QComboBox()
        super().__init__(spec, self.combo)
        self.combo.setEditable(False)
        if options is None:
            options = [(m.label, m.value) for m in spec.choices] if spec.choices else []
        if not spec.required:
            self.combo.addItem("", "")
        for label, value in options:
            self.combo.addItem(label, value)
        self.combo.setPlaceholderText("请选择")
        self.set_value(spec.default)

    def value(self) -> Any:
        data = self.combo.currentData()
        return "" if data is None else data

    def set_value(self, value: Any) -> None:
        found = self.combo.findData("" if value is None else value)
        if found < 0 and value is not None:
            found = self.combo.findText(str(value))
        self.combo.setCurrentIndex(found if found >= 0 else (-1 if self.spec.required else 0))


class MultiChoiceEditor(FieldEditor):
    def __init__(self, spec: FieldSpec, per_row: int = 4) -> None:
        box = QWidget()
        super().__init__(spec, box)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        self.boxes: dict[str, QCheckBox] = {}
        for n, member in enumerate(spec.choices or []):
            check = QCheckBox(member.label)
            grid.addWidget(check, n // per_row, n % per_row)
            self.boxes[member.value] = check
        grid.setColumnStretch(per_row, 1)

    @property
    def focus_widgets(self) -> list[QWidget]:
        return list(self.boxes.values())

    def value(self) -> list[str]:
        return [value for value, check in self.boxes.items() if check.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for key, check in self.boxes.items():
            check.setChecked(key in chosen)


class BoolEditor(FieldEditor):
    def __init__(self, spec: FieldSpec) -> None:
        self.check = QCheckBox("是")
        super().__init__(spec, self.check)
        self.set_value(spec.default)

    def value(self) -> bool:
        return self.check.isChecked()

    def set_value(self, value: Any) -> None:
        self.check.setChecked(bool(value))


class DateEditor(FieldEditor):
    """A date typed as clerks type it (ui/date_input.py); what cannot be read goes to the
    service as typed, which names the field in its refusal."""

    def __init__(self, spec: FieldSpec) -> None:
        self.edit = DateInput(spec.label)
        self.edit.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        super().__init__(spec, self.edit)

    @property
    def focus_widgets(self) -> list[QWidget]:
        return [self.edit.edit]

    def value(self) -> date | str:
        try:
            return self.edit.date() or ""
        except KnownError:
            return self.edit.text().strip()

    def set_value(self, value: Any) -> None:
        self.edit.set_date(value if isinstance(value, date) else None)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


@dataclass(frozen=True)
class Choice:
    """One suggestion of a reference field: the text shown, and the key the caller resolves."""

    text: str
    key: Any


class RefEditor(FieldEditor):
    """A line edit that suggests records as one types (name part, code, pinyin initials —
    whatever the ``search`` service understands); ``value()`` gives the reference the
    service expects for a picked suggestion, else the typed text."""

    def __init__(self, spec: FieldSpec, search: Callable[[str], list[Choice]],
                 resolve: Callable[[Any], str] = str, limit: int = 30) -> None:
        self.edit = QLineEdit()
        super().__init__(spec, self.edit)
        self.search, self.resolve, self.limit = search, resolve, limit
        self.model = QStandardItemModel(self.edit)
        self.completer = QCompleter(self.model, self.edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.completer.activated[QModelIndex].connect(self._picked)
        self.edit.textEdited.connect(self._refresh)
        self._known: dict[str, Any] = {}

    def set_search(self, search: Callable[[str], list[Choice]], resolve: Callable[[Any], str] = str,
                   placeholder: str = "") -> None:
        self.search, self.resolve = search, resolve
        self.edit.setPlaceholderText(placeholder)
        self.edit.clear()
        self.model.clear()

    def _refresh(self, text: str) -> None:
        self.model.clear()
        if not text.strip():
            return
        for choice in self.search(text.strip())[: self.limit]:
            item = QStandardItem(choice.text)
            item.setData(choice.key, Qt.ItemDataRole.UserRole)
            self.model.appendRow(item)
            self._known[choice.text] = choice.key

    def suggestions(self) -> list[str]:
        return [self.model.item(n).text() for n in range(self.model.rowCount())]

    def _picked(self, index: QModelIndex) -> None:
        self._known[index.data()] = index.data(Qt.ItemDataRole.UserRole)
        self.edit.setText(index.data())

    def pick(self, row: int) -> None:
        """Choose suggestion ``row`` as a click in the popup would."""
        self._picked(self.model.index(row, 0))
        self.completer.popup().hide()

    def value(self) -> str:
        text = self.edit.text().strip()
        return self.resolve(self._known[text]) if text in self._known else text

    def set_value(self, value: Any) -> None:
        """Show a stored reference: the suggestion it matches exactly, else the text itself."""
        text = "" if value is None else str(value)
        found = self.search(text) if text else []
        if len(found) == 1:
            self._known[found[0].text] = found[0].key
            text = found[0].text
        self.edit.setText(text)
        self.edit.setCursorPosition(0)

    def set_choice(self, choice: Choice) -> None:
        self._known[choice.text] = choice.key
        self.edit.setText(choice.text)
        self.edit.setCursorPosition(0)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


def editor_for(spec: FieldSpec) -> FieldEditor:
    """The default editor of a field type (reference fields get a plain line edit)."""
    if spec.type == "choice":
        return ChoiceEditor(spec)
    if spec.type == "multichoice":
        return MultiChoiceEditor(spec)
    if spec.type == "bool":
        return BoolEditor(spec)
    if spec.type == "date":
        return DateEditor(spec)
    if spec.type == "longtext":
        return LongTextEditor(spec)
    return LineEditor(spec)
