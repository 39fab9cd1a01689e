"""What the window remembers between runs, per user: its size and place, splitter positions,
column widths and the last folder of every file dialog.

Kept in ``ui-state.ini`` inside the data folder (so a test's folder, a demo and the real bureau
never share it, and a backup of the folder carries it), under the signed-in user's name. The
main window binds it after login; widgets made before that, or without a data folder, simply
do not remember.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

__all__ = ["STATE_FILE", "bind", "last_folder", "last_user", "remember_columns", "remember_splitter", "restore_window",
           "save_window", "set_last_folder", "settings", "unbind"]

STATE_FILE = "ui-state.ini"
_LAST_USER = "last_user"

_bound: tuple[QSettings, str] | None = None


def bind(data_dir: Path | None, username: str) -> None:
    """From now on remember for ``username`` in ``data_dir`` (None: remember nothing)."""
    global _bound
    _bound = (QSettings(str(Path(data_dir) / STATE_FILE), QSettings.Format.IniFormat), username) \
        if data_dir is not None else None
    if _bound is not None:
        _bound[0].setValue(_LAST_USER, username)


def last_user(data_dir: Path) -> str:
    """Who signed in last in ``data_dir``: the window opens at their size before the login."""
    value = settings(data_dir).value(_LAST_USER)
    return value if isinstance(value, str) else ""


def unbind() -> None:
    global _bound
    if _bound is not None:
        _bound[0].sync()
    _bound = None


def settings(data_dir: Path | None) -> QSettings:
    """The state file of ``data_dir`` (the application's default settings without one)."""
    if data_dir is not None:
        return QSettings(str(Path(data_dir) / STATE_FILE), QSettings.Format.IniFormat)
    return QSettings()


def _get(key: str) -> object | None:
    if _bound is None:
        return None
    store, user = _bound
    return store.value(f"{user}/{key}")


def _set(key: str, value: object) -> None:
    if _bound is not None:
        store, user = _bound
        store.setValue(f"{user}/{key}", value)


def _bytes(value: object | None) -> QByteArray | None:
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def restore_window(window: QMainWindow, key: str = "main_window") -> bool:
    """Size, place and maximised state as the user left them; False when nothing was kept."""
    geometry = _bytes(_get(f"{key}/geometry"))
    return geometry is not None and window.restoreGeometry(geometry)


def save_window(window: QMainWindow, key: str = "main_window") -> None:
    _set(f"{key}/geometry", window.saveGeometry())
    if _bound is not None:
        _bound[0].sync()


def remember_splitter(splitter: QSplitter, key: str) -> None:
    """Put the splitter where it was left, and keep each move."""
    state = _bytes(_get(f"splitters/{key}"))
    if state is not None:
        splitter.restoreState(state)
    splitter.splitterMoved.connect(lambda _pos, _index: _set(f"splitters/{key}", splitter.saveState()))


def remember_columns(header: QHeaderView, key: str) -> bool:
    """Column widths (and the sort column) as the user left them; True when some were restored,
    so that the caller does not fit the columns over them."""
    key = f"columns/{key}/{header.count()}"  # a table whose columns changed starts afresh
    state = _bytes(_get(key))
    restored = state is not None and header.count() > 0 and header.restoreState(state)
    header.sectionResized.connect(lambda *_args: _set(key, header.saveState()))
    return restored


def last_folder(key: str) -> str:
    """The folder a file dialog for ``key`` last went to ('' when none, or gone)."""
    value = _get(f"folders/{key}")
    return str(value) if value and Path(str(value)).is_dir() else ""


def set_last_folder(key: str, chosen: str | Path) -> None:
    path = Path(chosen)
    _set(f"folders/{key}", str(path if path.is_dir() else path.parent))
