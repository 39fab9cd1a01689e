"""Attachment content kept in the database (``stored_content``), for a LAN server.

The same contract as the data folder's store (``store/blobs.py``): content is kept once per
SHA-256, and every read re-hashes it; a changed or missing content is reported, never served.
On a server every PC sees what another PC stored, which files in one PC's folder cannot offer.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from fupin_desktop.store.blobs import (
    CHUNK,
    BlobCorrupted,
    BlobMissing,
    BlobProblem,
    BlobTooLarge,
    relative_path,
)
from fupin_desktop.store.db import Database
from fupin_desktop.store.models_annual import StoredContent
from fupin_desktop.store.serial import serialize

__all__ = ["check", "put", "put_bytes", "read_verified"]


def _read(path: Path, max_bytes: int | None) -> tuple[str, bytes]:
    digest, parts, size = hashlib.sha256(), [], 0
    with open(path, "rb") as src:
        while chunk := src.read(CHUNK):
            size += len(chunk)
            if max_bytes is not None and size > max_bytes:
                raise BlobTooLarge(f"文件「{Path(path).name}」在复制过程中超过了 {max_bytes // (1024 * 1024)} MB，未保存。")
            digest.update(chunk)
            parts.append(chunk)
    return digest.hexdigest(), b"".join(parts)


def put(db: Database, path: Path, *, max_bytes: int | None = None) -> tuple[str, str, int]:
    """Store the file's bytes; returns (sha256, relative path, size) as ``blobs.put`` does.

    Already stored and intact: nothing is written; a damaged stored copy is replaced."""
    sha, content = _read(path, max_bytes)
    return put_bytes(db, content, sha)


def put_bytes(db: Database, content: bytes, sha: str | None = None) -> tuple[str, str, int]:
    """``put`` for bytes already in memory (a seal key, a seal image)."""
    sha = sha or hashlib.sha256(content).hexdigest()
    with db.transaction() as s:
        serialize(s, f"stored_content:{sha}")  # two PCs adding the same file take turns
        row = s.get(StoredContent, sha)
        if row is None:
            s.add(StoredContent(sha256=sha, size=len(content), content=content))
        elif hashlib.sha256(row.content).hexdigest() != sha:
            row.content, row.size = content, len(content)
    return sha, relative_path(sha), len(content)


def _what(sha256: str, label: str) -> str:
    return f"附件「{label}」" if label else f"附件 {sha256[:12]}…"


def check(db: Database, sha256: str, *, label: str = "") -> BlobProblem | None:
    """None when the content is in the database and unchanged; else what is wrong."""
    relative = relative_path(sha256)
    with db.reading() as s:
        row = s.get(StoredContent, sha256)
        content = None if row is None else row.content
    if content is None:
        return BlobProblem(relative, sha256, "missing", f"{_what(sha256, label)}的内容不在数据库里（{sha256[:12]}…）。")
    if hashlib.sha256(content).hexdigest() != sha256:
        return BlobProblem(relative, sha256, "changed",
                           f"{_what(sha256, label)}在数据库里的内容已被改动，与登记时不一致，不能使用。")
    return None


def read_verified(db: Database, sha256: str, *, label: str = "") -> bytes:
    """The content after re-hashing it; raises when it changed or is gone."""
    with db.reading() as s:
        row = s.get(StoredContent, sha256)
        content = None if row is None else row.content
    if content is None:
        raise BlobMissing(f"{_what(sha256, label)}的内容不在数据库里（{sha256[:12]}…）。")
    if hashlib.sha256(content).hexdigest() != sha256:
        raise BlobCorrupted(f"{_what(sha256, label)}在数据库里的内容已被改动，与登记时不一致，不能使用。")
    return content
