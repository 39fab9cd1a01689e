"""Opening the database: engine settings, migrations on start (after a backup copy)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from fupin_desktop.domain import clock
from fupin_desktop.errors import DatabaseBusy, DatabaseError, os_error_message
from fupin_desktop.store.personal_key import PersonalKey

if TYPE_CHECKING:
    from alembic.config import Config

DB_FILE = "fupin.sqlite3"
DATABASE_URL_ENV = "FUPIN_DATABASE_URL"  # e.g. postgresql+psycopg://… for a bureau LAN
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_SECONDS = 15  # a second program or a backup holding a lock: wait this long before failing


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


def set_server_url(data_dir: Path, url: str) -> Path:
    """Point ``data_dir`` at a database server (the URL is stored without its password)."""
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(password=None).render_as_string(hide_password=False)
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    target = Path(data_dir) / SERVER_FILE
    target.write_text(plain + "\n", encoding="utf-8")
    return target


def _with_password(url: str) -> str:
    password = os.environ.get("FUPIN_DATABASE_PASSWORD")
    if not password:
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password).render_as_string(hide_password=False)


def has_database(data_dir: Path) -> bool:
    """The folder already holds this program's data (a restore there replaces it), or points at a server."""
    return (Path(data_dir) / DB_FILE).exists() or (Path(data_dir) / SERVER_FILE).exists()


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    # WAL + synchronous=FULL: an acknowledged commit survives a killed process or power loss.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted or rewritten rows are overwritten with zeros, not left readable in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


# The newest migration. A database already at it opens without importing Alembic (a fifth of a
# second at every start); tests/store check it against Alembic's own head.
SCHEMA_HEAD = "0009"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    return {rev.revision for rev in script.walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The schema's revision as Alembic stamps it; None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _fsync_dir(folder: Path) -> None:
    # Makes a rename durable on POSIX; Windows cannot open a folder for this.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_sqlite(db_path: Path, reason: str) -> Path:
    """Copy a live SQLite file safely (online backup API) and check the copy.

    The copy is written under a temporary name (``.….partial``), fsynced and checked, and only
    then renamed: a file named ``*.bak.sqlite3`` is always a complete, checked copy.
    """
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.stem}.{reason}-{stamp}.bak.sqlite3")
    n = 2
    while target.exists():
        target = db_path.with_name(f"{db_path.stem}.{reason}-{stamp}-{n}.bak.sqlite3")
        n += 1
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        src = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_SECONDS)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            dst.close()
            src.close()
        if not ok:
            raise DatabaseError(f"数据库备份「{target}」校验失败，已停止升级，原数据库未改动。")
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


# A restore over existing data is unpacked and checked in a sibling folder first; this name says it
# is complete and waits to take the data folder's place (``finish_pending_restore``).
def pending_restore_path(data_dir: Path) -> Path:
    return data_dir.parent / f".{data_dir.name}.restore-pending"


def is_busy(exc: OperationalError) -> bool:
    """SQLite's "database is locked" / "busy" (PostgreSQL's lock timeouts are other errors)."""
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


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
        _fsync_dir(parent)
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


def migrate(engine: Engine, db_path: Path | None = None, to: str = "head") -> Path | None:
    """Bring the schema to ``to``; back up an existing SQLite file first. Returns the backup path."""
    current = current_revision(engine)
    if current == SCHEMA_HEAD and to == "head":
        return None
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise DatabaseError(
            "这个数据库由更新版本的程序创建（数据库版本 "
            f"{current}），本程序无法打开。请安装新版程序，不要用旧版程序修改它。"
        )
    if current == script.get_current_head() and to == "head":
        return None
    backup = None
    if current is not None and db_path is not None and db_path.exists():
        backup = backup_sqlite(db_path, "before-upgrade")
    command.upgrade(alembic_config(engine), to)
    return backup


class Database:
    """One database: the engine and a short-lived session per use case."""

    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        # Set by a login that opens its key slot; models read it through their session's info.
        self.personal_key: PersonalKey | None = None
        self._sessions = sessionmaker(engine, expire_on_commit=False, info={"keys": self})

    @classmethod
    def open(cls, data_dir: Path, *, create: bool = True) -> Database:
        url = server_url(data_dir)
        if url:
            db = cls(make_engine(_with_password(url)))
        else:
            finish_pending_restore(data_dir)  # a restore prepared in the window takes effect now
            path = data_dir / DB_FILE
            if not path.exists() and not create:
                raise DatabaseError(f"数据文件夹「{data_dir}」里没有数据库。请先运行 fupin init 或 fupin demo。")
            data_dir.mkdir(parents=True, exist_ok=True)
            db = cls(make_engine(f"sqlite:///{path}"), path)
        migrate(db.engine, db.path)
        return db

    @classmethod
    def in_memory(cls) -> Database:
        from sqlalchemy.pool import StaticPool

        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        db = cls(engine)
        migrate(engine)
        return db

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One use case = one transaction: commit on success, roll back on any error.

        A lock another writer held past the busy timeout is ``DatabaseBusy`` (a Chinese message
        the window offers to retry), never the driver's text with its SQL.
        """
        try:
            with self._sessions() as session, session.begin():
                if self.engine.dialect.name == "sqlite":
                    # The write lock first: a transaction that read, then found another program had
                    # written meanwhile, could not write at all (and what it read would be stale).
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                yield session
        except OperationalError as exc:
            if is_busy(exc):
                raise DatabaseBusy() from None
            raise

    @contextmanager
    def reading(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except OperationalError as exc:
            if is_busy(exc):
                raise DatabaseBusy() from None
            raise

    def scrub(self) -> None:
        """Rewrite the file so no free page or WAL frame still holds old content (SQLite)."""
        if self.engine.dialect.name != "sqlite":
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.commit()
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.commit()

    def dispose(self) -> None:
        self.engine.dispose()
