"""帮助 → 使用手册 (F1): the manual shipped in ``resources/manual`` in a window of its own.

The manual is Markdown, one file per screen plus a few general ones; ``index.toml`` lists them
in the order of the contents on the left, each under its title (a screen's title is its name in
the main window's navigation, so F1 finds the page of the screen shown). The text is shown by a
``QTextBrowser``, which follows the links between the files itself (后退 / 前进 as in a web
browser), in the program's own font. 打印… prints the page shown (打印预览… first, if wanted).

The window is not modal: the clerk reads it beside the screen it explains. There is one per
main window, a child of it (it closes with it); F1 again brings it to the front on the new page.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, QUrl
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.paths import manual_dir

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog

__all__ = ["INDEX_FILE", "OVERVIEW", "HelpViewer", "ManualPage", "manual_pages", "page_for", "show_help"]

log = logging.getLogger(__name__)

INDEX_FILE = "index.toml"
OVERVIEW = "开始使用"  # the page shown when the screen has none of its own
WINDOW_TITLE = "使用手册"


@dataclass(frozen=True)
class ManualPage:
    title: str  # in the contents; for a screen's page, the screen's name in the navigation
    file: str  # the Markdown file's name in the manual folder


def manual_pages(folder: Path | None = None) -> list[ManualPage]:
    """The manual's contents, in order, from ``index.toml`` (empty when the manual is missing)."""
    index = (folder or manual_dir()) / INDEX_FILE
    try:
        data = tomllib.loads(index.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        log.warning("使用手册目录 %s 读不出：%s", index, exc)
        return []
    return [ManualPage(str(entry["title"]), str(entry["file"])) for entry in data.get("page", [])]


def page_for(title: str, pages: list[ManualPage]) -> ManualPage | None:
    """The page titled ``title`` (a screen's name), else the overview, else the first."""
    for wanted in (title, OVERVIEW):
        found = next((p for p in pages if p.title == wanted), None)
        if found is not None:
            return found
    return pages[0] if pages else None


def _file_name(url: QUrl) -> str:
    return Path(url.toLocalFile() or url.path()).name if not url.isEmpty() else ""


def _tool_button(text: str, tip: str, slot: object) -> QPushButton:
    b = QPushButton(text)
    b.setAutoDefault(False)
    b.setToolTip(tip)
    b.clicked.connect(lambda _checked=False: slot())  # type: ignore[operator]
    return b


class HelpViewer(QWidget):
    """The manual: contents on the left, the page on the right, with 后退 / 前进 / 打印."""

    def __init__(self, parent: QWidget | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)  # a window of its own, not modal, closed with its parent
        self.setWindowTitle(WINDOW_TITLE)
        self.folder = (folder or manual_dir()).resolve()
        self.pages = manual_pages(self.folder)
        self.contents = QListWidget()
        for page in self.pages:
            item = QListWidgetItem(page.title)
            item.setData(Qt.ItemDataRole.UserRole, page.file)
            self.contents.addItem(item)
        self.contents.setStyleSheet("QListWidget::item { padding: 3px 6px; }")
        self.contents.setMinimumWidth(self.contents.sizeHintForColumn(0) + 36)
        self.contents.currentItemChanged.connect(lambda item, _old: self._contents_chosen(item))
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)  # the manual has none today; a web address would open outside
        self.browser.setFont(QApplication.font())  # the program's own font (with its CJK fallbacks)
        self.browser.document().setDocumentMargin(14)
        self.browser.setSearchPaths([str(self.folder)])
        self.browser.sourceChanged.connect(self._source_changed)
        self.back_button = _tool_button("后退", "回到上一篇（Alt+←）", self.browser.backward)
        self.forward_button = _tool_button("前进", "回到后退之前的那一篇（Alt+→）", self.browser.forward)
        self.back_button.setEnabled(False)
        self.forward_button.setEnabled(False)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        self.print_button = _tool_button("打印…", "打印正在看的这一篇（Ctrl+P）", self.print_dialog)
        self.preview_button = _tool_button("打印预览…", "先看打印出来的样子，再打印", self.print_preview)
        tools = QHBoxLayout()
        for b in (self.back_button, self.forward_button):
            tools.addWidget(b)
        tools.addStretch(1)
        for b in (self.preview_button, self.print_button):
            tools.addWidget(b)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([self.contents.minimumWidth(), 760])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(tools)
        layout.addWidget(splitter, 1)
        for keys, slot in ((QKeySequence.StandardKey.Print, self.print_dialog),
                           (QKeySequence.StandardKey.Back, self.browser.backward),
                           (QKeySequence.StandardKey.Forward, self.browser.forward),
                           (QKeySequence(Qt.Key.Key_Escape), self.close)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        self.resize(1000, 700)
        if parent is not None:
            parent.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """The main window closed (or went away for 切换用户): the manual goes with it, not when minimized."""
        if event.type() == QEvent.Type.Hide and watched is self.parent() and isinstance(watched, QWidget) \
                and not watched.isMinimized():
            self.close()
        return False

    # --- which page ---------------------------------------------------------------------------------
    def show_page(self, title: str) -> bool:
        """Show the page titled ``title`` (a screen's name; the overview when it has none)."""
        page = page_for(title, self.pages)
        if page is None:
            self.browser.setMarkdown(f"# {WINDOW_TITLE}\n\n没有找到使用手册（{self.folder}）。")
            return False
        return self.show_file(page.file)

    def show_file(self, file_name: str) -> bool:
        path = self.folder / file_name
        if not path.is_file():
            log.warning("使用手册缺少 %s", path)
            self.browser.setMarkdown(f"# {WINDOW_TITLE}\n\n没有找到“{file_name}”。")
            return False
        if self.current_file() != file_name:
            self.browser.setSource(QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource)
        return True

    def current_file(self) -> str:
        """The file name of the page shown ("" before any)."""
        return _file_name(self.browser.source())

    def current_title(self) -> str:
        file_name = self.current_file()
        return next((p.title for p in self.pages if p.file == file_name), "")

    def heading(self) -> str:
        """The first heading of the page shown."""
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() > 0:
                return block.text()
            block = block.next()
        return ""

    def _contents_chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None and item.data(Qt.ItemDataRole.UserRole) != self.current_file():
            self.show_file(str(item.data(Qt.ItemDataRole.UserRole)))

    def _source_changed(self, url: QUrl) -> None:
        """A page was loaded (from the contents, a link, 后退/前进): the contents and title follow.
        (Qt tells before ``source()`` has the new address: the one told is used.)"""
        self._code_fonts()
        file_name = _file_name(url)
        with QSignalBlocker(self.contents):
            for n in range(self.contents.count()):
                if self.contents.item(n).data(Qt.ItemDataRole.UserRole) == file_name:
                    self.contents.setCurrentRow(n)
                    break
            else:
                self.contents.clearSelection()
        title = next((p.title for p in self.pages if p.file == file_name), "") or self.heading()
        self.setWindowTitle(f"{WINDOW_TITLE} — {title}" if title else WINDOW_TITLE)

    def _code_fonts(self) -> None:
        """`file names` are set in the fixed-pitch font, which may lack Chinese: the program's fonts follow it."""
        document = self.browser.document()
        spans: list[tuple[int, int]] = []
        block = document.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if fragment.isValid() and fragment.charFormat().fontFixedPitch():
                    spans.append((fragment.position(), fragment.position() + fragment.length()))
                it += 1
            block = block.next()
        fmt = QTextCharFormat()
        fmt.setFontFamilies([QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family(),
                             *self.browser.font().families()])
        cursor = QTextCursor(document)
        for start, end in spans:  # formatted after the walk: merging may split the fragments walked
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
        document.setModified(False)

    # --- printing --------------------------------------------------------------------------------------
    def _printer(self) -> QPrinter:
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(f"{WINDOW_TITLE} — {self.current_title() or self.heading()}")
        return printer

    def print_to(self, printer: QPrinter) -> None:
        """The page shown, on ``printer`` (A4 pages as the printer sets them)."""
        self.browser.document().print_(printer)

    def print_dialog(self) -> QPrintDialog:
        """打印…: the system's print dialog; printing when it is accepted (returned for tests)."""
        from PySide6.QtPrintSupport import QPrintDialog

        printer = self._printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印使用手册")
        dialog.accepted.connect(lambda *_args: self.print_to(printer))  # keeps the printer alive as long
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)  # (PySide's QPrintDialog.open wants a slot)
        dialog.show()
        return dialog

    def print_preview(self) -> QPrintPreviewDialog:
        """打印预览…: Qt's preview of the page shown, printing from there."""
        from PySide6.QtPrintSupport import QPrintPreviewDialog

        printer = self._printer()
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setWindowTitle(f"打印预览 — {self.current_title() or WINDOW_TITLE}")
        dialog.paintRequested.connect(self.print_to)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


def show_help(parent: QWidget, title: str) -> HelpViewer:
    """Bring ``parent``'s manual window up (made the first time) on the page of screen ``title``."""
    viewer = parent.findChild(HelpViewer, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if viewer is None:
        viewer = HelpViewer(parent)
    viewer.show_page(title)
    if viewer.isMinimized():
        viewer.showNormal()
    viewer.show()
    viewer.raise_()
    viewer.activateWindow()
    return viewer
