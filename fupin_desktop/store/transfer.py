"""A whole database copied table by table between this PC's SQLite file and a LAN server, as
the models define the tables: how a LAN bureau's backup becomes the same file a single PC
writes, and how a backup is restored into a server (a bureau moving from one PC to the LAN).

Values are copied as stored (sealed personal data stays sealed, the audit chain's hashes stay
valid); ``alembic_version`` is not copied, each side has its own, at the same head.
"""

from __future__ import annotations

from sqlalchemy import Connection, Integer, Table, func, select, text

from fupin_desktop.store import (  # noqa: F401  (their tables)
    models_annual,
    models_monthly,
    models_submission,
    models_supervision,
)
from fupin_desktop.store.models import Base

__all__ = ["clear_all", "copy_all", "is_empty", "reset_sequences", "tables"]

BATCH = 500


def tables() -> list[Table]:
    """Every table, parents before children."""
    return list(Base.metadata.sorted_tables)


def copy_all(src: Connection, dst: Connection, *, skip: frozenset[str] = frozenset()) -> dict[str, int]:
    """Insert every row of ``src`` into the (empty) tables of ``dst``; rows copied per table."""
    counts: dict[str, int] = {}
    for table in tables():
        if table.name in skip:
            continue
        rows = src.execution_options(yield_per=BATCH).execute(
            select(table).order_by(*table.primary_key.columns))
        counts[table.name] = 0
        for part in rows.mappings().partitions(BATCH):
            dst.execute(table.insert(), [dict(row) for row in part])
            counts[table.name] += len(part)
    return counts


def is_empty(conn: Connection) -> bool:
    """No bureau has been set up here: no settings and no users."""
    return all(conn.execute(select(func.count()).select_from(Base.metadata.tables[name])).scalar_one() == 0
               for name in ("setting", "user_account"))


def clear_all(conn: Connection) -> None:
    """Empty every table of a server database, inside the caller's transaction.

    TRUNCATE, not DELETE: the audit log refuses DELETE row by row (its trigger), and a restore
    replaces the whole chain with the backup's, which is verified before it is written."""
    if conn.dialect.name != "postgresql":
        raise ValueError("clear_all is for a server database")
    names = ", ".join(f'"{t.name}"' for t in tables())
    conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def reset_sequences(conn: Connection) -> None:
    """After rows were inserted with their ids: each id sequence continues after the largest id."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        column = keys[0].name
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                {"t": table.name, "c": column}).scalar()
        if sequence is None:
            continue
        conn.execute(text(f'SELECT setval(:s, COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) '
                          f'FROM "{table.name}"'), {"s": sequence})
