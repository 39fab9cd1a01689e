"""表彰名单 of a year (opened from 结对帮扶 beside 年终评估, and from a campaign's year on 首页):
the advanced units and individuals with their reasons, and what to do with them.

- 添加… (``EntryDialog``): a unit — an organization of the register (suggested as one types)
  or any unit by name — or an individual with the 工作单位; the reason is required.
- 删除: the selected entry, after a question.
- 从评估结果推荐… (``ProposalDialog``): the organizations the year's 年终评估 graded 优秀 or
  chose as 典型; the reviewer ticks those to add and may edit the drafted reason first.
- 生成表彰名单…: the reviewer's seal passphrase, then the 公文 PDF 「YYYY年度社会组织参与脱贫攻坚
  先进单位和先进个人名单」 sealed like every report (a submission package beside it);
  草稿… writes the same PDF unsealed; 等级评估加分名单… the rating committee's workbook.

Only the reviewer changes the list (the service checks; the buttons are off for others).
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.errors import KnownError
from fupin_desktop.services import commendations
from fupin_desktop.services.commendations import EntryView, Printed, Proposal
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.organizations import list_organizations
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.register_import import Progress
from fupin_desktop.ui.common import file_dialogs, unsaved
from fupin_desktop.ui.common.form_panel import save_close_row
from fupin_desktop.ui.common.operations import JobHandle, inform, run_job, run_op, show_error
from fupin_desktop.ui.common.tables import fill_table, read_only_table
from fupin_desktop.ui.common.widgets import ERROR_COLOR, button, message_label, open_dialog, show_message
from fupin_desktop.ui.sealed.seal_dialogs import PassphraseDialog

FIRST_YEAR = 2015
HEADERS = ("类别", "名称（姓名）", "工作单位", "结对协议", "添加人", "表彰理由")
PROPOSAL_HEADERS = ("加入", "社会组织", "结对协议", "推荐理由（可修改）")
TITLE = "生成表彰名单"


def _organization_names(ctx: ServiceContext) -> list[str]:
    return [str(r.values["name"]) for r in list_organizations(ctx, include_deregistered=False)]


def _completer(names: list[str], parent: QWidget) -> QCompleter:
    completer = QCompleter(QStringListModel(names, parent), parent)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setMaxVisibleItems(12)
    return completer


class EntryDialog(unsaved.AsksBeforeDiscard, QDialog):
    """添加: a 先进单位 or a 先进个人 with its reason (the service checks and stores it)."""

    def __init__(self, ctx: ServiceContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.year = ctx, year
        self.result_value: EntryView | None = None
        self.setWindowTitle(f"添加到 {year} 年度表彰名单")
        self.unit_kind = QRadioButton("先进单位")
        self.person_kind = QRadioButton("先进个人")
        self.unit_kind.setChecked(True)
        kinds = QHBoxLayout()
        kinds.addWidget(self.unit_kind)
        kinds.addWidget(self.person_kind)
        kinds.addStretch(1)
        names = _organization_names(ctx)
        self.unit_name = QLineEdit()
        self.unit_name.setPlaceholderText("名册里的社会组织（输入名称的一部分可选）或其他单位的全称")
        self.unit_name.setCompleter(_completer(names, self.unit_name))
        self.person = QLineEdit()
        self.person.setPlaceholderText("姓名")
        self.work_unit = QLineEdit()
        self.work_unit.setPlaceholderText("所在单位的全称，如所在社会组织")
        self.work_unit.setCompleter(_completer(names, self.work_unit))
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("主要事迹，如“结对帮扶某某村，开展产业帮扶和助学，年终评估优秀”")
        self.reason.setTabChangesFocus(True)
        self.form = QFormLayout()
        self.form.addRow("类别", kinds)
        self.form.addRow("单位名称", self.unit_name)
        self.form.addRow("姓名", self.person)
        self.form.addRow("工作单位", self.work_unit)
        self.form.addRow("表彰理由", self.reason)
        self.message = message_label()
        self.save_button, self.close_button, buttons = save_close_row("添加", "取消", self.save, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.unit_kind.toggled.connect(lambda _on: self._show_kind())
        self._show_kind()
        self.resize(560, 340)
        self.mark_clean()

    def is_unit(self) -> bool:
        return self.unit_kind.isChecked()

    def _show_kind(self) -> None:
        unit = self.is_unit()
        for widget, shown in ((self.unit_name, unit), (self.person, not unit), (self.work_unit, not unit)):
            self.form.setRowVisible(widget, shown)
        (self.unit_name if unit else self.person).setFocus()

    def typed_state(self) -> tuple[object, ...]:
        return (self.is_unit(), self.unit_name.text(), self.person.text(), self.work_unit.text(),
                self.reason.toPlainText())

    def save(self) -> bool:
        show_message(self.message, "", ERROR_COLOR)
        try:
            if self.is_unit():
                view = commendations.add_unit(self.ctx, self.year, self.unit_name.text(), self.reason.toPlainText())
            else:
                view = commendations.add_individual(self.ctx, self.year, self.person.text(), self.work_unit.text(),
                                                    self.reason.toPlainText())
        except KnownError as exc:
            show_message(self.message, str(exc), ERROR_COLOR)
            return False
        self.result_value = view
        self.accept()
        return True


class ProposalDialog(QDialog):
    """从评估结果推荐: tick the organizations to add; the drafted reason may be edited first."""

    def __init__(self, ctx: ServiceContext, year: int, proposals: list[Proposal], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.ctx, self.year, self.proposals = ctx, year, proposals
        self.added: list[EntryView] = []
        self.setWindowTitle(f"{year} 年度年终评估推荐的先进单位")
        note = QLabel("年终评估为优秀或选为典型的结对所属的社会组织。只是推荐：勾选要加入表彰名单的单位，"
                      "可先修改推荐理由，再点“加入所选”。已在名单中的不能再选。")
        note.setWordWrap(True)
        self.table = QTableWidget(len(proposals), len(PROPOSAL_HEADERS))
        self.table.setHorizontalHeaderLabels(list(PROPOSAL_HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        for r, x in enumerate(proposals):
            tick = QTableWidgetItem("已在名单" if x.listed else "")
            tick.setFlags(Qt.ItemFlag.ItemIsEnabled if x.listed
                          else Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            if not x.listed:
                tick.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(r, 0, tick)
            for c, text in ((1, x.organization), (2, "、".join(p.agreement_no for p in x.pairings))):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(r, c, item)
            reason = QTableWidgetItem(x.reason)
            reason.setToolTip(x.reason)
            if x.listed:
                reason.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(r, 3, reason)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.message = message_label()
        self.add_button, self.close_button, buttons = save_close_row("加入所选", "关闭", self.add_checked, self.reject)
        self.add_button.setEnabled(any(not x.listed for x in proposals))
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(900, 420)

    def checked_rows(self) -> list[int]:
        return [r for r in range(self.table.rowCount())
                if self.table.item(r, 0).checkState() == Qt.CheckState.Checked and not self.proposals[r].listed]

    def add_checked(self) -> bool:
        """Add every ticked organization; stop at the first refusal (those before it stay added)."""
        show_message(self.message, "", ERROR_COLOR)
        rows = self.checked_rows()
        if not rows:
            show_message(self.message, "请先勾选要加入表彰名单的单位。", ERROR_COLOR)
            return False
        for r in rows:
            x = self.proposals[r]
            try:
                self.added.append(commendations.add_unit(self.ctx, self.year, reason=self.table.item(r, 3).text(),
                                                         organization=x.organization_id, pairing=x.pairing_id))
            except KnownError as exc:
                show_message(self.message, f"{x.organization}：{exc}", ERROR_COLOR)
                return False
        self.accept()
        return True


class CommendationDialog(QDialog):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None, *, year: int | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entries: list[EntryView] = []
        self.job: JobHandle | None = None
        self.can_write = ctx.can(commendations.PERMISSION)
        self.setWindowTitle("表彰名单（先进单位和先进个人）")
        self.year = QSpinBox()
        this_year = clock.today().year
        self.year.setRange(FIRST_YEAR, this_year + 1)
        self.year.setSuffix(" 年度")
        self.year.setValue(year or this_year)
        title = QLabel("社会组织参与脱贫攻坚先进单位和先进个人")
        title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year)
        self.table = read_only_table(HEADERS, [])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.count = QLabel()
        self.count.setStyleSheet("color: #555;")
        self.add_button = button("添加…", self.add_entry, "添加先进单位（名册里的社会组织或其他单位）或先进个人")
        self.remove_button = button("删除", self.remove_selected, "从表彰名单删除所选的一条")
        self.propose_button = button("从评估结果推荐…", self.open_proposals,
                                     "列出年终评估为优秀或选为典型的结对所属的社会组织，勾选后加入")
        self.draft_button = button("草稿…", self.write_draft, "写出未盖章的表彰名单 PDF，先核对")
        self.print_button = button("生成表彰名单…", self.seal_and_print,
                                   "输入印章口令，生成盖章的公文 PDF（附件为名单和典型案例），并写出报送包")
        self.print_button.setStyleSheet("font-weight: bold;")
        self.bonus_button = button("等级评估加分名单…", self.export_bonus,
                                   "导出评为优秀或选为典型的社会组织，供社会组织等级评估委员会加分（Excel）")
        self.message = message_label()
        actions = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.propose_button):
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (self.draft_button, self.print_button, self.bonus_button):
            actions.addWidget(b)
        close = button("关闭", self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        if not self.can_write:
            show_message(self.message, "只有审核人可以修改表彰名单和生成盖章的名单；你可以查看。", "#b26a00")
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.resize(980, 560)
        self.refresh()

    # --- the list -------------------------------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        entries: list[EntryView] = []
        run_op(self, lambda: commendations.list_entries(self.ctx, self.year.value()), entries.extend)
        self.entries = entries
        me = self.ctx.user
        fill_table(self.table, [(e.kind_label, e.name, e.unit, e.agreement_no,
                                 me.display_name if e.created_by == me.username else e.created_by, e.reason)
                                for e in entries])
        # The reason takes what is left (its whole text in the tooltip): no sideways scrolling.
        self.table.horizontalHeader().setSectionResizeMode(HEADERS.index("表彰理由"), QHeaderView.ResizeMode.Stretch)
        for r, e in enumerate(entries):
            if e.id == select_id:
                self.table.selectRow(r)
        units = sum(1 for e in entries if e.kind == "unit")
        self.count.setText(f"{self.year.value()} 年度：先进单位 {units} 个，先进个人 {len(entries) - units} 名")
        self._update_buttons()

    def names(self) -> list[str]:
        return [self.table.item(r, 1).text() for r in range(self.table.rowCount())]

    def selected(self) -> EntryView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        for b in (self.add_button, self.propose_button, self.draft_button, self.bonus_button):
            b.setEnabled(self.can_write)
        self.remove_button.setEnabled(self.can_write and self.selected() is not None)
        self.print_button.setEnabled(self.can_write and self.ctx.can(Permission.HOLD_SEAL) and bool(self.entries))

    def add_entry(self) -> EntryDialog | None:
        if not self.can_write:
            return None
        dialog = EntryDialog(self.ctx, self.year.value(), self)
        dialog.accepted.connect(lambda: self.refresh(dialog.result_value.id if dialog.result_value else None))
        open_dialog(dialog)
        return dialog

    def remove_selected(self) -> QMessageBox | None:
        entry = self.selected()
        if entry is None or not self.can_write:
            return None
        who = entry.name if entry.kind == "unit" else f"{entry.name}（{entry.unit}）"
        box = QMessageBox(QMessageBox.Icon.Question, "删除", f"从 {entry.year} 年度表彰名单删除{entry.kind_label}“{who}”？",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText("删除")
        box.button(QMessageBox.StandardButton.No).setText("不删除")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda clicked: self.remove_entry(entry.id) if clicked is yes else None)
        open_dialog(box)
        return box

    def remove_entry(self, entry_id: int) -> bool:
        return run_op(self, lambda: commendations.remove(self.ctx, entry_id, self.year.value()),
                      lambda _view: self.refresh())

    def open_proposals(self) -> ProposalDialog | None:
        if not self.can_write:
            return None
        found: list[Proposal] = []
        if not run_op(self, lambda: commendations.propose(self.ctx, self.year.value()), found.extend):
            return None
        if not found:
            inform(self, "没有推荐", f"{self.year.value()} 年度还没有评为优秀或选为典型的结对（在“结对帮扶”里做年终评估）。")
            return None
        dialog = ProposalDialog(self.ctx, self.year.value(), found, self)
        dialog.accepted.connect(lambda: self.refresh())
        open_dialog(dialog)
        return dialog

    # --- the documents ----------------------------------------------------------------------------------------
    def write_draft(self, folder: Path | None = None) -> Path | None:
        folder = folder or file_dialogs.choose_folder(self, "commendation", "把表彰名单草稿写到哪个文件夹")
        if folder is None:
            return None
        written: list[Path] = []
        if run_op(self, lambda: commendations.write_draft(self.ctx, self.year.value(), folder), written.append):
            inform(self, "已写出草稿", f"未盖章的表彰名单草稿：\n{written[0]}")
        return written[0] if written else None

    def seal_and_print(self, folder: Path | None = None) -> PassphraseDialog | None:
        """The button: a folder, then the seal's passphrase (the dialog is returned)."""
        if not self.print_button.isEnabled():
            return None
        folder = folder or file_dialogs.choose_folder(self, "commendation", "把盖章的表彰名单写到哪个文件夹（U 盘）")
        if folder is None:
            return None
        year = self.year.value()
        what = f"{commendations.list_title(year)}\n写到：{folder}"
        dialog = PassphraseDialog(what, lambda passphrase: self.seal_with(passphrase, folder), self,
                                  "同一年度再次生成即为更正（第 2 版……），盖章后也可在“报送”页重新写出。")
        open_dialog(dialog)
        return dialog

    def seal_with(self, passphrase: str, folder: Path) -> JobHandle:
        """Seal in a worker (what the passphrase dialog's OK does)."""
        ctx, year = self.ctx, self.year.value()

        def job() -> Generator[Progress, None, object]:
            try:
                return (yield from commendations.sealing_list(ctx, year, folder, passphrase))
            except KnownError as exc:
                return exc

        def done(result: object) -> None:
            if isinstance(result, KnownError):
                show_error(self, result, TITLE)
            elif isinstance(result, Printed):
                inform(self, "已生成表彰名单", f"盖章的表彰名单（第 {result.version} 版）：\n{result.pdf}\n\n"
                                          f"报送包：\n{result.package}")

        self.job = run_job(self, job, done, TITLE)
        return self.job

    def export_bonus(self, path: Path | None = None) -> Path | None:
        year = self.year.value()
        path = path or file_dialogs.save_file(self, "rating_bonus", "保存等级评估加分推荐名单",
                                              f"{year}年度等级评估加分推荐名单.xlsx", "Excel 工作簿 (*.xlsx)")
        if path is None:
            return None
        written: list[Path] = []
        if run_op(self, lambda: commendations.export_rating_bonus(self.ctx, year, path), written.append):
            inform(self, "已导出", f"等级评估加分推荐名单：\n{written[0]}")
        return written[0] if written else None


def open_commendations(parent: QWidget, ctx: ServiceContext, year: int | None = None) -> CommendationDialog:
    dialog = CommendationDialog(ctx, parent, year=year)
    open_dialog(dialog)
    return dialog
