"""Where an attachment's bytes live: the data folder's store on a single PC, the database on a
LAN server (so a file added on one PC opens and verifies on every other).

On a server the data folder still holds a verified local copy of what was opened (the system
viewer needs a file); it is re-fetched and re-hashed at every opening, never trusted as is.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.store import blobs, db_blobs
from fupin_desktop.store.blobs import BlobProblem

__all__ = ["check", "open_verified", "put"]


def _data_dir(ctx: ServiceContext) -> Path:
    if ctx.data_dir is None:
        raise KnownError("没有数据文件夹，无法保存或读取附件。")
    return ctx.data_dir


def put(ctx: ServiceContext, path: Path, *, max_bytes: int | None = None) -> tuple[str, str, int]:
    """Store a file's bytes; (sha256, relative path, size)."""
    if ctx.db.on_server:
        return db_blobs.put(ctx.db, path, max_bytes=max_bytes)
    return blobs.put(_data_dir(ctx), path, max_bytes=max_bytes)


def open_verified(ctx: ServiceContext, relative: str, sha256: str, *, label: str = "") -> Path:
    """A file with the stored bytes, re-hashed; raises when they changed or are gone."""
    data_dir = _data_dir(ctx)
    if ctx.db.on_server:
        content = db_blobs.read_verified(ctx.db, sha256, label=label)
        folder = data_dir / blobs.ATTACHMENTS
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".from-server-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            blobs.put(data_dir, Path(name))  # the local copy, placed and made read-only as on one PC
        finally:
            Path(name).unlink(missing_ok=True)
    return blobs.open_verified(data_dir, relative, sha256, label=label)


def check(ctx: ServiceContext, relative: str, sha256: str, *, label: str = "") -> BlobProblem | None:
    """None when the stored bytes are there and unchanged; else what is wrong."""
    if ctx.db.on_server:
        return db_blobs.check(ctx.db, sha256, label=label)
    return blobs.check_one(_data_dir(ctx), relative, sha256, label=label)
