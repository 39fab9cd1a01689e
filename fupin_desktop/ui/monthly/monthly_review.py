"""The review side of a month: the reason dialog (退回 / 重新打开更正 / 审核通过) and the status texts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from fupin_desktop.services.monthly import STATUS_LABELS, HandEdit, MonthView, RevisionInfo
from fupin_desktop.ui.common import unsaved

SOURCES = {"entry": "录入", "import": "导入", "correction": "更正"}


class ReasonDialog(QDialog):
    """A text to give with a review action; OK only once something is written when it is required."""

    def __init__(self, title: str, prompt: str, ok_text: str, on_ok: Callable[[str], object], *,
                 required: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.required, self.on_ok = required, on_ok
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("必须填写" if required else "可不填")
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.text.textChanged.connect(self._update)
        self._update()
        self.resize(460, 240)

    def _update(self) -> None:
        self.ok_button.setEnabled(not self.required or bool(self.text.toPlainText().strip()))

    def reject(self) -> None:
        """取消 / Esc after typing a reason: 放弃已填写的内容？ first."""
        if self.text.toPlainText().strip() and not unsaved.ask_discard_typed(self):
            return
        super().reject()

    def accept(self) -> None:
        reason = self.text.toPlainText().strip()
        if self.required and not reason:
            return
        if self.on_ok(reason) is False:
            return  # the service refused; the error is shown and the text kept
        super().accept()


def status_text(view: MonthView) -> str:
    """第 N 版 · 收到 … · 填报 …, after the coloured status tag."""
    parts = []
    if view.revision is not None:
        parts.append(f"第 {view.revision} 版")
    if view.received_on:
        parts.append(f"收到日期 {view.received_on.isoformat()}")
    if view.filled_on:
        parts.append(f"填报日期 {view.filled_on.isoformat()}")
    parts.append(f"{len(view.rows)} 个结对")
    flagged = sum(len(r.flags) for r in view.rows)
    if flagged:
        parts.append(f"{flagged} 处提醒（橙色角标）")
    return " · ".join(parts)


def note_text(view: MonthView) -> str:
    """What the reviewer said, where the clerk must see it."""
    if not view.review_note:
        return ""
    if view.status == "returned":
        return f"退回原因：{view.review_note}"
    if view.status == "approved":
        return f"审核意见：{view.review_note}"
    return view.review_note  # 更正：… on a reopened draft


def revision_line(r: RevisionInfo) -> str:
    line = (f"第 {r.revision} 版 · {SOURCES.get(r.source, r.source)} · {r.created_at:%Y-%m-%d %H:%M} · "
            f"{r.created_by_name or r.created_by} · {STATUS_LABELS.get(r.status, r.status)}")
    if r.file_name:
        line += f" · 「{r.file_name}」"
    if r.reviewed_by:
        line += f" · 审核人 {r.reviewed_by_name or r.reviewed_by}"
    if r.review_note:
        line += f"：{r.review_note}"
    return line


def edit_line(e: HandEdit) -> str:
    """　改：林晓华 11-18 10:02 第 3 行 晋江市鞋业商会 投入资金 2.00 → 1.80"""
    where = f"第 {e.seq} 行 " if e.seq is not None else ""
    return (f"　　改：{e.who} {e.at:%m-%d %H:%M} {where}{e.organization} {e.label} "
            f"{e.old or '（空）'} → {e.new or '（空）'}")


def history_lines(history: list[RevisionInfo]) -> list[str]:
    """Newest revision first, each followed by the cells hands changed in it."""
    lines: list[str] = []
    for r in reversed(history):
        lines.append(revision_line(r))
        lines.extend(edit_line(e) for e in reversed(r.edits))
    return lines
