"""Qt's file dialogs, starting in the folder the same dialog went to last time (ui_state), else
the home folder. ``key`` names the dialog ("inspection_checklist", "packages" …)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDir
from PySide6.QtWidgets import QFileDialog, QWidget

from fupin_desktop.ui.common import ui_state

__all__ = ["choose_folder", "open_file", "open_files", "save_file"]


def _start(key: str, name: str = "", fallback: str = "") -> str:
    folder = ui_state.last_folder(key) or fallback or QDir.homePath()
    return str(Path(folder) / name) if name else folder


def open_file(parent: QWidget, key: str, title: str, filters: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, _start(key), filters)
    if not name:
        return None
    ui_state.set_last_folder(key, name)
    return Path(name)


def open_files(parent: QWidget, key: str, title: str, filters: str) -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, title, _start(key), filters)
    if names:
        ui_state.set_last_folder(key, names[0])
    return [Path(n) for n in names]


def save_file(parent: QWidget, key: str, title: str, suggested: str, filters: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, _start(key, suggested), filters)
    if not name:
        return None
    ui_state.set_last_folder(key, name)
    return Path(name)


def choose_folder(parent: QWidget, key: str, title: str, start: str = "") -> Path | None:
    chosen = QFileDialog.getExistingDirectory(parent, title, _start(key, fallback=start))
    if not chosen:
        return None
    ui_state.set_last_folder(key, chosen)
    return Path(chosen)
