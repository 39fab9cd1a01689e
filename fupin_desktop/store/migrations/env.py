"""Alembic environment: the engine comes from the program (``config.attributes['engine']``)."""

from alembic import context

from fupin_desktop.store import models_annual, models_monthly, models_submission  # noqa: F401  (register tables)
from fupin_desktop.store.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    if connection.dialect.name == "sqlite":
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
    connection.commit()
