"""The data folder's own files, read before the database is opened (and without importing
SQLAlchemy, so the window can appear first): where the database is (the SQLite file or the
server the folder names), and the folder swap that finishes a restore prepared last time.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from contextlib import suppress
from pathlib import Path

from fupin_desktop.domain import clock
from fupin_desktop.errors import DatabaseError, os_error_message

DB_FILE = "fupin.sqlite3"
DATABASE_URL_ENV = "FUPIN_DATABASE_URL"  # e.g. postgresql+psycopg://… for a bureau LAN
SERVER_FILE = "database-server.txt"  # a LAN data folder: the server's URL, one line, no password


def server_url(data_dir: Path | None) -> str | None:
    """The database server this data folder (or FUPIN_DATABASE_URL) points at; None: the SQLite file.

    The folder's file names the server without a password (the password comes from
    FUPIN_DATABASE_PASSWORD or is asked for), so copying the folder does not copy it.
    """
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return url
    if data_dir is None:
        return None
    try:
        text = (Path(data_dir) / SERVER_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise DatabaseError(f"数据文件夹里的数据库服务器设置「{SERVER_FILE}」读不出来：{exc}") from None
    return text.splitlines()[0].strip() if text else None


def has_database(data_dir: Path) -> bool:
    """The folder already holds this program's data (a restore there replaces it), or points at a server."""
    return (Path(data_dir) / DB_FILE).exists() or (Path(data_dir) / SERVER_FILE).exists()


def fsync_dir(folder: Path) -> None:
    """Makes a rename in ``folder`` durable on POSIX; Windows cannot open a folder for this."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# A restore over existing data is unpacked and checked in a sibling folder first; this name says it
# is complete and waits to take the data folder's place (``finish_pending_restore``).
def pending_restore_path(data_dir: Path) -> Path:
    return data_dir.parent / f".{data_dir.name}.restore-pending"


def finish_pending_restore(data_dir: Path) -> bool:
    """Put a completed restore in place of the data folder (two renames); True if one was waiting.

    A kill between the two renames leaves the pending folder and no data folder: the next call
    finishes the job. The replaced data was backed up before the restore was prepared.
    """
    # The replaced data of a swap killed while deleting it (it was backed up before the restore).
    for leftover in data_dir.parent.glob(f".{data_dir.name}.replaced-*.partial"):
        remove_tree(leftover)
    pending = pending_restore_path(data_dir)
    if not pending.is_dir():
        return False
    parent = data_dir.parent
    old: Path | None = None
    try:
        if data_dir.exists():
            old = parent / f".{data_dir.name}.replaced-{clock.now():%Y%m%d-%H%M%S}-{os.getpid()}.partial"
            os.rename(data_dir, old)
        os.rename(pending, data_dir)
        fsync_dir(parent)
    except OSError as exc:
        raise DatabaseError(
            f"从备份恢复的数据已准备好（{pending}），但无法替换数据文件夹「{data_dir}」："
            f"{os_error_message(exc)}请关闭所有正在运行的本程序后再启动。") from None
    if old is not None:
        logs = old / "logs"
        if logs.is_dir() and not (data_dir / "logs").exists():
            with suppress(OSError):
                os.rename(logs, data_dir / "logs")
        remove_tree(old)
    return True


def remove_tree(folder: Path) -> None:
    """Delete a folder, including read-only files (stored attachments are read-only)."""
    def writable_then_retry(func, path, _exc):  # type: ignore[no-untyped-def]
        with suppress(OSError):
            os.chmod(path, stat.S_IREAD | stat.S_IWRITE)
            func(path)

    if sys.version_info >= (3, 12):
        shutil.rmtree(folder, onexc=writable_then_retry)
    else:
        shutil.rmtree(folder, onerror=writable_then_retry)
