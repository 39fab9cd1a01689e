"""A grid of labelled editors generated from a ``FormSpec``, with a message line under each field.

Problems from ``ValidationFailed`` are matched to fields by name (with an optional prefix
such as ``project1.``); the panel only shows them, it decides nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from fupin_desktop.domain.formspec import FormSpec
from fupin_desktop.ui.common.fields import FieldEditor, editor_for
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, show_message


class Problem(Protocol):
    field: str
    message: str


def label_text(label: str, required: bool) -> str:
    star = f' <span style="color:{ERROR_COLOR}">*</span>' if required else ""
    return f"{label}{star}"


def save_close_row(save_text: str, close_text: str, on_save: Callable[[], object],
                   on_close: Callable[[], object]) -> tuple[QPushButton, QPushButton, QHBoxLayout]:
    """A dialog's 保存 / 关闭 buttons, right-aligned; Enter never presses them by accident."""
    save, close = QPushButton(save_text), QPushButton(close_text)
    for button in (save, close):
        button.setAutoDefault(False)
    save.clicked.connect(lambda _checked=False: on_save())
    close.clicked.connect(lambda _checked=False: on_close())
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(save)
    row.addWidget(close)
    return save, close, row


class _EnterMovesOn(QObject):
    """Enter in a single-line field moves to the next field instead of pressing a button."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            tab = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
            QApplication.sendEvent(watched, tab)
            return True
        return False


class FormPanel(QWidget):
    """Every field of ``spec`` in form order; ``editors`` replaces the default editor of a field."""

    def __init__(self, spec: FormSpec, values: Mapping[str, Any] | None = None, *,
                 editors: Mapping[str, FieldEditor] | None = None, prefix: str = "",
                 skip: Iterable[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec, self.prefix = spec, prefix
        self.editors: dict[str, FieldEditor] = {}
        self.labels: dict[str, QLabel] = {}
        self.messages: dict[str, QLabel] = {}
        self._enter = _EnterMovesOn(self)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        skipped = set(skip)
        row = 0
        for field in spec.fields:
            if field.name in skipped:
                continue
            editor = (editors or {}).get(field.name) or editor_for(field)
            label = QLabel(label_text(field.label, field.required and not field.readonly))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
            label.setBuddy(editor.focus_widgets[0])
            if field.help:
                label.setToolTip(field.help)
            message = message_label()
            grid.addWidget(label, row, 0)
            grid.addWidget(editor.widget, row, 1)
            grid.addWidget(message, row + 1, 1)
            if field.readonly:
                editor.set_read_only(True)
            for widget in editor.focus_widgets:
                if isinstance(widget, QLineEdit):
                    widget.installEventFilter(self._enter)
            self.editors[field.name] = editor
            self.labels[field.name] = label
            self.messages[field.name] = message
            row += 2
        if values:
            self.set_values(values)
        self.chain_tab_order()

    # --- values -------------------------------------------------------------------------
    def raw_values(self) -> dict[str, Any]:
        """What the user typed or picked, per field name (read-only fields left out)."""
        return {name: e.value() for name, e in self.editors.items() if not self.spec.field(name).readonly}

    def set_values(self, values: Mapping[str, Any]) -> None:
        for name, editor in self.editors.items():
            if name in values:
                editor.set_value(values[name])

    def set_read_only(self, read_only: bool) -> None:
        for name, editor in self.editors.items():
            editor.set_read_only(read_only or self.spec.field(name).readonly)

    # --- focus --------------------------------------------------------------------------
    def focus_widgets(self) -> list[QWidget]:
        return [w for e in self.editors.values() for w in e.focus_widgets]

    def chain_tab_order(self) -> None:
        widgets = self.focus_widgets()
        for first, second in zip(widgets, widgets[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def focus_field(self, name: str) -> None:
        self.editors[name].focus_widgets[0].setFocus(Qt.FocusReason.OtherFocusReason)

    # --- messages -----------------------------------------------------------------------
    def clear_messages(self) -> None:
        for label in self.messages.values():
            show_message(label, "", ERROR_COLOR)

    def _field_of(self, problem: Problem) -> str | None:
        if not problem.field.startswith(self.prefix):
            return None
        name = problem.field[len(self.prefix):]
        return name if name in self.messages else None

    def show_problems(self, problems: Iterable[Problem], color: str = ERROR_COLOR) -> list[str]:
        """Put each problem under its field; the names of the fields that got one, in form order."""
        texts: dict[str, list[str]] = {}
        for problem in problems:
            name = self._field_of(problem)
            if name is not None:
                texts.setdefault(name, []).append(problem.message)
        for name, lines in texts.items():
            show_message(self.messages[name], "；".join(lines), color)
        return [name for name in self.editors if name in texts]

    def claims(self, problem: Problem) -> bool:
        return self._field_of(problem) is not None

    def message_of(self, name: str) -> str:
        label = self.messages[name]
        return label.text() if label.isVisibleTo(self) else ""
