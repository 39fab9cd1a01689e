"""The audit log: one record per change, chained by SHA-256 so a rewritten history shows.

Records are only ever appended (the database refuses UPDATE/DELETE, migration 0002).
Personal data is masked before it is written: the log leaves the county for inspections.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin_desktop.store.models import AuditRecord

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def record_hash(prev_hash: str, seq: int, at: str, username: str, action: str, entity: str,
                entity_id: str, summary: str, before: Any, after: Any) -> str:
    body = json.dumps(
        [prev_hash, seq, at, username, action, entity, entity_id, summary, before, after],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(session: Session, *, username: str, action: str, entity: str, entity_id: object,
           summary: str = "", before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None) -> AuditRecord:
    last = session.execute(select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = datetime.now().replace(microsecond=0)
    before_j, after_j = _jsonable(before), _jsonable(after)
    digest = record_hash(prev, seq, at.isoformat(), username, action, entity, str(entity_id), summary,
                         before_j, after_j)
    record = AuditRecord(
        seq=seq, at=at, username=username, action=action, entity=entity, entity_id=str(entity_id),
        summary=summary, before=before_j, after=after_j, prev_hash=prev, hash=digest,
    )
    session.add(record)
    session.flush()
    return record


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(session: Session) -> list[ChainBreak]:
    """Recompute every hash; returns where the chain no longer holds (empty = intact)."""
    breaks: list[ChainBreak] = []
    prev = GENESIS
    expected_seq = 1
    for rec in session.scalars(select(AuditRecord).order_by(AuditRecord.seq)):
        if rec.seq != expected_seq:
            breaks.append(ChainBreak(rec.seq, f"缺少第 {expected_seq} 条记录"))
        if rec.prev_hash != prev:
            breaks.append(ChainBreak(rec.seq, "与前一条记录的链接不符"))
        digest = record_hash(rec.prev_hash, rec.seq, rec.at.isoformat(), rec.username, rec.action,
                             rec.entity, rec.entity_id, rec.summary, rec.before, rec.after)
        if digest != rec.hash:
            breaks.append(ChainBreak(rec.seq, "记录内容已被改动"))
        prev, expected_seq = rec.hash, rec.seq + 1
    return breaks
