"""The attachments list of the 年检年报 dialog: one row per file, files dropped on it reported
by ``dropped``; and the helpers around it (sizes, the use a file's name states, a copy of a
stored file under its own name for the system viewer)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget

from fupin_desktop.domain.enums import AttachmentRole
from fupin_desktop.errors import KnownError
from fupin_desktop.intake.attachment_type import KIND_LABELS
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.inspections import AttachmentView, attachment_path
from fupin_desktop.ui.common.tables import fill_table

HEADERS = ("用途", "文件名", "类型", "大小", "添加时间", "添加人")


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def role_from_name(name: str) -> AttachmentRole | None:
    """The use a file's name states (“2026年度工作计划.pdf” → 年度工作计划), if exactly one."""
    stem = Path(name).stem
    found = {r for r in AttachmentRole if r is not AttachmentRole.OTHER
             and any(word in stem for word in (r.label, *r.aliases) if len(word) >= 2)}
    return found.pop() if len(found) == 1 else None


def local_paths(event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> list[Path]:
    mime = event.mimeData()
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []


class AttachmentTable(QTableWidget):
    """The attachments; files dropped on it are reported by ``dropped``."""

    dropped = Signal(list)  # [Path]

    def __init__(self) -> None:
        super().__init__(0, len(HEADERS))
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.drop_enabled = True

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.drop_enabled and local_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.drop_enabled and local_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event) if self.drop_enabled else []
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.dropped.emit(paths)

    def show_attachments(self, attachments: list[AttachmentView], username: str, display_name: str) -> None:
        fill_table(self, [(a.role_label, a.original_name, KIND_LABELS.get(a.kind, a.kind), size_text(a.size),
                           f"{a.added_at:%Y-%m-%d %H:%M}", display_name if a.added_by == username else a.added_by)
                          for a in attachments])
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setStretchLastSection(False)


def viewing_copy(ctx: ServiceContext, chosen: AttachmentView) -> Path:
    """The verified file copied under its own name and type, for the system viewer.

    The store keeps files nameless (by hash), which Windows cannot open by type. Each opening
    gets a fresh folder: a copy still open in a viewer is locked there, and a copy edited
    there is never served again.
    """
    source = attachment_path(ctx, chosen.id)
    name = f"{Path(chosen.original_name).stem or '附件'}.{chosen.kind}"
    try:
        base = Path(tempfile.gettempdir()) / "fupin-attachments"
        base.mkdir(parents=True, exist_ok=True)
        target = Path(tempfile.mkdtemp(prefix=f"{chosen.id}-", dir=base)) / name
        shutil.copyfile(source, target)
    except OSError as exc:
        raise KnownError(f"无法准备查看「{chosen.original_name}」：{exc.strerror or exc}。") from None
    return target
