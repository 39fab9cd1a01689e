"""Alembic environment: the engine comes from the program (``config.attributes['engine']``)."""

from alembic import context

from fupin_desktop.store import models_annual, models_monthly, models_submission, models_supervision  # noqa: F401  (register tables)
from fupin_desktop.store.models import Base

config = context.config
engine = config.attributes["engine"]

sqlite = engine.dialect.name == "sqlite"
with engine.connect() as connection:
    if sqlite:
        # A batch migration rebuilds a table (new table, copy, drop the old, rename): with foreign
        # keys on, dropping a table other rows point at fails (or would cascade). SQLite's own
        # procedure for this turns them off for the rebuild and checks them all before commit.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        # Python's sqlite3 runs DDL outside any transaction, so a power cut between two ALTERs
        # left a half-upgraded file that the next start could not upgrade. One explicit
        # transaction makes each upgrade all or nothing (SQLite's DDL is transactional).
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            connection.rollback()
            raise RuntimeError(f"migration left {len(broken)} rows pointing at nothing: {broken[:5]}")
    connection.commit()
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
