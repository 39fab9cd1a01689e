"""The main window: navigation on the left, one page per area, the data folder in the status bar.

It appears in two steps so that a clerk sees it at once: ``MainWindow(data_dir=…, username=…)``
is the frame (navigation, menus, status bar, the size the user left it at) and needs only Qt;
``attach(ctx)`` after the database is open and the user signed in fills it. ``MainWindow(ctx)``
does both. Pages get the ``ServiceContext`` and nothing else; they are built the first time
they are shown and re-read their data each time they are shown again.

Closing asks about unsaved typing on any page (保存 / 不保存 / 取消; a 保存 that fails keeps the
window open), then runs the day's automatic backup. ``offer_drafts`` (after login) offers the
monthly grid's drafts left by a crash. A page with unsaved typing marks the title with ``*``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QWidget,
)

from fupin_desktop.domain.enums import Role
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.ui.common import ui_state, unsaved
from fupin_desktop.ui.menus import install_menus

# The services (SQLAlchemy behind them) are imported in ``attach``: the frame shows before them.
if TYPE_CHECKING:
    from fupin_desktop.services.context import ServiceContext
    from fupin_desktop.services.drafts import Draft
    from fupin_desktop.services.settings import Bureau
    from fupin_desktop.ui.admin.idle_lock import IdleWatch, UnlockDialog
    from fupin_desktop.ui.monthly.monthly_page import MonthlyPage

log = logging.getLogger(__name__)

APP_TITLE = "社会组织参与脱贫攻坚工作管理"
SP = QStyle.StandardPixmap


def _lazy(module: str, name: str) -> Callable[[ServiceContext], QWidget]:
    """A page built from its module, imported when the page is first shown: importing every
    page (and the PDF, Excel and signing code behind them) made the window slow to appear."""
    def build(ctx: ServiceContext) -> QWidget:
        page: QWidget = getattr(importlib.import_module(f"fupin_desktop.ui.{module}"), name)(ctx)
        return page

    return build


# (navigation text, icon, how to build the page)
PAGES: list[tuple[str, QStyle.StandardPixmap, Callable[[ServiceContext], QWidget]]] = [
    ("首页", SP.SP_DirHomeIcon, _lazy("home_page", "HomePage")),
    ("社会组织", SP.SP_FileDialogDetailedView, _lazy("register.organizations_page", "OrganizationsPage")),
    ("村社与帮扶对象", SP.SP_DirIcon, _lazy("register.places_page", "PlacesPage")),
    ("结对帮扶", SP.SP_FileDialogContentsView, _lazy("register.pairings_page", "PairingsPage")),
    ("月度统计", SP.SP_FileDialogInfoView, _lazy("monthly.monthly_page", "MonthlyPage")),
    ("汇总分析", SP.SP_FileDialogListView, _lazy("monthly.summary_page", "SummaryPage")),
    ("年检年报", SP.SP_DialogApplyButton, _lazy("annual.inspections_page", "InspectionsPage")),
    ("监督检查", SP.SP_MessageBoxWarning, _lazy("supervision.supervision_page", "SupervisionPage")),
    ("报送", SP.SP_ArrowUp, _lazy("sealed.submission_page", "SubmissionPage")),
    ("接收", SP.SP_ArrowDown, _lazy("sealed.receiving_page", "ReceivingPage")),
    ("系统", SP.SP_ComputerIcon, _lazy("admin.system_page", "SystemPage")),
]


def window_title(bureau_name: str, ctx: ServiceContext) -> str:
    return f"{bureau_name} · {APP_TITLE} — {ctx.user.display_name}（{Role(ctx.user.role).label}）"


def draft_question(draft: Draft, current_revision: int | None, current_status: str | None) -> str:
    """发现未保存的草稿：青阳街道 2026年10月（2026-12-02 15:31 自动保存），是否恢复？"""
    text = (f"发现未保存的草稿：{draft.township} {Period.parse(draft.period).label_zh}"
            f"（{draft.saved_at:%Y-%m-%d %H:%M} 自动保存），是否恢复？")
    if current_status is not None and current_revision != draft.base_revision:
        text += "\n\n注意：这份草稿写下之后，本月数据已被他人修改过（现为" + \
            (f"第 {current_revision} 版" if current_revision else "无数据") + \
            "）；恢复后请核对，保存会以草稿的内容为准。"
    return text


class MainWindow(QMainWindow):
    ctx: ServiceContext
    bureau: Bureau
    idle: IdleWatch

    def __init__(self, ctx: ServiceContext | None = None, parent: QWidget | None = None, *,
                 data_dir: Path | None = None, username: str = "") -> None:
        super().__init__(parent)
        self.title = APP_TITLE
        self.setWindowTitle(self.title)
        self.closed_cleanly = False
        self.attached = False
        self._dirty_pages: set[str] = set()
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
        opening = QLabel("正在打开数据……")
        opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        opening.setStyleSheet("font-size: 14pt; color: #546e7a;")
        self.stack.insertWidget(0, opening)
        self.stack.setCurrentIndex(0)
        self.nav.setFixedWidth(max(self.nav.sizeHintForColumn(0) + 28, 150))
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(4, 4, 4, 0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.folder_label = QLabel(f"数据文件夹：{data_dir}" if data_dir else "")
        self.statusBar().addWidget(self.folder_label, 1)
        self.setAcceptDrops(True)  # dropped files go to their page by extension (_drop_route)
        self.resize(1280, 720)
        self.remembered_for: tuple[Path | None, str] | None = None
        if data_dir is not None and username:
            self._remember_for(data_dir, username)
        else:
            self.geometry_restored = False  # the start-up maximizes it
        self.unlock_dialog: UnlockDialog | None = None
        self._veiled: list[QWidget] = []
        self.switching = False  # closed by 切换用户: the start-up signs in again instead of quitting
        self.actions_by_text = install_menus(self, [text for text, _i, _f in PAGES])
        self.nav.setEnabled(False)
        self.menuBar().setEnabled(False)  # until attach: nothing to act on yet
        if ctx is not None:
            self.attach(ctx)

    def _remember_for(self, data_dir: Path | None, username: str) -> None:
        """Sizes, splitters, columns and folders as ``username`` left them in ``data_dir``."""
        ui_state.bind(data_dir, username)
        self.remembered_for = (data_dir, username)
        self.geometry_restored = ui_state.restore_window(self)  # else the start-up maximizes it

    def attach(self, ctx: ServiceContext) -> None:
        """The signed-in user's window: title, status bar, idle lock, and the 首页."""
        from fupin_desktop.services.settings import bureau
        from fupin_desktop.services.users import idle_lock_minutes
        from fupin_desktop.ui.admin.idle_lock import IdleWatch

        self.ctx = ctx
        if self.remembered_for != (ctx.data_dir, ctx.user.username):
            self._remember_for(ctx.data_dir, ctx.user.username)
        self.bureau = bureau(ctx.db)
        self.title = window_title(self.bureau.name, ctx)
        self.setWindowTitle(self.title)
        where = ctx.data_dir or (ctx.db.path.parent if ctx.db.path else "")
        self.folder_label.setText(f"数据文件夹：{where}")
        if ctx.db.on_server:  # which server every clerk here is saving to
            url = ctx.db.engine.url
            server = f"{url.host or url.query.get('host') or '本机'}{f':{url.port}' if url.port else ''}"
            self.folder_label.setText(f"局域网数据库：{server} / {url.database}　数据文件夹：{where}")
        self.user_label = QLabel(f"当前用户：{ctx.user.display_name}（{Role(ctx.user.role).label}）")
        demo = "　演示数据库" if ctx.is_demo else ""
        self.statusBar().addPermanentWidget(QLabel(f"{self.bureau.name}{demo}"))
        self.statusBar().addPermanentWidget(self.user_label)
        self.idle = IdleWatch(idle_lock_minutes(ctx.db), self)
        self.idle.idle.connect(self.lock_screen)
        opening = self.stack.widget(0)
        self.stack.removeWidget(opening)
        opening.deleteLater()
        self.nav.setEnabled(True)
        self.menuBar().setEnabled(True)
        self.attached = True
        self.nav.currentRowChanged.connect(self._show_row)
        if self.nav.currentRow() == 0:
            self._show_row(0)
        else:
            self.nav.setCurrentRow(0)

    def switch_user(self) -> bool:
        """文件 → 切换用户: close (unsaved typing is asked about first), then the login again."""
        self.switching = True
        if not self.close():
            self.switching = False
            return False
        return True

    def lock_screen(self) -> UnlockDialog:
        """Hide what is on screen (this window's pages, and any open dialog) until the password."""
        from fupin_desktop.ui.admin.idle_lock import UnlockDialog

        if self.unlock_dialog is not None:
            return self.unlock_dialog
        self.idle.paused = True
        central = self.centralWidget()
        self.lock_cover = QLabel(f"窗口已锁定\n\n{self.ctx.user.display_name} 输入密码后继续", self)
        self.lock_cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lock_cover.setStyleSheet("font-size: 16pt; color: #546e7a;")
        self.lock_cover.setGeometry(central.geometry())
        central.hide()
        self.lock_cover.show()
        # An open dialog keeps its typing: made transparent, not closed (closing would end it).
        self._veiled = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not self]
        for w in self._veiled:
            w.setWindowOpacity(0.0)
        self.unlock_dialog = UnlockDialog(self.ctx.db, self.ctx.user, self)
        self.unlock_dialog.accepted.connect(self._unlocked)
        self.unlock_dialog.open()
        return self.unlock_dialog

    def _unlocked(self) -> None:
        self.lock_cover.deleteLater()
        self.centralWidget().show()
        for w in self._veiled:
            w.setWindowOpacity(1.0)
        self._veiled, self.unlock_dialog = [], None
        self.idle.restart()

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        text, _icon, factory = PAGES[row]
        page = self.pages.get(text)
        if page is None:
            page = factory(self.ctx)
            self.pages[text] = page
            if text == "首页":
                page.open_month.connect(self.open_month)  # type: ignore[attr-defined]
            if text == "月度统计":
                page.dirty_changed.connect(  # type: ignore[attr-defined]
                    lambda dirty, text=text: self._mark_unsaved(text, dirty))
            backup = getattr(page, "backup", None) if text == "系统" else None
            if backup is not None:
                backup.restart_required.connect(self.close_for_restore)
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
        from fupin_desktop.ui.monthly.monthly_page import MonthlyPage

        """Show one township-month on 月度统计 (the 首页 dashboard's double-click)."""
        page = self.show_page("月度统计")
        assert isinstance(page, MonthlyPage)
        page.show_month(township_id, Period.parse(period))
        return page

    # --- unsaved work ------------------------------------------------------------------------------
    def _mark_unsaved(self, page: str, dirty: bool) -> None:
        if dirty:
            self._dirty_pages.add(page)
        else:
            self._dirty_pages.discard(page)
        self.setWindowTitle(("*" if self._dirty_pages else "") + self.title)

    def resolve_unsaved(self) -> bool:
        """Ask about each page's unsaved typing; True when nothing is left unresolved (closing may go on)."""
        for text, page in self.pages.items():
            question = getattr(page, "unsaved_text", None)
            asked = question() if callable(question) else None
            if asked is None:
                continue
            if self.stack.currentWidget() is not page:
                self.show_page(text)
            answer = unsaved.ask_unsaved(self, asked)
            if answer == unsaved.CANCEL:
                return False
            if answer == unsaved.SAVE and not page.save():  # type: ignore[attr-defined]
                return False  # the page shows what is wrong
            if answer == unsaved.DISCARD:
                page.discard_changes()  # type: ignore[attr-defined]
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.attached:  # closed while opening: nothing to save or back up
            event.accept()
            return
        if not self.closed_cleanly and not self.resolve_unsaved():
            event.ignore()
            return
        if not self.closed_cleanly:
            self.closed_cleanly = True
            ui_state.save_window(self)
            self.automatic_backup()
        event.accept()

    def close_for_restore(self) -> bool:
        """A restore waits for the next start: say so and close (the 系统 page prepared it)."""
        QMessageBox.information(self, "从备份恢复", "恢复已准备好。程序现在关闭；重新打开程序后，恢复的数据即生效。")
        return self.close()

    def automatic_backup(self) -> Path | None:
        """The day's automatic backup on closing (never keeps the window from closing)."""
        try:
            from fupin_desktop.services.backup import run_automatic_backup
        except ImportError:
            return None
        self.statusBar().showMessage("正在自动备份……")
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            path = run_automatic_backup(self.ctx)
        except KnownError as exc:
            log.warning("关闭时的自动备份没有做：%s", exc)
            return None
        except Exception:  # a bug must not keep the program open; it is in the log
            log.exception("关闭时的自动备份出错")
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        if path is not None:
            log.info("自动备份已写入 %s", path)
        return path

    def offer_drafts(self) -> int:
        """After login: offer each draft the monthly grid left (a crash, a power cut); how many were restored."""
        from fupin_desktop.services import drafts as draft_store
        from fupin_desktop.services.monthly import get_month
        from fupin_desktop.services.permissions import Permission

        where = self.ctx.data_dir or (self.ctx.db.path.parent if self.ctx.db.path else None)
        if where is None or not self.ctx.can(Permission.ENTER_MONTHLY):
            return 0
        restored = 0
        for draft in draft_store.list_drafts(where, self.ctx.user.username):
            try:
                current = get_month(self.ctx, draft.township_id, Period.parse(draft.period))
                revision, status = current.revision, current.status
            except KnownError:  # the township is gone: the draft can only be thrown away
                revision, status = None, None
            answer = unsaved.ask_draft(self, draft_question(draft, revision, status))
            if answer == unsaved.DISCARD:
                draft_store.discard_draft(where, draft.username, draft.township_code, draft.period)
            elif answer == unsaved.RESTORE:
                from fupin_desktop.ui.monthly.monthly_page import MonthlyPage

                page = self.show_page("月度统计")
                assert isinstance(page, MonthlyPage)
                if page.restore_draft(draft):
                    restored += 1
                    break  # the others are offered at the next start (or on their month's page)
        return restored

    def raise_to_front(self) -> None:
        """Another start of the program on this data folder asked to come here instead."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        modal = QApplication.activeModalWidget()
        if modal is not None:
            modal.raise_()
            modal.activateWindow()

    def _drop_route(self, event: QDragEnterEvent | QDropEvent) -> tuple[str, list[Path]] | None:
        """Township workbooks go to 月度统计, submission packages (.zip) to 接收."""
        from fupin_desktop.ui.monthly.monthly_page import spreadsheet_paths
        from fupin_desktop.ui.sealed.receiving_page import package_paths

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
        if route[0] == "月度统计":
            page.import_paths(route[1])  # type: ignore[attr-defined]
        else:
            page.add_paths(route[1])  # type: ignore[attr-defined]
