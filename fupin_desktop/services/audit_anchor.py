"""Audit anchoring: the log's head (sequence number and hash) leaves the PC in every backup, every
sealed package and on paper (the 首页 shows it for the file), and ``fupin audit check`` proves the
log still holds, unchanged, every record up to each such head.

What it cannot prove: records after the newest head that left. Someone with the database file
can drop the triggers, edit those and recompute the chain; only a head kept elsewhere shows it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from fupin_desktop.errors import KnownError
from fupin_desktop.services.settings import get_setting, put_settings
from fupin_desktop.store import audit
from fupin_desktop.store.db import Database

MIN_PRINTED = 16  # hex digits of a printed head: 64 bits, beyond any forger's search
_PRINTED = re.compile(r"^\D*(\d+)\D+?([0-9A-Fa-f][0-9A-Fa-f\s-]*)$")
_SETTING = "audit_anchor"


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str  # the whole SHA-256, or a printed prefix of it
    source: str


@dataclass(frozen=True)
class LastAnchor:
    seq: int
    hash: str
    where: str
    at: str


def printed(seq: int, digest: str) -> str:
    """The head as the 首页 shows it for the paper file: short enough to copy by hand."""
    groups = " ".join(digest[i:i + 4].upper() for i in range(0, MIN_PRINTED, 4))
    return f"第 {seq} 条 {groups}"


def current_head(db: Database) -> tuple[int, str]:
    with db.reading() as s:
        return audit.head(s)


def parse_printed(text: str) -> Anchor:
    """``第 1234 条 9F3A 4B2C 1D2E 3F4A`` or ``1234:9f3a4b2c…`` as a head to check against."""
    m = _PRINTED.match(text.strip())
    digest = re.sub(r"[\s-]", "", m.group(2)).lower() if m else ""
    if m is None or len(digest) < MIN_PRINTED:
        raise KnownError(f"无法识别校验码“{text}”：应写作“第 1234 条 9F3A 4B2C 1D2E 3F4A”"
                         f"（条数和至少 {MIN_PRINTED} 位十六进制校验码）。")
    return Anchor(int(m.group(1)), digest, f"校验码“{text.strip()}”")


def anchor_of_file(path: Path) -> Anchor:
    """The head a backup file or a sealed package carries."""
    from fupin_desktop.intake.package_reader import PackageError, open_package
    from fupin_desktop.services.backup_archive import BackupRefused, verify_archive

    try:
        manifest = verify_archive(path)
        return Anchor(manifest.audit_seq, manifest.audit_hash, f"备份「{path.name}」")
    except BackupRefused:
        pass
    try:
        head = open_package(path).manifest.get("audit_head") or {}
    except PackageError:
        head = {}
    if not isinstance(head.get("seq"), int) or not isinstance(head.get("hash"), str):
        raise KnownError(f"「{path.name}」既不是本程序的备份文件，也不是带操作日志校验码的报送包。")
    return Anchor(head["seq"], head["hash"], f"报送包「{path.name}」")


def check(db: Database, anchors: list[Anchor]) -> list[str]:
    """Problems, each naming its source; empty when the log holds every anchored record unchanged."""
    with db.reading() as s:
        records = audit.export_records(s)
    problems = audit.check_export(records, [])
    by_seq = {r["seq"]: str(r["hash"]) for r in records}
    for a in anchors:
        if a.seq == 0:
            continue
        held = by_seq.get(a.seq)
        if held is None:
            problems.append(f"{a.source}：日志第 {a.seq} 条已不在（日志只有 {len(records)} 条）：日志被截短或改写过。")
        elif not held.startswith(a.hash.lower()):
            problems.append(f"{a.source}：日志第 {a.seq} 条的哈希与其记录的不同：此前的历史被改写过。")
    return problems


def record_anchor(session: Session, seq: int, digest: str, where: str, at: str) -> None:
    """Remember the newest head that left (inside the backup's or the submission's transaction)."""
    put_settings(session, {_SETTING: json.dumps({"seq": seq, "hash": digest, "where": where, "at": at},
                                                 ensure_ascii=False)})


def last_anchor(db: Database) -> LastAnchor | None:
    raw = get_setting(db, _SETTING)
    if not raw:
        return None
    value = json.loads(raw)
    return LastAnchor(int(value["seq"]), str(value["hash"]), str(value["where"]), str(value["at"]))
