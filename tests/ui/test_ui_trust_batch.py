"""批量登记 on the 接收 page's trust panel (issue 15): a city saves the 证书登记表 template, fills in
its counties' fingerprints from their paper registers, chooses the sheet and the folder of
certificate files, and registers them all — or, with one fingerprint mistyped, none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from monthly_helpers import close_boxes
from PySide6.QtWidgets import QAbstractButton, QApplication

from fupin_desktop.documents.seal_key import cert_fingerprint, create_seal_key, load_certificate
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.receiving import trust_list
from fupin_desktop.services.setup import initialize
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database
from fupin_desktop.ui.common import file_dialogs
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.sealed.receiving_page import ReceivingPage
from fupin_desktop.ui.sealed.trust_batch_dialog import TrustBatchDialog

pytestmark = pytest.mark.gui

COUNTIES = {"350581": "石狮市民政局", "350582": "晋江市民政局", "350583": "南安市民政局"}
UNLISTED = ("350524", "安溪县民政局")  # its certificate is in the folder, but not in the sheet


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A folder of four counties' certificates (and a file that only looks like one), made once;
    the tests only read it. With each listed county's fingerprint as its paper register prints it."""
    folder = tmp_path_factory.mktemp("certs")
    fingerprints = {}
    for division, bureau in (*COUNTIES.items(), UNLISTED):
        key = create_seal_key(bureau, division, "某人", "secret-passphrase")
        (folder / f"{bureau}.pem").write_bytes(key.cert_pem)
        fingerprints[division] = cert_fingerprint(load_certificate(key.cert_pem))
    (folder / "损坏.pem").write_text("不是证书", encoding="utf-8")
    return folder, fingerprints


@pytest.fixture
def city(tmp_path: Path) -> Iterator[ServiceContext]:
    """A receiving bureau (泉州市民政局) with nothing but its administrator: this test's own database."""
    folder = tmp_path / "city"
    db = Database.open(folder)
    initialize(db, bureau="泉州市民政局", division="350500", admin="admin", password="demo")
    yield ServiceContext(db, Forms(), login(db, "admin", "demo"), folder)
    db.dispose()


@pytest.fixture
def page(qtbot, city) -> ReceivingPage:  # type: ignore[no-untyped-def]
    page = ReceivingPage(city)
    qtbot.addWidget(page)
    page.resize(1280, 700)
    page.show()
    return page


@pytest.fixture(autouse=True)
def _no_boxes_left() -> Iterator[None]:
    yield
    assert close_boxes() == []  # everything is said inside the dialog


def save_template(monkeypatch, dialog: TrustBatchDialog, path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(file_dialogs, "save_file", lambda *a, **k: path)
    dialog.template_button.click()


def choose(monkeypatch, dialog: TrustBatchDialog, sheet: Path, folder: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(file_dialogs, "open_file", lambda *a, **k: sheet)
    monkeypatch.setattr(file_dialogs, "choose_folder", lambda *a, **k: folder)
    dialog.sheet_button.click()
    assert not dialog.register_button.isEnabled()  # the folder is still to be chosen
    dialog.folder_button.click()
    assert dialog.sheet_label.text() == str(sheet) and dialog.folder_label.text() == str(folder)


def fill(sheet: Path, fingerprints: dict[str, str]) -> dict[str, int]:
    """The template's pre-filled rows of these divisions given their fingerprints; each one's row."""
    book = openpyxl.load_workbook(sheet)
    ws = book["证书登记"]
    assert [ws.cell(2, c).value for c in range(1, 4)] == ["区划代码", "单位名称", "证书指纹"]
    rows = {}
    for r in range(3, ws.max_row + 1):
        division = ws.cell(r, 1).value
        if division in fingerprints:
            ws.cell(r, 3).value = fingerprints[division]
            rows[division] = r
    assert rows.keys() == fingerprints.keys()
    book.save(sheet)
    return rows


def shot(dialog: TrustBatchDialog, path: Path) -> None:
    """The dialog at its own size, to look at (pytest --basetemp keeps it)."""
    dialog.resize(760, 600)
    assert dialog.grab().save(str(path))


def test_only_who_manages_trust_sees_batch_registration(qtbot, page, clerk_ctx) -> None:
    assert page.trust.batch_button.isVisibleTo(page.trust)
    clerk_page = ReceivingPage(clerk_ctx)
    qtbot.addWidget(clerk_page)
    assert not clerk_page.trust.batch_button.isVisibleTo(clerk_page.trust)


def test_the_trust_buttons_fit_an_old_1024_screen(qtbot, city) -> None:
    """test_ui_small_screen looks at each page's current tab only; this is the trust tab, four buttons wide."""
    window = MainWindow(city)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    page = window.show_page("接收")
    assert isinstance(page, ReceivingPage)
    page.setCurrentWidget(page.trust)
    window.resize(1024, 768)
    QApplication.processEvents()
    assert window.width() == 1024
    shown = [b for b in page.trust.findChildren(QAbstractButton) if b.isVisibleTo(window) and b.width() > 0]
    assert page.trust.batch_button in shown
    assert all(b.mapTo(window, b.rect().bottomRight()).x() <= window.width() for b in shown), \
        [(b.text(), b.mapTo(window, b.rect().bottomRight()).x()) for b in shown]
    assert all(b.width() >= b.sizeHint().width() for b in shown)  # no button's text cut: the note wraps instead


def test_the_template_is_saved_where_the_dialog_said(qtbot, monkeypatch, page, tmp_path) -> None:
    dialog = page.trust.register_batch()
    assert dialog.isVisible() and dialog.isModal()
    assert not dialog.register_button.isEnabled()
    target = tmp_path / "表格" / "登记表"  # typed without .xlsx
    target.parent.mkdir()
    save_template(monkeypatch, dialog, target)
    saved = target.with_name("登记表.xlsx")
    assert saved.is_file() and str(saved) in dialog.template_label.text()
    ws = openpyxl.load_workbook(saved)["证书登记"]
    assert (ws.cell(3, 1).value, ws.cell(3, 2).value) == ("350502", "鲤城区")  # 泉州's units, pre-filled


def test_a_sheet_of_three_counties_registers_them_all(qtbot, monkeypatch, page, tmp_path, certs) -> None:
    folder, fingerprints = certs
    dialog = page.trust.register_batch()
    sheet = tmp_path / "登记表.xlsx"
    save_template(monkeypatch, dialog, sheet)
    # Typed as people type from paper: lower case, colons for spaces, on one row.
    typed = {d: fingerprints[d] for d in COUNTIES}
    typed["350583"] = typed["350583"].lower().replace(" ", ":")
    fill(sheet, typed)
    choose(monkeypatch, dialog, sheet, folder)
    assert dialog.register_button.isEnabled()
    dialog.register_button.click()

    assert dialog.imported is not None and len(dialog.imported.registered) == 3
    assert "新登记 3 张证书" in dialog.outcome.text() and dialog.outcome.isVisibleTo(dialog)
    assert dialog.report.isVisibleTo(dialog) and not dialog.problems.isVisibleTo(dialog)
    report = dialog.report.toPlainText()
    for division, bureau in COUNTIES.items():
        assert f"{bureau}（{division}）\n  {fingerprints[division]}" in report
    assert f"{UNLISTED[1]}.pem" in report and "没有出现在登记表中" in report
    assert "损坏.pem" in report and "不是有效的证书" in report
    assert sorted(e.division for e in trust_list(page.ctx)) == sorted(COUNTIES)
    table = page.trust.table
    assert sorted(table.item(r, 0).text() for r in range(table.rowCount())) == sorted(COUNTIES)
    shot(dialog, tmp_path / "registered.png")

    # The same sheet again: nothing twice, and said so.
    dialog.register_button.click()
    assert "新登记 0 张证书" in dialog.outcome.text() and "早已登记" in dialog.report.toPlainText()
    assert table.rowCount() == 3


def test_a_mistyped_fingerprint_names_its_row_and_registers_nothing(qtbot, monkeypatch, page, tmp_path,
                                                                     certs) -> None:
    folder, fingerprints = certs
    dialog = page.trust.register_batch()
    sheet = tmp_path / "登记表.xlsx"
    save_template(monkeypatch, dialog, sheet)
    typed = {d: fingerprints[d] for d in COUNTIES}
    right = typed["350582"]
    typed["350582"] = right[:-1] + ("0" if right[-1] != "0" else "1")  # one digit misread from the paper
    rows = fill(sheet, typed)
    choose(monkeypatch, dialog, sheet, folder)
    dialog.register_button.click()

    assert dialog.imported is None and not dialog.report.isVisibleTo(dialog)
    assert "没有登记任何证书" in dialog.outcome.text()
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert len(problems) == 1 and dialog.problems.isVisibleTo(dialog)
    assert problems[0].startswith(f"第 {rows['350582']} 行 证书指纹：")
    assert "晋江市民政局.pem" in problems[0]  # the file of that division, to compare with the paper
    assert trust_list(page.ctx) == [] and page.trust.table.rowCount() == 0  # the right rows are not registered either
    shot(dialog, tmp_path / "refused.png")


def test_a_sheet_that_is_not_a_register_is_explained_in_the_dialog(qtbot, monkeypatch, page, tmp_path,
                                                                    certs) -> None:
    sheet = tmp_path / "别的表.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["姓名", "电话"])
    book.save(sheet)
    dialog = page.trust.register_batch()
    choose(monkeypatch, dialog, sheet, certs[0])
    dialog.register_button.click()
    assert "找不到表头" in dialog.outcome.text() and not dialog.problems.isVisibleTo(dialog)
    assert "Traceback" not in dialog.outcome.text() and page.trust.table.rowCount() == 0
