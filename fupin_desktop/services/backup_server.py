"""Backup and restore on a LAN server, in the single PC's own backup format.

A backup of a server database is the file a single PC writes: the server's rows copied into a
fresh SQLite file (``store.transfer``, one consistent snapshot), its attachments written out
under ``attachments/`` as a PC keeps them. Restoring any backup into a server copies the
backup's rows and attachments into it in one transaction: a lost connection leaves the server
as it was. So a bureau moves from one PC to the LAN, or back, with backup → restore.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin_desktop.errors import KnownError
from fupin_desktop.services.backup_archive import Snapshot, is_temporary
from fupin_desktop.store import audit, transfer
from fupin_desktop.store.blobs import ATTACHMENTS, relative_path
from fupin_desktop.store.db import Database
from fupin_desktop.store.folder import DB_FILE, SERVER_FILE
from fupin_desktop.store.models_annual import StoredContent

__all__ = ["LOCAL_ONLY", "is_empty", "load_into_server", "server_snapshot"]

# A LAN PC's data folder items a backup leaves out: the verified local copies of attachments
# (the server's are written instead) and the server's address (a backup restores anywhere).
LOCAL_ONLY = frozenset({ATTACHMENTS, SERVER_FILE})


def server_snapshot(db: Database) -> Snapshot:
    def take(work: Path) -> list[tuple[str, Path]]:
        copy = Database.open(work)  # a fresh SQLite file at the same schema head
        outside: list[tuple[str, Path]] = []
        try:
            with db.engine.connect() as src, copy.engine.begin() as dst:
                src = src.execution_options(isolation_level="REPEATABLE READ")  # one moment of every table
                with src.begin():
                    transfer.copy_all(src, dst, skip=frozenset({StoredContent.__tablename__}))
                    rows = src.execution_options(yield_per=20).execute(
                        select(StoredContent.sha256, StoredContent.content).order_by(StoredContent.sha256))
                    for sha, content in rows:
                        relative = relative_path(sha)
                        target = work / relative
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(content)
                        outside.append((relative, target))
        finally:
            copy.dispose()
        conn = sqlite3.connect(work / DB_FILE)
        try:
            conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, like a PC's snapshot
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise KnownError("局域网数据库的备份副本未通过完整性检查，没有生成备份。")
        finally:
            conn.close()
        return outside

    return take


def is_empty(db: Database) -> bool:
    with db.engine.connect() as conn:
        return transfer.is_empty(conn)


def _attachment_files(staged: Path) -> Iterator[tuple[str, bytes]]:
    folder = staged / ATTACHMENTS
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not is_temporary(path.name):
            yield path.name, path.read_bytes()


def load_into_server(server: Database, staged: Path, *, replace: bool, username: str, summary: str,
                     after: dict[str, object]) -> int:
    """Put the unpacked backup in ``staged`` into the server, all or nothing; rows copied.

    ``replace``: the server's data is emptied first (the caller backed it up)."""
    restored = Database.open(staged, create=False)  # migrates an older backup forward
    try:
        with restored.engine.connect() as src, server.engine.begin() as dst:
            if replace:
                transfer.clear_all(dst)
            counts = transfer.copy_all(src, dst, skip=frozenset({StoredContent.__tablename__}))
            for sha, content in _attachment_files(staged):
                if hashlib.sha256(content).hexdigest() != sha:  # the archive's hashes were checked; this is the name
                    raise KnownError(f"备份中的附件 {sha[:12]}… 与其名称不符，没有恢复。")
                dst.execute(StoredContent.__table__.insert(), {"sha256": sha, "size": len(content), "content": content})
            transfer.reset_sequences(dst)
            with Session(bind=dst, join_transaction_mode="create_savepoint") as s:
                audit.append(s, username=username, action="restore", entity="setting", entity_id="backup",
                             summary=summary, after=after)
                s.commit()  # the savepoint only: the whole restore commits together below
    finally:
        restored.dispose()
    return sum(counts.values())
