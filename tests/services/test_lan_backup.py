"""A bureau moves between one PC and the LAN with backup → restore: a server's backup is the same
file a PC writes (attachments included, no server address), and any backup restores into an
empty server database, all or nothing, with the audit chain, the sealed personal data and the
attachments verifying there."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from fupin_desktop.domain import clock
from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.domain.enums import AttachmentRole
from fupin_desktop.errors import KnownError
from fupin_desktop.services import households, inspections, seal
from fupin_desktop.services.backup import make_backup, restore
from fupin_desktop.services.backup_archive import read_manifest
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.organizations import save_organization
from fupin_desktop.services.users import login
from fupin_desktop.store.audit import verify_chain
from fupin_desktop.store.db import Database, set_server_url
from fupin_desktop.store.folder import DB_FILE, SERVER_FILE
from fupin_desktop.store.models import AuditRecord, Household, Organization, Pairing

pytestmark = [pytest.mark.postgresql_only, pytest.mark.slow]


def _open(folder: Path, username: str = "admin") -> ServiceContext:
    db = Database.open(folder, create=False)
    return ServiceContext(db, Forms(), login(db, username, "demo"), folder)


def _facts(ctx: ServiceContext) -> dict[str, object]:
    """What must survive a move: counts, the audit chain, a sealed name read back, attachments."""
    with ctx.db.reading() as s:
        counts = tuple(s.scalar(select(func.count()).select_from(m)) for m in (Organization, Pairing, Household,
                                                                               AuditRecord))
        chain = verify_chain(s)
        first = s.scalar(select(Household.id).order_by(Household.id))
    return {"counts": counts, "chain": chain, "head": households.get_household(ctx, first).values["head_name"],
            "attachments": inspections.check_attachments(ctx)}


def test_server_to_pc_and_back_to_a_new_server(clerk, demo_dir: Path, tmp_path: Path, pg_server) -> None:
    year = clock.today().year
    org = inspections.checklist(clerk, year)[0]
    insp = inspections.save_inspection(clerk, org.organization_id, year, result="合格")
    scan = tmp_path / "工作报告.pdf"
    scan.write_bytes(b"%PDF-1.4\n% report\n%%EOF\n")
    link = inspections.add_attachment(clerk, insp.id, scan, AttachmentRole.WORK_REPORT)
    lan = _open(demo_dir)
    before = _facts(lan)
    assert before["chain"] == [] and before["attachments"] == []

    # The LAN's backup: the single PC's format, with the server's attachment, without its address.
    backups = tmp_path / "备份"
    backups.mkdir()
    from_server = make_backup(lan, backups).path
    parts = {p.name for p in read_manifest(from_server).parts}
    assert DB_FILE in parts and f"attachments/{link.sha256[:2]}/{link.sha256[2:4]}/{link.sha256}" in parts
    assert SERVER_FILE not in parts

    # … restored on one PC (a SQLite file) …
    pc = tmp_path / "单机"
    restore(from_server, pc, username="admin", password="demo")
    on_pc = _open(pc)
    assert (pc / DB_FILE).is_file() and not (pc / SERVER_FILE).exists()
    single = _facts(on_pc)
    assert single["counts"][:3] == before["counts"][:3] and single["head"] == before["head"]
    assert single["chain"] == [] and single["attachments"] == []
    with on_pc.db.reading() as s:
        assert s.scalar(select(AuditRecord.action).order_by(AuditRecord.seq.desc()).limit(1)) == "restore"
    assert seal.unlock_seal(on_pc.as_user(login(on_pc.db, "reviewer", "demo")), "demo").division == "350582"
    from_pc = make_backup(on_pc, backups).path
    on_pc.db.dispose()

    # … and from the PC into a new, empty server database: the bureau moves to the LAN.
    moved = tmp_path / "局域网"
    set_server_url(moved, pg_server.create("moved_here"))
    try:
        restore(from_pc, moved, username="admin", password="demo")
        there = _open(moved, "reviewer")
        after = _facts(there)
        assert after["chain"] == [] and after["attachments"] == [] and after["head"] == before["head"]
        assert after["counts"][:3] == before["counts"][:3]
        assert inspections.attachment_path(there, link.id).read_bytes() == scan.read_bytes()
        assert seal.unlock_seal(there, "demo").division == "350582"  # the seal moved with the bureau
        new = save_organization(there.as_user(login(there.db, "clerk", "demo")), {  # ids go on after the restored ones
            "name": "晋江市恢复后新增协会", "credit_code": make_credit_code("5", "1", "350582", "M1RDB001"),
            "kind": "social_group"})
        assert new.created

        # Over data already there: refused unless replaced, and then the old data is backed up first.
        with pytest.raises(KnownError, match="已有数据"):
            restore(from_pc, moved, username="admin", password="demo")
        replaced = restore(from_pc, moved, username="admin", password="demo", replace=True)
        assert replaced.safety_backup is not None and replaced.safety_backup.is_file()
        with there.db.reading() as s:
            assert s.scalar(select(func.count()).select_from(Organization)) == before["counts"][0]
            assert verify_chain(s) == []
        there.db.dispose()
    finally:
        pg_server.drop("moved_here")
    lan.db.dispose()
