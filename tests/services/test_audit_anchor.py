"""Issue 10, case 10: a log rewritten by someone with the database file (triggers dropped, records
edited, the chain recomputed) passes ``audit verify`` but not ``audit check`` against a backup, a
sealed package or the head printed on the 首页, for every record up to that head."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from json import loads
from pathlib import Path

from fupin_desktop.services import audit_anchor, backup, organizations
from fupin_desktop.store.audit import GENESIS, record_hash
from fupin_desktop.store.folder import DB_FILE

ENV = {**os.environ, "FUPIN_PASSWORD": "demo"}


def fupin(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fupin_desktop", *argv], env=ENV, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)


def rewrite(db_file: Path, seq: int, summary: str) -> None:
    """What an insider with the file does: drop the guards, edit one record, recompute the chain."""
    conn = sqlite3.connect(db_file)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE audit_log SET summary = ? WHERE seq = ?", (summary, seq))
    prev = GENESIS
    rows = conn.execute("SELECT seq, at, username, action, entity, entity_id, summary, before, after FROM audit_log"
                        " ORDER BY seq").fetchall()
    for n, at, user, action, entity, entity_id, text, before, after in rows:
        digest = record_hash(prev, n, datetime.fromisoformat(at).isoformat(), user, action, entity, entity_id, text,
                             loads(before) if before else None, loads(after) if after else None)
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, n))
        prev = digest
    conn.commit()
    conn.close()


def test_a_rewritten_log_is_caught_by_a_backup_and_a_printed_head(clerk, admin, tmp_path: Path) -> None:
    made = backup.make_backup(admin, tmp_path / "备份")
    last = audit_anchor.last_anchor(clerk.db)
    assert last is not None and last.where == f"备份「{made.path.name}」"
    anchored, digest = last.seq, last.hash
    printed = audit_anchor.printed(anchored, digest)
    first = organizations.list_organizations(clerk)[0]
    organizations.save_organization(clerk, {**first.values, "phone": "0595-88886666"}, first.id)  # more records after
    data = str(clerk.data_dir)
    clerk.db.dispose()

    good = fupin("audit", "check", str(made.path), "--head", printed, "--data-dir", data)
    assert good.returncode == 0, good.stderr
    assert f"日志第 {anchored} 条及之前的记录与之相符" in good.stdout

    # Edited after the newest head that left: nothing outside the file knew it (the README says so).
    rewrite(Path(data) / DB_FILE, anchored + 1, "改写了锚点之后的记录")
    assert fupin("audit", "verify", "--data-dir", data).returncode == 0
    assert fupin("audit", "check", str(made.path), "--data-dir", data).returncode == 0

    rewrite(Path(data) / DB_FILE, anchored - 3, "改写了已经外送的记录")
    assert fupin("audit", "verify", "--data-dir", data).returncode == 0  # the chain alone is fooled
    caught = fupin("audit", "check", str(made.path), "--head", printed, "--data-dir", data)
    assert caught.returncode == 1 and "Traceback" not in caught.stdout + caught.stderr
    lines = caught.stdout.strip().splitlines()
    assert lines == [f"备份「{made.path.name}」：日志第 {anchored} 条的哈希与其记录的不同：此前的历史被改写过。",
                     f"校验码“{printed}”：日志第 {anchored} 条的哈希与其记录的不同：此前的历史被改写过。"]


def test_audit_check_refuses_what_is_not_an_anchor(demo_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "照片.zip"
    other.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    result = fupin("audit", "check", str(other), "--data-dir", str(demo_dir))
    assert result.returncode == 1 and "既不是本程序的备份文件" in result.stderr and "Traceback" not in result.stderr
    result = fupin("audit", "check", "--head", "第 12 条 9F3A", "--data-dir", str(demo_dir))
    assert result.returncode == 1 and "至少 16 位" in result.stderr
