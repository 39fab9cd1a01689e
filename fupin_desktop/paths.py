"""Where things live: shipped resources, form definitions, the per-user data folder.

Nothing here touches the disk at import time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "fupin-desktop"
DATA_DIR_ENV = "FUPIN_DATA_DIR"


def _shipped(name: str) -> Path:
    """``forms`` or ``resources``: inside the package where it is installed (a wheel, a frozen
    bundle), else at the top of the checkout, where developers edit them (setup.py maps one to
    the other)."""
    frozen = getattr(sys, "_MEIPASS", None)  # a PyInstaller bundle unpacks the package here
    package = Path(frozen) / "fupin_desktop" if frozen else Path(__file__).resolve().parent
    inside = package / name
    return inside if inside.is_dir() else package.parent / name


def resource_dir() -> Path:
    return _shipped("resources")


def forms_dir() -> Path:
    return _shipped("forms")


def font_path(file_name: str) -> Path:
    return resource_dir() / "fonts" / file_name


def manual_dir() -> Path:
    """The user manual (帮助 → 使用手册): one Markdown file per screen, ``index.toml`` its contents."""
    return resource_dir() / "manual"


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
