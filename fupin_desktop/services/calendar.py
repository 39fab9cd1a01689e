"""年度工作日历: every deadline of a year's work, and whether the database shows it done.

- a monthly table is done when every township with pairings in term that month has its
  newest revision approved (the same board ``fupin monthly status`` shows);
- a year's report is done when a sealed submission of that kind and year exists;
- the 年检年报 season is done when ``inspections.checklist`` for the work year is empty;
- a day to mark (6·30 扶贫济困日) is behind us once it has passed.

The dates come from ``deadlines.toml`` in the data folder if the bureau put one there,
else from the shipped ``forms/calendar/deadlines.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from fupin_desktop.domain import clock
from fupin_desktop.domain.deadlines import (
    DeadlineFileError,
    DeadlineSpec,
    Occurrence,
    load_deadlines,
    occurrences,
)
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.paths import forms_dir
from fupin_desktop.services import monthly_status
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.store.models_submission import Submission

# The report kinds a deadline may name: services/report_kinds.py registers these (a test checks
# the two agree). Named here so that the 首页 calendar need not load the PDF and Excel writers.
REPORT_NAMES = ("monthly", "quarter", "half-year", "year", "pairing-plan", "progress", "participation",
                "participation-public", "aggregate-monthly", "aggregate-year", "commendation")

FILE_NAME = "deadlines.toml"
STATES = {"done": "已完成", "due_in_n": "待办", "late": "已逾期", "upcoming": "未到期"}


class DeadlinesInvalid(KnownError):
    """The deadlines file (the bureau's own copy, or the shipped one) cannot be used."""


@dataclass(frozen=True)
class DeadlineView:
    name: str
    due: date
    state: str  # done | due_in_n | late | upcoming
    days: int  # due_in_n, upcoming: days left (0 = today); late: days overdue; done: 0
    missing: list[str] = field(default_factory=list)  # townships, organizations … still outstanding
    key: str = ""  # the deadline's key in deadlines.toml (monthly, pairing-plan …)
    period: str = ""  # the month, or the year the work concerns
    opens: date | None = None
    kind: str = ""  # monthly | report | season | day

    @property
    def state_label(self) -> str:
        if self.state == "due_in_n":
            return ("就是今天" if self.kind == "day" else "今天截止") if self.days == 0 else f"还有 {self.days} 天"
        if self.state == "late":
            return f"已逾期 {self.days} 天"
        if self.state == "upcoming":
            return f"{self.days} 天后截止"
        return "已过" if self.state == "done" and self.kind == "day" else STATES[self.state]


def deadlines_file(ctx: ServiceContext) -> Path:
    own = Path(ctx.data_dir) / FILE_NAME if ctx.data_dir else None
    return own if own is not None and own.is_file() else forms_dir() / "calendar" / FILE_NAME


def deadline_specs(ctx: ServiceContext) -> list[DeadlineSpec]:
    path = deadlines_file(ctx)
    try:
        specs = load_deadlines(path)
    except DeadlineFileError as exc:
        raise DeadlinesInvalid(f"期限文件有误（{path}）：{exc}") from None
    unknown = [s.report for s in specs if s.kind == "report" and s.report not in REPORT_NAMES]
    if unknown:
        raise DeadlinesInvalid(f"期限文件 {path} 里的报表 {'、'.join(unknown)} 不存在；可选：{'、'.join(REPORT_NAMES)}")
    return specs


def _submitted(ctx: ServiceContext) -> set[tuple[str, str]]:
    with ctx.db.reading() as s:
        return {(report, period) for report, period in s.execute(select(Submission.report, Submission.period).distinct())}


def _missing_monthly(board: list[monthly_status.TownshipMonth]) -> list[str]:
    return [f"{b.township}（{b.status_label}）" for b in board if b.status != "approved"]


def _missing_inspections(ctx: ServiceContext, work_year: int) -> list[str]:
    from fupin_desktop.services import inspections

    return [f"{r.organization}（缺{r.missing_text}）" for r in inspections.checklist(ctx, work_year)]


def _view(o: Occurrence, today: date, done: bool, missing: list[str]) -> DeadlineView:
    left = (o.due - today).days
    if done:
        state, days = "done", 0
    elif left < 0:
        state, days = "late", -left
    elif today >= o.opens:
        state, days = "due_in_n", left
    else:
        state, days = "upcoming", left
    return DeadlineView(o.name, o.due, state, days, missing if state != "upcoming" else [], o.spec.key, o.period,
                        o.opens, o.spec.kind)


def year_calendar(ctx: ServiceContext, year: int, today: date | None = None) -> list[DeadlineView]:
    """Every deadline of ``year``'s work, in date order, as of ``today``."""
    today = today or clock.today()
    Period.annual(year)  # refuses a year out of range
    submitted = _submitted(ctx)
    found = occurrences(deadline_specs(ctx), year)
    ended = [Period.parse(o.period) for o in found if o.spec.kind == "monthly" and today >= o.opens]
    boards = monthly_status.status_boards(ctx, ended, today)
    out = []
    for o in found:
        spec, missing, done = o.spec, [], False
        if spec.kind == "monthly":
            if today >= o.opens:  # the month has ended
                missing = _missing_monthly(boards[str(Period.parse(o.period))])
                done = not missing
        elif spec.kind == "report":
            done = (spec.report, o.period) in submitted
        elif spec.kind == "day":  # a day to mark (6·30 扶贫济困日): behind us once it has passed
            done = today > o.due
        elif spec.check == "inspections" and today >= o.opens:
            missing = _missing_inspections(ctx, int(o.period))
            done = not missing
        out.append(_view(o, today, done, missing))
    out += _phase_deadlines(ctx, year, today)
    return sorted(out, key=lambda d: d.due)


def _phase_deadlines(ctx: ServiceContext, year: int, today: date) -> list[DeadlineView]:
    """The campaigns' phases due in ``year`` (004: 4月30日 供需目录, 5月15日 双向选择 …): days to mark,
    behind us once passed or once the campaign is closed."""
    from fupin_desktop.services.campaigns import phases_due_in

    out = []
    for phase in phases_due_in(ctx, year):
        opens = phase.starts_on or phase.due_on
        done = phase.closed or today > phase.due_on
        left = (phase.due_on - today).days
        state, days = ("done", 0) if done else ("due_in_n", left) if today >= opens else ("upcoming", left)
        out.append(DeadlineView(f"{phase.campaign}·{phase.name}", phase.due_on, state, days, [],
                                "campaign-phase", str(year), opens, "day"))
    return out
