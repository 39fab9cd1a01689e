"""Reading the audit log (who changed what, before/after) and checking its hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.store.audit import ChainBreak, verify_chain
from fupin_desktop.store.db import Database
from fupin_desktop.store.models import AuditRecord


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    username: str
    action: str
    entity: str
    entity_id: str
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def list_records(ctx: ServiceContext, *, entity: str | None = None, entity_id: object = None,
                 limit: int = 500) -> list[AuditEntry]:
    """Newest first."""
    ctx.require(Permission.VIEW_AUDIT)
    with ctx.db.reading() as s:
        stmt = select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(limit)
        if entity:
            stmt = stmt.where(AuditRecord.entity == entity)
        if entity_id is not None:
            stmt = stmt.where(AuditRecord.entity_id == str(entity_id))
        return [AuditEntry(r.seq, r.at.isoformat(sep=" "), r.username, r.action, r.entity, r.entity_id, r.summary,
                           r.before, r.after) for r in s.scalars(stmt)]


def verify(db: Database) -> list[ChainBreak]:
    with db.reading() as s:
        return verify_chain(s)


def is_export(path: Path) -> bool:
    """Whether ``path`` looks like an ``audit export`` file (JSON) rather than a zip."""
    try:
        with open(path, "rb") as f:
            return f.read(64).lstrip().startswith(b"{")
    except OSError:
        return False
