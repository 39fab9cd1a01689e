"""Content-addressed file store under the data folder: ``attachments/aa/bb/<sha256>``.

A file is kept once per content. It is streamed into a temporary file next to its place,
flushed to disk, then renamed, so a crash leaves either nothing or the whole file. Stored
files are made read-only: a document opened "in place" from the system viewer must not be
edited and saved over the evidence. Every read that serves a file re-hashes it first; a
changed or missing file is reported, never served.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fupin_desktop.errors import KnownError
from fupin_desktop.store.folder import fsync_dir

ATTACHMENTS = "attachments"
CHUNK = 1024 * 1024
_SHA = re.compile(r"[0-9a-f]{64}")


class BlobCorrupted(KnownError):
    """A stored file's bytes no longer match the hash it was stored under."""


class BlobMissing(KnownError):
    """A stored file is gone from the data folder."""


class BlobTooLarge(KnownError):
    """The file grew past the limit while it was being copied in."""


@dataclass(frozen=True)
class BlobProblem:
    relative: str
    sha256: str
    problem: Literal["missing", "changed"]
    message: str


def relative_path(sha256: str) -> str:
    """Where a content is kept, relative to the data folder (always with forward slashes)."""
    if not _SHA.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return f"{ATTACHMENTS}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def hash_file(path: Path) -> tuple[str, int]:
    """(SHA-256 hex, size) of a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _make_writable(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.chmod(path, stat.S_IREAD | stat.S_IWRITE)


def put(data_dir: Path, path: Path, *, max_bytes: int | None = None) -> tuple[str, str, int]:
    """Store the file at ``path``; returns (sha256, relative path, size).

    When the content is already stored (and intact) nothing is written; a damaged stored
    copy of the same content is replaced by the good one.
    """
    folder = Path(data_dir) / ATTACHMENTS
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=folder)
    tmp = Path(tmp_name)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            while chunk := src.read(CHUNK):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise BlobTooLarge(f"文件「{Path(path).name}」在复制过程中超过了 {max_bytes // (1024 * 1024)} MB，未保存。")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        relative = relative_path(sha)
        target = Path(data_dir) / relative
        if target.exists():
            if hash_file(target) == (sha, size):
                return sha, relative, size
            _make_writable(target)  # a damaged copy: the rename below repairs it
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, stat.S_IREAD)
        os.replace(tmp, target)
        fsync_dir(target.parent)
        return sha, relative, size
    finally:
        if tmp.exists():
            _make_writable(tmp)
            tmp.unlink()


def _absolute(data_dir: Path, relative: str, sha256: str) -> Path:
    # The database says where the file is; it must be exactly where its hash puts it.
    if relative != relative_path(sha256):
        raise BlobCorrupted(f"附件的存放位置「{relative}」与其内容哈希不符，可能被改动过。")
    return Path(data_dir) / relative


def check_one(data_dir: Path, relative: str, sha256: str, *, label: str = "") -> BlobProblem | None:
    """None when the stored file is there and unchanged; else what is wrong."""
    what = f"附件「{label}」" if label else f"附件 {sha256[:12]}…"
    try:
        path = _absolute(data_dir, relative, sha256)
    except BlobCorrupted as exc:
        return BlobProblem(relative, sha256, "changed", str(exc))
    if not path.is_file():
        return BlobProblem(relative, sha256, "missing", f"{what}的文件不见了（{relative}）。")
    try:
        actual, _ = hash_file(path)
    except OSError as exc:
        return BlobProblem(relative, sha256, "missing", f"{what}的文件无法读取（{relative}）：{exc.strerror or exc}。")
    if actual != sha256:
        return BlobProblem(relative, sha256, "changed",
                           f"{what}的文件内容已被改动（{relative}），与登记时不一致，不能使用。")
    return None


def open_verified(data_dir: Path, relative: str, sha256: str, *, label: str = "") -> Path:
    """The absolute path of a stored file after re-hashing it; raises when it changed or is gone."""
    problem = check_one(data_dir, relative, sha256, label=label)
    if problem is not None:
        raise (BlobMissing if problem.problem == "missing" else BlobCorrupted)(problem.message)
    return Path(data_dir) / relative


def iter_check(data_dir: Path, items: Iterable[tuple[str, str]]) -> Iterator[tuple[int, int, BlobProblem | None]]:
    """Re-hash each (relative, sha256); yields (done, total, problem or None) after each file."""
    todo = list(items)
    for done, (relative, sha256) in enumerate(todo, start=1):
        yield done, len(todo), check_one(data_dir, relative, sha256)
