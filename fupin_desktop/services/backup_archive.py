"""The ``.fupinbak`` file: a zip of the data folder with a manifest of every part's SHA-256.

Layout: ``manifest.json`` at the root, every part under ``data/`` at its place relative to the
data folder (``data/fupin.sqlite3``, ``data/attachments/aa/bb/<sha256>``, ``data/seal/…``,
``data/ui-state.ini`` …). The database part is a snapshot taken with SQLite's online backup
API (consistent while the program runs), checked with ``PRAGMA integrity_check`` and turned
into a single self-contained file (rollback journal, no WAL).

Writing: a clearly temporary name in the target folder (``.<name>.partial``), flushed and
fsynced, re-opened and every hash checked, then renamed to the final name and the folder
fsynced: a file under a backup's final name is always complete. Reading: the manifest and every
part's size and hash are checked before anything is written; names that would escape the
folder and sizes that do not match the manifest are refused.

No Qt, no services: plain files, ``zipfile`` and ``sqlite3``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from fupin_desktop import __version__
from fupin_desktop.errors import KnownError, os_error_message
from fupin_desktop.store.blobs import ATTACHMENTS
from fupin_desktop.store.folder import DB_FILE, fsync_dir

FORMAT = "fupin-desktop-backup"
FORMAT_VERSION = 1
SUFFIX = ".fupinbak"
MANIFEST = "manifest.json"
PREFIX = "data/"
CHUNK = 1024 * 1024
MAX_MANIFEST_BYTES = 32 * 1024 * 1024
MAX_PARTS = 2_000_000
# Top-level items of the data folder that are not part of a backup: the live database (taken
# through the backup API instead), copies made before upgrades, the log, lock files.
_SKIP_TOP = {DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm", f"{DB_FILE}-journal", "logs"}
_SKIP_SUFFIXES = (".bak.sqlite3", ".partial", SUFFIX, ".lock", ".tmp")


class BackupRefused(KnownError):
    """A backup file that cannot be used: damaged, truncated, not ours, or from a newer program."""


@dataclass(frozen=True)
class Part:
    name: str  # relative to the data folder, forward slashes
    sha256: str
    size: int


@dataclass
class Manifest:
    program_version: str
    schema_revision: str
    created_at: str
    bureau: str
    division_code: str
    audit_seq: int
    audit_hash: str
    kind: str
    made_by: str
    parts: list[Part] = field(default_factory=list)

    @property
    def total_size(self) -> int:
        return sum(p.size for p in self.parts)

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.created_at)

    def to_json(self) -> bytes:
        body = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "program": "fupin-desktop",
            "program_version": self.program_version, "schema_revision": self.schema_revision,
            "created_at": self.created_at, "bureau": self.bureau, "division_code": self.division_code,
            "audit_head": {"seq": self.audit_seq, "hash": self.audit_hash}, "kind": self.kind,
            "made_by": self.made_by, "database": PREFIX + DB_FILE,
            "parts": [{"name": PREFIX + p.name, "sha256": p.sha256, "size": p.size} for p in self.parts],
        }
        return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def label(name: str) -> str:
    """A part's name as a user reads it: what it is, then where it sits in the data folder."""
    name = name[len(PREFIX):] if name.startswith(PREFIX) else name
    if name == DB_FILE:
        return f"数据库（{name}）"
    what = {ATTACHMENTS: "附件", "seal": "印章文件"}.get(name.split("/", 1)[0], "文件")
    return f"{what}「{name[:80]}」"


def refused(path: Path, reason: str) -> BackupRefused:
    return BackupRefused(f"备份文件「{path}」不能使用：{reason}。没有改动任何数据。")


def is_temporary(name: str) -> bool:
    return name.startswith(".") or name.endswith(_SKIP_SUFFIXES)


# --------------------------------------------------------------------------- writing


def data_files(data_dir: Path, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, Path]]:
    """(relative name, path) of every file of the data folder that goes into a backup."""
    for top in sorted(data_dir.iterdir()):
        if top.name in _SKIP_TOP or top.name in skip or is_temporary(top.name) or top.is_symlink():
            continue
        if top.is_file():
            yield top.name, top
        elif top.is_dir():
            for root, dirs, files in os.walk(top):
                dirs[:] = sorted(d for d in dirs if not is_temporary(d))
                for name in sorted(files):
                    path = Path(root) / name
                    if is_temporary(name) or path.is_symlink() or not path.is_file():
                        continue
                    yield path.relative_to(data_dir).as_posix(), path


def snapshot_database(db_path: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database as one self-contained file, checked."""
    src = sqlite3.connect(db_path, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise KnownError(f"数据库「{db_path}」的备份副本未通过完整性检查，没有生成备份。请先检查数据库。")
    finally:
        dst.close()
        src.close()


def database_facts(db_file: Path) -> dict[str, Any]:
    """Schema revision, bureau and audit head read from a database file (plain sqlite3)."""
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        settings = dict(conn.execute("SELECT key, value FROM setting").fetchall())
        head = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return {"schema_revision": revision[0] if revision else "", "bureau": settings.get("bureau_name", ""),
            "division_code": settings.get("division_code", ""),
            "audit_seq": int(head[0]) if head else 0, "audit_hash": str(head[1]) if head else "0" * 64}


def _add_file(archive: zipfile.ZipFile, name: str, source: Path, when: datetime) -> Part:
    info = zipfile.ZipInfo(PREFIX + name, date_time=when.timetuple()[:6])
    # Attachments are mostly PDF, JPEG and Office files, compressed already: stored as they are.
    info.compress_type = zipfile.ZIP_STORED if name.startswith(ATTACHMENTS + "/") else zipfile.ZIP_DEFLATED
    size = source.stat().st_size
    digest, written = hashlib.sha256(), 0
    with open(source, "rb") as src, archive.open(info, "w", force_zip64=size > 2**31 - CHUNK) as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            written += len(chunk)
    return Part(name, digest.hexdigest(), written)


# Writes the database part as ``<work>/fupin.sqlite3``; returns parts kept outside the data folder
# (a LAN server's attachments) as (name, file) pairs.
Snapshot = Callable[[Path], list[tuple[str, Path]]]


def sqlite_snapshot(db_path: Path) -> Snapshot:
    """The snapshot of this PC's live SQLite file."""
    def take(work: Path) -> list[tuple[str, Path]]:
        snapshot_database(db_path, work / DB_FILE)
        return []

    return take


def write_backup(data_dir: Path, snapshot: Snapshot, final: Path, *, kind: str, made_by: str, when: datetime,
                 progress: Callable[[str], None] | None = None, skip: frozenset[str] = frozenset()) -> Manifest:
    """Write the whole backup to ``final``: temporary name, fsync, verify, rename, fsync the folder.

    ``skip``: top-level items of the data folder left out (a LAN PC's local copies)."""
    if final.exists():
        raise KnownError(f"文件「{final}」已经存在，不会覆盖。请换一个名字或文件夹。")
    tmp = final.with_name(f".{final.name}.{os.getpid()}.partial")
    try:
        with tempfile.TemporaryDirectory(prefix="fupin-backup-") as work:
            outside = snapshot(Path(work))
            facts = database_facts(Path(work) / DB_FILE)
            manifest = Manifest(program_version=__version__, created_at=when.isoformat(), kind=kind,
                                made_by=made_by, **facts)
            with open(tmp, "xb") as raw:
                with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                    manifest.parts.append(_add_file(archive, DB_FILE, Path(work) / DB_FILE, when))
                    for name, path in outside:
                        manifest.parts.append(_add_file(archive, name, path, when))
                    for name, path in data_files(data_dir, skip):
                        if progress:
                            progress(name)
                        manifest.parts.append(_add_file(archive, name, path, when))
                    info = zipfile.ZipInfo(MANIFEST, date_time=when.timetuple()[:6])
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, manifest.to_json())
                raw.flush()
                os.fsync(raw.fileno())
        verify_archive(tmp)  # re-opened from the disk: every hash, before it gets its name
        if final.exists():
            raise KnownError(f"文件「{final}」已经存在，不会覆盖。请换一个名字或文件夹。")
        os.replace(tmp, final)
        fsync_dir(final.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return manifest


# --------------------------------------------------------------------------- reading


def safe_name(name: str) -> bool:
    """A part name that stays inside the folder on every system."""
    if not name or "\\" in name or ":" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = PurePosixPath(name).parts
    return bool(parts) and all(p not in ("", ".", "..") for p in parts) and "/".join(parts) == name


def _parse_manifest(path: Path, raw: bytes) -> Manifest:
    try:
        body = json.loads(raw.decode("utf-8"))
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise refused(path, "不是本程序的备份文件（清单不是 fupin-desktop 的格式）")
        if int(body.get("format_version", 0)) > FORMAT_VERSION:
            raise refused(path, "由更新版本的程序生成，请安装新版程序后再恢复")
        head = body["audit_head"]
        parts = [Part(str(p["name"]), str(p["sha256"]), int(p["size"])) for p in body["parts"]]
        manifest = Manifest(
            program_version=str(body["program_version"]), schema_revision=str(body["schema_revision"]),
            created_at=str(body["created_at"]), bureau=str(body["bureau"]),
            division_code=str(body["division_code"]), audit_seq=int(head["seq"]), audit_hash=str(head["hash"]),
            kind=str(body.get("kind", "")), made_by=str(body.get("made_by", "")), parts=[])
        manifest.created  # noqa: B018  (a malformed date is a malformed manifest)
    except BackupRefused:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise refused(path, "备份清单 manifest.json 已损坏或不完整") from None
    if len(parts) > MAX_PARTS:
        raise refused(path, "备份清单列出的文件数量异常")
    seen: set[str] = set()
    for p in parts:
        if not p.name.startswith(PREFIX) or not safe_name(p.name) or p.name in seen:
            raise refused(path, f"清单中有不安全或重复的文件名「{p.name[:80]}」")
        if p.size < 0 or len(p.sha256) != 64:
            raise refused(path, f"清单中「{p.name[:80]}」的大小或哈希值无效")
        seen.add(p.name)
        manifest.parts.append(Part(p.name[len(PREFIX):], p.sha256, p.size))
    if not any(p.name == DB_FILE for p in manifest.parts):
        raise refused(path, "备份中没有数据库")
    return manifest


def _open_zip(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise refused(path, "文件不存在或不是文件")
    try:
        with open(path, "rb") as f:
            head = f.read(4)
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        if head == b"PK\x03\x04":
            raise refused(path, "文件不完整或已损坏（可能在复制或写入时被截断）") from None
        raise refused(path, "不是备份文件（不是 zip 格式）") from None
    except OSError as exc:
        raise refused(path, os_error_message(exc).rstrip("。")) from None


def _hash_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, out: Any = None) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with archive.open(info) as src:
        while chunk := src.read(CHUNK):
            size += len(chunk)
            if size > info.file_size:
                raise zipfile.BadZipFile("member longer than declared")
            digest.update(chunk)
            if out is not None:
                out.write(chunk)
    return digest.hexdigest(), size


def _members(path: Path, archive: zipfile.ZipFile) -> tuple[Manifest, dict[str, zipfile.ZipInfo]]:
    infos: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.filename in infos:
            raise refused(path, f"文件名「{info.filename[:80]}」出现两次")
        infos[info.filename] = info
    man_info = infos.get(MANIFEST)
    if man_info is None:
        raise refused(path, "不是本程序的备份文件（没有备份清单 manifest.json）")
    if man_info.file_size > MAX_MANIFEST_BYTES:
        raise refused(path, "备份清单大小异常")
    try:
        with archive.open(man_info) as f:
            raw = f.read(MAX_MANIFEST_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
        raise refused(path, "备份清单 manifest.json 已损坏") from None
    manifest = _parse_manifest(path, raw)
    declared = {PREFIX + p.name: p for p in manifest.parts}
    for name, info in infos.items():
        if name == MANIFEST:
            continue
        if name not in declared:
            raise refused(path, f"备份中有清单未列出的文件「{name[:80]}」")
        if info.is_dir() or info.file_size != declared[name].size:
            raise refused(path, f"{label(name)}的大小与清单不符")
    for name in declared:
        if name not in infos:
            raise refused(path, f"备份中缺少{label(name)}")
    return manifest, infos


def verify_archive(path: Path) -> Manifest:
    """Check the manifest and every part's size and SHA-256, reading only; the manifest if all hold."""
    path = Path(path)
    with _open_zip(path) as archive:
        manifest, infos = _members(path, archive)
        for part in manifest.parts:
            try:
                digest, size = _hash_member(archive, infos[PREFIX + part.name])
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
                raise refused(path, f"{label(part.name)}已损坏（读取时校验失败）") from None
            if (digest, size) != (part.sha256, part.size):
                raise refused(path, f"{label(part.name)}的内容与清单中的哈希值不符（被改动或损坏）")
    return manifest


def read_database_bytes(path: Path, manifest: Manifest) -> bytes:
    """The database part in memory (already verified), for checking a password before writing anything."""
    part = next(p for p in manifest.parts if p.name == DB_FILE)
    with _open_zip(path) as archive:
        data = archive.read(PREFIX + DB_FILE)
    if hashlib.sha256(data).hexdigest() != part.sha256:
        raise refused(path, "数据库部分在读取过程中发生了变化")
    return data


def extract_one(path: Path, manifest: Manifest, name: str, dest: Path) -> None:
    """Unpack one declared part to ``dest`` (a new file), hashing while writing."""
    part = next(p for p in manifest.parts if p.name == name)
    with _open_zip(path) as archive:
        _extract_part(path, archive, part, dest)


def _extract_part(path: Path, archive: zipfile.ZipFile, part: Part, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(dest, "xb") as out:
            digest, size = _hash_member(archive, archive.getinfo(PREFIX + part.name), out)
            out.flush()
            os.fsync(out.fileno())
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, KeyError):
        raise refused(path, f"{label(part.name)}在解压时损坏") from None
    if (digest, size) != (part.sha256, part.size):
        raise refused(path, f"{label(part.name)}在解压时与清单不符")


def extract_archive(path: Path, manifest: Manifest, target: Path) -> None:
    """Unpack every declared part into the (new, empty) ``target``, hashing again while writing."""
    free = shutil.disk_usage(target).free
    if manifest.total_size > free:
        raise refused(path, f"目标磁盘空间不足（需要 {manifest.total_size // 2**20 + 1} MB）")
    with _open_zip(path) as archive:
        for part in manifest.parts:
            dest = target.joinpath(*part.name.split("/"))
            if target.resolve() not in dest.resolve().parents:
                raise refused(path, f"不安全的文件名「{part.name[:80]}」")
            _extract_part(path, archive, part, dest)
            if part.name.startswith(ATTACHMENTS + "/"):
                os.chmod(dest, stat.S_IREAD)  # stored attachments are read-only (store/blobs.py)
            elif part.name.startswith("seal/"):
                os.chmod(dest, 0o600)  # the encrypted seal key stays readable by its owner only
                os.chmod(dest.parent, 0o700)


def read_manifest(path: Path) -> Manifest:
    """The manifest of a backup, with its list checked against the zip (no hashing)."""
    path = Path(path)
    with _open_zip(path) as archive:
        return _members(path, archive)[0]
