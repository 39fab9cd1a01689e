"""One 专项行动's year (opened from 首页): its pairings against its targets, the approved
monthly figures, the 年终评估 grades, and the organizations to commend (评为优秀)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.domain import clock
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.evaluations import CampaignProgress, campaign_view
from fupin_desktop.ui.common.tables import fill_table, read_only_table
from fupin_desktop.ui.common.widgets import ERROR_COLOR, message_label, show_message

FIRST_YEAR = 2015
COMMEND_HEADERS = ("社会组织", "协议编号", "结对对象")


def _target(done: int, target: int | None) -> str:
    if target is None:
        return f"{done}（未定目标）"
    mark = "（已达到）" if done >= target else f"（差 {target - done}）"
    return f"{done} / {target}{mark}"


class CampaignDialog(QDialog):
    def __init__(self, ctx: ServiceContext, campaign_id: int, name: str, parent: QWidget | None = None, *,
                 year: int | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.campaign_id = ctx, campaign_id
        self.progress: CampaignProgress | None = None
        self.setWindowTitle(f"专项行动年度情况 — {name}")
        self.year = QSpinBox()
        this_year = clock.today().year
        self.year.setRange(FIRST_YEAR, this_year + 1)
        self.year.setSuffix(" 年")
        self.year.setValue(year or this_year)
        top = QHBoxLayout()
        title = QLabel(name)
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year)
        self.numbers = QGroupBox("结对与目标（该年在协议期内的结对）")
        self.numbers_grid = QGridLayout(self.numbers)
        self.numbers_grid.setHorizontalSpacing(24)
        self.figures = QGroupBox("已审核月报合计")
        self.figures_grid = QGridLayout(self.figures)
        self.figures_grid.setHorizontalSpacing(24)
        self.grades = QLabel()
        self.grades.setWordWrap(True)
        commend_box = QGroupBox("拟表扬的社会组织（年终评估为优秀）")
        commend_layout = QVBoxLayout(commend_box)
        commend_layout.addWidget(self.grades)
        self.commended = read_only_table(COMMEND_HEADERS, [])
        commend_layout.addWidget(self.commended, 1)
        self.message = message_label()
        close = QPushButton("关闭")
        close.setAutoDefault(False)
        close.clicked.connect(lambda _checked=False: self.accept())
        self.commend_button = QPushButton("表彰名单…")
        self.commend_button.setAutoDefault(False)
        self.commend_button.setToolTip("该年度先进单位和先进个人名单、典型案例和等级评估加分名单")
        self.commend_button.clicked.connect(lambda _checked=False: self.open_commendations())
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addStretch(1)
        bottom.addWidget(self.commend_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        row = QHBoxLayout()
        row.addWidget(self.numbers, 1)
        row.addWidget(self.figures, 1)
        layout.addLayout(row)
        layout.addWidget(commend_box, 1)
        layout.addLayout(bottom)
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.resize(860, 580)
        self.refresh()

    def refresh(self) -> None:
        show_message(self.message, "", ERROR_COLOR)
        try:
            self.progress = campaign_view(self.ctx, self.campaign_id, self.year.value())
        except KnownError as exc:
            self.progress = None
            show_message(self.message, str(exc), ERROR_COLOR)
        self.show_progress()

    @staticmethod
    def _fill(grid: QGridLayout, pairs: list[tuple[str, str]]) -> None:
        while grid.count():
            item = grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for n, (caption, value) in enumerate(pairs):
            label = QLabel(caption)
            label.setStyleSheet("color: #555;")
            number = QLabel(value)
            number.setStyleSheet("font-weight: bold;")
            grid.addWidget(label, n, 0)
            grid.addWidget(number, n, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(pairs), 1)

    def show_progress(self) -> None:
        p = self.progress
        if p is None:
            self._fill(self.numbers_grid, [])
            self._fill(self.figures_grid, [])
            self.grades.setText("")
            fill_table(self.commended, [])
            return
        without = (f"{len(p.pairings_without_projects)} 份（{'、'.join(p.pairings_without_projects[:5])}"
                   f"{' 等' if len(p.pairings_without_projects) > 5 else ''}）" if p.pairings_without_projects else "无")
        self._fill(self.numbers_grid, [
            ("参与社会组织", _target(p.organizations, p.target_organizations)),
            ("结对村（社区）", _target(p.villages, p.target_villages)),
            ("结对协议", f"{p.pairings} 份（帮扶对象 {p.households} 户，福利机构 {p.institutions} 家）"),
            ("合作项目预算", f"{format_wan(p.budget_fen)} 万元"),
            ("没有合作项目的结对", without),
        ])
        spec = self.ctx.forms["monthly"]
        self._fill(self.figures_grid, [
            (spec.field(n).label, f"{format_wan(p.figures.get(n, 0))} 万元" if n.endswith("_fen")
             else f"{p.figures.get(n, 0)} {spec.field(n).unit or ''}".strip()) for n in FIGURES])
        counts = "，".join(f"{label} {count}" for label, count in p.grades.items())
        self.grades.setText(f"{p.year} 年度已评估 {p.evaluated} 份、未评估 {p.not_evaluated} 份；{counts}；"
                            f"合格及以上 {p.met} 份。")
        fill_table(self.commended, [(c["organization"], c["agreement_no"], c["target"]) for c in p.commended])

    def open_commendations(self) -> QDialog:
        """The year's 表彰名单 (the organizations graded 优秀 here are proposed there)."""
        from fupin_desktop.ui.register.commendation_dialog import open_commendations

        return open_commendations(self, self.ctx, self.year.value())

    def commended_names(self) -> list[str]:
        return [self.commended.item(n, 0).text() for n in range(self.commended.rowCount())]
