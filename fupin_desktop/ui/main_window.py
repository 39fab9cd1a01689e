"""The main window: navigation on the left, one page per area, the data folder in the status bar.

Pages get the ``ServiceContext`` and nothing else; they are built the first time they are
shown and re-read their data each time they are shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStyle,
    QWidget,
)

from fupin_desktop.domain.enums import Role
from fupin_desktop.domain.periods import Period
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.settings import bureau
from fupin_desktop.ui.home_page import HomePage
from fupin_desktop.ui.inspections_page import InspectionsPage
from fupin_desktop.ui.monthly_page import MonthlyPage, spreadsheet_paths
from fupin_desktop.ui.organizations_page import OrganizationsPage
from fupin_desktop.ui.pairings_page import PairingsPage
from fupin_desktop.ui.places_page import PlacesPage
from fupin_desktop.ui.receiving_page import ReceivingPage, package_paths
from fupin_desktop.ui.submission_page import SubmissionPage
from fupin_desktop.ui.summary_page import SummaryPage
from fupin_desktop.ui.system_page import SystemPage

APP_TITLE = "社会组织参与脱贫攻坚工作管理"
SP = QStyle.StandardPixmap


# (navigation text, icon, how to build the page)
PAGES: list[tuple[str, QStyle.StandardPixmap, Callable[[ServiceContext], QWidget]]] = [
    ("首页", SP.SP_DirHomeIcon, HomePage),
    ("社会组织", SP.SP_FileDialogDetailedView, OrganizationsPage),
    ("村社与帮扶对象", SP.SP_DirIcon, PlacesPage),
    ("结对帮扶", SP.SP_FileDialogContentsView, PairingsPage),
    ("月度统计", SP.SP_FileDialogInfoView, MonthlyPage),
    ("汇总分析", SP.SP_FileDialogListView, SummaryPage),
    ("年检年报", SP.SP_DialogApplyButton, InspectionsPage),
    ("报送", SP.SP_ArrowUp, SubmissionPage),
    ("接收", SP.SP_ArrowDown, ReceivingPage),
    ("系统", SP.SP_ComputerIcon, SystemPage),
]


def window_title(bureau_name: str, ctx: ServiceContext) -> str:
    return f"{bureau_name} · {APP_TITLE} — {ctx.user.display_name}（{Role(ctx.user.role).label}）"


class MainWindow(QMainWindow):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bureau = bureau(ctx.db)
        self.setWindowTitle(window_title(self.bureau.name, ctx))
        self.nav = QListWidget()
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setSpacing(2)
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 6px 4px; }")
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for text, icon, _factory in PAGES:
            item = QListWidgetItem(self.style().standardIcon(icon), text)
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # stands in until the page is first shown
        self.nav.setFixedWidth(max(self.nav.sizeHintForColumn(0) + 28, 150))
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(4, 4, 4, 0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        where = ctx.data_dir or (ctx.db.path.parent if ctx.db.path else "")
        self.folder_label = QLabel(f"数据文件夹：{where}")
        self.user_label = QLabel(f"当前用户：{ctx.user.display_name}（{Role(ctx.user.role).label}）")
        demo = "　演示数据库" if ctx.is_demo else ""
        self.statusBar().addWidget(self.folder_label, 1)
        self.statusBar().addPermanentWidget(QLabel(f"{self.bureau.name}{demo}"))
        self.statusBar().addPermanentWidget(self.user_label)
        self.nav.currentRowChanged.connect(self._show_row)
        self.nav.setCurrentRow(0)
        self.setAcceptDrops(True)  # dropped files go to their page by extension (_drop_route)
        self.resize(1280, 720)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        text, _icon, factory = PAGES[row]
        page = self.pages.get(text)
        if page is None:
            page = factory(self.ctx)
            self.pages[text] = page
            if isinstance(page, HomePage):
                page.open_month.connect(self.open_month)
            old = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            self.stack.removeWidget(old)
            old.deleteLater()
        else:
            refresh = getattr(page, "refresh", None)
            if callable(refresh):
                refresh()
        self.stack.setCurrentIndex(row)

    def show_page(self, text: str) -> QWidget:
        """Navigate to page ``text`` (as a click in the list would) and return it."""
        row = next(n for n, (t, _i, _f) in enumerate(PAGES) if t == text)
        if self.nav.currentRow() == row:
            self._show_row(row)
        else:
            self.nav.setCurrentRow(row)
        return self.pages[text]

    def open_month(self, township_id: int, period: str) -> MonthlyPage:
        """Show one township-month on 月度统计 (the 首页 dashboard's double-click)."""
        page = self.show_page("月度统计")
        assert isinstance(page, MonthlyPage)
        page.show_month(township_id, Period.parse(period))
        return page

    def _drop_route(self, event: QDragEnterEvent | QDropEvent) -> tuple[str, list[Path]] | None:
        """Township workbooks go to 月度统计, submission packages (.zip) to 接收."""
        for page, paths_of in (("月度统计", spreadsheet_paths), ("接收", package_paths)):
            paths = paths_of(event)
            if paths:
                return page, paths
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._drop_route(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        route = self._drop_route(event)
        if route is None:
            return
        event.acceptProposedAction()
        page = self.show_page(route[0])
        if isinstance(page, MonthlyPage):
            page.import_paths(route[1])
        elif isinstance(page, ReceivingPage):
            page.add_paths(route[1])
