"""Opening the database: engine settings, migrations on start (after a backup copy)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from fupin_desktop.errors import DatabaseError

DB_FILE = "fupin.sqlite3"
DATABASE_URL_ENV = "FUPIN_DATABASE_URL"  # e.g. postgresql+psycopg://… for a bureau LAN
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    # WAL + synchronous=FULL: an acknowledged commit survives a killed process or power loss.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(db_path: Path, reason: str) -> Path:
    """Copy a live SQLite file safely (online backup API) and check the copy."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.stem}.{reason}-{stamp}.bak.sqlite3")
    src = sqlite3.connect(db_path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise DatabaseError(f"数据库备份「{target}」校验失败，已停止升级，原数据库未改动。")
    finally:
        dst.close()
        src.close()
    return target


def migrate(engine: Engine, db_path: Path | None = None, to: str = "head") -> Path | None:
    """Bring the schema to ``to``; back up an existing SQLite file first. Returns the backup path."""
    current = current_revision(engine)
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
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, data_dir: Path, *, create: bool = True) -> Database:
        url = os.environ.get(DATABASE_URL_ENV)
        if url:
            db = cls(make_engine(url))
        else:
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
        """One use case = one transaction: commit on success, roll back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
