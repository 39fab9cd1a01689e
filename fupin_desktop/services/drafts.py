"""Autosaved drafts of the monthly data-entry grid: plain JSON files, one per user and township-month.

``<data>/drafts/<username>/<township_code>_<period>.json`` holds what the clerk typed and has not
saved yet (the township, the period, the revision the typing was based on, the cells as typed,
and when it was written). A draft is written to a temporary name, fsynced and renamed, so a kill
or a power cut leaves either the previous draft or the new one, never half a file. Saving the
month properly (or choosing 不保存) discards the draft; on the next start the window offers the
drafts it finds. Nothing here knows about Qt or the database: the grid hands in its cells.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fupin_desktop.domain import clock
from fupin_desktop.store.folder import fsync_dir

log = logging.getLogger(__name__)

DRAFTS_FOLDER = "drafts"
FORMAT = 1
_UNSAFE = re.compile(r"[^0-9A-Za-z._-]")


@dataclass(frozen=True)
class Draft:
    """One township-month's unsaved typing."""

    username: str
    township_id: int
    township_code: str
    township: str  # the name, for the question shown to the clerk
    period: str  # "2026-10"
    base_revision: int | None  # the stored revision the typing started from (None: nothing stored yet)
    cells: list[dict[str, Any]]  # one per row: {"pairing_id": 12, "<field>": "<text as typed>", …}
    saved_at: datetime = field(default_factory=clock.now)

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "username": self.username, "township_id": self.township_id,
                "township_code": self.township_code, "township": self.township, "period": self.period,
                "base_revision": self.base_revision, "saved_at": self.saved_at.isoformat(timespec="seconds"),
                "cells": self.cells}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        revision = data.get("base_revision")
        return cls(username=str(data["username"]), township_id=int(data["township_id"]),
                   township_code=str(data["township_code"]), township=str(data.get("township", "")),
                   period=str(data["period"]), base_revision=None if revision is None else int(revision),
                   cells=[dict(c) for c in data["cells"]], saved_at=datetime.fromisoformat(data["saved_at"]))


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name) or "_"


def user_folder(data_dir: Path, username: str) -> Path:
    return Path(data_dir) / DRAFTS_FOLDER / _safe(username)


def draft_path(data_dir: Path, username: str, township_code: str, period: str) -> Path:
    return user_folder(data_dir, username) / f"{_safe(township_code)}_{_safe(period)}.json"


def save_draft(data_dir: Path, draft: Draft) -> Path:
    """Write (or replace) the draft atomically: temporary file, fsync, rename. Raises OSError."""
    target = draft_path(data_dir, draft.username, draft.township_code, draft.period)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(draft.as_json(), ensure_ascii=False, indent=1).encode("utf-8")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def load_draft(path: Path) -> Draft | None:
    """The draft in ``path``; None when it is missing or unreadable (a damaged draft is only logged)."""
    try:
        return Draft.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("草稿文件 %s 无法读取，已跳过：%s", path, exc)
        return None


def find_draft(data_dir: Path, username: str, township_code: str, period: str) -> Draft | None:
    return load_draft(draft_path(data_dir, username, township_code, period))


def list_drafts(data_dir: Path, username: str) -> list[Draft]:
    """The user's drafts, oldest first (temporary files of an interrupted write are ignored)."""
    folder = user_folder(data_dir, username)
    if not folder.is_dir():
        return []
    found = [d for p in sorted(folder.glob("*.json")) if not p.name.startswith(".")
             if (d := load_draft(p)) is not None and d.username == username]
    return sorted(found, key=lambda d: d.saved_at)


def discard_draft(data_dir: Path, username: str, township_code: str, period: str) -> bool:
    """Delete the draft (after a proper save, or 不保存 / 丢弃); True if there was one."""
    path = draft_path(data_dir, username, township_code, period)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
