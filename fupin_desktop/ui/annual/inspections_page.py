"""年检年报: for a year, every organization that took part in poverty work or has an inspection
record, with its 结论, 收到日期 and whether the two required attachments are here.

Filters: 镇（街道） (an organization with a pairing there that year), 业务主管单位, and 只看缺材料的
(the service's checklist). 导出清单 Excel writes the checklist for the phone calls;
生成工作情况草稿 pre-fills an organization's 上一年度参与脱贫攻坚工作情况; 校验附件 re-hashes
every stored file in a worker.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.domain.enums import AttachmentRole
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.inspections import (
    NO_RECORD,
    AttachmentProblem,
    ChecklistRow,
    InspectionView,
    check_attachments_steps,
    checklist,
    list_inspections,
    write_checklist_xlsx,
    write_work_report_draft,
)
from fupin_desktop.services.organizations import list_organizations
from fupin_desktop.services.pairings import list_pairings
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.places import list_townships
from fupin_desktop.ui.annual.inspection_dialog import FIRST_YEAR, InspectionDialog
from fupin_desktop.ui.common import file_dialogs
from fupin_desktop.ui.common.operations import JobHandle, inform, run_job, run_op
from fupin_desktop.ui.common.tables import fill_table, read_only_table
from fupin_desktop.ui.common.widgets import button, open_dialog

HEADERS = ("社会组织", "统一社会信用代码", "业务主管单位", "结对所在镇（街道）", "年检结论", "收到日期",
           "工作情况", "工作计划", "其他附件", "缺少的材料")
REPORT_COLUMN, PLAN_COLUMN, MISSING_COLUMN = 6, 7, 9
YES, NO, NOT_DUE = "✓", "✗", "—"
# The 缺少的材料 cell names things as the column headers do; the tooltip has the full names.
SHORT = {NO_RECORD: "未登记年检", AttachmentRole.WORK_REPORT.label: "工作情况", AttachmentRole.WORK_PLAN.label: "工作计划"}
SHOWN_PROBLEMS = 15


@dataclass(frozen=True)
class OrgRow:
    """One organization's line: what the services say about it for the year."""

    org_id: int
    name: str
    credit_code: str
    supervising_unit: str
    townships: list[str]
    inspection: InspectionView | None
    missing: list[str] = field(default_factory=list)  # from the checklist (NO_RECORD included)

    @property
    def roles(self) -> set[str]:
        return {a.role for a in self.inspection.attachments} if self.inspection else set()

    def mark(self, role: AttachmentRole) -> str:
        if role.value in self.roles:
            return YES
        return NO if role.label in self.missing else NOT_DUE

    def cells(self) -> tuple[str, ...]:
        insp = self.inspection
        others = sum(1 for a in insp.attachments if a.role not in (AttachmentRole.WORK_REPORT.value,
                                                                   AttachmentRole.WORK_PLAN.value)) if insp else 0
        return (self.name, self.credit_code, self.supervising_unit, "、".join(self.townships),
                insp.result_label if insp else "", f"{insp.received_on:%Y-%m-%d}" if insp and insp.received_on else "",
                self.mark(AttachmentRole.WORK_REPORT), self.mark(AttachmentRole.WORK_PLAN),
                str(others) if others else "", "、".join(SHORT.get(m, m) for m in self.missing))


def _in_year(values: dict[str, Any], year: int) -> bool:
    start, end = values.get("term_start"), values.get("term_end")
    return bool(start and end and start <= date(year, 12, 31) and end >= date(year, 1, 1))


class InspectionsPage(QWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or clock.today()
        self.editable = ctx.can(Permission.EDIT_INSPECTIONS)
        self.rows: list[OrgRow] = []
        self.shown: list[OrgRow] = []
        self.job: JobHandle | None = None
        self.last_problems: list[AttachmentProblem] | None = None

        self.year = QSpinBox()
        self.year.setRange(FIRST_YEAR, self.today.year)
        self.year.setSuffix(" 年度")
        self.year.setValue(self.today.year - 1)  # this spring's 年检 concerns last year's work
        self.year.setToolTip("年检年报所属的工作年度（每年春季办理上一年度的年检年报）")
        self.township = QComboBox()
        self.township.addItem("全部镇（街道）", None)
        for t in list_townships(ctx):
            self.township.addItem(t.values["name"], t.values["name"])
        self.township.setMaxVisibleItems(25)
        self.unit = QComboBox()
        self.unit.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.unit.setMaxVisibleItems(25)
        self.only_missing = QCheckBox("只看缺材料的")
        self.only_missing.setToolTip("只列出这一年度参与了脱贫攻坚、但还没有年检记录或缺少必备附件的社会组织")
        filters = QHBoxLayout()
        for label, widget in (("年度", self.year), ("镇（街道）", self.township), ("业务主管单位", self.unit)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
            filters.addSpacing(10)
        filters.addWidget(self.only_missing)
        filters.addStretch(1)

        self.new_button = button("登记年检", self.new_inspection, "登记一个社会组织的年检年报（可选任何在册组织）")
        self.open_button = button("打开", self.open_selected, "查看或修改所选组织的年检和附件（也可双击）")
        self.export_button = button("导出清单 Excel", self.choose_checklist_file,
                                    "把当前筛选下缺材料的组织（含联系人和电话）写成 Excel，便于逐个电话催交")
        self.draft_button = button("生成工作情况草稿", self.choose_draft_folder,
                                   "按已审核的月度统计，为所选组织预填《上一年度参与脱贫攻坚工作情况》（PDF 和 Excel）")
        self.check_button = button("校验附件", self.check_files, "逐个核对已存附件是否缺失或被改动")
        self.new_button.setEnabled(self.editable)
        actions = QHBoxLayout()
        for b in (self.new_button, self.open_button):
            actions.addWidget(b)
        actions.addSpacing(16)
        for b in (self.export_button, self.draft_button, self.check_button):
            actions.addWidget(b)
        actions.addStretch(1)

        self.table = read_only_table(HEADERS, [])  # several rows may be selected to copy; 登记 takes the first
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.count = QLabel()
        self.count.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

        self.year.valueChanged.connect(lambda _v: self.refresh())
        for combo in (self.township, self.unit):
            combo.currentIndexChanged.connect(lambda _n: self.show_rows())
        self.only_missing.toggled.connect(lambda _on: self.show_rows())
        self.refresh()

    # --- reading ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        run_op(self, self._read, self._loaded)

    def _read(self) -> list[OrgRow]:
        year = self.year.value()
        inspected = {v.organization_id: v for v in list_inspections(self.ctx, year)}
        missing: dict[int, ChecklistRow] = {r.organization_id: r for r in checklist(self.ctx, year)}
        towns: dict[int, set[str]] = {}
        for p in list_pairings(self.ctx):
            if _in_year(p.values, year):
                towns.setdefault(p.extra["organization_id"], set()).add(p.values["township"])
        return [OrgRow(o.id, o.values["name"], o.values["credit_code"], o.values.get("supervising_unit") or "",
                       sorted(towns.get(o.id, ())), inspected.get(o.id),
                       missing[o.id].missing if o.id in missing else [])
                for o in list_organizations(self.ctx) if o.id in inspected or o.id in missing]

    def _loaded(self, rows: list[OrgRow]) -> None:
        self.rows = rows
        units = sorted({r.supervising_unit for r in rows if r.supervising_unit})
        current = self.unit.currentData()
        with QSignalBlocker(self.unit):
            self.unit.clear()
            self.unit.addItem("全部业务主管单位", None)
            for u in units:
                self.unit.addItem(u, u)
            self.unit.setCurrentIndex(max(self.unit.findData(current), 0) if current else 0)
        self.show_rows()

    def filters(self) -> tuple[str | None, str | None]:
        return self.township.currentData(), self.unit.currentData()

    def show_rows(self) -> None:
        township, unit = self.filters()
        chosen = self.selected()
        self.shown = [r for r in self.rows if (township is None or township in r.townships)
                      and (unit is None or r.supervising_unit == unit)
                      and (not self.only_missing.isChecked() or r.missing)]
        fill_table(self.table, [r.cells() for r in self.shown])
        for n, r in enumerate(self.shown):
            for column in (REPORT_COLUMN, PLAN_COLUMN):
                item = self.table.item(n, column)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setForeground(QColor({YES: "#2e7d32", NO: "#c62828"}.get(item.text(), "#888")))
                item.setToolTip({YES: "已附", NO: "缺少", NOT_DUE: "这一年度没有结对帮扶，不要求"}[item.text()])
            if r.missing:
                item = self.table.item(n, MISSING_COLUMN)
                item.setForeground(QColor("#c62828"))
                item.setToolTip("缺：" + "、".join(r.missing))
            if chosen is not None and r.org_id == chosen.org_id:
                self.table.selectRow(n)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 300))
        self.table.setColumnWidth(2, min(self.table.columnWidth(2), 200))
        lacking = sum(1 for r in self.rows if r.missing)
        done = sum(1 for r in self.rows if r.inspection is not None)
        shown = "" if len(self.shown) == len(self.rows) else f"显示 {len(self.shown)} 家；"
        self.count.setText(f"{shown}{self.year.value()} 年度共 {len(self.rows)} 家：已登记年检 {done} 家，"
                           f"缺材料 {lacking} 家")
        self._update_buttons()

    def selected(self) -> OrgRow | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model else []
        return self.shown[rows[0].row()] if rows and rows[0].row() < len(self.shown) else None

    def select_org(self, org_id: int) -> bool:
        n = next((i for i, r in enumerate(self.shown) if r.org_id == org_id), -1)
        if n >= 0:
            self.table.selectRow(n)
        return n >= 0

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.open_button.setEnabled(chosen)
        self.draft_button.setEnabled(chosen)

    # --- the dialog --------------------------------------------------------------------------------
    def _dialog(self, organization: tuple[int, str] | None) -> InspectionDialog:
        dialog = InspectionDialog(self.ctx, self.year.value(), self, organization=organization, today=self.today)
        dialog.changed.connect(self._changed)
        open_dialog(dialog)
        return dialog

    def _changed(self, view: InspectionView | None) -> None:
        self.refresh()
        if view is not None:
            self.select_org(view.organization_id)

    def new_inspection(self) -> InspectionDialog | None:
        return self._dialog(None) if self.editable else None

    def open_selected(self) -> InspectionDialog | None:
        row = self.selected()
        return self._dialog((row.org_id, row.name)) if row else None

    # --- outputs -----------------------------------------------------------------------------------
    def choose_checklist_file(self) -> None:
        name = f"{self.year.value()}年度年检年报材料缺漏清单.xlsx"
        path = file_dialogs.save_file(self, "inspection_checklist", "导出缺材料清单", name, "Excel 工作簿 (*.xlsx)")
        if path:
            self.export_checklist(path if path.suffix.lower() == ".xlsx" else path.with_name(f"{path.name}.xlsx"))

    def export_checklist(self, path: Path) -> Path | None:
        township, unit = self.filters()
        written: list[Path] = []

        def write() -> Path:
            return write_checklist_xlsx(self.ctx, checklist(self.ctx, self.year.value(), township, unit), path)

        def done(result: Path) -> None:
            written.append(result)
            inform(self, "已导出清单", f"缺材料的社会组织清单已写到：\n{result}")

        run_op(self, write, done)
        return written[0] if written else None

    def choose_draft_folder(self) -> None:
        if self.selected() is None:
            return
        folder = file_dialogs.choose_folder(self, "inspection_draft", "把草稿写到哪个文件夹")
        if folder:
            self.write_draft(folder)

    def write_draft(self, folder: Path) -> tuple[Path, Path] | None:
        row = self.selected()
        if row is None:
            return None
        written: list[tuple[Path, Path]] = []

        def done(paths: tuple[Path, Path]) -> None:
            written.append(paths)
            inform(self, "已生成草稿", f"{row.name} {self.year.value()} 年度参与脱贫攻坚工作情况（草稿）：\n"
                                    f"{paths[0]}\n{paths[1]}\n\n请组织核对、补充并盖章后随年检材料交回。")

        run_op(self, lambda: write_work_report_draft(self.ctx, row.org_id, self.year.value(), folder), done)
        return written[0] if written else None

    def check_files(self) -> JobHandle:
        ctx = self.ctx

        def steps() -> Generator[Any, None, tuple[int, list[AttachmentProblem]]]:
            problems, total = [], 0
            for step in check_attachments_steps(ctx):
                total = step.total
                if step.problem is not None:
                    problems.append(step.problem)
                yield step
            return total, problems

        self.job = run_job(self, steps, self._checked, "校验附件")
        return self.job

    def _checked(self, result: tuple[int, list[AttachmentProblem]]) -> None:
        total, problems = result
        self.last_problems = problems
        if not problems:
            inform(self, "校验附件", f"全部完好：{total} 个已存附件都与登记时一致。")
            return
        lines = []
        for p in problems[:SHOWN_PROBLEMS]:
            used = f"\n　　用于：{'；'.join(p.used_by)}" if p.used_by else ""
            lines.append(f"• {p.message}{used}")
        more = f"\n……另有 {len(problems) - SHOWN_PROBLEMS} 个" if len(problems) > SHOWN_PROBLEMS else ""
        box = QMessageBox(QMessageBox.Icon.Warning, "校验附件",
                          f"{total} 个已存附件中有 {len(problems)} 个缺失或被改动：",
                          QMessageBox.StandardButton.Ok, self)
        box.setInformativeText("\n".join(lines) + more + "\n\n请找回原件后在年检记录中移除并重新添加。")
        open_dialog(box)
