"""备份与恢复: one file holding everything of the data folder, its restore, automatic backups.

A backup (``晋江市民政局_备份_2026-12-02_1530.fupinbak``, format in ``backup_archive``) holds
the database (online backup API, checked), every attachment, the seal store (the key file stays
encrypted as it is), the settings files of the data folder and a manifest with each part's
SHA-256, the program and schema version, the bureau and the audit-log head. Admin only.

A restore checks every hash and the user's password against the backup's own users table before
anything is written; it unpacks into a sibling temporary folder, migrates the database forward
(``Database.open``) and only then puts the folder in place. Over existing data (``replace``) the
current data is first backed up into ``<数据文件夹名>-备份`` next to the data folder, and the
restored folder waits as ``.<name>.restore-pending`` until it replaces the data folder with two
renames: at once from the command line, at the next start from the window (the open database is
never replaced under the running program; ``store.folder.finish_pending_restore``).

Automatic backups go to the folder the admin chose (a second disk or a USB stick) at most once a
day, keeping the newest N of this bureau's automatic backups there.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from fupin_desktop.domain import clock
from fupin_desktop.errors import AuthError, KnownError, PermissionDenied, os_error_message
from fupin_desktop.services.audit_anchor import record_anchor
from fupin_desktop.services.backup_archive import (
    SUFFIX,
    BackupRefused,
    Manifest,
    Snapshot,
    read_database_bytes,
    read_manifest,
    refused,
    sqlite_snapshot,
    verify_archive,
    write_backup,
)
from fupin_desktop.services.backup_archive import extract_archive as _extract
from fupin_desktop.services.backup_archive import extract_one as _extract_one
from fupin_desktop.services.backup_server import LOCAL_ONLY, is_empty, load_into_server, server_snapshot
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission, allowed, require
from fupin_desktop.services.settings import bureau, get_settings, put_settings
from fupin_desktop.store import audit
from fupin_desktop.store.blobs import ATTACHMENTS
from fupin_desktop.store.db import Database, current_revision, known_revisions
from fupin_desktop.store.folder import (
    DB_FILE,
    finish_pending_restore,
    pending_restore_path,
    remove_tree,
    server_url,
)
from fupin_desktop.store.models_annual import Attachment

AUTO_FOLDER, AUTO_KEEP = "backup.auto_folder", "backup.auto_keep"
LAST_GOOD, LAST_AUTO = "backup.last_good", "backup.last_auto"
DEFAULT_KEEP = 30
WARN_AFTER_DAYS = 7
MAX_DB_IN_MEMORY = 512 * 2**20  # the password check reads the backup's database in memory up to this size
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')
# Items a start screen may already have put into an otherwise empty data folder.
_HARMLESS = {"logs", "ui-state.ini"}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    bureau: str
    division_code: str
    created: datetime
    program_version: str
    schema_revision: str
    files: int
    size: int  # uncompressed bytes of all parts
    kind: str

    @classmethod
    def of(cls, path: Path, m: Manifest) -> BackupInfo:
        return cls(path, m.bureau, m.division_code, m.created, m.program_version, m.schema_revision,
                   len(m.parts), m.total_size, m.kind)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    info: BackupInfo
    seconds: float
    warnings: list[str]


@dataclass(frozen=True)
class RestoreResult:
    data_dir: Path
    info: BackupInfo
    safety_backup: Path | None  # the replaced data, backed up first
    schema_before: str
    schema_after: str
    pending: bool  # True: takes effect at the next start of the program


@dataclass(frozen=True)
class AutoBackupSettings:
    folder: Path | None
    keep: int


@dataclass(frozen=True)
class BackupStatus:
    last: datetime | None
    text: str  # 上次备份：2026-12-01 15:30 / 尚未备份
    warning: str | None  # 已 N 天没有备份 / 尚未备份


# --------------------------------------------------------------------------- making backups


def file_name(bureau_name: str, when: datetime, *, automatic: bool = False) -> str:
    word = "自动备份" if automatic else "备份"
    return f"{_UNSAFE.sub('', bureau_name) or 'fupin'}_{word}_{when:%Y-%m-%d_%H%M}{SUFFIX}"


def safety_folder(data_dir: Path) -> Path:
    """Where the current data is backed up before a restore replaces it: next to the data folder."""
    return data_dir.parent / f"{data_dir.name}-备份"


def _inside(child: Path, folder: Path) -> bool:
    child, folder = child.resolve(), folder.resolve()
    return child == folder or folder in child.parents


def _free(folder: Path, name: str) -> Path:
    target, n = folder / name, 2
    while target.exists():
        target = folder / name.replace(SUFFIX, f"_{n}{SUFFIX}")
        n += 1
    return target


def _target(target: Path, data_dir: Path, name: str) -> Path:
    target = Path(target).expanduser()
    if target.is_dir():
        folder, final = target, _free(target, name)
    else:
        folder, final = target.parent, target
        if not folder.is_dir():
            raise KnownError(f"文件夹「{folder}」不存在，无法写入备份。")
        if final.exists():
            raise KnownError(f"文件「{final}」已经存在，不会覆盖。请换一个名字或文件夹。")
    if _inside(folder, data_dir):
        raise KnownError(f"备份不能放在数据文件夹「{data_dir}」里面；请选另一块磁盘、U 盘或别的文件夹。")
    return final


def _live(ctx: ServiceContext) -> tuple[Path, Snapshot, frozenset[str]]:
    """The data folder, how to snapshot its database, and what of the folder stays out."""
    if ctx.data_dir is None:
        raise KnownError("没有数据文件夹，无法备份。")
    if ctx.db.on_server:
        return Path(ctx.data_dir), server_snapshot(ctx.db), LOCAL_ONLY
    if ctx.db.path is None:
        raise KnownError("内存中的数据库无法备份。")
    return Path(ctx.data_dir), sqlite_snapshot(ctx.db.path), frozenset()


def _attachment_warnings(db: Database, manifest: Manifest) -> list[str]:
    parts = {p.name: p.sha256 for p in manifest.parts}
    with db.reading() as s:
        stored = s.execute(select(Attachment.stored_path, Attachment.sha256)).all()
    warnings = []
    for relative, sha in stored:
        if relative not in parts:
            warnings.append(f"附件文件 {relative} 不在数据文件夹里，备份中没有它。")
        elif parts[relative] != sha:
            warnings.append(f"附件文件 {relative} 的内容与登记时不符（已损坏），备份中保留的是现状。")
    return warnings


def _write(db: Database, live: tuple[Path, Snapshot, frozenset[str]], target: Path, *, kind: str,
           actor: str) -> BackupResult:
    data_dir, snapshot, skip = live
    when = clock.now()
    final = _target(target, data_dir, file_name(bureau(db).name, when, automatic=kind == "automatic"))
    started = time.monotonic()
    try:
        manifest = write_backup(data_dir, snapshot, final, kind=kind, made_by=actor, when=when, skip=skip)
    except BackupRefused as exc:  # the file just written did not read back correctly
        raise KnownError(f"备份「{final}」写入后校验失败，已删除这个不完整的文件：{exc}") from None
    except OSError as exc:
        raise KnownError(f"无法写入备份「{final}」：{os_error_message(exc)}") from None
    seconds = time.monotonic() - started
    with db.transaction() as s:
        put_settings(s, {LAST_GOOD: when.isoformat(), **({LAST_AUTO: when.date().isoformat()}
                                                        if kind == "automatic" else {})})
        record_anchor(s, manifest.audit_seq, manifest.audit_hash, f"备份「{final.name}」", when.isoformat(sep=" "))
        audit.append(s, username=actor, action="backup", entity="setting", entity_id="backup",
                     summary=f"{'自动' if kind == 'automatic' else ''}备份全部数据到 {final}（已校验）",
                     after={"file": final.name, "size": final.stat().st_size, "parts": len(manifest.parts),
                            "audit_seq": manifest.audit_seq})
    return BackupResult(final, BackupInfo.of(final, manifest), seconds, _attachment_warnings(db, manifest))


def make_backup(ctx: ServiceContext, target: Path) -> BackupResult:
    """Back up everything to ``target`` (a file, or a folder to put a dated file in). Admin only."""
    ctx.require(Permission.BACKUP)
    return _write(ctx.db, _live(ctx), Path(target), kind="manual", actor=ctx.user.username)


def inspect_backup(path: Path) -> BackupInfo:
    """What a backup file holds, after checking every part's hash (reading only)."""
    return BackupInfo.of(Path(path), verify_archive(Path(path)))


# --------------------------------------------------------------------------- restoring


def _check_user_in_backup(path: Path, manifest: Manifest, username: str, password: str) -> None:
    part = next(p for p in manifest.parts if p.name == DB_FILE)
    conn = sqlite3.connect(":memory:")
    work: tempfile.TemporaryDirectory[str] | None = None
    try:
        if part.size <= MAX_DB_IN_MEMORY:
            conn.deserialize(read_database_bytes(path, manifest))
        else:  # a very large database is read from a temporary copy outside the data folder
            conn.close()
            work = tempfile.TemporaryDirectory(prefix="fupin-restore-check-")
            copy = Path(work.name) / DB_FILE
            _extract_one(path, manifest, DB_FILE, copy)
            conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        row = conn.execute("SELECT role, password_hash, active FROM user_account WHERE username = ?",
                           (username.strip(),)).fetchone()
    except sqlite3.DatabaseError:
        raise refused(path, "其中的数据库无法打开") from None
    finally:
        conn.close()
        if work is not None:
            work.cleanup()
    try:
        if row is None or not row[2]:
            raise VerificationError
        PasswordHasher().verify(row[1], password)
    except (VerificationError, InvalidHashError):
        raise AuthError(f"用户名或密码不正确（按备份「{path.name}」中的用户核对）。没有改动任何数据。") from None
    if row[0] not in ("clerk", "reviewer", "admin") or not allowed(row[0], Permission.BACKUP):
        raise PermissionDenied(f"“{username}”在备份「{path.name}」中不是管理员，不能用它恢复。没有改动任何数据。")


def _check_space(path: Path, manifest: Manifest, data_dir: Path) -> None:
    """Enough room for the unpacked parts (declared sizes), before reading any of them."""
    existing = next(p for p in (data_dir, *data_dir.parents) if p.exists())
    free = shutil.disk_usage(existing).free
    if manifest.total_size > free:
        raise refused(path, f"解压需要 {manifest.total_size / 2**20:.0f} MB，而「{existing}」所在的磁盘"
                            f"只剩 {free / 2**20:.0f} MB")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if p.name not in _HARMLESS and not p.name.startswith(".") and not p.name.endswith(".lock"))


def _checked_backup(backup_path: Path, data_dir: Path, username: str, password: str) -> Manifest:
    """Every hash, the schema and the admin's password in the backup, before anything is written."""
    _check_space(backup_path, read_manifest(backup_path), data_dir)  # a zip bomb stops here, unread
    manifest = verify_archive(backup_path)  # every hash, reading only
    if manifest.schema_revision not in known_revisions():
        raise refused(backup_path, f"由更新版本的程序生成（数据库版本 {manifest.schema_revision}），"
                                   "请安装新版程序后再恢复")
    _check_user_in_backup(backup_path, manifest, username, password)
    return manifest


def _restore_into_server(backup_path: Path, data_dir: Path, *, username: str, password: str, replace: bool,
                         signed_in: ServiceContext | None) -> RestoreResult:
    """A backup (of a single PC or of a server) into the LAN server ``data_dir`` points at."""
    manifest = _checked_backup(backup_path, data_dir, username, password)
    server = signed_in.db if signed_in is not None else Database.open(data_dir)
    try:
        empty = is_empty(server)
        if not empty and not replace:
            raise KnownError(f"局域网数据库里已有数据（{bureau(server).name}），没有恢复。要用备份替换服务器上的全部数据"
                             "需确认覆盖（命令行加 --replace）；当前数据会先另做一份备份。")
        safety = None
        if not empty:
            if signed_in is not None:
                signed_in.require(Permission.BACKUP)
            else:
                from fupin_desktop.services.users import login

                require(login(server, username, password).role, Permission.BACKUP)
            safety_folder(data_dir).mkdir(parents=True, exist_ok=True)
            safety = _write(server, (data_dir, server_snapshot(server), LOCAL_ONLY), safety_folder(data_dir),
                            kind="before-restore", actor=username).path
        with tempfile.TemporaryDirectory(prefix="fupin-restore-") as work:
            staged = Path(work) / "data"
            staged.mkdir()
            _extract(backup_path, manifest, staged)
            load_into_server(server, staged, replace=not empty, username=username,
                             summary=f"从备份「{backup_path.name}」恢复全部数据到局域网数据库"
                                     f"（备份于 {manifest.created:%Y-%m-%d %H:%M}）",
                             after={"file": backup_path.name, "schema_before": manifest.schema_revision,
                                    "audit_seq": manifest.audit_seq})
            _take_folder_files(staged, data_dir)
        after = current_revision(server.engine) or ""
    except OSError as exc:
        raise KnownError(f"恢复到局域网数据库时出错：{os_error_message(exc)}") from None
    finally:
        if signed_in is None:
            server.dispose()
    return RestoreResult(data_dir, BackupInfo.of(backup_path, manifest), safety, manifest.schema_revision, after,
                         False)


def _take_folder_files(staged: Path, data_dir: Path) -> None:
    """The backup's own folder files (the seal store, settings files) become this PC's."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for item in staged.iterdir():
        if item.name == ATTACHMENTS or item.name.startswith(DB_FILE):
            continue
        dest = data_dir / item.name
        if dest.is_dir():
            remove_tree(dest)
        elif dest.exists():
            dest.unlink()
        shutil.move(item, dest)


def pending_restore(data_dir: Path) -> bool:
    """A restore is unpacked and waits for the next start to replace the data folder."""
    return pending_restore_path(Path(data_dir)).is_dir()


def restore(backup_path: Path, data_dir: Path, *, username: str, password: str, replace: bool = False,
            signed_in: ServiceContext | None = None, swap_now: bool = True) -> RestoreResult:
    """Restore a backup into ``data_dir`` (empty or missing; or, with ``replace``, over its data).

    ``signed_in`` is the running program's admin context on ``data_dir`` (the window); without it the
    user must be an admin of the current data with the same password. ``swap_now=False`` leaves the
    restored folder waiting for the next start (the window, whose database is open).
    """
    backup_path, data_dir = Path(backup_path).expanduser(), Path(data_dir).expanduser().resolve()
    if data_dir.exists() and not data_dir.is_dir():
        raise KnownError(f"「{data_dir}」是一个文件，不是文件夹。")
    if server_url(data_dir):
        return _restore_into_server(backup_path, data_dir, username=username, password=password, replace=replace,
                                    signed_in=signed_in)
    has_db = (data_dir / DB_FILE).exists()
    if has_db and not replace:
        raise KnownError(f"数据文件夹「{data_dir}」里已有数据库，没有恢复。要用备份替换当前数据需确认覆盖"
                         "（命令行加 --replace）；当前数据会先另做一份备份。")
    if not has_db and data_dir.is_dir() and (rest := _leftovers(data_dir)):
        raise KnownError(f"「{data_dir}」不是空文件夹（有 {'、'.join(rest[:3])} 等），也没有本程序的数据库；"
                         "请恢复到一个空文件夹。")
    if pending_restore(data_dir):
        raise KnownError(f"已有一次恢复在等待生效（{pending_restore_path(data_dir)}）：请先重新启动程序。")
    manifest = _checked_backup(backup_path, data_dir, username, password)
    current: Database | None = None
    parent = data_dir.parent
    staging = parent / f".{data_dir.name}.restoring-{os.getpid()}.partial"
    try:
        safety = None
        if has_db:
            if signed_in is not None:
                signed_in.require(Permission.BACKUP)
                current = signed_in.db
                actor = signed_in.user.username
            else:
                from fupin_desktop.services.users import login

                current = Database.open(data_dir, create=False)
                require(login(current, username, password).role, Permission.BACKUP)
                actor = username
            assert current.path is not None
            safety_folder(data_dir).mkdir(exist_ok=True)
            safety = _write(current, (data_dir, sqlite_snapshot(current.path), frozenset()), safety_folder(data_dir),
                            kind="before-restore", actor=actor).path
        parent.mkdir(parents=True, exist_ok=True)
        if staging.exists():
            remove_tree(staging)
        staging.mkdir()
        try:
            _extract(backup_path, manifest, staging)
            restored = Database.open(staging, create=False)  # migrates an older backup forward
            try:
                after = current_revision(restored.engine) or ""
                with restored.transaction() as s:
                    audit.append(s, username=username, action="restore", entity="setting", entity_id="backup",
                                 summary=f"从备份「{backup_path.name}」恢复全部数据（备份于 {manifest.created:%Y-%m-%d %H:%M}）",
                                 after={"file": backup_path.name, "schema_before": manifest.schema_revision,
                                        "schema_after": after, "audit_seq": manifest.audit_seq})
            finally:
                restored.dispose()
            pending = False
            if not data_dir.exists():
                os.rename(staging, data_dir)
            elif not has_db:
                items = sorted(staging.iterdir(), key=lambda p: p.name == DB_FILE)  # the database last
                for item in items:
                    os.replace(item, data_dir / item.name)
                staging.rmdir()
            else:
                os.rename(staging, pending_restore_path(data_dir))
                pending = True
        except BaseException:
            if staging.exists():
                remove_tree(staging)
            raise
        if pending and swap_now and signed_in is None:
            if current is not None:
                current.dispose()
                current = None
            finish_pending_restore(data_dir)
            pending = False
    except OSError as exc:
        raise KnownError(f"恢复到「{data_dir}」时出错：{os_error_message(exc)}原有数据未被替换。") from None
    finally:
        if current is not None and signed_in is None:
            current.dispose()
    return RestoreResult(data_dir, BackupInfo.of(backup_path, manifest), safety, manifest.schema_revision,
                         after, pending)


# --------------------------------------------------------------------------- automatic backups


def automatic_settings(ctx: ServiceContext) -> AutoBackupSettings:
    values = get_settings(ctx.db, "backup.")
    folder = values.get(AUTO_FOLDER)
    return AutoBackupSettings(Path(folder) if folder else None, int(values.get(AUTO_KEEP) or DEFAULT_KEEP))


def set_automatic(ctx: ServiceContext, folder: Path | None, keep: int = DEFAULT_KEEP) -> AutoBackupSettings:
    """Choose the automatic backup folder (None: no automatic backups) and how many to keep."""
    ctx.require(Permission.BACKUP)
    if not 1 <= keep <= 1000:
        raise KnownError("保留的自动备份份数应在 1 到 1000 之间。")
    if folder is not None:
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise KnownError(f"文件夹「{folder}」不存在。")
        if ctx.data_dir is not None and _inside(folder, Path(ctx.data_dir)):
            raise KnownError("自动备份不能放在数据文件夹里面；请选另一块磁盘或 U 盘。")
        folder = folder.resolve()
    values = {AUTO_FOLDER: str(folder) if folder else None, AUTO_KEEP: str(keep)}
    with ctx.db.transaction() as s:
        before = put_settings(s, values)
        if before != values:
            audit.append(s, username=ctx.user.username, action="update", entity="setting", entity_id="backup",
                         summary=f"自动备份：{folder or '不做'}，保留 {keep} 份", before=before, after=values)
    return AutoBackupSettings(folder, keep)


def _automatic_backups(folder: Path, bureau_name: str, division: str) -> list[Path]:
    """This bureau's automatic backups in ``folder``, oldest first (name and manifest must agree)."""
    pattern = re.compile(re.escape(_UNSAFE.sub("", bureau_name)) + r"_自动备份_(\d{4}-\d{2}-\d{2}_\d{4})(?:_(\d+))?"
                         + re.escape(SUFFIX))
    found = []
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if not match or not path.is_file():
            continue
        try:
            manifest = read_manifest(path)
        except KnownError:
            continue  # not readable as ours: never deleted by us
        if manifest.bureau == bureau_name and manifest.division_code == division and manifest.kind == "automatic":
            found.append((match.group(1), int(match.group(2) or 1), path))
    return [p for *_, p in sorted(found)]


def run_automatic_backup(ctx: ServiceContext) -> Path | None:
    """Today's automatic backup if a folder is set and none was made today; keeps the newest N.

    Runs for whoever closes the program (the admin chose the folder). Raises KnownError when the
    folder is missing (the USB stick not plugged in) or the backup fails.
    """
    settings = automatic_settings(ctx)
    if settings.folder is None:
        return None
    if get_settings(ctx.db, LAST_AUTO).get(LAST_AUTO) == clock.today().isoformat():
        return None
    if not settings.folder.is_dir():
        raise KnownError(f"自动备份文件夹「{settings.folder}」找不到（U 盘没有插上？），今天的自动备份没有做。")
    result = _write(ctx.db, _live(ctx), settings.folder, kind="automatic", actor=ctx.user.username)
    info = bureau(ctx.db)
    backups = _automatic_backups(settings.folder, info.name, info.division_code)
    for old in backups[:max(0, len(backups) - settings.keep)]:
        if old != result.path:
            old.unlink()
    return result.path


# --------------------------------------------------------------------------- for the 首页


def last_good_backup(ctx: ServiceContext) -> datetime | None:
    """When the last backup was written and verified (any kind), from the settings."""
    value = get_settings(ctx.db, LAST_GOOD).get(LAST_GOOD)
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def backup_status(ctx: ServiceContext, today: date | None = None) -> BackupStatus:
    last = last_good_backup(ctx)
    if last is None:
        return BackupStatus(None, "尚未备份", "尚未备份")
    days = ((today or clock.today()) - last.date()).days
    return BackupStatus(last, f"上次备份：{last:%Y-%m-%d %H:%M}",
                        f"已 {days} 天没有备份" if days >= WARN_AFTER_DAYS else None)
