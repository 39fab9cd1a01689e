"""报送: seal a report for a period and write the package to a USB stick; the history of what
was sent (重新写出, 更正报送); the bureau's seal (``SealPanel``).

盖章报送 asks for the seal's passphrase (``PassphraseDialog``), then ``submit`` runs in a
worker. When township-months are missing or not approved the service refuses with
``IncompleteMonths``; the page lists them and asks 仍然报送？ — yes submits again with
``allow_incomplete``. Only the reviewer holds the seal: for others the actions are disabled.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.cover_letter import LetterText, draft_letter
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.register_import import Progress
from fupin_desktop.services.report_kinds import REPORT_KINDS
from fupin_desktop.services.submissions import (
    IncompleteMonths,
    SubmissionView,
    incomplete_wording,
    list_submissions,
    not_written_message,
    resend,
    sealing,
)
from fupin_desktop.ui.common import file_dialogs
from fupin_desktop.ui.common.choosers import FolderChooser, ReportPeriodPicker, period_label, report_label
from fupin_desktop.ui.common.operations import JobHandle, inform, run_job, run_op, show_error
from fupin_desktop.ui.common.tables import fill_table, read_only_table
from fupin_desktop.ui.common.widgets import button, open_dialog
from fupin_desktop.ui.sealed.letter_dialog import LetterDialog
from fupin_desktop.ui.sealed.seal_dialogs import PassphraseDialog
from fupin_desktop.ui.sealed.seal_panel import SealPanel

HEADERS = ("报表", "期间", "版本", "报送时间", "报送人", "更正", "未计入镇月", "文件")
FILE_COLUMN, INCOMPLETE_COLUMN = 7, 6
NOT_HOLDER = "只有审核人持有电子印章，可以盖章报送；你可以查看报送记录。"
TITLE = "盖章报送"
CORRECTION_TIP = ("更正报送：把所选报送的报表和期间重新盖章报送一次。新文件是下一版（第 N+1 版），"
                  "文件里写明它更正的是哪一版；原来的版本仍保存在这里，接收单位以新版替代旧版。")
NAMED_TOWNSHIPS = 30  # townships named per month in the confirmation; the rest are counted
SHOWN_MONTHS = 6
# (not QMessageBox.setDetailedText: its “Show Details...” button is not translated)


def incomplete_text(months: list[tuple[str, str]]) -> str:
    """“2026年10月：青阳街道、梅岭街道（2 个）” per month; very long lists are shortened."""
    by_month: dict[str, list[str]] = {}
    for township, month in months:
        by_month.setdefault(month, []).append(township)
    lines = []
    for month, names in sorted(by_month.items()):
        shown = "、".join(names[:NAMED_TOWNSHIPS]) + (f" 等 {len(names)} 个" if len(names) > NAMED_TOWNSHIPS
                                                      else f"（{len(names)} 个）")
        lines.append(f"{period_label(month)}：{shown}")
    more = f"\n……另有 {len(lines) - SHOWN_MONTHS} 个月" if len(lines) > SHOWN_MONTHS else ""
    return "\n".join(lines[:SHOWN_MONTHS]) + more


class SubmissionPage(QWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.can_seal = ctx.can(Permission.HOLD_SEAL)
        self.history: list[SubmissionView] = []
        self.job: JobHandle | None = None
        self.confirm_box: QMessageBox | None = None
        self.cancel_note: QDialog | None = None  # what a 取消 of sealing left, told to the user

        self.picker = ReportPeriodPicker()
        self.out = FolderChooser(ctx, "submission_out", "把报送包写到哪个文件夹（U 盘）")
        self.submit_button = button(TITLE, self.seal_and_submit, "输入印章口令后生成盖章的 PDF、Excel 和数据文件，"
                                                                 "打包写到所选文件夹并当场复核")
        self.submit_button.setStyleSheet("font-weight: bold; padding: 4px 14px;")
        self.letters: dict[tuple[str, str], LetterText] = {}  # edited before sealing, per report and period
        self.letter_button = button("编辑公文…", self.edit_letter, "盖章前修改公文的主送机关、正文和附件说明")
        top = QHBoxLayout()
        top.addWidget(self.picker)
        top.addStretch(1)
        where = QHBoxLayout()  # the folder has the whole row: at 1024 × 768 it was ~125 px beside the buttons
        where.addWidget(QLabel("写到"))
        where.addWidget(self.out, 1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.letter_button)
        actions.addWidget(self.submit_button)
        self.hint = QLabel("同一报表同一期间再次报送即为更正报送（第 2 版、第 3 版……），新版注明更正的是哪一版。")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        self.holder_note = QLabel(NOT_HOLDER)
        self.holder_note.setWordWrap(True)
        self.holder_note.setStyleSheet("color: #b26a00; font-weight: bold;")
        self.holder_note.setVisible(not self.can_seal)
        send = QGroupBox(TITLE)
        send_layout = QVBoxLayout(send)
        send_layout.addLayout(top)
        send_layout.addLayout(where)
        send_layout.addLayout(actions)
        send_layout.addWidget(self.hint)
        send_layout.addWidget(self.holder_note)

        self.table = read_only_table(HEADERS, [])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)  # one line per row, shortened in the middle: “…_v2.zip” stays in sight
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.resend_button = button("重新写出", self.resend_selected, "把所选报送包原样再写一份（U 盘丢失或损坏时）")
        self.correct_button = button("更正报送", self.correct_selected, CORRECTION_TIP)
        self.count = QLabel()
        self.count.setStyleSheet("color: #555;")
        history_buttons = QHBoxLayout()
        history_buttons.addWidget(self.resend_button)
        history_buttons.addWidget(self.correct_button)
        history_buttons.addStretch(1)
        history_buttons.addWidget(self.count)
        history = QGroupBox("报送记录")
        history_layout = QVBoxLayout(history)
        history_layout.addWidget(self.table, 1)
        history_layout.addLayout(history_buttons)

        self.seal_panel = SealPanel(ctx)
        self.seal_panel.setFixedWidth(370)
        self.seal_panel.changed.connect(self._update_buttons)
        left = QVBoxLayout()
        left.addWidget(send)
        left.addWidget(history, 1)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addLayout(left, 1)
        outer.addWidget(self.seal_panel)
        self.refresh()

    # --- showing --------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.seal_panel.refresh()
        run_op(self, lambda: list_submissions(self.ctx), self.show_history)

    def show_history(self, history: list[SubmissionView], select_id: int | None = None) -> None:
        self.history = history
        versions = {v.manifest_sha256: v.version for v in history}
        rows = []
        for v in history:
            corrects = f"更正第 {versions[v.corrects]} 版" if v.corrects in versions else ("更正" if v.corrects else "")
            who = self.ctx.user.display_name if v.created_by == self.ctx.user.username else v.created_by
            rows.append((report_label(v.report), period_label(v.period), f"第 {v.version} 版",
                         f"{v.created_at:%Y-%m-%d %H:%M}", who, corrects,
                         f"{len(v.incomplete)} 个" if v.incomplete else "", v.file_name))
        fill_table(self.table, rows)
        for r, v in enumerate(history):
            sent = "\n".join(f"{s.get('at', '')}　{s.get('path', '')}" for s in v.sent_to)
            self.table.item(r, FILE_COLUMN).setToolTip(f"{v.file_name}\n写出记录：\n{sent}" if sent else v.file_name)
            if v.incomplete:
                item = self.table.item(r, INCOMPLETE_COLUMN)
                item.setToolTip(incomplete_text([(x.get("township", ""), x.get("month", "")) for x in v.incomplete]))
                item.setForeground(Qt.GlobalColor.darkRed)
            if v.id == select_id:
                self.table.selectRow(r)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FILE_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.count.setText(f"共 {len(history)} 次报送")
        self._update_buttons()

    def selected(self) -> SubmissionView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.history[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        has_seal = self.seal_panel.seal is not None
        self.submit_button.setEnabled(self.can_seal and has_seal)
        self.letter_button.setEnabled(self.can_seal)
        self.out.choose_button.setEnabled(self.can_seal)
        if self.can_seal and not has_seal:
            self.submit_button.setToolTip("请先在右边“电子印章”里生成印章")
        chosen = self.selected() is not None
        self.resend_button.setEnabled(self.can_seal and chosen)
        self.correct_button.setEnabled(self.can_seal and has_seal and chosen)

    # --- sealing -------------------------------------------------------------------------------------------
    def _versions_of(self, report: str, period: Period) -> list[int]:
        return [v.version for v in self.history if v.report == report and v.period == str(period)]

    def seal_and_submit(self) -> PassphraseDialog | None:
        """The button: make sure of the folder, then ask for the passphrase (the dialog is returned)."""
        if not self.can_seal:
            return None
        folder = self.out.folder() or self.out.choose()
        if folder is None:
            return None
        report, period = self.picker.report(), self.picker.period()
        versions = self._versions_of(report, period)
        note = (f"本期已报送过第 {max(versions)} 版，这次是更正报送（第 {max(versions) + 1} 版）。" if versions else "")
        what = f"{REPORT_KINDS[report].label} · {period.label_zh}\n写到：{folder}"

        def go(passphrase: str) -> None:
            self.submit_with(passphrase, report, period, folder)

        dialog = PassphraseDialog(what, go, self, note)
        open_dialog(dialog)
        return dialog

    def edit_letter(self) -> LetterDialog | None:
        """The generated letter (or this period's edited one) to change before sealing."""
        if not self.can_seal:
            return None
        report, period = self.picker.report(), self.picker.period()
        key = (report, str(period))
        drafted: list[LetterText] = []
        if key not in self.letters and not run_op(self, lambda: drafted.append(draft_letter(self.ctx, report, period))):
            return None
        dialog = LetterDialog(f"{REPORT_KINDS[report].label} · {period.label_zh}", self.letters.get(key) or drafted[0],
                              self)
        dialog.accepted.connect(lambda: self.letters.__setitem__(key, dialog.letter()))
        open_dialog(dialog)
        return dialog

    def submit_with(self, passphrase: str, report: str | None = None, period: Period | None = None,
                    folder: Path | None = None, *, allow_incomplete: bool = False) -> JobHandle | None:
        """Run ``submit`` in a worker (what the passphrase dialog's OK does)."""
        report = report or self.picker.report()
        period = period or self.picker.period()
        folder = folder or self.out.folder()
        if folder is None:
            return None
        ctx = self.ctx
        before = {v.id for v in self.history}
        letter = self.letters.get((report, str(period)))

        def job() -> Generator[Progress, None, object]:
            try:
                return (yield from sealing(ctx, report, period, folder, passphrase,
                                           allow_incomplete=allow_incomplete, letter=letter))
            except KnownError as exc:  # shown by ``done``; IncompleteMonths asks first
                return exc

        def cancelled() -> None:
            self.cancelled_sealing(report, period, before)

        def done(result: object) -> None:
            if isinstance(result, IncompleteMonths):
                self.confirm_incomplete(result, lambda: self.submit_with(passphrase, report, period, folder,
                                                                          allow_incomplete=True))
            elif isinstance(result, KnownError):
                show_error(self, result, TITLE)
            else:
                self.letters.pop((report, str(period)), None)  # sealed: the next version starts afresh
                self._submitted(*result)  # type: ignore[misc]

        self.job = run_job(self, job, done, TITLE, on_cancelled=cancelled)
        return self.job

    def cancelled_sealing(self, report: str, period: Period, before: set[int]) -> QDialog | None:
        """What a 取消 left: nothing (before the recording stage) or a recorded package not written."""
        history: list[SubmissionView] = []
        run_op(self, lambda: list_submissions(self.ctx), history.extend)
        self.show_history(history)
        new = [v for v in history if v.id not in before and v.report == report and v.period == str(period)]
        if new:
            self.show_history(history, new[0].id)
            self.cancel_note = inform(self, "已取消写出", not_written_message(new[0].file_name))
        else:
            self.cancel_note = inform(self, "已取消", "已取消盖章报送：没有记录这次报送，也没有写出任何文件。")
        return self.cancel_note

    def confirm_incomplete(self, exc: IncompleteMonths, go_on: Callable[[], object]) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, "报送不全", f"有 {len(exc.months)} 个{exc.units}{exc.what}，"
                          "不会计入这次报送的报表：", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setInformativeText(incomplete_text(exc.months) + f"\n\n报表里会列出这些{exc.units}。仍然报送？")
        box.button(QMessageBox.StandardButton.Yes).setText("仍然报送")
        box.button(QMessageBox.StandardButton.No).setText("不报送")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda clicked: go_on() if clicked is yes else None)
        self.confirm_box = box
        open_dialog(box)
        return box

    def _submitted(self, view: SubmissionView, path: Path) -> None:
        self.out.set_folder(path.parent)
        run_op(self, lambda: list_submissions(self.ctx), lambda h: self.show_history(h, view.id))
        units, what = incomplete_wording(view.report)
        extra = f"\n\n有 {len(view.incomplete)} 个{units}{what}，未计入，已在报表中列出。" if view.incomplete else ""
        correction = "（更正报送）" if view.corrects else ""
        inform(self, "已盖章报送", f"{report_label(view.report)} · {period_label(view.period)} · 第 {view.version} 版"
                               f"{correction}\n已写出并复核通过：\n{path}{extra}")

    # --- history ------------------------------------------------------------------------------------------------
    def resend_selected(self) -> None:
        if self.selected() is None:
            return
        folder = file_dialogs.choose_folder(self, "resend", "把报送包再写到哪个文件夹（U 盘）",
                                            str(self.out.folder() or ""))
        if folder:
            self.resend_to(folder)

    def resend_to(self, folder: Path) -> Path | None:
        view = self.selected()
        if view is None:
            return None
        written: list[Path] = []

        def done(path: Path) -> None:
            written.append(path)
            run_op(self, lambda: list_submissions(self.ctx), lambda h: self.show_history(h, view.id))
            inform(self, "已重新写出", f"「{view.file_name}」已原样写到：\n{path}")

        run_op(self, lambda: resend(self.ctx, view.id, folder), done)
        return written[0] if written else None

    def correct_selected(self) -> PassphraseDialog | None:
        view = self.selected()
        if view is None:
            return None
        self.picker.set_choice(view.report, Period.parse(view.period))
        return self.seal_and_submit()
