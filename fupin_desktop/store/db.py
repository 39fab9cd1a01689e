"""Opening the database: engine settings, migrations on start (after a backup copy)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from fupin_desktop.domain import clock
from fupin_desktop.errors import DatabaseBusy, DatabaseError, ServerLoginRefused, ServerUnreachable
from fupin_desktop.store.folder import (
    DB_FILE,
    SERVER_FILE,
    finish_pending_restore,
    fsync_dir,
    server_url,
)
from fupin_desktop.store.personal_key import PersonalKey

if TYPE_CHECKING:
    from alembic.config import Config

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LOST_SERVER = ("与数据库服务器的连接断开了（服务器关机或网线松了？），刚才的操作没有保存，也没有留下一半的数据。"
               "请检查网络后重试。")
BUSY_TIMEOUT_SECONDS = 15  # a second program or a backup holding a lock: wait this long before failing


def set_server_url(data_dir: Path, url: str) -> Path:
    """Point ``data_dir`` at a database server (the URL is stored without its password)."""
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(password=None).render_as_string(hide_password=False)
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    target = Path(data_dir) / SERVER_FILE
    target.write_text(plain + "\n", encoding="utf-8")
    return target


def server_trouble(url: str, exc: OperationalError) -> str:
    """What a clerk can act on when the server cannot be used (never the driver's text)."""
    from sqlalchemy.engine import make_url

    where = make_url(url)
    place = f"{where.host or '本机'}{f':{where.port}' if where.port else ''}"
    text_ = str(exc.orig).lower()
    if "password" in text_ or "authentication" in text_:
        why = (f"数据库服务器 {place} 拒绝了用户「{where.username}」的登录：密码不对或没有设置"
               "（在这台电脑上设置 FUPIN_DATABASE_PASSWORD，或请管理员核对）。")
    elif "does not exist" in text_:
        why = f"数据库服务器 {place} 上没有名为「{where.database}」的数据库，请管理员先建好它。"
    else:
        why = f"连不上数据库服务器 {place}：服务器没有开机、网线没插好，或地址写错了。"
    return why + "没有改动任何数据。"


PASSWORD_ENV = "FUPIN_DATABASE_PASSWORD"  # set on the PC, or typed at the start (kept in memory only)


def _with_password(url: str) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password).render_as_string(hide_password=False)


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


class EncodedJSON(str):
    """JSON text stored as it is, not encoded again: a received package's data file exactly as it
    was signed (already parsed and checked by the package reader)."""


def _json_serializer(value: object) -> str:
    return str.__str__(value) if isinstance(value, EncodedJSON) else json.dumps(value)


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True, json_serializer=_json_serializer)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


# The newest migration. A database already at it opens without importing Alembic (a fifth of a
# second at every start); tests/store check it against Alembic's own head.
SCHEMA_HEAD = "0016"


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
        fsync_dir(target.parent)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def is_busy(exc: OperationalError) -> bool:
    """SQLite's "database is locked" / "busy" (PostgreSQL's lock timeouts are other errors)."""
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


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
    if engine.dialect.name == "postgresql":
        engine.dispose()  # this program's own idle connections are not "another PC"
        with engine.connect() as conn:
            # One upgrader at a time (session lock, held while Alembic runs on its own connection),
            # and only a server no other PC is using: an old program must not write the new tables.
            conn.execute(text("SELECT pg_advisory_lock(hashtext('fupin-upgrade'))"))
            try:
                others = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                           "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")).scalar()
                if current is not None and others:
                    raise DatabaseError(f"局域网数据库需要升级（版本 {current} → 新版），但还有 {others} 个连接在使用它。"
                                        "请其他电脑先退出本程序，再打开；升级前请先做一份备份（fupin backup）。")
                command.upgrade(alembic_config(engine), to)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(hashtext('fupin-upgrade'))"))
                conn.commit()
        return None
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
            try:
                migrate(db.engine)
            except OperationalError as exc:
                db.dispose()
                said = str(exc.orig).lower()
                refused = "password" in said or "authentication" in said
                raise (ServerLoginRefused if refused else ServerUnreachable)(server_trouble(url, exc)) from None
            except BaseException:
                db.dispose()  # a refused upgrade: no idle connection left behind counted as a client
                raise
            return db
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

        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False},
                               json_serializer=_json_serializer)
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
            raise self._trouble(exc) from None

    @contextmanager
    def reading(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except OperationalError as exc:
            raise self._trouble(exc) from None

    def _trouble(self, exc: OperationalError) -> Exception:
        """A lock held too long, a server gone mid-use: a Chinese message; anything else as it was."""
        if is_busy(exc):
            return DatabaseBusy()
        if self.on_server:  # the transaction is gone with the connection: nothing half-written
            return ServerUnreachable(LOST_SERVER)
        return exc

    @property
    def on_server(self) -> bool:
        """A database server (a bureau's LAN), not this PC's SQLite file."""
        return self.engine.dialect.name != "sqlite"

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
