"""The first start on an empty folder: the wizard sets up a working bureau (division picked by
search, admin, reviewer with a seal, 机关代字, automatic backup folder), says what is wrong next
to the field and creates nothing then, restores a backup, or opens the demo county."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWizard
from ui_helpers import put_chinese

from fupin_desktop.services import backup
from fupin_desktop.services.backup import automatic_settings
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.seal import current_seal
from fupin_desktop.services.settings import AGENCY_CODE, bureau, get_setting
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database
from fupin_desktop.store.folder import DB_FILE
from fupin_desktop.ui.admin.backup_panel import RestoreDialog
from fupin_desktop.ui.admin.first_run_wizard import DEMO, NEW, RESTORE, FirstRunWizard

pytestmark = pytest.mark.gui


def answer_restore_dialog(backup_file: Path, password: str, seen: list[str]) -> None:
    """Soon: fill the wizard's modal 从备份恢复 dialog and press 恢复."""
    def fill(tries: int = 250) -> None:  # gives up after 5 s: never fills a later test's dialog
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, RestoreDialog):
            if tries:
                QTimer.singleShot(20, lambda: fill(tries - 1))
            return
        seen.append(dialog.windowTitle())
        assert dialog.set_file(backup_file)
        dialog.password.setText(password)
        dialog.ok.click()

    QTimer.singleShot(0, fill)


def _wizard(qtbot, folder: Path) -> FirstRunWizard:  # type: ignore[no-untyped-def]
    wizard = FirstRunWizard(folder, "扶贫")
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _choose(wizard: FirstRunWizard, choice: str) -> None:
    next(b for b in wizard.start.choices.buttons() if b.property("choice") == choice).click()
    wizard.next()


def test_the_wizard_sets_up_a_working_bureau(qtbot, tmp_path: Path) -> None:
    data, usb = tmp_path / "数据", tmp_path / "U盘"
    usb.mkdir()
    wizard = _wizard(qtbot, data)
    _choose(wizard, NEW)
    assert wizard.currentPage() is wizard.bureau
    page = wizard.bureau
    qtbot.keyClicks(page.search, "350582")
    assert page.found.count() == 1 and "福建省泉州市晋江市" in page.found.item(0).text()
    page.found.setCurrentRow(0)
    assert (page.division.text(), page.name.text()) == ("350582", "晋江市民政局")  # the usual name, editable
    put_chinese(page.agency, "晋民")
    wizard.next()
    users = wizard.users
    assert wizard.currentPage() is users
    qtbot.keyClicks(users.password, "admin-pass")
    qtbot.keyClicks(users.again, "admin-pass")
    qtbot.keyClicks(users.reviewer, "chenzm")
    put_chinese(users.reviewer_name, "陈志明")
    qtbot.keyClicks(users.reviewer_password, "review-pass")
    qtbot.keyClicks(users.seal, "seal-passphrase-1")
    wizard.next()
    put_chinese(wizard.backup.folder, str(usb))
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == FirstRunWizard.DialogCode.Accepted and wizard.choice == NEW

    db = Database.open(data, create=False)
    try:
        assert bureau(db).name == "晋江市民政局" and bureau(db).division_code == "350582"
        assert get_setting(db, AGENCY_CODE) == "晋民"
        admin = ServiceContext(db, Forms(), login(db, "admin", "admin-pass"), data)
        reviewer = login(db, "chenzm", "review-pass")
        assert reviewer.role == "reviewer" and reviewer.display_name == "陈志明"
        assert current_seal(admin.as_user(reviewer)) is not None
        assert automatic_settings(admin).folder == usb.resolve()
        from fupin_desktop.services.places import list_townships
        assert len(list_townships(admin)) > 10  # the county's townships from the division table
    finally:
        db.dispose()


def test_a_wrong_field_is_named_beside_it_and_nothing_is_created(qtbot, tmp_path: Path) -> None:
    data = tmp_path / "数据"
    wizard = _wizard(qtbot, data)
    _choose(wizard, NEW)
    wizard.next()  # nothing picked
    assert wizard.currentPage() is wizard.bureau
    assert wizard.bureau.errors["division"].isVisibleTo(wizard) and "请搜索并选择" in wizard.bureau.errors["division"].text()
    put_chinese(wizard.bureau.search, "泉州")
    wizard.bureau.found.setCurrentRow(0)
    assert wizard.bureau.name.text() == "泉州市民政局"  # a city bureau
    wizard.next()
    qtbot.keyClicks(wizard.users.password, "abcd1")
    qtbot.keyClicks(wizard.users.again, "abcd2")
    wizard.next()
    assert wizard.currentPage() is wizard.users
    assert wizard.users.errors["admin_password_again"].text() == "两次输入的密码不一样。"
    wizard.users.again.clear()
    qtbot.keyClicks(wizard.users.again, "abcd1")
    qtbot.keyClicks(wizard.users.seal, "x" * 12)  # a seal with no reviewer to hold it
    wizard.next()
    assert "先填写审核人" in wizard.users.errors["seal_passphrase"].text()
    wizard.users.seal.clear()
    wizard.next()
    put_chinese(wizard.backup.folder, str(tmp_path / "没有这个文件夹"))
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.isVisible() and "不存在" in wizard.backup.errors["backup_folder"].text()
    assert not (data / DB_FILE).exists()


def test_the_wizard_restores_a_backup_into_the_empty_folder(qtbot, admin_ctx, tmp_path: Path) -> None:
    made = backup.make_backup(admin_ctx, tmp_path)
    target = tmp_path / "new-pc" / "data"
    wizard = _wizard(qtbot, target)
    seen: list[str] = []
    answer_restore_dialog(made.path, "demo", seen)
    _choose(wizard, RESTORE)
    assert seen == ["从备份恢复"]
    assert wizard.result() == FirstRunWizard.DialogCode.Accepted and wizard.choice == RESTORE
    assert (target / DB_FILE).exists()


def test_the_demo_choice_leaves_the_wizard_without_touching_the_folder(qtbot, tmp_path: Path) -> None:
    wizard = _wizard(qtbot, tmp_path / "数据")
    _choose(wizard, DEMO)
    assert wizard.result() == FirstRunWizard.DialogCode.Accepted and wizard.choice == DEMO
    assert not (tmp_path / "数据").exists()
