"""首页: the bureau, how big the register is, who has sent the monthly statistics (月报报送情况),
the year's deadlines (年度工作日历), and how far each 专项行动 is against its targets (with its
year's figures, 年终评估 grades and the organizations to commend a click away)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.domain.money import format_wan
from fupin_desktop.services.audit_anchor import current_head, printed
from fupin_desktop.services.backup import backup_status
from fupin_desktop.services.campaigns import list_campaigns, save_campaign
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.households import count_households
from fupin_desktop.services.overview import register_counts
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.records import RecordView
from fupin_desktop.services.settings import bureau
from fupin_desktop.services.visits import overdue_rectifications
from fupin_desktop.ui.common.flow_layout import FlowLayout
from fupin_desktop.ui.common.form_dialog import FormDialog
from fupin_desktop.ui.common.widgets import open_dialog
from fupin_desktop.ui.monthly.calendar_panel import CalendarPanel
from fupin_desktop.ui.monthly.monthly_dashboard import MonthlyDashboard
from fupin_desktop.ui.register.campaign_dialog import CampaignDialog
from fupin_desktop.ui.register.campaign_phases_dialog import CampaignPhasesDialog

OVERDUE_SHOWN = 3  # overdue 整改 named on the page; the tooltip has more


def _phases_text(c: RecordView) -> str:
    phases = c.extra.get("phases") or []
    return "阶段：" + "；".join(f"{p['name']} {p['due_on']:%m月%d日}前" for p in phases) if phases else ""


def _more_targets(c: RecordView) -> str:
    """帮扶户, 项目 and 资金 against their targets, for the tooltip (the grid shows the first two)."""
    parts = []
    for key, target, label in (("households", "target_households", "帮扶户"), ("projects", "target_projects", "项目")):
        if c.values.get(target):
            parts.append(f"{label} {c.extra.get(key, 0)}/{c.values[target]}")
    if c.values.get("target_funds_fen"):
        parts.append(f"已报投入 {format_wan(c.extra.get('funds_fen', 0))}/{format_wan(c.values['target_funds_fen'])} 万元")
    return "进度：" + "，".join(parts) if parts else ""


def _row_button(text: str, tip: str, slot: Callable[[], object]) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.clicked.connect(lambda _checked=False: slot())
    return button


def progress_bar(done: int, target: int) -> QProgressBar:
    """``done`` of ``target``; a target passed shows as a full bar with the true count."""
    bar = QProgressBar()
    bar.setRange(0, max(target, 1))
    bar.setValue(min(done, target))
    percent = round(100 * done / target) if target else 0
    bar.setFormat(f"{done} / {target}（{percent}%）")
    bar.setTextVisible(True)
    bar.setMinimumWidth(130)  # two a row with three buttons, and the page still fits 1024 × 768
    if done >= target:  # reached: green, keeping the platform's own bar drawing
        palette = bar.palette()
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#2e7d32"))
        bar.setPalette(palette)
    return bar


class Figure(QFrame):
    """A big number with its caption."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        self.number = QLabel("—")
        self.number.setStyleSheet("font-size: 22pt; font-weight: bold; color: #1565c0;")
        self.caption = QLabel(caption)
        self.caption.setStyleSheet("color: #555;")
        self.detail = QLabel()
        self.detail.setStyleSheet("color: #777;")
        for w in (self.number, self.caption, self.detail):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(w)

    def set(self, number: int, detail: str = "") -> None:
        self.number.setText(str(number))
        self.detail.setText(detail)


class HomePage(QWidget):
    open_month = Signal(int, str)  # a township-month to show on 月度统计 (township id, "YYYY-MM")

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None, *,
                 today: Callable[[], date] = clock.today) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 14, 24, 14)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.subtitle = QLabel("社会组织参与脱贫攻坚工作管理")
        self.subtitle.setStyleSheet("color: #555; font-size: 12pt;")
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addSpacing(16)
        heading.addWidget(self.subtitle, 1, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(heading)
        # When the data was last backed up; red after a week without (services.backup decides).
        self.backup_status = QLabel()
        self.backup_status.setStyleSheet("color: #555;")
        self.backup_warning = QLabel()
        self.backup_warning.setStyleSheet("color: #c62828; font-weight: bold;")
        backup_row = FlowLayout()
        backup_row.addWidget(self.backup_status)
        backup_row.addSpacing(12)
        backup_row.addWidget(self.backup_warning)
        backup_row.addStretch(1)
        # Copied onto the paper file: later `fupin audit check --head` proves the log up to here.
        self.audit_head = QLabel()
        self.audit_head.setStyleSheet("color: #555;")
        self.audit_head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.audit_head.setToolTip("操作日志校验码：打印或抄录后随纸质材料存档，日后可用它核对此前的操作记录未被改写")
        backup_row.addWidget(self.audit_head)
        layout.addLayout(backup_row)
        # 整改 past their deadline (年中检查 … and 信息核对抽查), the first few named; hidden when none.
        self.overdue = QLabel()
        self.overdue.setStyleSheet("color: #c62828;")
        self.overdue.setWordWrap(True)
        self.overdue.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.overdue)
        # A city or province: first who has reported to it (its own register usually stays empty).
        self.reporting: QWidget | None = None
        if bureau(ctx.db).division_code.endswith("00") and ctx.can(Permission.RECEIVE):
            from fupin_desktop.ui.sealed.reporting_status_box import ReportingStatusBox

            self.reporting = ReportingStatusBox(ctx)
            layout.addSpacing(8)
            layout.addWidget(self.reporting)
        figures = QHBoxLayout()
        self.organizations = Figure("社会组织")
        self.villages = Figure("村（社区）")
        self.pairings = Figure("结对帮扶协议")
        self.households = Figure("帮扶对象（户）")
        for f in (self.organizations, self.villages, self.pairings, self.households):
            figures.addWidget(f)
        layout.addSpacing(8)
        layout.addLayout(figures)
        # The monthly reports change every day: they come before the campaigns' progress.
        self.monthly = MonthlyDashboard(ctx)
        self.monthly.setMinimumHeight(330)
        self.monthly.open_month.connect(self.open_month)
        layout.addSpacing(8)
        layout.addWidget(self.monthly, 1)
        self.calendar = CalendarPanel(ctx, today)
        layout.addSpacing(8)
        layout.addWidget(self.calendar)
        self.campaign_box = QGroupBox("专项行动进度（执行中的结对）")
        self.campaign_grid = QGridLayout(self.campaign_box)
        self.campaign_grid.setHorizontalSpacing(18)
        layout.addSpacing(8)
        layout.addWidget(self.campaign_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.show_figures()

    def refresh(self) -> None:
        self.show_figures()
        if self.reporting is not None:
            self.reporting.refresh()  # type: ignore[attr-defined]
        self.monthly.refresh()
        self.calendar.refresh()

    def show_figures(self) -> None:
        """Everything but the two panels (they fill themselves when made)."""
        self.title.setText(bureau(self.ctx.db).name)
        self.show_backup_status()
        self.show_overdue()
        self.audit_head.setText(f"日志校验码 {printed(*current_head(self.ctx.db))}")
        counts = register_counts(self.ctx)
        self.organizations.set(counts.organizations_active,
                               f"正常 {counts.organizations_active} 家，共登记 {counts.organizations} 家")
        self.villages.set(counts.villages, f"其中有村情标识的 {counts.villages_flagged} 个")
        self.pairings.set(counts.pairings, f"执行中 {counts.pairings_active} 份")
        count, people = count_households(self.ctx)
        self.households.set(count, f"{people} 人")
        self.show_campaigns(list_campaigns(self.ctx))

    def show_backup_status(self) -> None:
        status = backup_status(self.ctx, self._today())
        self.backup_status.setText(status.text if status.last else "")
        self.backup_warning.setText(status.warning or "")
        self.backup_warning.setVisible(bool(status.warning))

    def show_overdue(self) -> None:
        found = overdue_rectifications(self.ctx, self._today())
        lines = [f"<b>整改逾期 {len(found)} 项</b>（在“监督检查”页登记整改完成或跟进情况）："]
        lines += [escape(o.line) for o in found[:OVERDUE_SHOWN]]
        if len(found) > OVERDUE_SHOWN:
            lines.append(f"……另有 {len(found) - OVERDUE_SHOWN} 项")
        self.overdue.setText("<br/>".join(lines) if found else "")
        self.overdue.setToolTip("\n".join(o.line for o in found[:40]))
        self.overdue.setVisible(bool(found))

    def show_campaigns(self, campaigns: list[RecordView]) -> None:
        grid = self.campaign_grid
        while grid.count():
            item = grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        headers = ("专项行动", "起始年度", "参与社会组织", "结对村（社区）", "结对数", "")
        for column, text in enumerate(headers):
            label = QLabel(text)
            label.setStyleSheet("font-weight: bold;")
            grid.addWidget(label, 0, column)
        for row, c in enumerate(campaigns, start=1):
            closed = c.extra.get("status") == "closed"
            name = QLabel(c.values["name"] + ("（已结束）" if closed else ""))
            name.setToolTip("\n".join(filter(None, [c.values.get("description"), _phases_text(c), _more_targets(c)])))
            grid.addWidget(name, row, 0)
            grid.addWidget(QLabel(str(c.values.get("year") or "")), row, 1)
            for column, (done, target) in enumerate(
                    ((c.extra.get("organizations", 0), c.values.get("target_organizations") or 0),
                     (c.extra.get("villages", 0), c.values.get("target_villages") or 0)), start=2):
                grid.addWidget(progress_bar(done, target) if target else QLabel(f"{done}（未定目标）"), row, column)
            grid.addWidget(QLabel(str(c.extra.get("pairings", 0))), row, 4)
            # Tool buttons: a push button is at least 80 px wide, and three a row pushed the list past
            # 1024 px (the buttons are reached by scrolling sideways).
            grid.addWidget(_row_button("年度情况…", "该专项行动本年度的结对、月报合计、年终评估和拟表扬的社会组织",
                                       lambda cid=c.id, name=c.values["name"]: self.open_campaign(cid, name)),
                           row, 5)
            if self.ctx.can(Permission.EDIT_REGISTER):
                grid.addWidget(_row_button("修改…", "修改行动名称、起止日期、目标和说明",
                                           lambda view=c: self.edit_campaign(view)), row, 6)
                grid.addWidget(_row_button("阶段…", "各阶段及截止日期（列入工作日历）；结束或重新开启此行动",
                                           lambda view=c: self.edit_phases(view)), row, 7)
        if self.ctx.can(Permission.EDIT_REGISTER):
            add = QPushButton("新建专项行动…")
            add.setAutoDefault(False)
            add.setToolTip("本局自己的专项行动（如 百社解千难）及其目标")
            add.clicked.connect(lambda _checked=False: self.edit_campaign(None))
            grid.addWidget(add, len(campaigns) + 1, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(3, 1)

    def edit_campaign(self, view: RecordView | None) -> FormDialog:
        """新建 or 修改 a campaign in the form dialog; the list here is re-read once it is saved."""
        campaign_id = view.id if view else None
        dialog = FormDialog(self.ctx.forms["campaign"], view.values if view else None, self,
                            save=lambda raw: save_campaign(self.ctx, raw, campaign_id))
        dialog.saved.connect(lambda _result: self.show_campaigns(list_campaigns(self.ctx)))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def edit_phases(self, view: RecordView) -> CampaignPhasesDialog:
        dialog = CampaignPhasesDialog(self.ctx, view, self)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_campaign(self, campaign_id: int, name: str) -> CampaignDialog:
        dialog = CampaignDialog(self.ctx, campaign_id, name, self)
        open_dialog(dialog)
        return dialog

    def campaign_progress(self) -> dict[str, list[str]]:
        """The text of each campaign's progress bars (for tests and screen readers)."""
        result: dict[str, list[str]] = {}
        grid = self.campaign_grid
        for row in range(1, grid.rowCount()):
            first = grid.itemAtPosition(row, 0)
            if first is None:
                continue
            texts = []
            for column in (2, 3):
                item = grid.itemAtPosition(row, column)
                widget = item.widget() if item else None
                if isinstance(widget, QProgressBar | QLabel):
                    texts.append(widget.text())
            result[first.widget().text()] = texts
        return result
