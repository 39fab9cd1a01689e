"""帮助 → 使用手册 (F1): the manual shipped in resources/manual, a page for every screen, opened on
the screen shown; its links, its contents list, its printing; and that it names only buttons
the program has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QWidget

from fupin_desktop.paths import manual_dir
from fupin_desktop.ui.admin.help_viewer import OVERVIEW, HelpViewer, manual_pages, page_for
from fupin_desktop.ui.main_window import PAGES, MainWindow

ROOT = Path(__file__).resolve().parents[2]
UI_SOURCES = ROOT / "fupin_desktop" / "ui"
LINK = re.compile(r"\]\(([^)\s]+)\)")
NAMED = re.compile(r"【([^】]+)】")  # a button, menu item, tab or check box, as the screen shows it


def _viewer(window: QWidget) -> HelpViewer | None:
    return window.findChild(HelpViewer)


def test_every_screen_has_its_page_in_the_shipped_manual() -> None:
    folder = manual_dir()
    assert folder.is_dir() and folder == ROOT / "resources" / "manual"  # the checkout's, found by paths.py
    pages = manual_pages()
    assert pages[0].title == OVERVIEW
    assert len({p.file for p in pages}) == len(pages) and all(re.fullmatch(r"[a-z0-9_-]+\.md", p.file) for p in pages)
    for title, _icon, _factory in PAGES:
        page = page_for(title, pages)
        assert page is not None and page.title == title, title
        text = (folder / page.file).read_text(encoding="utf-8")
        assert text.startswith(f"# {title}\n"), page.file  # the heading says which screen it is
    assert {p.file for p in pages} == {p.name for p in folder.glob("*.md")}  # no page left out of the contents


def test_the_manual_links_only_to_its_own_pages_and_names_only_buttons_that_exist() -> None:
    folder = manual_dir()
    ui_text = "\n".join(p.read_text(encoding="utf-8") for p in UI_SOURCES.rglob("*.py"))
    files = {p.file for p in manual_pages()}
    for page in folder.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for target in LINK.findall(text):
            assert target in files, f"{page.name}: link to {target}"
        for name in NAMED.findall(text):
            assert f'"{name}"' in ui_text or f"'{name}'" in ui_text, f"{page.name}: 【{name}】 is not on any screen"


def test_the_help_menu_offers_the_manual_on_f1_and_keeps_about(qtbot, reviewer_ctx) -> None:
    window = MainWindow(reviewer_ctx)
    qtbot.addWidget(window)
    actions = window.actions_by_text
    assert actions["使用手册"].shortcut().toString() == "F1"
    assert "关于" in actions
    help_menu = window.menuBar().actions()[-1].menu()
    assert [a.text() for a in help_menu.actions() if not a.isSeparator()] == ["使用手册", "关于"]


def test_f1_on_monthly_statistics_opens_its_page_beside_the_window(qtbot, reviewer_ctx) -> None:
    window = MainWindow(reviewer_ctx)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # shortcuts (F1) go to the active window only
    qtbot.waitUntil(window.isActiveWindow)
    window.show_page("月度统计")
    assert _viewer(window) is None  # made at the first F1, not with the window
    qtbot.keyClick(window.stack.currentWidget(), Qt.Key.Key_F1)
    viewer = _viewer(window)
    assert viewer is not None and viewer.isVisible() and viewer.isWindow()
    assert not viewer.isModal() and viewer.windowModality() == Qt.WindowModality.NonModal
    assert viewer.heading() == "月度统计" and viewer.current_title() == "月度统计"
    assert viewer.browser.document().toPlainText().startswith("月度统计")
    assert "提交审核" in viewer.browser.document().toPlainText()
    assert viewer.contents.currentItem().text() == "月度统计"
    assert viewer.windowTitle() == "使用手册 — 月度统计"
    # The same window, on the next screen's page, from the menu as well.
    window.show_page("报送")
    window.actions_by_text["使用手册"].trigger()
    assert window.findChildren(HelpViewer) == [viewer]
    assert viewer.heading() == "报送" and viewer.contents.currentItem().text() == "报送"
    window.close()  # closing the program (or 切换用户) takes the manual with it
    assert not window.isVisible() and not viewer.isVisible()


def test_a_link_leads_to_the_other_page_and_back(qtbot) -> None:
    viewer = HelpViewer()
    qtbot.addWidget(viewer)
    viewer.resize(1000, 700)
    viewer.show()
    assert viewer.show_page("月度统计")
    document = viewer.browser.document()
    anchor = None
    block = document.begin()
    while block.isValid() and anchor is None:
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().isAnchor() and fragment.charFormat().anchorHref() == "roles.md":
                anchor = fragment
                break
            it += 1
        block = block.next()
    assert anchor is not None
    cursor = QTextCursor(document)
    cursor.setPosition(anchor.position() + 1)
    viewer.browser.setTextCursor(cursor)
    viewer.browser.ensureCursorVisible()
    qtbot.mouseClick(viewer.browser.viewport(), Qt.MouseButton.LeftButton,
                     pos=viewer.browser.cursorRect(cursor).center())
    qtbot.waitUntil(lambda: viewer.current_file() == "roles.md")
    assert viewer.heading() == "角色与权限" and viewer.contents.currentItem().text() == "角色与权限"
    assert viewer.back_button.isEnabled()
    viewer.back_button.click()
    assert viewer.current_file() == "monthly.md" and viewer.contents.currentItem().text() == "月度统计"
    assert viewer.forward_button.isEnabled()
    viewer.contents.setCurrentRow(len(viewer.pages) - 1)  # the contents list opens a page too
    assert viewer.current_file() == viewer.pages[-1].file


def test_a_screen_without_a_page_gets_the_overview_and_esc_closes(qtbot) -> None:
    viewer = HelpViewer()
    qtbot.addWidget(viewer)
    assert viewer.show_page("没有这一页")
    assert viewer.heading() == OVERVIEW
    viewer.show()
    viewer.activateWindow()
    qtbot.waitUntil(viewer.isActiveWindow)
    qtbot.keyClick(viewer.browser, Qt.Key.Key_Escape)
    assert not viewer.isVisible()


def test_file_names_in_the_fixed_font_fall_back_to_the_program_font(qtbot) -> None:
    viewer = HelpViewer()
    qtbot.addWidget(viewer)
    viewer.show_page("数据与备份")
    block, fixed = viewer.browser.document().begin(), []
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if it.fragment().charFormat().fontFixedPitch():
                fixed.append((it.fragment().text(), it.fragment().charFormat().fontFamilies()))
            it += 1
        block = block.next()
    assert any(text == "fupin.sqlite3" for text, _f in fixed)
    assert all(families[1:] == viewer.browser.font().families() for _t, families in fixed), fixed


def test_the_page_prints_to_pdf_and_the_print_dialogs_open(qtbot, tmp_path) -> None:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog

    viewer = HelpViewer()
    qtbot.addWidget(viewer)
    viewer.show_page("报送")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "报送.pdf"))
    viewer.print_to(printer)
    data = (tmp_path / "报送.pdf").read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    dialog = viewer.print_dialog()
    assert isinstance(dialog, QPrintDialog) and dialog.isVisible()
    assert dialog.windowModality() == Qt.WindowModality.WindowModal  # blocks the manual, not the program
    dialog.printer().setOutputFileName(str(tmp_path / "打印.pdf"))  # where 打印 (OK) puts it, here
    dialog.done(QPrintDialog.DialogCode.Accepted)
    assert (tmp_path / "打印.pdf").read_bytes().startswith(b"%PDF")
    preview = viewer.print_preview()
    assert isinstance(preview, QPrintPreviewDialog) and preview.isVisible()
    preview.reject()


@pytest.mark.parametrize("missing", ["index", "page"])
def test_a_missing_manual_says_so_instead_of_failing(qtbot, tmp_path, missing) -> None:
    if missing == "page":
        (tmp_path / "index.toml").write_text('[[page]]\ntitle = "月度统计"\nfile = "monthly.md"\n', encoding="utf-8")
    viewer = HelpViewer(folder=tmp_path)
    qtbot.addWidget(viewer)
    assert not viewer.show_page("月度统计")
    assert "没有找到" in viewer.browser.document().toPlainText()
