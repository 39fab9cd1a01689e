"""Who should report to this bureau, and where each stands (issue 15).

A city bureau (6-digit code ending 00) expects every county-level unit under it in the shipped
national division table; a province (ending 0000) every city, and the county-level units it
governs directly (省直辖县级行政区划); ``level="county"`` asks a province for every county. A
unit is then, for one report and period:

- 已收 — its newest verified version is held (received on time or N days late);
- 更正中 — only a correction is held, waiting for the version it corrects (not counted);
- 未报 — a certificate is registered but nothing has arrived;
- 无证书 — no certificate registered: nothing it sends could be verified;
- 不适用 — the bureau marked it so, with a reason (e.g. a 开发区 without its own 民政局).

The due day is the deadline of the report in the calendar (``deadlines.toml``). No notice sets
the day a county's monthly package is due upward; the townships' is the 5th, so the county's is
taken as the ``MONTHLY_UPWARD_DAY`` of the next month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from fupin_desktop.domain import clock
from fupin_desktop.domain.deadlines import occurrences
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, NotFound
from fupin_desktop.services.calendar import deadline_specs
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.places import division_table
from fupin_desktop.services.report_kinds import AGGREGATE_OF, report_kind
from fupin_desktop.services.settings import bureau
from fupin_desktop.store import audit
from fupin_desktop.store.models_submission import ExpectedExemption, ReceivedPackage, TrustEntry

MONTHLY_UPWARD_DAY = 10
ALL_REPORTS = "*"
STATE_LABELS = {"received": "已收", "correcting": "更正中", "missing": "未报", "no_certificate": "无证书",
                "exempt": "不适用"}
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


class NotAReceiver(KnownError):
    """A county bureau: no units report to it."""


@dataclass(frozen=True)
class ExpectedUnit:
    division: str
    name: str  # as the division table names it (鲤城区, 晋江市 …)


@dataclass(frozen=True)
class UnitStatus:
    division: str
    name: str
    bureau: str  # as its certificate or package names it; "" when neither exists
    state: str  # received | correcting | missing | no_certificate | exempt
    has_certificate: bool
    version: int | None
    received_at: datetime | None
    due: date | None
    days_late: int  # received: after the due day; not received: days past it; else 0
    reason: str = ""  # 不适用's reason

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def late_text(self) -> str:
        if self.state == "received":
            return f"逾期 {self.days_late} 天报送" if self.days_late else "按时"
        if self.state in ("missing", "no_certificate", "correcting") and self.days_late:
            return f"已逾期 {self.days_late} 天"
        return ""


def expected_units(ctx: ServiceContext, level: str = "") -> list[ExpectedUnit]:
    """The units this bureau's area holds, from the shipped division table, in code order."""
    code = bureau(ctx.db).division_code
    table = division_table()
    if code.endswith("0000") and level != "county":  # a province: its cities and what it governs directly
        out: list[ExpectedUnit] = []
        for city in table.children(code[:2]):
            if city.name in _PLACEHOLDERS:
                out += [ExpectedUnit(u.code, u.name) for u in table.children(city.code) if u.name not in _PLACEHOLDERS]
            else:
                out.append(ExpectedUnit(city.code.ljust(6, "0"), city.name))
        return out
    if code.endswith("0000"):  # a province asking for every county
        return [ExpectedUnit(u.code, u.name) for city in table.children(code[:2])
                for u in table.children(city.code) if u.name not in _PLACEHOLDERS]
    if code.endswith("00"):  # a city
        return [ExpectedUnit(u.code, u.name) for u in table.children(code[:4]) if u.name not in _PLACEHOLDERS]
    raise NotAReceiver(f"本局的区划代码 {code} 是县级单位，没有下级报送单位；市、省民政局的代码以 00 结尾。")


def due_day(ctx: ServiceContext, report: str, period: Period) -> date | None:
    """The day a unit's package of ``report`` for ``period`` is due here (None: no deadline known)."""
    if report == "monthly" and period.kind == "month":
        return date.fromordinal(period.last_day.toordinal() + 1).replace(day=MONTHLY_UPWARD_DAY)
    for o in occurrences(deadline_specs(ctx), period.year):
        if o.spec.kind == "report" and o.spec.report == report and o.period == str(period.year):
            return o.due
    return None


def sent_by(report: str, division: str) -> str:
    """The report a unit sends for ``report``: a city its aggregate, a county-level unit (also one
    a province governs directly) its own report, of which the aggregate is made."""
    return AGGREGATE_OF[report] if report in AGGREGATE_OF and not division.endswith("00") else report


def home_report(ctx: ServiceContext, level: str) -> str:
    """The monthly report the 首页 follows: a province's cities send their 月报汇总, counties their 月报."""
    return "aggregate-monthly" if bureau(ctx.db).division_code.endswith("0000") and level != "county" else "monthly"


def reporting_status(ctx: ServiceContext, report: str, period: Period, *, level: str = "",
                     today: date | None = None) -> list[UnitStatus]:
    """Each expected unit for ``report`` and ``period``: 已收 / 更正中 / 未报 / 无证书 / 不适用.

    A county's own report reaches a province from every county; an aggregate from its cities."""
    ctx.require(Permission.RECEIVE)
    kind = report_kind(report)
    today = today or clock.today()
    if not level and kind.name not in AGGREGATE_OF and bureau(ctx.db).division_code.endswith("0000"):
        level = "county"
    units = expected_units(ctx, level)
    sends = {u.division: sent_by(kind.name, u.division) for u in units}
    dues = {name: due_day(ctx, name, period) for name in set(sends.values())}
    with ctx.db.reading() as s:
        trusted: dict[str, str] = {}
        for t in s.scalars(select(TrustEntry).where(TrustEntry.retired_from.is_(None))):
            trusted.setdefault(t.division, t.bureau)
        held: dict[str, Any] = {}
        waiting: dict[str, Any] = {}
        c = ReceivedPackage  # small columns only: a province holds thousands of packages with their rows
        # On time or late by the first version that arrived: a later correction does not make it late.
        first: dict[str, datetime] = {}
        for p in s.execute(select(c.division, c.report, c.bureau, c.version, c.received_at, c.waiting, c.superseded)
                           .where(c.report.in_(set(sends.values())), c.period == str(period))):
            if sends.get(p.division) != p.report:
                continue
            first[p.division] = min(p.received_at, first.get(p.division, p.received_at))
            if not p.superseded:
                (waiting if p.waiting else held)[p.division] = p
        exempt = {(e.division, e.report): e.reason for e in s.scalars(select(ExpectedExemption))}
    out = []
    for u in units:
        scopes = (kind.name, AGGREGATE_OF.get(kind.name, kind.name), ALL_REPORTS)  # 仅月报 covers 月报汇总 too
        reason = next((exempt[(u.division, r)] for r in scopes if (u.division, r) in exempt), None)
        package = held.get(u.division) or waiting.get(u.division)
        name = package.bureau if package is not None else trusted.get(u.division, "")
        due = dues[sends[u.division]]
        late = 0
        if reason is not None and u.division not in held:
            state = "exempt"
        elif u.division in held:
            state = "received"
            late = max(0, (first[u.division].date() - due).days) if due else 0
        else:
            state = "correcting" if u.division in waiting else "missing" if u.division in trusted else "no_certificate"
            late = max(0, (today - due).days) if due else 0
        out.append(UnitStatus(u.division, u.name, name, state, u.division in trusted,
                              package.version if package is not None else None,
                              package.received_at if package is not None else None, due, late, reason or ""))
    return out


def mark_exempt(ctx: ServiceContext, division: str, reason: str, report: str = ALL_REPORTS) -> None:
    """Mark an expected unit 不适用 (for one report, or all), with the reason; audited."""
    ctx.require(Permission.MANAGE_TRUST)
    reason = reason.strip()
    if not reason:
        raise KnownError("标记不适用时请写明原因。")
    if report != ALL_REPORTS:
        report = report_kind(report).name
    units = expected_units(ctx)
    if bureau(ctx.db).division_code.endswith("0000"):  # a province may exempt a county too
        units += expected_units(ctx, "county")
    names = {u.division: u.name for u in units}
    if division not in names:
        raise NotFound(f"“{division}”不是本局下级的区划代码（fupin receiving status 列出应报单位）。")
    with ctx.db.transaction() as s:
        row = s.scalar(select(ExpectedExemption).where(ExpectedExemption.division == division,
                                                       ExpectedExemption.report == report))
        before = {"reason": row.reason} if row is not None else None
        if row is None:
            row = ExpectedExemption(division=division, report=report, created_at=clock.now(),
                                    created_by=ctx.user.username)
            s.add(row)
        row.reason = reason
        s.flush()
        what = "全部报表" if report == ALL_REPORTS else report_kind(report).label
        audit.append(s, username=ctx.user.username, action="update", entity="expected_exemption",
                     entity_id=f"{division}:{report}", summary=f"标记 {names[division]}（{division}）{what}不适用：{reason}",
                     before=before, after={"reason": reason})


def clear_exempt(ctx: ServiceContext, division: str, report: str = ALL_REPORTS) -> None:
    ctx.require(Permission.MANAGE_TRUST)
    with ctx.db.transaction() as s:
        row = s.scalar(select(ExpectedExemption).where(ExpectedExemption.division == division,
                                                       ExpectedExemption.report == report))
        if row is None:
            raise NotFound(f"{division} 没有标记为不适用。")
        what = "全部报表" if report == ALL_REPORTS else report_kind(report).label
        audit.append(s, username=ctx.user.username, action="delete", entity="expected_exemption",
                     entity_id=f"{division}:{report}", summary=f"取消 {division} {what}的不适用标记",
                     before={"reason": row.reason})
        s.delete(row)
