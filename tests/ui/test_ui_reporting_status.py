"""下级报送情况 on a city's or province's 首页 (issue 15), from the window: the admin marks a unit
不适用 with a reason and takes the mark back; a clerk only looks; a province switches between its
cities and all its counties; the 首页 keeps its buttons on a 1024 × 768 screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from monthly_helpers import close_boxes
from PySide6.QtWidgets import QAbstractButton, QApplication
from ui_helpers import put_chinese

from fupin_desktop.services import expected_units
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.setup import initialize
from fupin_desktop.services.users import create_user, login
from fupin_desktop.store.db import Database
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.sealed.exempt_dialog import ExemptDialog
from fupin_desktop.ui.sealed.reporting_status_box import ReportingStatusBox

DEHUA = "350526"  # 德化县, one of 泉州's twelve county-level units
REASON = "德化县民政局机构改革，本月由市局代报"


def _bureau(tmp_path: Path, pg_server, name: str, division: str) -> Iterator[ServiceContext]:  # type: ignore[no-untyped-def]
    from pg_server import own_database

    folder = tmp_path / division
    own_database(pg_server, folder)
    db = Database.open(folder)
    initialize(db, bureau=name, division=division, admin="admin", password="demo")
    yield ServiceContext(db, Forms(), login(db, "admin", "demo"), folder)
    db.dispose()


@pytest.fixture
def city(tmp_path: Path, pg_server) -> Iterator[ServiceContext]:  # type: ignore[no-untyped-def]
    """泉州市民政局 with nothing but its administrator: every unit 无证书."""
    yield from _bureau(tmp_path, pg_server, "泉州市民政局", "350500")


@pytest.fixture
def province(tmp_path: Path, pg_server) -> Iterator[ServiceContext]:  # type: ignore[no-untyped-def]
    yield from _bureau(tmp_path, pg_server, "福建省民政厅", "350000")


@pytest.fixture(autouse=True)
def _no_boxes_left() -> Iterator[None]:
    yield
    close_boxes()


def box_for(qtbot, ctx: ServiceContext) -> ReportingStatusBox:  # type: ignore[no-untyped-def]
    box = ReportingStatusBox(ctx)
    qtbot.addWidget(box)
    box.resize(900, 500)
    box.show()
    return box


def row_of(box: ReportingStatusBox, division: str) -> int:
    return next(r for r in range(box.table.rowCount()) if box.table.item(r, 0).text() == division)


def cells(box: ReportingStatusBox, division: str) -> tuple[str, str, str]:
    """单位, 状态, 说明 of ``division``'s row, as shown."""
    r = row_of(box, division)
    return box.table.item(r, 1).text(), box.table.item(r, 2).text(), box.table.item(r, 6).text()


def open_mark_dialog(box: ReportingStatusBox, division: str) -> ExemptDialog:
    box.table.selectRow(row_of(box, division))
    assert box.exempt_button.isEnabled() and not box.unexempt_button.isEnabled()
    box.exempt_button.click()
    dialogs = [d for d in box.findChildren(ExemptDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def test_the_admin_marks_a_unit_not_applicable_and_takes_it_back(qtbot, city) -> None:  # type: ignore[no-untyped-def]
    box = box_for(qtbot, city)
    assert box.exempt_button.isVisible() and box.unexempt_button.isVisible()
    assert not box.level.isVisibleTo(box)  # a city has only its counties
    assert not box.exempt_button.isEnabled() and not box.unexempt_button.isEnabled()  # nothing selected
    assert box.table.rowCount() == 12 and box.counts.text() == "应报 12 个：无证书 12"
    assert cells(box, DEHUA) == ("德化县", "无证书", "")

    dialog = open_mark_dialog(box, DEHUA)
    assert "德化县（350526）" in dialog.intro.text()
    assert [dialog.scope.itemText(n) for n in range(dialog.scope.count())] == ["全部报表", "仅月报"]
    put_chinese(dialog.reason, REASON)
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert cells(box, DEHUA) == ("德化县", "不适用", REASON)
    assert box.counts.text() == "应报 12 个：无证书 11，不适用 1"
    assert row_of(box, DEHUA) == 11  # below the ones to chase, and still the one selected
    assert box.selected() is not None and box.selected().division == DEHUA
    assert not box.exempt_button.isEnabled() and box.unexempt_button.isEnabled()

    assert box.clear_selected()
    assert cells(box, DEHUA) == ("德化县", "无证书", "")
    assert box.counts.text() == "应报 12 个：无证书 12"
    assert close_boxes() == []  # nothing went wrong


def test_an_empty_reason_keeps_the_dialog_open_and_changes_nothing(qtbot, city) -> None:  # type: ignore[no-untyped-def]
    box = box_for(qtbot, city)
    dialog = open_mark_dialog(box, DEHUA)
    put_chinese(dialog.reason, "  ")
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert dialog.problem.isVisibleTo(dialog) and "原因" in dialog.problem.text()
    assert cells(box, DEHUA) == ("德化县", "无证书", "")
    assert box.counts.text() == "应报 12 个：无证书 12"
    dialog.reject()
    assert not dialog.isVisible() and cells(box, DEHUA)[1] == "无证书"


def test_a_mark_for_the_monthly_report_only_is_taken_back_too(qtbot, city) -> None:  # type: ignore[no-untyped-def]
    box = box_for(qtbot, city)
    dialog = open_mark_dialog(box, "350527")
    put_chinese(dialog.reason, "金门县暂不适用")
    dialog.scope.setCurrentIndex(dialog.scope.findText("仅月报"))
    dialog.ok_button.click()
    assert not dialog.isVisible() and cells(box, "350527") == ("金门县", "不适用", "金门县暂不适用")
    box.unexempt_button.click()  # no mark for every report: the 月报 one is taken back
    assert cells(box, "350527")[1] == "无证书" and close_boxes() == []


def test_a_unit_marked_twice_says_a_mark_remains(qtbot, city) -> None:  # type: ignore[no-untyped-def]
    expected_units.mark_exempt(city, DEHUA, "全部报表的原因")
    expected_units.mark_exempt(city, DEHUA, "月报的原因", "monthly")
    box = box_for(qtbot, city)
    box.table.selectRow(row_of(box, DEHUA))
    box.unexempt_button.click()
    assert cells(box, DEHUA) == ("德化县", "不适用", "月报的原因")
    assert "另有一项不适用标记" in box.message.text() and box.message.isVisibleTo(box)
    box.unexempt_button.click()
    assert cells(box, DEHUA)[1] == "无证书" and not box.message.isVisibleTo(box)


def test_an_error_of_the_service_is_shown_as_a_sentence(qtbot, city) -> None:  # type: ignore[no-untyped-def]
    box = box_for(qtbot, city)
    expected_units.mark_exempt(city, DEHUA, REASON)
    box.refresh()
    box.table.selectRow(row_of(box, DEHUA))
    expected_units.clear_exempt(city, DEHUA)  # someone else took it back meanwhile
    assert not box.clear_selected()
    assert close_boxes() == ["350526 没有标记为不适用。"]


def test_a_clerk_sees_the_units_but_not_the_buttons(qtbot, city) -> None:  # type: ignore[no-untyped-def]
    create_user(city, "li", "city-pass-1", "clerk", "李经办")
    clerk = city.as_user(login(city.db, "li", "city-pass-1"))
    expected_units.mark_exempt(city, DEHUA, REASON)
    box = box_for(qtbot, clerk)
    assert box.table.rowCount() == 12 and cells(box, DEHUA) == ("德化县", "不适用", REASON)
    assert not box.exempt_button.isVisibleTo(box) and not box.unexempt_button.isVisibleTo(box)
    box.table.selectRow(row_of(box, DEHUA))
    assert not box.unexempt_button.isEnabled()


def test_a_province_switches_from_its_cities_to_all_counties(qtbot, province) -> None:  # type: ignore[no-untyped-def]
    box = box_for(qtbot, province)
    assert box.level.isVisibleTo(box)
    assert [box.level.itemText(n) for n in range(box.level.count())] == ["地市（含省直管县）", "全部县（市、区）"]
    cities = {box.table.item(r, 0).text(): box.table.item(r, 1).text() for r in range(box.table.rowCount())}
    assert cities["350500"] == "泉州市" and all(code.endswith("00") for code in cities)
    box.level.setCurrentIndex(1)
    counties = {box.table.item(r, 0).text(): box.table.item(r, 1).text() for r in range(box.table.rowCount())}
    assert len(counties) > len(cities) and counties[DEHUA] == "德化县" and "350500" not in counties
    assert box.counts.text().startswith(f"应报 {len(counties)} 个")

    dialog = open_mark_dialog(box, DEHUA)  # a province may mark a county too
    put_chinese(dialog.reason, REASON)
    dialog.ok_button.click()
    assert not dialog.isVisible() and cells(box, DEHUA) == ("德化县", "不适用", REASON)
    box.level.setCurrentIndex(0)
    assert box.table.rowCount() == len(cities)


@pytest.mark.parametrize("bureau_fixture", ["city", "province"])
def test_the_home_page_fits_1024_by_768(qtbot, request, bureau_fixture: str) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(request.getfixturevalue(bureau_fixture))
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    page = window.show_page("首页")
    window.resize(1024, 768)
    QApplication.processEvents()
    assert (window.width(), window.height()) == (1024, 768)
    box = page.reporting
    assert isinstance(box, ReportingStatusBox)
    box.level.setCurrentIndex(box.level.count() - 1)  # a province's longest list and counts
    QApplication.processEvents()
    assert (window.width(), window.height()) == (1024, 768)
    for b in box.findChildren(QAbstractButton):
        if b.isVisibleTo(window) and b.width():
            right = b.mapTo(window, b.rect().bottomRight())
            assert b.mapTo(window, b.rect().topLeft()).x() >= 0 and right.x() <= window.width(), b.text()
