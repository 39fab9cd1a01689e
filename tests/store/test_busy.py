"""A database another writer keeps locked past the busy timeout: a plain Chinese DatabaseBusy,
never the driver's text with its SQL, and nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event, text

from fupin_desktop.errors import BUSY_MESSAGE, DatabaseBusy
from fupin_desktop.store.db import Database
from fupin_desktop.store.folder import DB_FILE


def short_timeout(db: Database) -> None:
    event.listen(db.engine, "connect", lambda con, _rec: con.execute("PRAGMA busy_timeout=50"))
    db.engine.dispose()


def test_a_write_locked_by_another_program_is_busy_and_changes_nothing(tmp_path: Path) -> None:
    db = Database.open(tmp_path)
    short_timeout(db)
    with db.transaction() as s:
        s.execute(text("CREATE TABLE note (body TEXT)"))
    other = sqlite3.connect(tmp_path / DB_FILE, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing
    try:
        with pytest.raises(DatabaseBusy) as raised, db.transaction() as s:
            s.execute(text("INSERT INTO note VALUES ('身份证 350582194001221033')"))
        assert str(raised.value) == BUSY_MESSAGE
        assert raised.value.__cause__ is None and raised.value.__suppress_context__
    finally:
        other.execute("ROLLBACK")
        other.close()
    with db.reading() as s:
        assert s.execute(text("SELECT count(*) FROM note")).scalar() == 0
    db.dispose()
