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

from fupin_desktop.domain import clock
from fupin_desktop.store.models import AuditRecord
from fupin_desktop.store.serial import serialize

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
    serialize(session, "audit_log")  # several PCs on one server: one next record at a time
    last = session.execute(select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = clock.now().replace(microsecond=0)
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


def head(session: Session) -> tuple[int, str]:
    """(sequence number, hash) of the newest record: what a submission carries upward."""
    last = session.execute(select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)).first()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


def export_records(session: Session) -> list[dict[str, Any]]:
    """Every record as plain JSON, for ``fupin audit export`` (personal data is already masked)."""
    return [{"seq": r.seq, "at": r.at.isoformat(), "username": r.username, "action": r.action, "entity": r.entity,
             "entity_id": r.entity_id, "summary": r.summary, "before": r.before, "after": r.after,
             "prev_hash": r.prev_hash, "hash": r.hash}
            for r in session.scalars(select(AuditRecord).order_by(AuditRecord.seq))]


def check_export(records: list[dict[str, Any]], heads: list[tuple[int, str]]) -> list[str]:
    """Problems proving that an exported log no longer holds, unchanged, every record up to each head.

    The chain is recomputed from the first record; a head received earlier must be found at
    its sequence number with the same hash. A rewritten history cannot keep both.
    """
    problems: list[str] = []
    prev, by_seq = GENESIS, {}
    for expected, rec in enumerate(records, start=1):
        if rec.get("seq") != expected:
            problems.append(f"第 {expected} 条记录缺失或顺序被打乱")
            break
        digest = record_hash(prev, rec["seq"], rec["at"], rec["username"], rec["action"], rec["entity"],
                             rec["entity_id"], rec["summary"], rec["before"], rec["after"])
        if rec.get("prev_hash") != prev or rec.get("hash") != digest:
            problems.append(f"第 {expected} 条记录被改动过（哈希链在此断开）")
            break
        by_seq[rec["seq"]] = digest
        prev = digest
    for seq, digest in heads:
        if seq == 0:
            continue
        if seq not in by_seq:
            problems.append(f"报送时的日志第 {seq} 条已不在（或之前的链已断开）")
        elif by_seq[seq] != digest:
            problems.append(f"日志第 {seq} 条与报送时记录的哈希不同：历史被改写过")
    return problems
