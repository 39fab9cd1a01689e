"""备份与恢复: one verified file with everything; a restore that checks first and changes nothing
when refused; restoring over data backs it up first; older backups are migrated; automatic backups."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from fupin_desktop import __version__
from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import AuthError, KnownError, PermissionDenied
from fupin_desktop.services import audit_log, backup, backup_archive, inspections, submissions
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.users import login
from fupin_desktop.store import audit
from fupin_desktop.store.db import Database, backup_sqlite, head_revision
from fupin_desktop.store.folder import DB_FILE
from fupin_desktop.store.models import Organization


def listing(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (hidden ones too) with its SHA-256: to compare before/after."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir")
            for p in sorted(folder.rglob("*"))}


def open_ctx(data_dir: Path, username: str) -> ServiceContext:
    db = Database.open(data_dir, create=False)
    return ServiceContext(db, Forms(), login(db, username, "demo"), data_dir)


def with_attachment(clerk: ServiceContext, tmp_path: Path) -> None:
    """An inspection with one attached PDF, so the blob store is not empty."""
    with clerk.db.reading() as s:
        code = s.query(Organization.credit_code).order_by(Organization.id).first()[0]
    view = inspections.save_inspection(clerk, code, clock.today().year, result="合格")
    report = tmp_path / "in" / "工作报告.pdf"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_bytes("%PDF-1.4\n% 工作报告\n%%EOF\n".encode())
    inspections.add_attachment(clerk, view.id, report, "work_report")


def org_names(data_dir: Path) -> set[str]:
    db = Database.open(data_dir, create=False)
    try:
        with db.reading() as s:
            return {o.name for o in s.query(Organization)}
    finally:
        db.dispose()


def add_settings_files(data_dir: Path) -> None:
    (data_dir / "ui-state.ini").write_text("[folders]\nsubmit=/media/usb\n", encoding="utf-8")
    (data_dir / "logs").mkdir(exist_ok=True)
    (data_dir / "logs" / "fupin.log").write_text("log line\n", encoding="utf-8")


@pytest.fixture
def made(admin: ServiceContext, clerk: ServiceContext, tmp_path: Path) -> backup.BackupResult:
    with_attachment(clerk, tmp_path)
    add_settings_files(admin.data_dir)
    (tmp_path / "out").mkdir()
    return backup.make_backup(admin, tmp_path / "out")


def test_backup_holds_everything_and_restores_to_a_working_county(admin, made, tmp_path: Path) -> None:
    data = admin.data_dir
    assert made.path.name == f"晋江市民政局_备份_{clock.now():%Y-%m-%d}_{made.info.created:%H%M}.fupinbak"
    assert made.warnings == []
    with zipfile.ZipFile(made.path) as z:
        manifest = json.loads(z.read("manifest.json"))
        names = set(z.namelist())
    parts = {p["name"]: p for p in manifest["parts"]}
    assert manifest["program_version"] == __version__ and manifest["schema_revision"] == head_revision()
    assert manifest["bureau"] == "晋江市民政局" and manifest["division_code"] == "350582"
    with admin.db.reading() as s:
        seq, digest = audit.head(s)
    # The head in the backup is the one before the backup recorded itself in the log.
    assert manifest["audit_head"]["seq"] == seq - 1
    seal = next((data / "seal").glob("*.p12"))
    attachment = next(p for p in (data / "attachments").rglob("*") if p.is_file())
    for path in (seal, attachment, data / "ui-state.ini"):
        name = "data/" + path.relative_to(data).as_posix()
        assert parts[name]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "data/fupin.sqlite3" in names and not any("logs" in n or "-wal" in n for n in names)
    assert backup.last_good_backup(admin) == made.info.created

    target = tmp_path / "restored"
    result = backup.restore(made.path, target, username="admin", password="demo")
    assert result.safety_backup is None and not result.pending
    for path in (seal, attachment, data / "ui-state.ini"):  # the key file stays encrypted, byte for byte
        assert (target / path.relative_to(data)).read_bytes() == path.read_bytes()
    assert (target / seal.relative_to(data)).stat().st_mode & 0o777 == 0o600  # and its owner's alone
    reviewer = open_ctx(target, "reviewer")
    try:
        assert audit_log.verify(reviewer.db) == []
        assert inspections.check_attachments(reviewer) == []
        period = Period.of_date(clock.today()).previous().previous()
        _, package = submissions.submit(reviewer, "monthly", period, tmp_path / "usb", "demo")
        assert package.is_file()
    finally:
        reviewer.db.dispose()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def damage(path: Path, member: str) -> None:
    """Change one byte in the middle of a member's stored bytes."""
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member) if member != "attachment" else next(
            i for i in z.infolist() if i.filename.startswith("data/attachments/"))
    raw = bytearray(path.read_bytes())
    with open(path, "rb") as f:
        f.seek(info.header_offset + 26)
        name_len, extra_len = int.from_bytes(f.read(2), "little"), int.from_bytes(f.read(2), "little")
    start = info.header_offset + 30 + name_len + extra_len
    raw[start + info.compress_size // 2] ^= 0x01
    path.write_bytes(bytes(raw))


def foreign_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")


def other_program(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("manifest.json", json.dumps({"format": "some-other-backup", "parts": []}))


def escaping(path: Path) -> None:
    """A well-formed manifest naming a part outside the folder, with the right hash."""
    body = b"evil"
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    manifest["parts"].append({"name": "data/../../evil.txt", "sha256": hashlib.sha256(body).hexdigest(), "size": 4})
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("data/../../evil.txt", body)
    rewrite_manifest(path, manifest)


def size_lie(path: Path) -> None:
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    manifest["parts"][0]["size"] = 10**12  # a bomb would declare more than it holds, or the reverse
    rewrite_manifest(path, manifest)


def rewrite_manifest(path: Path, manifest: dict) -> None:  # type: ignore[type-arg]
    tmp = path.with_suffix(".new")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "manifest.json":
                dst.writestr(info, src.read(info))
        dst.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
    tmp.replace(path)


SPOILERS = {
    "manifest": (lambda p: damage(p, "manifest.json"), "清单"),
    "database": (lambda p: damage(p, "data/fupin.sqlite3"), "数据库"),
    "attachment": (lambda p: damage(p, "attachment"), "附件「attachments/"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size * 2 // 3]), "不完整"),
    "not a zip": (lambda p: p.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40), "不是备份文件"),
    "foreign zip": (foreign_zip, "不是本程序的备份文件"),
    "other program": (other_program, "不是本程序的备份文件"),
    "escaping name": (escaping, "不安全"),
    "size lie": (size_lie, "大小与清单不符"),
}


@pytest.mark.parametrize("how", list(SPOILERS))
def test_a_damaged_or_foreign_file_is_refused_and_nothing_changes(admin, made, tmp_path: Path, how: str) -> None:
    spoil, reason = SPOILERS[how]
    spoil(made.path)
    empty = tmp_path / "empty"
    empty.mkdir()
    admin.db.dispose()
    before_live, before_parent = listing(admin.data_dir), sorted(p.name for p in admin.data_dir.parent.iterdir())
    for target, replace in ((empty, False), (tmp_path / "missing", False), (admin.data_dir, True)):
        with pytest.raises(KnownError) as refused:
            backup.restore(made.path, target, username="admin", password="demo", replace=replace)
        message = str(refused.value)
        assert made.path.name in message and reason in message and "没有改动任何数据" in message
        assert "Traceback" not in message and "Error" not in message
    assert listing(empty) == {} and not (tmp_path / "missing").exists()
    assert listing(admin.data_dir) == before_live
    assert sorted(p.name for p in admin.data_dir.parent.iterdir()) == before_parent  # no safety backup, no temp
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


def test_restore_over_existing_data_needs_replace_and_backs_it_up_first(admin, made, tmp_path: Path) -> None:
    data = admin.data_dir
    with admin.db.transaction() as s:  # a change made after the backup
        org = s.query(Organization).first()
        org.name = "备份之后改的名字"
    admin.db.dispose()
    before = listing(data)
    with pytest.raises(KnownError, match="已有数据库"):
        backup.restore(made.path, data, username="admin", password="demo")
    assert listing(data) == before

    result = backup.restore(made.path, data, username="admin", password="demo", replace=True)
    assert result.safety_backup is not None and result.safety_backup.parent == backup.safety_folder(data)
    assert backup.inspect_backup(result.safety_backup).bureau == "晋江市民政局"
    assert "备份之后改的名字" not in org_names(data)  # the restored data is the backup's
    kept = tmp_path / "kept"
    backup.restore(result.safety_backup, kept, username="admin", password="demo")
    assert "备份之后改的名字" in org_names(kept)  # and the replaced data is safe in the safety backup
    assert (data / "logs" / "fupin.log").exists()  # the log stays with the folder
    leftovers = [p.name for p in data.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_a_clerk_cannot_back_up_or_restore_and_a_wrong_password_is_refused(clerk, made, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        backup.make_backup(clerk, tmp_path / "out")
    target = tmp_path / "r"
    with pytest.raises(PermissionDenied, match="不是管理员"):
        backup.restore(made.path, target, username="clerk", password="demo")
    with pytest.raises(AuthError, match="不正确"):
        backup.restore(made.path, target, username="admin", password="wrong")
    with pytest.raises(PermissionDenied):
        backup.set_automatic(clerk, tmp_path, 5)
    assert not target.exists()
    clerk.db.dispose()
    _make_clerk_admin_in_backup(made.path, tmp_path)
    before = listing(clerk.data_dir)
    with pytest.raises(PermissionDenied):  # an admin in the backup, but a clerk in the current data
        backup.restore(made.path, clerk.data_dir, username="clerk", password="demo", replace=True)
    assert listing(clerk.data_dir) == before


def _make_clerk_admin_in_backup(path: Path, tmp_path: Path) -> None:
    work = tmp_path / "w"
    backup.restore(path, work, username="admin", password="demo")
    conn = sqlite3.connect(work / DB_FILE)
    conn.execute("UPDATE user_account SET role = 'admin' WHERE username = 'clerk'")
    conn.commit()
    conn.close()
    path.unlink()
    backup_archive.write_backup(work, backup_archive.sqlite_snapshot(work / DB_FILE), path, kind="manual", made_by="t", when=clock.now())


def test_an_older_backup_is_migrated_forward(demo_dir: Path, tmp_path: Path) -> None:
    from alembic import command

    from fupin_desktop.store.db import alembic_config, make_engine

    old = tmp_path / "old"
    old.mkdir()
    shutil.copy(demo_dir / DB_FILE, old / DB_FILE)
    shutil.copytree(demo_dir / "seal", old / "seal")
    engine = make_engine(f"sqlite:///{old / DB_FILE}")
    command.downgrade(alembic_config(engine), "0004")
    engine.dispose()
    path = tmp_path / "old.fupinbak"
    backup_archive.write_backup(old, backup_archive.sqlite_snapshot(old / DB_FILE), path, kind="manual", made_by="admin", when=clock.now())
    assert backup.inspect_backup(path).schema_revision == "0004"

    result = backup.restore(path, tmp_path / "new", username="admin", password="demo")
    assert (result.schema_before, result.schema_after) == ("0004", head_revision())
    ctx = open_ctx(tmp_path / "new", "admin")
    try:
        assert audit_log.verify(ctx.db) == [] and inspections.check_attachments(ctx) == []
    finally:
        ctx.db.dispose()


def test_a_backup_from_a_newer_program_is_refused(made, tmp_path: Path) -> None:
    manifest = json.loads(zipfile.ZipFile(made.path).read("manifest.json"))
    manifest["schema_revision"] = "9999"
    rewrite_manifest(made.path, manifest)
    with pytest.raises(KnownError, match="更新版本"):
        backup.restore(made.path, tmp_path / "r", username="admin", password="demo")


def test_a_failed_write_leaves_no_file(admin, tmp_path: Path, monkeypatch) -> None:
    calls = []

    def failing(*args, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(*args, **kw)

    real = backup_archive._add_file
    monkeypatch.setattr(backup_archive, "_add_file", failing)
    (tmp_path / "usb").mkdir()
    with pytest.raises(KnownError, match="无法写入备份"):
        backup.make_backup(admin, tmp_path / "usb")
    assert list((tmp_path / "usb").iterdir()) == []
    assert backup.last_good_backup(admin) is None


def test_a_backup_inside_the_data_folder_or_over_a_file_is_refused(admin, tmp_path: Path) -> None:
    with pytest.raises(KnownError, match="数据文件夹"):
        backup.make_backup(admin, admin.data_dir)
    taken = tmp_path / "x.fupinbak"
    taken.write_bytes(b"keep")
    with pytest.raises(KnownError, match="已经存在"):
        backup.make_backup(admin, taken)
    assert taken.read_bytes() == b"keep"


def test_backup_sqlite_never_leaves_a_partial_copy_under_a_good_name(demo_dir: Path) -> None:
    copy = backup_sqlite(demo_dir / DB_FILE, "manual")
    assert copy.name.endswith(".bak.sqlite3") and not list(demo_dir.glob(".*"))
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert backup_sqlite(demo_dir / DB_FILE, "manual") != copy  # the same second: another name, never over


def test_automatic_backups_once_a_day_keeping_the_newest(admin, tmp_path: Path, monkeypatch) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    assert backup.run_automatic_backup(admin) is None  # no folder chosen: nothing
    assert backup.automatic_settings(admin).keep == 30
    backup.set_automatic(admin, usb, keep=3)
    (usb / "说明.txt").write_text("别的文件", encoding="utf-8")
    manual = backup.make_backup(admin, usb).path
    first = backup.run_automatic_backup(admin)
    assert first is not None and first.parent == usb.resolve() and "自动备份" in first.name
    assert backup.run_automatic_backup(admin) is None  # once a day
    made = [first]
    start = clock.today()
    from datetime import timedelta

    for days in range(1, 5):
        monkeypatch.setenv("FUPIN_TODAY", (start + timedelta(days=days)).isoformat())
        path = backup.run_automatic_backup(admin)
        assert path is not None
        made.append(path)
        assert backup.last_good_backup(admin).date() == clock.today()  # type: ignore[union-attr]
    automatic = sorted(p for p in usb.iterdir() if "自动备份" in p.name)
    assert automatic == sorted(made[-3:])
    for path in automatic:
        assert backup.inspect_backup(path).kind == "automatic"
    assert manual.exists() and (usb / "说明.txt").exists()  # only automatic backups of this bureau are pruned
    shutil.rmtree(usb)
    monkeypatch.setenv("FUPIN_TODAY", (start + timedelta(days=9)).isoformat())
    with pytest.raises(KnownError, match="找不到"):
        backup.run_automatic_backup(admin)


def test_backup_status_for_the_home_page(admin, tmp_path: Path) -> None:
    from datetime import timedelta

    status = backup.backup_status(admin)
    assert (status.last, status.text, status.warning) == (None, "尚未备份", "尚未备份")
    made = backup.make_backup(admin, tmp_path)
    status = backup.backup_status(admin)
    assert status.text == f"上次备份：{made.info.created:%Y-%m-%d %H:%M}" and status.warning is None
    assert backup.backup_status(admin, clock.today() + timedelta(days=6)).warning is None
    assert backup.backup_status(admin, clock.today() + timedelta(days=8)).warning == "已 8 天没有备份"


def test_a_backup_larger_than_the_free_space_is_refused_before_reading(made, tmp_path: Path, monkeypatch) -> None:
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda _p: usage(10**6, 10**6 - 1000, 1000))
    monkeypatch.setattr(backup, "verify_archive", lambda _p: pytest.fail("hashed before the space check"))
    with pytest.raises(KnownError, match="只剩"):
        backup.restore(made.path, tmp_path / "r", username="admin", password="demo")
    assert not (tmp_path / "r").exists()


def test_the_password_check_of_a_large_database_reads_a_temporary_copy(made, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(backup, "MAX_DB_IN_MEMORY", 0)
    with pytest.raises(AuthError):
        backup.restore(made.path, tmp_path / "r", username="admin", password="wrong")
    assert backup.restore(made.path, tmp_path / "r", username="admin", password="demo").schema_after
