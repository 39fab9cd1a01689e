"""Where things live: shipped resources, form definitions, the per-user data folder.

Nothing here touches the disk at import time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "fupin-desktop"
DATA_DIR_ENV = "FUPIN_DATA_DIR"


def _bundle_root() -> Path:
    # A PyInstaller build unpacks data next to the code under sys._MEIPASS.
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resource_dir() -> Path:
    return _bundle_root() / "resources"


def forms_dir() -> Path:
    return _bundle_root() / "forms"


def font_path(file_name: str) -> Path:
    return resource_dir() / "fonts" / file_name


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: the explicit override, else $FUPIN_DATA_DIR, else the per-user folder."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def demo_data_dir() -> Path:
    return default_data_dir().parent / f"{APP_NAME}-demo"
