"""``fupin backup`` / ``fupin restore`` as a user runs them: separate processes, exit codes, Chinese
lines, and a backup killed at any moment never leaves an incomplete file under a backup's name."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.services import backup, inspections
from fupin_desktop.store.models import Organization

ENV = {**os.environ, "FUPIN_PASSWORD": "demo", "FUPIN_SEAL_PASSPHRASE": "demo"}


def fupin(*argv: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fupin_desktop", *argv], env=ENV, stdin=stdin,
                          capture_output=True, text=True, timeout=300)


def refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr


def test_backup_restore_then_audit_attachments_and_a_sealed_submission(clerk, tmp_path: Path) -> None:
    with clerk.db.reading() as s:
        code = s.query(Organization.credit_code).order_by(Organization.id).first()[0]
    view = inspections.save_inspection(clerk, code, clock.today().year, result="合格")
    report = tmp_path / "工作报告.pdf"
    report.write_bytes("%PDF-1.4\n% 工作报告\n%%EOF\n".encode())
    inspections.add_attachment(clerk, view.id, report, "work_report")
    clerk.db.dispose()
    data, out, restored = str(clerk.data_dir), tmp_path / "usb", tmp_path / "restored"
    out.mkdir()

    refused(fupin("backup", "-o", str(out), "--data-dir", data, "--user", "clerk"), "权限")
    made = fupin("backup", "-o", str(out), "--data-dir", data, "--user", "admin")
    assert made.returncode == 0, made.stderr
    (path,) = out.glob("*.fupinbak")
    assert path.name.startswith("晋江市民政局_备份_") and str(path) in made.stdout

    done = fupin("restore", str(path), "--data-dir", str(restored), "--user", "admin")
    assert done.returncode == 0 and "已从备份恢复" in done.stdout, done.stderr
    assert fupin("audit", "verify", "--data-dir", str(restored)).returncode == 0
    check = fupin("attachment", "check", "--data-dir", str(restored))
    assert check.returncode == 0 and "完好" in check.stdout
    period = str(Period.of_date(clock.today()).previous().previous())
    sealed = fupin("submit", "monthly", "--period", period, "-o", str(tmp_path / "stick"),
                   "--data-dir", str(restored), "--user", "reviewer")
    assert sealed.returncode == 0, sealed.stderr
    assert list((tmp_path / "stick").glob("*.zip"))

    # Over existing data: refused without --replace; --replace needs a terminal or --yes.
    refused(fupin("restore", str(path), "--data-dir", str(restored), "--user", "admin"), "已有数据库", "--replace")
    refused(fupin("restore", str(path), "--data-dir", str(restored), "--user", "admin", "--replace"), "确认", "--yes")
    replaced = fupin("restore", str(path), "--data-dir", str(restored), "--user", "admin", "--replace", "--yes")
    assert replaced.returncode == 0 and "原有数据已先备份到" in replaced.stdout, replaced.stderr
    assert len(list(backup.safety_folder(restored).glob("*.fupinbak"))) == 1

    junk = tmp_path / "照片.fupinbak"
    junk.write_bytes(b"\xff\xd8\xff\xe0" + bytes(5000))
    refused(fupin("restore", str(junk), "--data-dir", str(tmp_path / "x"), "--user", "admin"), "照片.fupinbak",
            "不是备份文件")
    refused(fupin("restore", str(path), "--data-dir", str(tmp_path / "y"), "--user", "clerk"), "不是管理员")
    for untouched in (tmp_path / "x", tmp_path / "y"):  # at most the command's own log folder
        assert not untouched.exists() or [p.name for p in untouched.iterdir()] == ["logs"]


@pytest.mark.slow
def test_a_killed_backup_leaves_no_incomplete_file_under_a_backups_name(demo_dir: Path, tmp_path: Path) -> None:
    """SIGKILL while the backup is being written (aimed at the moment the temporary file exists)."""
    big = demo_dir / "attachments" / "ab" / "cd"
    big.mkdir(parents=True)
    for n in range(3):  # incompressible, so writing takes a while
        (big / f"{n:064x}").write_bytes(random.randbytes(8 * 2**20))
    out = tmp_path / "usb"
    out.mkdir()
    kills = completed = 0
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-m", "fupin_desktop", "backup", "-o", str(out),
                                 "--data-dir", str(demo_dir), "--user", "admin"], env=ENV,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and not list(out.glob(".*.partial")):
            time.sleep(0.005)
        time.sleep(random.uniform(0, 0.1))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        completed += proc.returncode == 0
        for path in out.iterdir():
            if path.name.startswith("."):
                assert path.name.endswith(".partial")  # clearly temporary
                path.unlink()
            else:
                backup.inspect_backup(path)  # every hash holds
    assert kills >= 3
    print(f"{kills} kills, {completed} completed backups, no incomplete file under a backup's name")
