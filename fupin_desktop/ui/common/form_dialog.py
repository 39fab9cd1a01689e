"""The record dialog: generated from a ``FormSpec``; saving calls the service it is given.

``FormDialog(spec, values, parent, save=...)``: ``save(raw_values) -> SaveResult`` is the
service call (a closure over the context and the record id). A ``ValidationFailed`` puts each
problem in red under its field and focuses the first; warnings of a successful save
(``SaveResult.warnings``) appear in orange and the dialog waits for “完成”. 取消, Esc or the
window's close button ask 放弃已填写的内容？ when something was typed (``typed_state`` differs
from what the dialog showed at first), and close silently otherwise.

An edit keeps the record's ``version`` it showed (the page's ``save`` passes it back to the
service). When someone else saved the record meanwhile (``EditConflict``) the user chooses
重新载入 (``reload()`` gives the stored record; the typing is dropped, the dialog stays open at
the new version) or 返回修改 (the typing stays).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain.formspec import FormSpec
from fupin_desktop.errors import EditConflict, KnownError, ValidationFailed
from fupin_desktop.services.records import RecordView
from fupin_desktop.ui.common import unsaved
from fupin_desktop.ui.common.fields import FieldEditor
from fupin_desktop.ui.common.form_panel import FormPanel, Problem
from fupin_desktop.ui.common.operations import run_op, show_error
from fupin_desktop.ui.common.widgets import ERROR_COLOR, WARNING_COLOR, message_label, show_message


def scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area


class RecordDialog(unsaved.AsksBeforeDiscard, QDialog):
    """Save/cancel buttons, Ctrl+S, the summary line and the save flow shared by record dialogs."""

    saved = Signal(object)  # the service's SaveResult (or None)

    def __init__(self, title: str, parent: QWidget | None, *, editable: bool, version: int | None = None,
                 reload: Callable[[], RecordView] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.result_value: Any = None
        self.editable = editable
        self.version = version  # of the record shown: the save passes it back, a reload moves it on
        self._reload = reload
        self.layout_ = QVBoxLayout(self)
        self.summary = message_label()
        self.save_button = QPushButton("保存 (Ctrl+S)")
        self.cancel_button = QPushButton("取消" if editable else "关闭")
        for button in (self.save_button, self.cancel_button):
            button.setAutoDefault(False)  # Enter moves between fields; it never saves by accident
        self.save_button.setVisible(editable)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        if editable:
            QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

    def finish_layout(self, body: QWidget) -> None:
        self.layout_.addWidget(body, 1)
        self.layout_.addWidget(self.summary)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        self.layout_.addLayout(buttons)

    # --- what subclasses provide ----------------------------------------------------------
    def call_save(self) -> Any:
        raise NotImplementedError

    def clear_messages(self) -> None:
        show_message(self.summary, "", ERROR_COLOR)

    def place_problems(self, problems: list[Problem], color: str) -> tuple[list[Problem], Callable[[], None] | None]:
        """Show problems at their fields: (those that fit no field, how to focus the first)."""
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        raise NotImplementedError

    def show_record(self, view: RecordView) -> None:
        """Put a stored record's values into the fields (after 重新载入)."""
        raise NotImplementedError

    def may_type(self) -> bool:
        return self.editable

    # --- the flow ---------------------------------------------------------------------------
    def save(self) -> bool:
        if not self.editable:
            return False
        self.clear_messages()
        try:
            result = self.call_save()
        except ValidationFailed as exc:
            rest, focus = self.place_problems(list(exc.problems), ERROR_COLOR)
            lines = [exc.summary] + [str(p) for p in rest]
            show_message(self.summary, "\n".join(lines), ERROR_COLOR)
            if focus is not None:
                focus()
            return False
        except EditConflict as exc:
            self.edit_conflict(exc)
            return False
        except KnownError as exc:
            show_error(self, exc)
            return False
        self.result_value = result
        self.saved.emit(result)
        warnings = list(getattr(result, "warnings", None) or [])
        if not warnings:
            self.accept()
            return True
        rest, _ = self.place_problems(warnings, WARNING_COLOR)
        notes = "；".join(f"{w.label}：{w.message}" if w.label else w.message for w in warnings)
        show_message(self.summary, f"已保存。请注意：{notes}", WARNING_COLOR)
        self.set_read_only(True)
        self.editable = False
        self.save_button.setText("完成")
        self.save_button.clicked.disconnect()
        self.save_button.clicked.connect(self.accept)
        self.cancel_button.setVisible(False)
        return True

    def edit_conflict(self, exc: EditConflict) -> None:
        """Someone saved the record since it was opened: 重新载入 it, or 返回修改 to the typing."""
        if self._reload is None:
            show_error(self, exc)
            return
        if unsaved.ask_edit_conflict(self, str(exc)) == unsaved.RELOAD:
            run_op(self, self._reload, self.reloaded)
        else:  # the typing stays; the reason it was not saved stays in sight too
            show_message(self.summary, str(exc), ERROR_COLOR)

    def reloaded(self, view: RecordView) -> None:
        self.version = view.version
        self.show_record(view)
        self.clear_messages()
        self.mark_clean()  # what is shown now is what is stored
        show_message(self.summary, "已重新载入别人保存后的内容，可在此基础上修改后再保存。", WARNING_COLOR)


class FormDialog(RecordDialog):
    def __init__(self, spec: FormSpec, values: Mapping[str, Any] | None = None, parent: QWidget | None = None, *,
                 save: Callable[[dict[str, Any]], Any] | None = None,
                 editors: Mapping[str, FieldEditor] | None = None, title: str = "",
                 skip: Iterable[str] = (), note: str = "", version: int | None = None,
                 reload: Callable[[], RecordView] | None = None) -> None:
        title = title or f"{spec.title} — {'新增' if values is None else ('修改' if save else '查看')}"
        super().__init__(title, parent, editable=save is not None, version=version, reload=reload)
        self.spec, self._save = spec, save
        self.panel = FormPanel(spec, values, editors=editors, skip=skip)
        self.panel.set_read_only(save is None)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(4, 4, 12, 4)
        if note:
            hint = QLabel(note)
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #555;")
            column.addWidget(hint)
        column.addWidget(self.panel)
        column.addStretch(1)
        self.finish_layout(scrolled(body))
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        body.ensurePolished()
        wanted = body.sizeHint().height() + 200  # buttons, summary, room for a few messages
        self.resize(max(600, body.sizeHint().width() + 40), min(screen.height() - 60, max(420, wanted)))
        widgets = self.panel.focus_widgets()
        if widgets:
            widgets[0].setFocus(Qt.FocusReason.OtherFocusReason)
        self.mark_clean()

    def raw_values(self) -> dict[str, Any]:
        return self.panel.raw_values()

    def typed_state(self) -> Any:
        return self.raw_values()

    def call_save(self) -> Any:
        assert self._save is not None
        return self._save(self.raw_values())

    def clear_messages(self) -> None:
        super().clear_messages()
        self.panel.clear_messages()

    def place_problems(self, problems: list[Problem], color: str) -> tuple[list[Problem], Callable[[], None] | None]:
        names = self.panel.show_problems(problems, color)
        rest = [p for p in problems if not self.panel.claims(p)]
        focus = (lambda: self.panel.focus_field(names[0])) if names else None
        return rest, focus

    def set_read_only(self, read_only: bool) -> None:
        self.panel.set_read_only(read_only)

    def show_record(self, view: RecordView) -> None:
        self.panel.set_values(view.values)

    def message_of(self, name: str) -> str:
        """The text under field ``name`` (empty when none is shown)."""
        return self.panel.message_of(name)
