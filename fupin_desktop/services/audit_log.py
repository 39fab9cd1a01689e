"""Reading the audit log (who changed what, before/after) and checking its hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import SYSTEM_USER, ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.store.audit import ChainBreak, verify_chain
from fupin_desktop.store.db import Database
from fupin_desktop.store.models import AuditRecord, User


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
    display_name: str = ""  # 姓名 of the account, '' when the name is no account (a mistyped login)

    @property
    def who(self) -> str:
        """姓名 where there is one, else the login name as recorded."""
        return self.display_name or self.username


@dataclass(frozen=True)
class LogUser:
    username: str
    display_name: str  # '' when no account has this name

    @property
    def label(self) -> str:
        return f"{self.display_name}（{self.username}）" if self.display_name else self.username


def _display_names(s: Session) -> dict[str, str]:
    names = {SYSTEM_USER.username: SYSTEM_USER.display_name}
    names.update((u, d or u) for u, d in s.execute(select(User.username, User.display_name)))
    return names


def list_records(ctx: ServiceContext, *, entity: str | None = None, entity_id: object = None,
                 username: str | None = None, action: str | None = None,
                 since: date | None = None, until: date | None = None, limit: int = 500) -> list[AuditEntry]:
    """Newest first; ``since`` and ``until`` are days, both included."""
    ctx.require(Permission.VIEW_AUDIT)
    if since is not None and until is not None and since > until:
        raise KnownError(f"起始日期 {since.isoformat()} 晚于结束日期 {until.isoformat()}，请改正日期范围。")
    with ctx.db.reading() as s:
        stmt = select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(limit)
        if entity:
            stmt = stmt.where(AuditRecord.entity == entity)
        if entity_id is not None:
            stmt = stmt.where(AuditRecord.entity_id == str(entity_id))
        if username:
            stmt = stmt.where(AuditRecord.username == username)
        if action:
            stmt = stmt.where(AuditRecord.action == action)
        if since is not None:
            stmt = stmt.where(AuditRecord.at >= datetime.combine(since, time.min))
        if until is not None:
            stmt = stmt.where(AuditRecord.at < datetime.combine(until + timedelta(days=1), time.min))
        names = _display_names(s)
        return [AuditEntry(r.seq, r.at.isoformat(sep=" "), r.username, r.action, r.entity, r.entity_id, r.summary,
                           r.before, r.after, names.get(r.username, "")) for r in s.scalars(stmt)]


def log_users(ctx: ServiceContext) -> list[LogUser]:
    """Who to filter the log by: every account (by 姓名), then 系统 and any other name the log holds."""
    ctx.require(Permission.VIEW_AUDIT)
    with ctx.db.reading() as s:
        accounts = [LogUser(u, d or u) for u, d in s.execute(select(User.username, User.display_name))]
        logged = set(s.scalars(select(AuditRecord.username).distinct()))
    known = {a.username for a in accounts}
    others = [LogUser(n, SYSTEM_USER.display_name if n == SYSTEM_USER.username else "")
              for n in sorted(logged - known)]
    others.sort(key=lambda u: u.username != SYSTEM_USER.username)  # 系统 first among them
    return sorted(accounts, key=lambda u: u.username) + others


def logged_actions(ctx: ServiceContext) -> list[str]:
    """The action codes the log holds."""
    ctx.require(Permission.VIEW_AUDIT)
    with ctx.db.reading() as s:
        return sorted(s.scalars(select(AuditRecord.action).distinct()))


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
