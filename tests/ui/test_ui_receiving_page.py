"""接收 at a receiving city bureau: register the county's certificate after checking its
fingerprint, verify a good and a tampered package (chosen or dropped), receive, aggregate."""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pdfplumber
import pytest
from monthly_helpers import close_boxes
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from fupin_desktop.documents.seal_key import cert_fingerprint, create_seal_key, load_certificate
from fupin_desktop.domain import clock
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.periods import Period
from fupin_desktop.intake import verify_pool
from fupin_desktop.services import seal, submissions
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.receiving import certificate_fingerprint, receive, trust_add, trust_list
from fupin_desktop.services.setup import initialize
from fupin_desktop.services.summaries import summarize
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.sealed.receiving_page import (
    CURRENT,
    FAILED,
    PASS_COLOR,
    PASSED,
    RECEIVED_COLUMN,
    RESULT_COLUMN,
    ReceivingPage,
)
from fupin_desktop.ui.sealed.trust_panel import CHECKED_TEXT

APPROVED_MONTH = Period.of_date(clock.today()).previous().previous()


@pytest.fixture
def city(tmp_path: Path) -> Iterator[ServiceContext]:
    """A receiving bureau (泉州市民政局) with nothing but its administrator."""
    folder = tmp_path / "city"
    db = Database.open(folder)
    initialize(db, bureau="泉州市民政局", division="350500", admin="admin", password="demo")
    yield ServiceContext(db, Forms(), login(db, "admin", "demo"), folder)
    db.dispose()


@pytest.fixture(scope="module")
def stick(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Path:
    """The demo county's certificate and its sealed report on a USB stick, plus a tampered copy.
    Sealed once per module from a copy of its own; the tests only read the stick."""
    county = tmp_path_factory.mktemp("county") / "data"
    shutil.copytree(demo_template, county)
    db = Database.open(county, create=False)
    reviewer_ctx = ServiceContext(db, Forms(), login(db, "reviewer", "demo"), county)
    folder = tmp_path_factory.mktemp("usb")
    seal.export_certificate(reviewer_ctx, folder / "晋江市民政局印章证书.pem")
    _view, path = submissions.submit(reviewer_ctx, "monthly", APPROVED_MONTH, folder, "demo")
    db.dispose()
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    data = bytearray(files["report.xlsx"])
    data[len(data) // 2] ^= 0x01
    files["report.xlsx"] = bytes(data)
    with zipfile.ZipFile(folder / "tampered.zip", "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return folder


def trust_county(city: ServiceContext, stick: Path) -> None:
    pem = stick / "晋江市民政局印章证书.pem"
    trust_add(city, pem, "350582", confirmed_fingerprint=certificate_fingerprint(pem)[0])


@pytest.fixture
def received(city: ServiceContext, stick: Path) -> ServiceContext:
    """The city with the county's certificate registered and its package received."""
    trust_county(city, stick)
    assert [r.accepted for r in receive(city, [package(stick)])] == [True]
    return city


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
    close_boxes()


def package(stick: Path) -> Path:
    return next(p for p in stick.glob("350582_*.zip"))


def wait_for(qtbot, job) -> None:  # type: ignore[no-untyped-def]
    assert job is not None
    qtbot.waitUntil(lambda: job.finished, timeout=60_000)


def test_the_certificate_is_registered_only_with_its_fingerprint_confirmed(qtbot, page, stick) -> None:
    pem = stick / "晋江市民政局印章证书.pem"
    dialog = page.trust.register_certificate(pem)
    assert dialog is not None and dialog.isVisible()
    assert dialog.division.text() == "350582" and dialog.division.isReadOnly()
    assert not dialog.ok_button.isEnabled()  # neither typed nor ticked
    qtbot.keyClicks(dialog.typed, "ABCD 1234")
    dialog.ok_button.click()
    assert any("不一致" in t for t in close_boxes())
    assert dialog.isVisible() and trust_list(page.ctx) == []
    dialog.typed.clear()
    assert dialog.checked.text() == CHECKED_TEXT and not dialog.ok_button.isEnabled()
    dialog.checked.setChecked(True)
    assert dialog.confirmed() == dialog.fingerprint
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert any("已登记" in t for t in close_boxes())
    assert [(e.division, e.bureau) for e in trust_list(page.ctx)] == [("350582", "晋江市民政局")]
    assert page.trust.table.rowCount() == 1 and page.trust.table.item(0, 4).text() == "在用"


def test_a_good_and_a_tampered_package_are_verified_and_explained(qtbot, page, stick) -> None:
    trust_county(page.ctx, stick)
    wait_for(qtbot, page.packages.add_paths([package(stick), stick / "tampered.zip"]))
    table = page.packages.table
    assert table.rowCount() == 2
    assert [table.item(r, RESULT_COLUMN).text() for r in range(2)] == [PASSED, FAILED]
    assert table.item(0, RESULT_COLUMN).foreground().color().name() == PASS_COLOR
    assert [table.item(0, c).text() for c in range(1, 6)] == ["晋江市民政局", "350582", "月报", APPROVED_MONTH.label_zh,
                                                              "第 1 版"]
    table.selectRow(1)
    detail = page.packages.detail.toPlainText()
    assert "验证未通过" in detail and "report.xlsx" in detail
    table.selectRow(0)
    assert "验证通过" in page.packages.detail.toPlainText()
    assert page.packages.receive_button.isEnabled()

    results = page.packages.receive_passed()
    assert [(r.file, r.accepted) for r in results] == [(package(stick).name, True)]
    assert table.item(0, RECEIVED_COLUMN).text() == "已接收。" and table.item(1, RECEIVED_COLUMN).text() == ""
    assert any(package(stick).name in t and "已接收" in t for t in close_boxes())
    assert not page.packages.receive_button.isEnabled()  # nothing passed is waiting

    wait_for(qtbot, page.packages.add_paths([package(stick)]))  # listed again: replaced, not added
    assert table.rowCount() == 2
    assert page.packages.receive_passed()[0].message == "这个报送包已经接收过。"


def test_a_page_opened_later_lists_the_packages_received_before(qtbot, received, stick) -> None:
    city = received
    page = ReceivingPage(city)  # a new session: the verification list is empty, the received ones are not
    qtbot.addWidget(page)
    assert page.packages.table.rowCount() == 0
    table = page.packages.history.table
    assert table.rowCount() == 1
    assert [table.item(0, c).text() for c in (0, 1, 2, 3, 4, 6)] == [
        "晋江市民政局", "350582", "月报", APPROVED_MONTH.label_zh, "第 1 版", city.user.display_name]
    assert table.item(0, 7).text() == CURRENT and package(stick).name in table.item(0, 0).toolTip()
    signed, received_at = table.item(0, 8).text(), table.item(0, 5).text()  # the package's claim beside our own clock
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", signed) and signed[:10] == received_at[:10]


def test_a_package_dropped_on_the_main_window_goes_to_the_receiving_page(qtbot, city, stick) -> None:
    window = MainWindow(city)
    qtbot.addWidget(window)
    window.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(stick / "tampered.zip")), QUrl.fromLocalFile(str(stick / "notes.txt"))])
    event = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    page = window.pages["接收"]
    assert isinstance(page, ReceivingPage) and window.stack.currentWidget() is page
    wait_for(qtbot, page.packages.job)
    assert page.packages.table.rowCount() == 1 and page.packages.items[0][1].ok is False
    QApplication.processEvents()


def test_aggregate_shows_the_counties_and_who_has_not_sent(qtbot, received, reviewer_ctx, tmp_path) -> None:
    city = received
    page = ReceivingPage(city)
    qtbot.addWidget(page)
    absent = create_seal_key("南安市民政局", "350583", "某人", "secret-passphrase")
    (tmp_path / "nanan.pem").write_bytes(absent.cert_pem)
    trust_add(city, tmp_path / "nanan.pem", "350583",
              confirmed_fingerprint=cert_fingerprint(load_certificate(absent.cert_pem)))
    panel = page.aggregate
    opened: list[QUrl] = []
    panel.open_url = opened.append
    panel.picker.set_choice("monthly", APPROVED_MONTH)
    wait_for(qtbot, panel.run_to(tmp_path / "out"))
    assert panel.result is not None and panel.result.pdf.exists() and panel.result.xlsx.exists()
    table = panel.table
    funds = summarize(reviewer_ctx, APPROVED_MONTH, "township").total.figures["funds_fen"]
    assert [table.item(0, c).text() for c in range(4)] == ["350582", "晋江市民政局", "第 1 版", format_wan(funds)]
    assert table.item(1, 1).text() == "合计"
    # Every other unit of 泉州 in the division table, in code order: 鲤城区 first, without a certificate.
    missing = {table.item(r, 1).text(): table.item(r, 2).text() for r in range(2, table.rowCount())}
    assert len(missing) == 11 and missing["南安市民政局"] == "未报" and missing["鲤城区"] == "无证书"
    assert table.item(2, 1).text() == "鲤城区" and table.item(2, 1).foreground().color().name() == "#c62828"
    assert "南安市民政局（350583，未报）" in panel.missing.text() and panel.missing.isVisibleTo(panel)
    panel.open_folder_button.click()
    assert opened == [QUrl.fromLocalFile(str(tmp_path / "out"))]


def test_the_admin_retires_a_certificate_from_a_date(qtbot, city, tmp_path) -> None:
    absent = create_seal_key("南安市民政局", "350583", "某人", "secret-passphrase")
    (tmp_path / "nanan.pem").write_bytes(absent.cert_pem)
    trust_add(city, tmp_path / "nanan.pem", "350583",
              confirmed_fingerprint=cert_fingerprint(load_certificate(absent.cert_pem)))
    page = ReceivingPage(city)
    qtbot.addWidget(page)
    trust = page.trust
    row = next(r for r in range(trust.table.rowCount()) if trust.table.item(r, 1).text() == "南安市民政局")
    trust.table.selectRow(row)
    dialog = trust.retire_selected()
    assert dialog is not None
    day = clock.today() + timedelta(days=3)
    dialog.day.edit.clear()
    qtbot.keyClicks(dialog.day.edit, f"{day.year}.{day.month}.{day.day}")
    dialog.accept()
    assert trust.table.item(row, 4).text() == f"将自 {day} 起停用"
    assert next(e for e in trust_list(page.ctx) if e.division == "350583").retired_from == day


def test_a_clerk_sees_the_trust_list_but_manages_nothing(qtbot, clerk_ctx) -> None:
    page = ReceivingPage(clerk_ctx)
    qtbot.addWidget(page)
    assert not page.trust.add_button.isVisibleTo(page.trust) and not page.trust.retire_button.isVisibleTo(page.trust)
    assert "管理员" in page.trust.note.text()
    assert page.packages.choose_button.isEnabled()


def test_the_city_home_page_lists_every_unit_it_expects(qtbot, received) -> None:  # type: ignore[no-untyped-def]
    from fupin_desktop.ui.home_page import HomePage

    page = HomePage(received)
    qtbot.addWidget(page)
    box = page.reporting
    assert box is not None
    box.period.setCurrentIndex(box.period.findData(str(APPROVED_MONTH)))
    table = box.table
    shown = {table.item(r, 1).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert len(shown) == 12 and shown["晋江市民政局"] == "已收" and shown["鲤城区"] == "无证书"
    assert table.item(table.rowCount() - 1, 1).text() == "晋江市民政局"  # the ones to chase come first
    assert "应报 12 个：已收 1，无证书 11" in box.counts.text()


def test_a_county_row_of_the_aggregate_opens_its_package_and_sealed_pdf(qtbot, received, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fupin_desktop.ui.sealed.package_detail_dialog import PackageDetailDialog

    page = ReceivingPage(received)
    qtbot.addWidget(page)
    panel = page.aggregate
    opened: list[QUrl] = []
    panel.open_url = opened.append
    panel.picker.set_choice("monthly", APPROVED_MONTH)
    wait_for(qtbot, panel.run_to(tmp_path / "out"))
    dialog = panel.open_county(0)
    assert isinstance(dialog, PackageDetailDialog)
    assert dialog.table.rowCount() > 10 and dialog.table.horizontalHeaderItem(0).text() == "镇（街道）"
    pdf = dialog.open_pdf()
    assert pdf is not None and opened[-1] == QUrl.fromLocalFile(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF") and b"/ByteRange" in pdf.read_bytes()  # the sealed one
    assert panel.open_county(1) is None  # the 合计 row has no package

    # …and on to the page of one row in the sealed PDF itself, shown in the window, the row marked.
    assert not dialog.row_button.isEnabled()
    dialog.table.selectRow(14)
    row = dialog.rows[14]
    pages = dialog.show_row_in_pdf()
    assert pages is not None and pages.place is not None and "标出" in pages.where.text()
    with pdfplumber.open(io.BytesIO(pdf.read_bytes())) as sealed:
        text = sealed.pages[pages.page].extract_text().replace(" ", "")
    assert pages.page > 0 and str(row["village"])[:4] in text and str(row["seq"]) in text  # the letter is page 1
    assert pages.picture.pixmap().width() > 1000
    pages.next_button.click()
    assert pages.page == min(pages.place.page + 1, len(pages.view) - 1) and "标出" not in pages.where.text()
    pages.accept()


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: packages are verified in the window's process")
def test_a_stick_of_many_packages_is_verified_by_workers_from_the_window(qtbot, page, stick, tmp_path,
                                                                          monkeypatch) -> None:
    trust_county(page.ctx, stick)
    copies = []
    for n in range(verify_pool.POOL_FROM + 1):  # the same package under other names: one is received
        copies.append(tmp_path / f"copy{n}.zip")
        shutil.copy(package(stick), copies[-1])
    wait_for(qtbot, page.packages.add_paths(copies))
    started: list[int] = []
    real = verify_pool._executor
    monkeypatch.setattr(verify_pool, "_executor", lambda n: started.append(n) or real(n))
    results = page.packages.receive_passed()
    assert started  # verified by the worker processes, started from the window's job thread
    assert [(r.file, r.accepted) for r in results] == [(p.name, p == copies[0]) for p in copies]
    assert page.packages.table.item(1, RECEIVED_COLUMN).text() == "这个报送包已经接收过。"
    close_boxes()
