"""Every migration path works: a database made by the first migration upgrades through all later ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from fupin_desktop.errors import DatabaseError
from fupin_desktop.store.db import (
    DB_FILE,
    SCHEMA_HEAD,
    Database,
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    migrate,
)


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_first_migration_upgrades_through_every_later_one_keeping_data(tmp_path: Path) -> None:
    path = tmp_path / DB_FILE
    engine = make_engine(f"sqlite:///{path}")
    first = _revisions()[0]
    migrate(engine, path, to=first)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO setting (key, value) VALUES ('bureau_name', '晋江市民政局')"))
        conn.execute(text(
            "INSERT INTO organization (name, credit_code, kind, status, search_key) "
            "VALUES ('晋江市某某商会', '51350582MA2Y00001X', 'social_group', 'active', '')"))
    engine.dispose()

    db = Database.open(tmp_path, create=False)  # the program's own start-up path
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM organization")).scalar() == "晋江市某某商会"
    backups = list(tmp_path.glob("*.bak.sqlite3"))
    assert len(backups) == 1  # a copy was taken before upgrading
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0] == first
    db.dispose()


def test_each_step_up_and_down(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / DB_FILE}")
    for revision in _revisions():
        migrate(engine, None, to=revision)
        assert current_revision(engine) == revision
    from alembic import command

    command.downgrade(alembic_config(engine), "base")
    assert current_revision(engine) is None


def test_a_database_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / DB_FILE}")
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="更新版本"):
        Database.open(tmp_path, create=False)


def test_sqlite_settings_are_durable(tmp_path: Path) -> None:
    db = Database.open(tmp_path)
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    db.dispose()


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    """A model changed without its migration (or the reverse) shows up here."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from fupin_desktop.store import models_annual, models_monthly, models_submission, models_supervision  # noqa: F401
    from fupin_desktop.store.models import Base

    engine = make_engine(f"sqlite:///{tmp_path / DB_FILE}")
    migrate(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


@pytest.mark.parametrize("crash_after", [1, 2])
def test_an_upgrade_cut_off_between_two_statements_leaves_the_old_schema_whole(tmp_path: Path,
                                                                             crash_after: int) -> None:
    """A power cut in the middle of an upgrade: nothing of it stays, and the next start upgrades."""
    from sqlalchemy import event

    path = tmp_path / DB_FILE
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine, path, to="0005")
    seen: list[str] = []

    def cut(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("ALTER TABLE"):
            seen.append(statement)
            if len(seen) == crash_after:
                raise KeyboardInterrupt("power cut")

    event.listen(engine, "after_cursor_execute", cut)
    with pytest.raises(KeyboardInterrupt):
        migrate(engine, path)
    event.remove(engine, "after_cursor_execute", cut)
    engine.dispose()
    with sqlite3.connect(path) as con:
        columns = {row[1] for row in con.execute("PRAGMA table_info(user_account)")}
        assert "failed_logins" not in columns
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0005"
    migrate(engine, path)  # the next start
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_the_schema_head_the_program_opens_without_alembic_is_alembics_head(tmp_path: Path) -> None:
    # A stale SCHEMA_HEAD would open a database one migration behind without upgrading it.
    assert head_revision() == SCHEMA_HEAD
    db = Database.open(tmp_path, create=True)
    try:
        assert current_revision(db.engine) == SCHEMA_HEAD
    finally:
        db.dispose()
