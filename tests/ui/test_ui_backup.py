"""系统 → 备份与恢复, the start screen's restore dialog, and the 首页's last-backup line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

from fupin_desktop.domain import clock
from fupin_desktop.services import backup
from fupin_desktop.services.organizations import list_organizations
from fupin_desktop.store.db import Database
from fupin_desktop.store.folder import DB_FILE
from fupin_desktop.ui.admin import backup_panel
from fupin_desktop.ui.admin.backup_panel import BackupPanel, RestoreDialog
from fupin_desktop.ui.admin.system_page import SystemPage
from fupin_desktop.ui.home_page import HomePage

pytestmark = pytest.mark.gui


def choose_folder(monkeypatch, folder: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder)))


def choose_file(monkeypatch, path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))


def test_only_the_admin_has_the_backup_tab(qtbot, admin_ctx, clerk_ctx) -> None:
    for ctx, expected in ((admin_ctx, True), (clerk_ctx, False)):
        page = SystemPage(ctx)
        qtbot.addWidget(page)
        tabs = [page.tabText(i) for i in range(page.count())]
        assert ("备份与恢复" in tabs) is expected


def test_the_admin_backs_up_into_a_chosen_folder_and_sets_automatic_backups(qtbot, admin_ctx, tmp_path,
                                                                           monkeypatch) -> None:
    page = SystemPage(admin_ctx)
    qtbot.addWidget(page)
    panel = page.backup
    assert panel is not None and panel.status.text() == "尚未备份"
    usb = tmp_path / "usb"
    usb.mkdir()
    choose_folder(monkeypatch, usb)
    result = panel.backup_now()
    assert result is not None and result.path.parent == usb
    assert [p.name for p in usb.iterdir()] == [result.path.name]
    assert str(result.path) in panel.message.text() and "已备份并逐项校验" in panel.message.text()
    assert panel.status.text() == f"上次备份：{result.info.created:%Y-%m-%d %H:%M}"

    panel.choose_auto_folder()
    panel.keep.setValue(7)
    assert panel.save_automatic()
    settings = backup.automatic_settings(admin_ctx)
    assert settings.folder == usb.resolve() and settings.keep == 7

    choose_folder(monkeypatch, admin_ctx.data_dir)  # inside the data folder: said, nothing written
    assert panel.backup_now() is None
    assert "数据文件夹" in panel.message.text() and not panel.message.isHidden()


def test_a_restore_from_the_panel_takes_effect_at_the_next_start(qtbot, admin_ctx, tmp_path, monkeypatch) -> None:
    made = backup.make_backup(admin_ctx, tmp_path)
    panel = BackupPanel(admin_ctx)
    qtbot.addWidget(panel)
    choose_file(monkeypatch, made.path)
    asked = []
    monkeypatch.setattr(backup_panel, "confirm", lambda parent, title, text, yes: asked.append(text) or True)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("demo", True)))
    with admin_ctx.db.transaction() as s:  # a change after the backup, to be undone by the restore
        from fupin_desktop.store.models import Organization

        s.query(Organization).filter(Organization.id == 1).update({"name": "备份之后改的名字"})
    with qtbot.waitSignal(panel.restart_required):
        result = panel.restore_from_file()
    assert result is not None and result.pending and "晋江市民政局" in asked[0]
    assert "重新打开" in panel.message.text() and not panel.restore_button.isEnabled()
    assert result.safety_backup is not None and result.safety_backup.exists()
    # Still the current data until the program starts again …
    assert "备份之后改的名字" in {o.values["name"] for o in list_organizations(admin_ctx)}
    admin_ctx.db.dispose()
    db = Database.open(admin_ctx.data_dir, create=False)  # … the next start puts the restore in place
    try:
        assert "备份之后改的名字" not in {o.values["name"] for o in list_organizations(admin_ctx.__class__(
            db, admin_ctx.forms, admin_ctx.user, admin_ctx.data_dir))}
    finally:
        db.dispose()
    assert not backup.pending_restore(admin_ctx.data_dir)


def test_the_start_screen_dialog_restores_into_an_empty_folder(qtbot, admin_ctx, tmp_path, monkeypatch) -> None:
    made = backup.make_backup(admin_ctx, tmp_path)
    target = tmp_path / "new-pc"
    dialog = RestoreDialog(target)
    qtbot.addWidget(dialog)
    junk = tmp_path / "junk.fupinbak"
    junk.write_bytes(b"not a backup")
    choose_file(monkeypatch, junk)
    dialog.choose_file()
    assert "不是备份文件" in dialog.error.text() and not dialog.ok.isEnabled()
    choose_file(monkeypatch, made.path)
    dialog.choose_file()
    assert dialog.ok.isEnabled() and "晋江市民政局" in dialog.info.text()
    qtbot.keyClicks(dialog.password, "wrong")
    assert not dialog.restore()
    assert "不正确" in dialog.error.text() and not target.exists()
    dialog.password.setText("demo")
    assert dialog.restore() and dialog.result() == RestoreDialog.DialogCode.Accepted
    assert (target / DB_FILE).exists() and dialog.result_ is not None


def test_the_home_page_shows_the_last_backup_and_warns_after_a_week(qtbot, admin_ctx, tmp_path) -> None:
    page = HomePage(admin_ctx)
    qtbot.addWidget(page)
    assert page.backup_warning.text() == "尚未备份"
    made = backup.make_backup(admin_ctx, tmp_path)
    page.show_backup_status()
    assert page.backup_status.text() == f"上次备份：{made.info.created:%Y-%m-%d %H:%M}"
    assert page.backup_warning.text() == ""
    later = HomePage(admin_ctx, today=lambda: clock.today() + timedelta(days=9))
    qtbot.addWidget(later)
    assert later.backup_warning.text() == "已 9 天没有备份"
