"""The submission package: one .zip per submission, written so a pulled USB stick leaves no
file that looks complete.

Entries have fixed ASCII names. ``manifest.json`` lists every other file with its SHA-256;
``manifest.sig`` is a detached CMS signature over the manifest's exact bytes by the
reviewer's seal key, whose certificate travels as ``signer.pem``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fupin_desktop.errors import KnownError

FORMAT = "fupin-submission/1"
MANIFEST, SIGNATURE, SIGNER = "manifest.json", "manifest.sig", "signer.pem"
CONTENT_FILES = ("report.pdf", "report.xlsx", "data.json")
ALL_FILES = (*CONTENT_FILES, MANIFEST, SIGNATURE, SIGNER)
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # entry timestamps carry nothing; the manifest has the time


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The exact bytes that are signed: sorted keys, UTF-8, no insignificant whitespace."""
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def build_manifest(files: dict[str, bytes], **fields: Any) -> dict[str, Any]:
    return {"format": FORMAT, **fields, "files": {name: sha256(data) for name, data in sorted(files.items())}}


def package_bytes(files: dict[str, bytes], manifest: dict[str, Any], signature: bytes, signer_pem: bytes) -> bytes:
    buf = io.BytesIO()
    entries = {**files, MANIFEST: manifest_bytes(manifest), SIGNATURE: signature, SIGNER: signer_pem}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ALL_FILES:
            if name in entries:
                info = zipfile.ZipInfo(name, _FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, entries[name])
    return buf.getvalue()


def write_safely(folder: Path, name: str, data: bytes, *, verify: Callable[[bytes], None] | None = None) -> Path:
    """Write ``data`` as ``folder/name`` the way a USB stick needs it.

    A temporary name first, flushed and fsynced; read back and compared (and checked by
    ``verify``); only then renamed into place and the folder fsynced. A stick pulled out
    halfway leaves at most a ``.part`` file, never one that looks complete.
    """
    folder = Path(folder)
    target = folder / name
    temp = folder / f".{name}.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        written = temp.read_bytes()
        if written != data:
            raise KnownError(f"写入「{target}」后读回的内容与原文件不一致：U 盘可能已损坏或已拔出。请换一个 U 盘重试。")
        if verify is not None:
            verify(written)
        os.replace(temp, target)
        _fsync_dir(folder)
    except OSError as exc:
        raise KnownError(f"无法写入「{target}」：{exc.strerror or exc}。请检查 U 盘是否已插好、是否写保护、空间是否足够。") from exc
    finally:
        if temp.exists():
            temp.unlink(missing_ok=True)
    return target


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; its rename is already durable enough there
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
