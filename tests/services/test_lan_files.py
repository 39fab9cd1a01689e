"""Files where every PC sees them: on a LAN server an attachment added through one PC's data
folder opens and verifies through another's, and ``fupin attachment check`` works from either."""

from __future__ import annotations

from pathlib import Path

import pytest

from fupin_desktop.cli import main
from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import AttachmentRole
from fupin_desktop.errors import KnownError
from fupin_desktop.services import inspections
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.users import login
from fupin_desktop.store.blobs import BlobCorrupted, relative_path
from fupin_desktop.store.db import Database, set_server_url
from fupin_desktop.store.folder import server_url
from fupin_desktop.store.models_annual import StoredContent

pytestmark = pytest.mark.postgresql_only


def test_an_attachment_added_on_one_pc_opens_and_verifies_on_another(clerk, demo_dir: Path, tmp_path: Path,
                                                                       capsys, monkeypatch) -> None:
    pc_b = tmp_path / "科员乙的电脑"  # a second PC: only the server's address in its data folder
    set_server_url(pc_b, server_url(demo_dir) or "")
    year = clock.today().year
    org = inspections.checklist(clerk, year)[0]
    insp = inspections.save_inspection(clerk, org.organization_id, year, result="合格")
    scan = tmp_path / "年度工作报告.pdf"
    scan.write_bytes(b"%PDF-1.4\n% 2026 work report of " + org.credit_code.encode() + b"\n%%EOF\n")
    link = inspections.add_attachment(clerk, insp.id, scan, AttachmentRole.WORK_REPORT)
    assert not (demo_dir / relative_path(link.sha256)).exists()  # on the server, not in PC A's folder

    db_b = Database.open(pc_b, create=False)
    other = ServiceContext(db_b, Forms(), login(db_b, "reviewer", "demo"), pc_b)
    try:
        opened = inspections.attachment_path(other, link.id)
        assert opened.read_bytes() == scan.read_bytes() and pc_b in opened.parents
        assert inspections.check_attachments(other) == []
        monkeypatch.setenv("FUPIN_PASSWORD", "demo")
        assert main(["--data-dir", str(pc_b), "attachment", "check"]) == 0
        assert "完好" in capsys.readouterr().out

        with other.db.transaction() as s:  # someone edits the bytes on the server
            stored = s.get(StoredContent, link.sha256)
            stored.content = stored.content.replace(b"2026", b"2025")
        with pytest.raises(BlobCorrupted, match="年度工作报告.pdf"):
            inspections.attachment_path(other, link.id)
        assert main(["--data-dir", str(pc_b), "attachment", "check"]) == 1
        assert "已被改动" in capsys.readouterr().out
    finally:
        other.db.dispose()


def test_the_seal_made_on_one_pc_seals_on_another(clerk, demo_dir: Path, tmp_path: Path) -> None:
    """The reviewer seals from whichever PC they sit at: the key (still passphrase-encrypted) and
    the bureau's seal image are in the server's database, not in the PC's folder."""
    from fupin_desktop.documents.seal_image import placeholder_seal_png
    from fupin_desktop.services import seal

    reviewer = clerk.as_user(login(clerk.db, "reviewer", "demo"))
    made = seal.init_seal(reviewer, "reviewer-passphrase-1")
    assert made.key_file is None and made.key_sha256 and not list((demo_dir / "seal").glob("*.p12"))
    scan = tmp_path / "公章.png"
    scan.write_bytes(placeholder_seal_png("晋江市民政局", size_px=300))
    seal.set_seal_image(clerk.as_user(login(clerk.db, "admin", "demo")), scan)

    pc_b = tmp_path / "审核人的另一台电脑"
    set_server_url(pc_b, server_url(demo_dir) or "")
    db_b = Database.open(pc_b, create=False)
    try:
        there = ServiceContext(db_b, Forms(), login(db_b, "reviewer", "demo"), pc_b)
        assert seal.unlock_seal(there, "reviewer-passphrase-1").division == "350582"
        image, placeholder = seal.seal_image(there)
        assert not placeholder and image == seal.seal_image(reviewer)[0]
        with pytest.raises(KnownError):
            seal.unlock_seal(there, "not-the-passphrase")
    finally:
        db_b.dispose()
