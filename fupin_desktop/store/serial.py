"""Named locks held until the transaction ends, for what is numbered in order: the audit chain's
next record, agreement numbers, 发文字号, submission versions, monthly revisions.

On PostgreSQL several PCs write at once; each reads "the newest" and writes "the next", so two
must not read the same newest: ``pg_advisory_xact_lock`` makes them take turns (released by the
commit or rollback). SQLite has one writer at a time already (``Database.transaction``).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session

__all__ = ["serialize"]


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


def serialize(session: Session, name: str) -> None:
    """Wait for, then hold until this transaction ends, the lock called ``name``."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _key(name)})
