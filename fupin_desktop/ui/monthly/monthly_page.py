"""月度统计: townships with their status for the month, the month's data-entry grid, the review.

The township list shows each township's status for the chosen month as a coloured tag
(``status_board``); the grid is ``get_month``'s rows, saved with ``save_entry``. Clerks
save and submit; reviewers also approve, return (with a reason) and reopen for correction.
Township workbooks come in by 导入 Excel (several files at once) or by dropping them here.

Unsaved typing is never lost silently: a yellow bar says it is there, Ctrl+S saves, switching
township or month asks 保存 / 不保存 / 取消, and a draft is autosaved (``grid_drafts``) so that
a crash costs seconds of typing; a month with a draft left over offers it in the same bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import EditConflict, KnownError, ValidationFailed
from fupin_desktop.services import monthly
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.drafts import Draft
from fupin_desktop.services.monthly import MonthRow, MonthView
from fupin_desktop.services.monthly_documents import write_township_template
from fupin_desktop.services.monthly_status import status_board
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.places import list_townships
from fupin_desktop.ui.common import file_dialogs, ui_state, unsaved
from fupin_desktop.ui.common.flow_layout import FlowLayout
from fupin_desktop.ui.common.operations import inform, run_op, show_error
from fupin_desktop.ui.common.widgets import button, open_dialog
from fupin_desktop.ui.monthly.grid_drafts import DraftKeeper
from fupin_desktop.ui.monthly.monthly_grid import MonthGrid
from fupin_desktop.ui.monthly.monthly_import_flow import SPREADSHEET_SUFFIXES, MonthlyImportFlow
from fupin_desktop.ui.monthly.monthly_review import ReasonDialog, history_lines, note_text, status_text
from fupin_desktop.ui.monthly.monthly_tags import (
    LATE_COLOR,
    STATUS_COLORS,
    TAG_ROLE,
    TagDelegate,
    set_tag,
    tag_label,
)

FIRST_YEAR = 2015
UNSAVED_BAR = "有未保存的修改（Ctrl+S 保存）"
BAR_STYLE = "QFrame#unsavedBar { background: #fff3c4; border: 1px solid #f0c36d; border-radius: 3px; }"
READ_ONLY = {"submitted": "本月月报已提交审核，表格只读；审核人退回后才能修改。",
             "approved": "本月月报已审核，数据已锁定；需要更正请审核人点“重新打开更正”。"}


def spreadsheet_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The dropped local files that look like workbooks (the reader judges their content)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in SPREADSHEET_SUFFIXES]


def flag_lines(rows: Sequence[MonthRow]) -> list[str]:
    """第 3 行 晋江市鞋业商会（梅岭村）：投入资金是上月的 12 倍 — one line a reminder."""
    return [f"第 {row.seq} 行 {row.organization}（{row.village}）：{flag.get('message', '')}"
            for row in rows for flag in row.flags]


def confirm_flags(parent: QWidget, lines: list[str], shown: int = 12) -> bool:
    """提交审核 with open reminders: the clerk sees them and submits anyway or goes back (tests replace this)."""
    listed = lines[:shown] + ([f"……另有 {len(lines) - shown} 处"] if len(lines) > shown else [])
    return unsaved.ask(parent, "提交审核", f"本月还有 {len(lines)} 处提醒（橙色角标）没有核实：",
                       [("submit", "仍然提交", unsaved.Role.AcceptRole), ("back", "返回核对", unsaved.Role.RejectRole)],
                       default="back", escape="back", icon=QMessageBox.Icon.Warning,
                       informative="\n".join(listed) + "\n\n提交后由审核人核实这些提醒。") == "submit"


class MonthlyPage(QWidget):
    dirty_changed = Signal(bool)  # the grid now holds (or no longer holds) unsaved typing

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._codes: dict[int, str] = {}  # township id → division code (names the draft file)
        self._was_dirty = False
        self.drafts = DraftKeeper(ctx.data_dir or (ctx.db.path.parent if ctx.db.path else None),
                                  ctx.user.username, self.draft_snapshot, self)
        self.drafts.written.connect(lambda _path: self._show_bar())
        self.can_enter = ctx.can(Permission.ENTER_MONTHLY)
        self.can_review = ctx.can(Permission.REVIEW_MONTHLY)
        self.view: MonthView | None = None
        self.import_flow: MonthlyImportFlow | None = None
        self._shown: tuple[int | None, Period] | None = None
        self.setAcceptDrops(True)

        self.townships = QListWidget()
        self.townships.setItemDelegate(TagDelegate(self.townships))
        self.townships.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        last = Period.of_date(clock.today()).previous()
        self.year = QSpinBox()
        self.year.setRange(FIRST_YEAR, clock.today().year + 2)
        self.year.setSuffix(" 年")
        self.year.setValue(last.year)
        self.month = QComboBox()
        self.month.addItems([f"{m} 月" for m in range(1, 13)])
        self.month.setCurrentIndex(last.index - 1)
        self.month.setMaxVisibleItems(12)
        self.import_button = button("导入 Excel", self.import_excel, "读入镇（街道）报来的月报表，可一次选多个文件；"
                                    "也可以把文件拖到本页")
        self.by_township = QCheckBox("按所选镇（街道）导入")
        self.by_township.setToolTip("不勾选时，按文件里的“填报单位”认定是哪个镇（街道）")
        self.by_month = QCheckBox("按所选月份导入")
        self.by_month.setToolTip("不勾选时，按文件标题或“填报时间”认定月份（6 月填报的是 5 月的数据）")
        self.template_button = button("下载本月模板", self.download_template, "所选镇（街道）本月在期结对已预填的空白表")
        tools = FlowLayout()  # wraps at 1024 × 768
        tools.addWidget(QLabel("月份"))
        tools.addWidget(self.year)
        tools.addWidget(self.month)
        for text, step, tip in (("◀", -1, "上个月"), ("▶", 1, "下个月")):
            arrow = button(text, lambda step=step: self.step_month(step), tip)
            arrow.setFixedWidth(32)
            tools.addWidget(arrow)
        tools.addStretch(1)
        for w in (self.import_button, self.by_township, self.by_month, self.template_button):
            tools.addWidget(w)

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.status_tag = tag_label()
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("color: #555;")
        self.save_button = button("保存", self.save, "检查并保存本月数据（草稿）")
        self.submit_button = button("提交审核", self.submit, "保存后交审核人审核；审核前不能再改")
        self.approve_button = button("审核通过", self.approve, "数据锁定并计入汇总")
        self.return_button = button("退回", self.return_month, "写明原因，退回填报员修改")
        self.reopen_button = button("重新打开更正", self.reopen, "已审核的月报需要更正时：生成新的草稿版本，原版本保留")
        head = FlowLayout()
        head.addWidget(self.heading)
        head.addWidget(self.status_tag)
        head.addStretch(1)
        for b in (self.save_button, self.submit_button):
            head.addWidget(b)
        for b in (self.approve_button, self.return_button, self.reopen_button):
            b.setVisible(self.can_review)
            head.addWidget(b)
        self.import_button.setEnabled(self.can_enter)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {LATE_COLOR}; font-weight: bold;")
        self.grid = MonthGrid(ctx.forms[monthly.FORM])
        self.bar = QFrame()
        self.bar.setObjectName("unsavedBar")
        self.bar.setStyleSheet(BAR_STYLE)
        self.bar_text = QLabel()
        self.bar_restore = button("恢复草稿", self.restore_shown_draft, "把自动保存的草稿填回表格（仍需保存）")
        self.bar_drop = button("丢弃草稿", self.drop_shown_draft, "删除这份自动保存的草稿")
        bar_row = QHBoxLayout(self.bar)
        bar_row.setContentsMargins(8, 3, 8, 3)
        bar_row.addWidget(self.bar_text, 1)
        bar_row.addWidget(self.bar_restore)
        bar_row.addWidget(self.bar_drop)
        self.bar.setVisible(False)
        self._shown_draft: Draft | None = None
        self.grid.model.edited.connect(self._edited)
        save_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_key.activated.connect(self.save_key)
        self.history_title = QLabel("修订记录")
        self.history_title.setStyleSheet("color: #555;")
        self.history = QListWidget()
        self.history.setFixedHeight(3 * (self.fontMetrics().height() + 4) + 6)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history.setTextElideMode(Qt.TextElideMode.ElideMiddle)

        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(6, 0, 0, 0)
        column.addLayout(tools)
        column.addLayout(head)
        column.addWidget(self.detail)
        column.addWidget(self.note)
        column.addWidget(self.bar)
        column.addWidget(self.grid, 1)
        column.addWidget(self.history_title)
        column.addWidget(self.history)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.townships)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        ui_state.remember_splitter(splitter, "monthly")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(splitter)

        self.fill_townships()
        # Room for a six-character name and its tag; longer names are shortened (the tooltip has them).
        metrics = self.townships.fontMetrics()
        width = metrics.horizontalAdvance("青阳街道西园") + metrics.horizontalAdvance("待审核") + 34 \
            + self.townships.verticalScrollBar().sizeHint().width() + 2 * self.townships.frameWidth() + 8
        self.townships.setMinimumWidth(width)
        splitter.setSizes([width, 1100])
        self.townships.setCurrentRow(0)
        self.townships.currentRowChanged.connect(lambda _row: self._chosen(period_changed=False))
        self.year.valueChanged.connect(lambda _v: self._chosen(period_changed=True))
        self.month.currentIndexChanged.connect(lambda _n: self._chosen(period_changed=True))
        self.load()

    # --- what is chosen --------------------------------------------------------------------------
    def period(self) -> Period:
        return Period.month(self.year.value(), self.month.currentIndex() + 1)

    def township_id(self) -> int | None:
        item = self.townships.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def township_name(self) -> str:
        item = self.townships.currentItem()
        return item.data(Qt.ItemDataRole.UserRole + 1) if item else ""

    def step_month(self, step: int) -> None:
        target = self.period().previous() if step < 0 else self.period().next()
        self.show_month(self.township_id(), target)

    def show_month(self, township_id: int | None, period: Period) -> None:
        """Go to a township-month (the dashboard's click, an import, ◀ ▶)."""
        if (township_id, period) == self._shown and self.grid.model.dirty:
            return  # already shown, with typing not saved yet
        if not self.confirm_discard():
            return
        self._set_choice(township_id, period)
        self.fill_townships()
        self.load()

    def _set_choice(self, township_id: int | None, period: Period) -> None:
        blockers = [QSignalBlocker(w) for w in (self.townships, self.year, self.month)]
        self.year.setValue(period.year)
        self.month.setCurrentIndex(period.index - 1)
        for n in range(self.townships.count()):
            if self.townships.item(n).data(Qt.ItemDataRole.UserRole) == township_id:
                self.townships.setCurrentRow(n)
        del blockers

    def _chosen(self, period_changed: bool) -> None:
        if not self.confirm_discard():
            if self._shown is not None:
                self._set_choice(*self._shown)
            return
        if period_changed:
            self.fill_townships()
        self.load()

    def confirm_discard(self) -> bool:
        """Before the grid shows something else: True when that may happen (saved, or 不保存)."""
        text = self.unsaved_text()
        if text is None:
            return True
        answer = unsaved.ask_unsaved(self, text)
        if answer == unsaved.SAVE:
            return self.save()
        if answer == unsaved.DISCARD:
            self.discard_changes()
            return True
        return False

    # --- unsaved typing and its draft ---------------------------------------------------------------
    def has_unsaved(self) -> bool:
        self.grid.table.commit_open_editor()
        return self.grid.model.dirty and self.grid.model.editable and self.view is not None

    def unsaved_text(self) -> str | None:
        """The question's text when the grid holds unsaved typing, else None."""
        if not self.has_unsaved():
            return None
        view = self.view
        assert view is not None
        return f"{view.township} {Period.parse(view.period).label_zh}的表格有修改还没有保存。\n保存这些修改吗？"

    def discard_changes(self) -> None:
        """不保存: the typing and its draft go."""
        view = self.view
        if view is not None:
            self.drafts.discard(self._codes.get(view.township_id, ""), view.period)
        self.grid.model.dirty = False
        self._show_bar()

    def draft_snapshot(self) -> Draft | None:
        view = self.view
        if view is None or not self.grid.model.dirty or not self.grid.model.editable:
            return None
        return Draft(self.ctx.user.username, view.township_id, self._codes.get(view.township_id, ""),
                     view.township, view.period, view.revision, self.grid.entries(), clock.now())

    def _edited(self) -> None:
        if self.grid.model.dirty and self.grid.model.editable:
            self.drafts.edited()
        self._show_bar()

    def _show_bar(self) -> None:
        dirty = self.grid.model.dirty and self.grid.model.editable
        draft = None if dirty else self._shown_draft
        if dirty:
            written = None if self.drafts.pending else self.drafts.last_written
            self.bar_text.setText(UNSAVED_BAR + (f"　草稿已于 {written:%H:%M:%S} 自动保存" if written else ""))
        elif draft is not None:
            changed = "" if draft.base_revision == (self.view.revision if self.view else None) \
                else "（此后本月数据已被修改过）"
            self.bar_text.setText(f"本月有 {draft.saved_at:%Y-%m-%d %H:%M} 自动保存、没有保存的草稿{changed}。")
        self.bar_restore.setVisible(draft is not None)
        self.bar_drop.setVisible(draft is not None)
        self.bar.setVisible(dirty or draft is not None)
        if dirty != self._was_dirty:
            self._was_dirty = dirty
            self.dirty_changed.emit(dirty)

    def restore_draft(self, draft: Draft) -> bool:
        """Show the draft's township-month with its typing as unsaved changes (saved only by 保存)."""
        period = Period.parse(draft.period)
        self.show_month(draft.township_id, period)
        view = self.view
        if view is None or (view.township_id, view.period) != (draft.township_id, draft.period):
            return False  # the clerk kept the month shown before
        if not self.grid.model.editable:
            inform(self, "恢复草稿", f"{view.township} {period.label_zh}现在{view.status_label}，不能修改，草稿没有恢复。"
                                   "可在审核人退回或重新打开后再恢复。")
            return False
        changed, missing = self.grid.model.load_cells(draft.cells)
        if not changed:
            self.drafts.discard(draft.township_code, draft.period)
            self._shown_draft = None
            self.grid.message.setText("草稿与已保存的数据相同，已删除草稿。")
            self._show_bar()
            return True
        gone = f"；草稿里有 {missing} 行的结对本月已不在表中，未恢复" if missing else ""
        self.grid.message.setText(f"已恢复 {draft.saved_at:%m-%d %H:%M} 自动保存的草稿（{changed} 格）{gone}。"
                                  "尚未保存，按 Ctrl+S 保存。")
        self._shown_draft = None
        self._show_bar()
        return True

    def restore_shown_draft(self) -> bool:
        return self._shown_draft is not None and self.restore_draft(self._shown_draft)

    def drop_shown_draft(self) -> None:
        draft = self._shown_draft
        if draft is not None:
            self.drafts.discard(draft.township_code, draft.period)
        self._shown_draft = None
        self._show_bar()

    def save_key(self) -> None:
        """Ctrl+S: save the grid when it can be saved (a read-only month says so)."""
        if self.grid.model.editable:
            self.save()
        else:
            self.grid.message.setText("本月月报现在不能修改，没有可保存的内容。")

    # --- loading ------------------------------------------------------------------------------------
    def fill_townships(self) -> None:
        board = {b.township_id: b for b in status_board(self.ctx, self.period())}
        current = self.township_id()
        blocker = QSignalBlocker(self.townships)
        self.townships.clear()
        for t in list_townships(self.ctx):
            item = QListWidgetItem(t.values["name"])
            item.setData(Qt.ItemDataRole.UserRole, t.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, t.values["name"])
            self._codes[t.id] = t.values["code"]
            b = board.get(t.id)
            if b is None:
                item.setData(TAG_ROLE, ("无结对", STATUS_COLORS["none"]))
                item.setToolTip(f"{t.values['name']}：本月没有在期结对，不用报送")
                item.setForeground(QColor("#999"))
            else:
                item.setData(TAG_ROLE, (b.status_label, STATUS_COLORS[b.status]))
                late = f"，逾期 {b.days_late} 天" if b.timeliness == "late" else ""
                received = f"，{b.received_on.isoformat()} 收到" if b.received_on else ""
                item.setToolTip(f"{t.values['name']}：{b.pairings} 个结对 · {b.status_label} · "
                                f"{b.timeliness_label}{late}{received}")
                if b.timeliness in ("late", "overdue"):
                    item.setForeground(QColor(LATE_COLOR))
            self.townships.addItem(item)
            if t.id == current:
                self.townships.setCurrentItem(item)
        del blocker

    def load(self) -> None:
        township_id, period = self.township_id(), self.period()
        self._shown = (township_id, period)
        if township_id is None:
            return
        run_op(self, lambda: monthly.get_month(self.ctx, township_id, period), self.show_view)

    def refresh(self) -> None:
        """Shown again: statuses re-read; the grid too unless it holds unsaved typing."""
        self.fill_townships()
        if not self.grid.model.dirty:
            self.load()

    def show_view(self, view: MonthView) -> None:
        self.view = view
        editable = view.editable and self.can_enter
        note = ("" if editable else READ_ONLY.get(view.status, "") if not view.editable
                else "你的角色不能录入月报，表格只读。")
        self.grid.set_view(view, editable, note)
        self.drafts.stop()
        self._shown_draft = self.drafts.find(self._codes.get(view.township_id, ""), view.period) if editable else None
        self._show_bar()
        self.heading.setText(f"{view.township} · {Period.parse(view.period).label_zh}")
        set_tag(self.status_tag, view.status_label, STATUS_COLORS[view.status])
        self.detail.setText(status_text(view))
        self.note.setText(note_text(view))
        self.note.setVisible(bool(self.note.text()))
        self.history.clear()
        for line in history_lines(view.history) or ["（还没有任何版本）"]:
            item = QListWidgetItem(line)
            item.setToolTip(line)
            self.history.addItem(item)
        self.save_button.setEnabled(editable)
        self.submit_button.setEnabled(editable)
        self.approve_button.setEnabled(view.status == "submitted")
        self.return_button.setEnabled(view.status == "submitted")
        self.reopen_button.setEnabled(view.status == "approved")
        item = self.townships.currentItem()
        if item is not None and item.data(Qt.ItemDataRole.UserRole) == view.township_id:
            item.setData(TAG_ROLE, (view.status_label, STATUS_COLORS[view.status]))

    # --- clerk ---------------------------------------------------------------------------------------
    def save(self) -> bool:
        view = self.view
        if view is None or not self.grid.model.editable:
            return False
        self.grid.table.commit_open_editor()
        try:
            saved = monthly.save_entry(self.ctx, view.township_id, Period.parse(view.period), self.grid.entries(),
                                       expected_stamp=view.stamp)
        except ValidationFailed as exc:
            self.grid.show_problems(exc.problems, exc.summary)
            return False
        except EditConflict as exc:  # someone saved this township-month since it was opened
            if unsaved.ask_edit_conflict(self, str(exc)) == unsaved.RELOAD:
                self.discard_changes()  # the typing is given up, as the box said
                self.load()
                self.grid.message.setText("已重新载入别人保存的内容，您刚才的修改没有保存。")
            else:
                self.grid.message.setText(str(exc))
            return False
        except KnownError as exc:
            show_error(self, exc)
            return False
        self.drafts.discard(self._codes.get(view.township_id, ""), view.period)
        self.show_view(saved)
        self.grid.message.setText("已保存。")
        return True

    def submit(self) -> bool:
        view = self.view
        if view is None:
            return False
        if (self.grid.model.dirty or view.status != "draft") and not self.save():
            return False
        view = self.view
        assert view is not None
        reminders = flag_lines(view.rows)
        if reminders and not confirm_flags(self, reminders):
            self.grid.message.setText("未提交：请核对橙色角标的提醒，改正或确认后再提交。")
            return False
        return run_op(self, lambda: monthly.submit(self.ctx, view.township_id, Period.parse(view.period)),
                      self.show_view)

    # --- reviewer -------------------------------------------------------------------------------------
    def _review(self, title: str, prompt: str, ok: str, action: Callable[[ServiceContext, int, Period, str], Any],
                required: bool) -> ReasonDialog | None:
        view = self.view
        if view is None:
            return None
        period = Period.parse(view.period)

        def act(text: str) -> bool:
            return run_op(self, lambda: action(self.ctx, view.township_id, period, text), self.show_view)

        dialog = ReasonDialog(title, prompt, ok, act, required=required, parent=self)
        open_dialog(dialog)
        return dialog

    def approve(self) -> ReasonDialog | None:
        flags = sum(len(r.flags) for r in self.view.rows) if self.view else 0
        check = f"本月有 {flags} 处提醒（橙色角标），通过即表示已核实。" if flags else ""
        return self._review("审核通过", f"{check}审核通过后数据锁定，计入汇总。审核意见（可不填）：", "审核通过",
                            lambda ctx, tid, period, note: monthly.approve(ctx, tid, period, note), False)

    def return_month(self) -> ReasonDialog | None:
        return self._review("退回月报", "退回原因（填报员据此修改，必须填写）：", "退回", monthly.return_month, True)

    def reopen(self) -> ReasonDialog | None:
        return self._review("重新打开更正", "更正原因（必须填写；原审核版本保留在修订记录里）：", "重新打开",
                            monthly.reopen, True)

    # --- files ---------------------------------------------------------------------------------------------
    def download_template(self) -> None:
        folder = file_dialogs.choose_folder(self, "monthly_template", "把本月模板保存到哪个文件夹")
        if folder:
            self.save_template_to(folder)

    def save_template_to(self, folder: Path) -> Path | None:
        township_id = self.township_id()
        if township_id is None:
            return None
        written: list[Path] = []
        run_op(self, lambda: write_township_template(self.ctx, township_id, self.period(), folder),
               lambda path: (written.append(path),
                             inform(self, "模板已保存", f"模板已保存到：\n{path}\n发给镇（街道）填好后用“导入 Excel”读入。")))
        return written[0] if written else None

    def import_excel(self) -> None:
        paths = file_dialogs.open_files(self, "monthly_import", "选择镇（街道）报来的月报表",
                                        "表格文件 (*.xlsx *.xls *.ods *.docx);;所有文件 (*)")
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths: list[Path]) -> MonthlyImportFlow | None:
        if self.import_flow is not None and not self.import_flow.finished:
            inform(self, "导入月报", "上一批文件还在导入，请等它完成。")
            return None
        if not paths or not self.confirm_discard():
            return None
        self.import_flow = MonthlyImportFlow(
            self, self.ctx, paths, township=self.township_name() if self.by_township.isChecked() else None,
            period=self.period() if self.by_month.isChecked() else None, on_imported=self._imported)
        return self.import_flow.start()

    def _imported(self, view: MonthView) -> None:
        self._set_choice(view.township_id, Period.parse(view.period))
        self.fill_townships()
        self._shown = (view.township_id, Period.parse(view.period))
        self.show_view(view)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.can_enter and spreadsheet_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = spreadsheet_paths(event)
        if self.can_enter and paths:
            event.acceptProposedAction()
            self.import_paths(paths)
