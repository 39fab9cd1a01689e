"""The first-run wizard's 连接局域网数据库服务器: a server that holds the bureau opens; an empty one
is set up in the wizard's next pages; one that does not answer is said under the address field
and the folder stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard
from ui_helpers import put_chinese

from fupin_desktop.services.settings import bureau
from fupin_desktop.store.db import Database
from fupin_desktop.store.folder import SERVER_FILE, server_url
from fupin_desktop.ui.admin.first_run_wizard import SERVER, FirstRunWizard

pytestmark = [pytest.mark.gui, pytest.mark.postgresql_only]


def _to_server_page(qtbot, folder: Path, pg_server, database: str, port: int | None = None) -> FirstRunWizard:  # type: ignore[no-untyped-def]
    wizard = FirstRunWizard(folder, "扶贫")
    qtbot.addWidget(wizard)
    wizard.show()
    next(b for b in wizard.start.choices.buttons() if b.property("choice") == SERVER).click()
    wizard.next()
    assert wizard.currentPage() is wizard.server
    page = wizard.server
    page.host.setText(str(pg_server.root))  # this machine's socket folder (an IP address on a real LAN)
    page.port.setText(str(port or pg_server.port))
    page.database.setText(database)
    return wizard


def test_a_server_holding_the_bureau_opens_it(qtbot, demo_dir: Path, tmp_path: Path, pg_server) -> None:
    database = (server_url(demo_dir) or "").split("/")[-1].split("?")[0]
    pc = tmp_path / "新电脑"
    wizard = _to_server_page(qtbot, pc, pg_server, database)
    wizard.next()
    assert wizard.result() == FirstRunWizard.DialogCode.Accepted and wizard.choice == SERVER
    db = Database.open(pc, create=False)
    try:
        assert bureau(db).name == "晋江市民政局"
        from fupin_desktop.services.context import Forms, ServiceContext
        from fupin_desktop.services.users import login
        from fupin_desktop.ui.main_window import MainWindow

        window = MainWindow(ServiceContext(db, Forms(), login(db, "clerk", "demo"), pc))
        qtbot.addWidget(window)
        assert f"局域网数据库：{pg_server.root} / {database}" in window.folder_label.text()
    finally:
        db.dispose()


def test_an_empty_server_is_set_up_by_the_next_pages(qtbot, tmp_path: Path, pg_server) -> None:
    pg_server.create("empty_bureau")
    try:
        pc = tmp_path / "第一台电脑"
        wizard = _to_server_page(qtbot, pc, pg_server, "empty_bureau")
        wizard.next()
        assert wizard.currentPage() is wizard.bureau  # linked; nothing there yet
        put_chinese(wizard.bureau.search, "350582")
        wizard.bureau.found.setCurrentRow(0)
        wizard.next()
        qtbot.keyClicks(wizard.users.password, "admin-pass")
        qtbot.keyClicks(wizard.users.again, "admin-pass")
        wizard.next()
        wizard.button(QWizard.WizardButton.FinishButton).click()
        assert wizard.result() == FirstRunWizard.DialogCode.Accepted and wizard.choice == SERVER
        db = Database.open(pc, create=False)
        try:
            assert db.on_server and bureau(db).name == "晋江市民政局"
        finally:
            db.dispose()
    finally:
        pg_server.drop("empty_bureau")


def test_a_server_that_does_not_answer_is_said_and_the_folder_stays_as_it_was(qtbot, tmp_path: Path,
                                                                              pg_server) -> None:
    pc = tmp_path / "地址写错"
    wizard = _to_server_page(qtbot, pc, pg_server, "fupin", port=pg_server.port + 1)
    wizard.next()
    assert wizard.currentPage() is wizard.server
    assert "连不上数据库服务器" in wizard.server.errors["host"].text()
    assert not (pc / SERVER_FILE).exists()
