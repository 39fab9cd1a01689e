"""监督检查 (issue 14) through real widgets: a reviewer draws a sample, records a check whose
refusals show beside their fields, and sees it in the list and in the service; a clerk cannot
draw; the 查处线索 tab lists a planted fundraising case and marking it handled shows it handled;
the sheet as Excel and as a 公文 附件 PDF; the page's place in the navigation."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from monthly_helpers import close_boxes
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from sqlalchemy import select

from fupin_desktop.domain import clock
from fupin_desktop.services import enforcement, spotcheck
from fupin_desktop.services.enforcement import EnforcementKind
from fupin_desktop.store.models import Organization, Pairing
from fupin_desktop.ui.main_window import PAGES, MainWindow
from fupin_desktop.ui.supervision import spotcheck_tab
from fupin_desktop.ui.supervision.enforcement_tab import (
    HANDLED,
    HANDLED_COLUMN,
    NOT_HANDLED,
    NOTE_COLUMN,
    REASON_COLUMN,
    EnforcementTab,
)
from fupin_desktop.ui.supervision.spotcheck_tab import STATE_COLUMN, TRUTHFUL_COLUMN, SpotcheckTab
from fupin_desktop.ui.supervision.supervision_page import SupervisionPage

pytestmark = pytest.mark.gui

TODAY = clock.today()
YEAR = TODAY.year  # the demo pairings run from ~14 months ago to the end of next year
FINDING = "走访村委会和受助户，帮扶资金已到位，物资发放台账缺签字"


@pytest.fixture(autouse=True)
def _no_boxes_left() -> Iterator[None]:
    yield
    close_boxes()


def make_page(qtbot, ctx) -> SupervisionPage:  # type: ignore[no-untyped-def]
    page = SupervisionPage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, 650)
    page.show()
    return page


def spot_tab(qtbot, ctx) -> tuple[SupervisionPage, SpotcheckTab]:  # type: ignore[no-untyped-def]
    page = make_page(qtbot, ctx)  # held by the test: the tab goes with its page
    tab = page.show_tab("信息核对和抽查")
    assert isinstance(tab, SpotcheckTab)
    return page, tab


def row_texts(table, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [table.item(n, c).text() for c in range(table.columnCount())]


def plant_fundraising(ctx) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """An organization without 公开募捐资格 whose pairing in term plans a public 众筹; its id and name."""
    with ctx.db.transaction() as s:
        p = s.scalars(select(Pairing).join(Organization, Pairing.organization_id == Organization.id).where(
            Pairing.status == "active", Organization.status == "active", Pairing.term_end >= TODAY)
            .order_by(Pairing.id)).first()
        assert p is not None and p.projects
        p.projects[0].indicators = "通过腾讯公益平台众筹 10 万元建设村道路灯"
        org = s.get(Organization, p.organization_id)
        org.public_fundraising = None
        return org.id, org.name


# -- 信息核对和抽查 --------------------------------------------------------------------------------

def test_a_reviewer_draws_a_sample_and_records_a_check_that_shows_in_the_list(qtbot, reviewer_ctx) -> None:
    _page, tab = spot_tab(qtbot, reviewer_ctx)
    assert tab.year.value() == YEAR and tab.table.rowCount() == 0
    assert "还没有抽取抽查样本" in tab.info.text()
    assert tab.draw_button.isEnabled() and not tab.export_button.isEnabled() and not tab.print_button.isEnabled()

    draw = tab.open_draw()
    assert draw is not None and draw.isVisible()
    draw.sample_size.setValue(0)
    assert not draw.save() and draw.isVisible()  # refused beside the field, nothing drawn
    assert "应至少为 1" in draw.messages.text_of("size") and draw.messages.text_of("seed") == ""
    assert spotcheck.list_samples(reviewer_ctx, YEAR) == []
    draw.sample_size.setValue(12)
    draw.seed.clear()
    qtbot.keyClicks(draw.seed, "2026-11-18")
    assert draw.save() and not draw.isVisible()

    [stored] = spotcheck.list_samples(reviewer_ctx, YEAR)
    assert (stored.drawn, stored.seed, stored.created_by) == (12, "2026-11-18", "reviewer")
    assert tab.sample.count() == 1 and tab.sample.currentData() == stored.id
    assert tab.table.rowCount() == 12 and f"第 {stored.id} 号样本" in tab.info.text()
    assert tab.export_button.isEnabled() and tab.print_button.isEnabled()
    first = row_texts(tab.table, 0)
    assert first[0] == "1" and first[STATE_COLUMN] == spotcheck.STATE_UNCHECKED and first[5] == ""

    tab.table.selectRow(0)
    dialog = tab.open_selected()
    assert dialog is not None and dialog.isVisible() and dialog.save_button.isVisible()
    agreement = dialog.check.agreement_no
    assert agreement == first[2] and dialog.checked_on.text() == TODAY.isoformat()
    dialog.method.setCurrentIndex(dialog.method.findData("实地"))
    dialog.findings.setPlainText(FINDING)
    dialog.truthful_buttons[False].click()
    dialog.rectification.setPlainText("补齐物资发放签收表")
    qtbot.keyClicks(dialog.rectify_by.edit, (TODAY - timedelta(days=1)).strftime("%Y%m%d"))
    assert not dialog.save() and dialog.isVisible()  # before the check: refused under 整改期限
    assert "早于核查日期" in dialog.messages.text_of("rectify_by") and dialog.messages.text_of("method") == ""
    assert spotcheck.get_sample(reviewer_ctx, stored.id).checks[0].checked_on is None  # nothing stored
    dialog.rectify_by.edit.clear()
    qtbot.keyClicks(dialog.rectify_by.edit, "2026.12.18x")
    assert not dialog.save()
    assert dialog.messages.text_of("rectify_by")  # no date: said beside it, the text stays
    deadline = TODAY + timedelta(days=30)
    dialog.rectify_by.edit.clear()
    qtbot.keyClicks(dialog.rectify_by.edit, deadline.strftime("%Y%m%d"))
    assert dialog.save() and not dialog.isVisible()

    row = row_texts(tab.table, 0)
    assert row[2] == agreement and row[5] == TODAY.isoformat() and row[6] == "实地"
    assert row[TRUTHFUL_COLUMN] == "不属实" and row[8] == deadline.isoformat()
    assert row[STATE_COLUMN] == spotcheck.STATE_RECTIFYING
    assert tab.table.item(0, TRUTHFUL_COLUMN).foreground().color() == QColor("#c62828")
    assert tab.selected() is not None and tab.selected().agreement_no == agreement
    check = spotcheck.get_sample(reviewer_ctx, stored.id).checks[0]
    assert (check.agreement_no, check.method, check.findings, check.truthful) == (agreement, "实地", FINDING, False)
    assert (check.rectification, check.rectify_by, check.updated_by) == ("补齐物资发放签收表", deadline, "reviewer")
    assert "不属实 1 个" in tab.count.text()


def test_a_clerk_cannot_draw_and_sees_a_check_read_only(qtbot, clerk_ctx, reviewer_ctx) -> None:
    _page, tab = spot_tab(qtbot, clerk_ctx)
    assert not tab.draw_button.isEnabled() and "只有审核人可以抽取样本" in tab.draw_button.toolTip()
    assert tab.open_draw() is None
    assert "请审核人" in tab.info.text()
    view = spotcheck.draw(reviewer_ctx, YEAR, 5, "s")
    tab.refresh()
    assert tab.table.rowCount() == 5
    tab.table.selectRow(1)
    dialog = tab.open_selected()
    assert dialog is not None and not dialog.save_button.isVisible() and not dialog.method.isEnabled()
    assert dialog.findings.isReadOnly() and "只有审核人可以登记" in dialog.previous.text()
    assert not dialog.save()
    dialog.reject()
    assert spotcheck.get_sample(clerk_ctx, view.summary.id).checks[1].checked_on is None


def test_double_click_opens_the_check_and_a_second_sample_is_offered_first(qtbot, reviewer_ctx) -> None:
    spotcheck.draw(reviewer_ctx, YEAR, 4, "a")
    newer = spotcheck.draw(reviewer_ctx, YEAR, 6, "b")
    _page, tab = spot_tab(qtbot, reviewer_ctx)
    assert tab.sample.count() == 2 and tab.sample.currentData() == newer.summary.id and tab.table.rowCount() == 6
    tab.sample.setCurrentIndex(1)
    assert tab.table.rowCount() == 4
    rect = tab.table.visualRect(tab.table.model().index(2, 1))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = tab.findChild(spotcheck_tab.CheckDialog)
    assert dialog is not None and dialog.isVisible() and dialog.check.number == 3
    dialog.reject()


def test_the_sheet_as_excel_and_as_a_pdf_attachment(qtbot, reviewer_ctx, tmp_path: Path, monkeypatch) -> None:
    view = spotcheck.draw(reviewer_ctx, YEAR, 8, "20261118")
    first = view.checks[0]
    spotcheck.record(reviewer_ctx, view.summary.id, first.agreement_no, checked_on=TODAY, method="电话",
                     findings=FINDING, truthful=True)
    _page, tab = spot_tab(qtbot, reviewer_ctx)
    written = tab.export_workbook(tmp_path / "抽查.xlsx")
    assert written is not None and written.is_file()
    cells = [c for row in load_workbook(written).active.iter_rows(values_only=True) for c in row if c]
    assert first.agreement_no in cells and FINDING in cells
    assert any("已导出" in text or "抽查情况表已写到" in text for text in close_boxes())

    opened: list[Path] = []
    monkeypatch.setattr(spotcheck_tab, "open_file", lambda path: opened.append(path) or True)
    pdf = tab.print_pdf(tmp_path / "out" / "抽查.pdf")
    assert pdf is not None and pdf.is_file() and opened == [pdf]
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    # -raw: in the order drawn, so a cell's wrapped lines follow each other
    text = "".join(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert "附件" in text and f"{YEAR}年度结对帮扶信息核对和抽查情况表" in text
    assert first.agreement_no in text and FINDING in text


# -- 查处线索 -------------------------------------------------------------------------------------

def test_a_planted_fundraising_case_is_listed_and_marked_handled(qtbot, clerk_ctx) -> None:
    org_id, name = plant_fundraising(clerk_ctx)
    page = make_page(qtbot, clerk_ctx)
    tab = page.show_tab("查处线索")
    assert isinstance(tab, EnforcementTab) and tab.year.value() == YEAR
    tab.kind.setCurrentIndex(tab.kind.findData(EnforcementKind.FUNDRAISING.value))
    assert tab.kind.currentText() == "无公开募捐资格却向社会募集（1）"
    assert [c.organization_id for c in tab.shown] == [org_id]
    row = row_texts(tab.table, 0)
    assert row[0] == "无资格募捐" and row[1] == name and "腾讯公益" in row[REASON_COLUMN]
    assert row[HANDLED_COLUMN] == NOT_HANDLED
    assert not tab.mark_button.isEnabled()  # nothing selected yet

    tab.table.selectRow(0)
    assert tab.mark_button.isEnabled() and "腾讯公益" in tab.detail.toPlainText()
    assert "国开发〔2017〕12号" in tab.detail.toPlainText()
    dialog = tab.open_selected()
    assert dialog is not None and dialog.isVisible()
    assert not dialog.save() and "不能为空" in dialog.messages.text_of("note")  # beside the field
    assert not enforcement.cases(clerk_ctx, EnforcementKind.FUNDRAISING, YEAR)[0].handled
    dialog.note.setPlainText("已约谈负责人，责令停止众筹，改由有资格的基金会开展")
    assert dialog.save() and not dialog.isVisible()

    row = row_texts(tab.table, 0)
    assert row[HANDLED_COLUMN] == HANDLED and row[NOTE_COLUMN] == "已约谈负责人，责令停止众筹，改由有资格的基金会开展"
    assert tab.table.item(0, HANDLED_COLUMN).foreground().color() == QColor("#2e7d32")
    assert "处理情况（clerk" in tab.detail.toPlainText()
    [case] = enforcement.cases(clerk_ctx, EnforcementKind.FUNDRAISING, YEAR)
    assert case.handled and case.handled_by == "clerk" and case.note.startswith("已约谈负责人")
    tab.only_open.setChecked(True)
    assert tab.table.rowCount() == 0
    assert "无资格募捐 1 个（已处理 1）" in tab.count.text()

    target = tab.export_workbook(Path(clerk_ctx.data_dir) / "查处.xlsx")
    assert target is not None and load_workbook(target)["无资格募捐"]["B4"].value == name


# -- the page in the window -----------------------------------------------------------------------

def test_the_page_follows_annual_inspections_with_its_tabs_and_shortcut(qtbot, reviewer_ctx) -> None:
    titles = [t for t, _i, _f in PAGES]
    assert titles.index("监督检查") == titles.index("年检年报") + 1
    window = MainWindow(reviewer_ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("监督检查")
    assert isinstance(page, SupervisionPage)
    # (a third tab, the visits of notice 004, may follow them)
    assert [page.tabs.tabText(n) for n in range(page.tabs.count())][:2] == ["信息核对和抽查", "查处线索"]
    assert list(page.built) == ["信息核对和抽查"]  # the other tab is built when first shown
    actions = window.actions_by_text
    shortcuts = {t: actions[t].shortcut().toString() for t in titles}
    assert shortcuts["监督检查"] == "Ctrl+8" and shortcuts["系统"] == "Ctrl+0" and shortcuts["接收"] == ""
    assert len({s for s in shortcuts.values() if s}) == len([s for s in shortcuts.values() if s])  # none twice
    spotcheck.draw(reviewer_ctx, YEAR, 3, "x")
    window.show_page("首页")
    window.show_page("监督检查")  # shown again: read again
    assert page.built["信息核对和抽查"].table.rowCount() == 3  # type: ignore[attr-defined]

