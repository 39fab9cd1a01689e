"""The questions asked before typed work could be lost, in one place (tests replace these functions).

``ask_unsaved``: 保存 / 不保存 / 取消 (switching township or month, closing the window);
``ask_discard_typed``: 放弃 / 继续填写 (取消 or Esc in a dialog with typed content);
``ask_draft``: 恢复 / 丢弃 / 以后再说 (a draft autosaved before a crash, offered at the next start);
``ask_edit_conflict``: 重新载入 / 返回修改 (someone else saved the record since the dialog opened it).
The buttons carry Chinese text set here: Qt's standard buttons would be English.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
RESTORE, LATER = "restore", "later"
RELOAD, KEEP = "reload", "keep"

Role = QMessageBox.ButtonRole


def ask(parent: QWidget | None, title: str, text: str, buttons: list[tuple[str, str, Role]], *,
        default: str, escape: str, icon: QMessageBox.Icon = QMessageBox.Icon.Question,
        informative: str = "") -> str:
    """A modal box with the given (answer, button text, role) buttons; the answer clicked."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    if informative:
        box.setInformativeText(informative)
    made = {}
    for answer, label, role in buttons:
        made[answer] = box.addButton(label, role)
    box.setDefaultButton(made[default])
    box.setEscapeButton(made[escape])
    box.exec()
    clicked = box.clickedButton()
    return next((answer for answer, b in made.items() if b is clicked), escape)


def ask_unsaved(parent: QWidget | None, text: str) -> str:
    """保存 / 不保存 / 取消: SAVE, DISCARD or CANCEL (Esc and closing the box are 取消)."""
    return ask(parent, "有未保存的修改", text,
               [(SAVE, "保存", Role.AcceptRole), (DISCARD, "不保存", Role.DestructiveRole),
                (CANCEL, "取消", Role.RejectRole)], default=SAVE, escape=CANCEL, icon=QMessageBox.Icon.Warning)


def ask_discard_typed(parent: QWidget | None) -> bool:
    """放弃已填写的内容？ True for 放弃, False for 继续填写 (also Esc)."""
    return ask(parent, "放弃填写", "放弃已填写的内容？",
               [(DISCARD, "放弃", Role.DestructiveRole), (CANCEL, "继续填写", Role.RejectRole)],
               default=CANCEL, escape=CANCEL, icon=QMessageBox.Icon.Warning) == DISCARD


def ask_draft(parent: QWidget | None, text: str) -> str:
    """恢复 / 丢弃 / 以后再说: RESTORE, DISCARD or LATER (Esc is 以后再说)."""
    return ask(parent, "恢复草稿", text,
               [(RESTORE, "恢复", Role.AcceptRole), (DISCARD, "丢弃", Role.DestructiveRole),
                (LATER, "以后再说", Role.RejectRole)], default=RESTORE, escape=LATER)


def ask_edit_conflict(parent: QWidget | None, text: str) -> str:
    """重新载入 / 返回修改: RELOAD or KEEP (Esc and closing the box keep the typing)."""
    return ask(parent, "记录已被别人修改", text,
               [(RELOAD, "重新载入", Role.AcceptRole), (KEEP, "返回修改", Role.RejectRole)],
               default=RELOAD, escape=KEEP, icon=QMessageBox.Icon.Warning,
               informative="重新载入：显示别人保存后的内容，您这次填写的修改将被放弃。\n"
                           "返回修改：保留您填写的内容（可先记下要改的地方，再重新载入）。")


class AsksBeforeDiscard:
    """Mixin for a QDialog (put it first): 取消, Esc or the close button ask 放弃已填写的内容？ when
    ``typed_state()`` differs from what ``mark_clean()`` saw at the end of the set-up."""

    _clean: object = None

    def typed_state(self) -> object:
        """What the user can type, as a comparable value."""
        return None

    def may_type(self) -> bool:
        return True

    def mark_clean(self) -> None:
        self._clean = self.typed_state()

    def has_typed_changes(self) -> bool:
        return self.may_type() and self._clean is not None and self.typed_state() != self._clean

    def reject(self) -> None:
        if self.has_typed_changes() and not ask_discard_typed(self):  # type: ignore[arg-type]
            return
        super().reject()  # type: ignore[misc]
