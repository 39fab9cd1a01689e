"""A city's (or province's) aggregate as a report it seals and sends upward (issue 15).

``aggregate-monthly`` adds up the units' verified 月报 packages of a month, ``aggregate-year``
their 年终汇总 packages of a year. The package's data names every source package (division,
version, manifest hash), so the bureau above can prove which submissions each figure came from
and, holding those packages itself, check that every figure is exactly their sum
(``check_sources``). Each unit's newest verified version counts; a correction still waiting for
its original does not. Breakdowns: by campaign, domain and target kind from the monthly rows the
county packages carry (older packages without them count as 未注明), and by what each column
counts — a 户 count summed over months is 户次, never households.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from fupin_desktop.documents.report_table import ReportTable, TableColumn
from fupin_desktop.domain import clock
from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.domain.package_sums import UNKNOWN, package_sums
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, NotFound
from fupin_desktop.services import expected_units
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.report_kinds import (
    AGGREGATE_OF,
    ReportContent,
    ReportKind,
    _cover,
    register,
    report_kind,
)
from fupin_desktop.services.settings import bureau
from fupin_desktop.store.models_submission import AggregateRun, ReceivedPackage


def figure_columns(ctx: ServiceContext, months: int) -> list[TableColumn]:
    """The figure columns, saying what they count: over several months 户 becomes 户次."""
    spec = ctx.forms["monthly"]
    out = []
    for name in FIGURES:
        unit = spec.field(name).unit
        if name == "households" and months > 1:
            unit = "户次"
        out.append(TableColumn(name, f"{spec.field(name).label}（{unit}）",
                               kind="money" if name.endswith("_fen") else "count", weight=0.9))
    return out


@dataclass
class Held:
    """What an aggregate needs of a received package: small columns, never its rows."""

    division: str
    bureau: str
    report: str
    period: str
    version: int
    manifest_sha256: str
    package_sha256: str
    totals: dict[str, int] | None
    breakdown: dict[str, dict[str, dict[str, int]]]
    data: dict[str, Any] = field(default_factory=dict)  # loaded only where a section needs it


def _held(ctx: ServiceContext, report: str, period: Period, *, with_data: bool = False) -> list[Held]:
    """The newest verified package of each unit; the rows are read only for packages received
    before their sums were kept (or when ``with_data``)."""
    c = ReceivedPackage
    columns = (c.id, c.division, c.bureau, c.report, c.period, c.version, c.manifest_sha256, c.package_sha256,
               c.totals, c.breakdown)
    with ctx.db.reading() as s:
        found = s.execute(select(*columns).where(
            c.report == report, c.period == str(period), c.superseded.is_(False), c.waiting.is_(False))
            .order_by(c.division)).all()
        old = [row.id for row in found if row.totals is None or row.breakdown is None]
        wanted = [row.id for row in found] if with_data else old
        data: dict[int, Any] = {i: d for i, d in s.execute(select(c.id, c.data).where(c.id.in_(wanted)))} if wanted else {}
    out = []
    for row in found:
        totals, breakdown = row.totals, row.breakdown
        if totals is None or breakdown is None:
            totals, breakdown = package_sums(data.get(row.id) or {})
        out.append(Held(row.division, row.bureau, row.report, row.period, row.version, row.manifest_sha256,
                        row.package_sha256, totals, breakdown, data.get(row.id) or {}))
    return out


def _breakdown(packages: list[Held]) -> dict[str, list[dict[str, Any]]]:
    """The packages' sums by campaign, domain and target kind added up, largest funds first."""
    sums: dict[str, dict[str, dict[str, int]]] = {}
    for p in packages:
        for dim, items in p.breakdown.items():
            into_dim = sums.setdefault(dim, {})
            for key, figures in items.items():
                into = into_dim.setdefault(key, dict.fromkeys(FIGURES, 0))
                for name in FIGURES:
                    into[name] += int(figures.get(name) or 0)
    order = ("campaign", "domain", "target_kind")
    return {dim: [{"label": k, **v} for k, v in sorted(sums[dim].items(), key=lambda kv: -kv[1]["funds_fen"])]
            for dim in order if sums.get(dim)}


BREAKDOWN_TITLES = {"campaign": "专项行动", "domain": "帮扶领域", "target_kind": "结对对象类型"}


def _participation_sections(ctx: ServiceContext, packages: list[Held], me: Any, today: date,
                            period: Period) -> list[ReportTable]:
    """在哪扶、扶了谁、扶了多少、效果 by unit, from each participation package's data (additive counts only)."""
    def table(title: str, columns: list[TableColumn], rows: list[dict[str, Any]], note: str = "") -> ReportTable:
        keys = [c.key for c in columns if c.kind in ("count", "money")]
        totals = {"seq": "合计", **{k: sum(int(r.get(k) or 0) for r in rows) for k in keys}}
        return ReportTable(title=title, unit_name=me.name, filled_on=today, period_label=period.label_zh,
                           columns=[TableColumn("seq", "序号", weight=0.45), TableColumn("bureau", "单位", weight=1.6),
                                    *columns], rows=[{"seq": n, **r} for n, r in enumerate(rows, 1)], totals=totals,
                           notes=[note] if note else [])

    def count(key: str, title: str) -> TableColumn:
        return TableColumn(key, title, kind="count", weight=0.8)

    where, who, much, effect = [], [], [], []
    for p in packages:
        d, b = p.data, {"bureau": p.bureau}
        w, h, m, e = d.get("where") or {}, d.get("who") or {}, d.get("how_much") or {}, d.get("effect") or {}
        where.append({**b, "townships": len(w.get("townships") or []), "villages": h.get("villages", 0),
                      "institutions": h.get("institutions", 0), "pairings": d.get("pairings", 0)})
        who.append({**b, "households": h.get("households", 0), "people": h.get("people", 0),
                    "monthly_households": h.get("monthly_households", 0),
                    "monthly_beneficiaries": h.get("monthly_beneficiaries", 0)})
        much.append({**b, "projects": m.get("projects", 0), "budget_fen": m.get("budget_fen", 0),
                     "funds_fen": m.get("funds_fen", 0), "materials_fen": m.get("materials_fen", 0)})
        grades = e.get("grades") or {}
        effect.append({**b, "evaluated": e.get("evaluated", 0), "met": e.get("met", 0),
                       "excellent": grades.get("优秀", 0), "reporting": e.get("reporting", 0)})
    money = lambda key, title: TableColumn(key, title, kind="money", weight=0.9)  # noqa: E731
    return [
        table("在哪扶（按单位）", [count("townships", "镇（街道）数"), count("villages", "结对村（社区）数"),
                               count("institutions", "福利机构数"), count("pairings", "结对数")]),
        table("扶了谁（按单位）", [count("households", "帮扶对象（户）"), count("people", "帮扶对象人口（人）"),
                               count("monthly_households", "月报帮扶贫困户（户次）"),
                               count("monthly_beneficiaries", "受益（人次）")],
              "户为各单位登记的帮扶对象户数，各单位之间不重复；户次为各月月报之和。"),
        table("扶了多少（按单位，万元）", [count("projects", "合作项目（个）"), money("budget_fen", "计划投入"),
                                    money("funds_fen", "投入资金"), money("materials_fen", "物资折款")]),
        table("帮扶效果（按单位）", [count("evaluated", "已年终评估（对）"), count("met", "达到考核标准（对）"),
                                 count("excellent", "评为优秀（对）"), count("reporting", "有月报的结对（对）")]),
    ]


def aggregate_content(ctx: ServiceContext, source_report: str, period: Period, today: date, *,
                      name: str = "", label: str = "", statuses: list[Any] | None = None) -> ReportContent:
    """The aggregate of the units' newest verified ``source_report`` packages for ``period``: by
    unit, then the breakdown sections; who has not reported in the notes and the data."""
    ctx.require(Permission.RECEIVE)
    source = report_kind(source_report)
    me = bureau(ctx.db)
    packages = _held(ctx, source.name, period, with_data=source.name == "participation")
    if any(p.totals is None for p in packages):
        raise KnownError(f"{source.label}没有可按单位相加的统计数字（它是名单或公开版），不做汇总；请逐份查看。")
    if statuses is None:
        try:
            statuses = expected_units.reporting_status(ctx, source.name, period, today=today)
        except expected_units.NotAReceiver:
            statuses = []  # a county trying its own packages: nobody is expected
    counted = {p.division for p in packages}
    missing = [u for u in statuses if u.division not in counted and u.state != "exempt"]
    rows = [{"seq": n, "division": p.division, "bureau": p.bureau, "version": f"第{p.version}版",
             **(p.totals or {})} for n, p in enumerate(packages, start=1)]
    totals = {k: sum(int(r[k]) for r in rows) for k in FIGURES}
    months = len(period.months())
    columns = [TableColumn("seq", "序号", weight=0.45), TableColumn("division", "区划代码", weight=0.9),
               TableColumn("bureau", "报送单位", weight=1.6), TableColumn("version", "版本", weight=0.5),  # never summed
               *figure_columns(ctx, months)]
    notes = ["金额单位：万元；数据取自各单位盖章报送并验证通过的报送包（各取最新的已核对版本），"
             "每个数字可由报送包清单的 SHA-256 追溯到来源。"]
    if months > 1:
        notes.append("帮扶贫困户为各月之和（户次），不是户数。")
    if missing:
        notes.append(f"未报送 {len(missing)} 个：" + "、".join(
            f"{u.bureau or u.name}（{u.division}，{u.state_label}）" for u in missing))
    exempt = [u for u in statuses if u.state == "exempt"]
    if exempt:
        notes.append("不适用：" + "、".join(f"{u.name}（{u.reason}）" for u in exempt))
    by = _breakdown(packages)
    sections = [ReportTable(
        title=f"按{BREAKDOWN_TITLES[dim]}", unit_name=me.name, filled_on=today, period_label=period.label_zh,
        columns=[TableColumn("seq", "序号", weight=0.45), TableColumn("label", BREAKDOWN_TITLES[dim], weight=1.6),
                 *figure_columns(ctx, months)],
        rows=[{"seq": n, **item} for n, item in enumerate(items, start=1)],
        totals={"seq": "合计", **{k: sum(int(i[k]) for i in items) for k in FIGURES}},
        notes=[f"“{UNKNOWN}”：报送包里没有这一项（较早版本的程序生成）。"]
        if any(i["label"] == UNKNOWN for i in items) else []) for dim, items in by.items()]
    if source.name == "participation":
        sections += _participation_sections(ctx, packages, me, today, period)
    title = f"社会组织结对帮扶工作{source.label}汇总表（{period.label_zh}）"
    table = ReportTable(title=title, unit_name=me.name, filled_on=today, period_label=period.label_zh,
                        columns=columns, rows=rows, totals={"seq": "合计", **totals},
                        preparer=ctx.user.display_name, reviewer="", phone="", notes=notes, sections=sections)
    text = (f"{period.label_zh}应报 {len(statuses)} 个单位，收到并验证 {len(packages)} 个"
            + (f"，{len(missing)} 个未报送" if missing else "") + "。汇总情况见附表。") if statuses else (
        f"{period.label_zh}共收到 {len(packages)} 个单位的报送。汇总情况见附表。")
    cover = _cover(ctx, f"{me.name}关于报送{period.label_zh}社会组织结对帮扶工作{source.label}汇总的报告",
                   [text, "特此报告。"], title, today)
    data = {
        "rows": rows, "totals": totals, "months": months,
        "sources": [{"division": p.division, "bureau": p.bureau, "report": p.report, "period": p.period,
                     "version": p.version, "manifest_sha256": p.manifest_sha256, "package_sha256": p.package_sha256,
                     "totals": dict(p.totals or {})} for p in packages],
        "by": by,
        "missing": [{"division": u.division, "name": u.bureau or u.name, "state": u.state} for u in missing],
    }
    return ReportContent(name or f"aggregate-{source.name}", label or f"{source.label}汇总", period, cover, table,
                         data, [(u.bureau or u.name, str(period)) for u in missing])


def _build(name: str, label: str) -> Any:
    def build(ctx: ServiceContext, period: Period, today: date) -> ReportContent:
        if bureau(ctx.db).division_code[4:] != "00":
            raise KnownError("县级民政局没有下级报送，不做汇总报送。")
        return aggregate_content(ctx, AGGREGATE_OF[name], period, today, name=name, label=label)
    return build


register(ReportKind("aggregate-monthly", "月报汇总", "month", _build("aggregate-monthly", "月报汇总")))
register(ReportKind("aggregate-year", "年终汇总汇总", "year", _build("aggregate-year", "年终汇总汇总")))


@dataclass(frozen=True)
class SourceCheck:
    division: str
    bureau: str
    state: str  # same | other_version | not_held | figures_differ
    note: str


def check_sources(ctx: ServiceContext, division: str, report: str, period: Period) -> list[SourceCheck]:
    """For an aggregate received from ``division``: is each figure exactly the sum of the source
    packages this bureau also holds? A source this bureau holds in another version (or whose
    figures differ) is a mismatch; one it does not hold cannot be checked and says so."""
    ctx.require(Permission.RECEIVE)
    kind = report_kind(report)
    if kind.name not in AGGREGATE_OF:
        raise KnownError(f"{kind.label}不是汇总报表，没有来源可核对。")
    held = {p.division: p for p in _held(ctx, kind.name, period, with_data=True)}
    aggregate = held.get(division)
    if aggregate is None:
        raise NotFound(f"没有收到 {division} 的 {period} {kind.label}（或它还在等待原版）。")
    mine = {p.division: p for p in _held(ctx, AGGREGATE_OF[kind.name], period)}
    labels = {k: ctx.forms["monthly"].field(k).label for k in FIGURES}
    rows = {r["division"]: r for r in aggregate.data.get("rows") or []}
    out: list[SourceCheck] = []
    for src in aggregate.data.get("sources") or []:
        d, name = str(src["division"]), str(src["bureau"])
        have = mine.get(d)
        if have is None:
            out.append(SourceCheck(d, name, "not_held", "本局没有收到这个单位的报送包，无法核对"))
            continue
        if have.manifest_sha256 != src["manifest_sha256"]:
            out.append(SourceCheck(d, name, "other_version",
                                   f"汇总用的是第 {src['version']} 版（清单 {str(src['manifest_sha256'])[:12]}…），"
                                   f"本局持有的是第 {have.version} 版（清单 {have.manifest_sha256[:12]}…），数字可能不同"))
            continue
        row, theirs = rows.get(d, {}), have.totals or {}
        wrong = [labels[k] for k in FIGURES if int(row.get(k, -1)) != int(theirs.get(k, -2))]
        out.append(SourceCheck(d, name, "figures_differ", f"汇总表中的{'、'.join(wrong)}与该单位报送包不符")
                   if wrong else SourceCheck(d, name, "same", "与本局持有的报送包一致"))
    totals = aggregate.data.get("totals") or {}
    listed = aggregate.data.get("rows") or []
    off = [labels[k] for k in FIGURES if int(totals.get(k, 0)) != sum(int(r.get(k, 0)) for r in listed)]
    if off:
        out.append(SourceCheck(division, aggregate.bureau, "figures_differ",
                               f"汇总表合计的{'、'.join(off)}不等于各单位之和"))
    return out


def changed_since_last(ctx: ServiceContext, report: str, period: Period,
                       sources: list[dict[str, Any]]) -> list[str]:
    """The units whose counted package differs from the last aggregate of ``report`` and
    ``period`` made here: a new version, a first package, or one no longer counted."""
    with ctx.db.reading() as s:
        last = s.scalar(select(AggregateRun).where(AggregateRun.report == report, AggregateRun.period == str(period))
                        .order_by(AggregateRun.id.desc()).limit(1))
        before: dict[str, Any] = dict(last.counties) if last is not None else {}
    if last is None:
        return []
    now = {str(x["division"]): x for x in sources}
    out = []
    for division, x in now.items():
        old = before.get(division)
        if old is None:
            out.append(f"{x['bureau']}（新收到第 {x['version']} 版）")
        elif old["manifest_sha256"] != x["manifest_sha256"]:
            moved = [k for k in FIGURES if int(old["totals"].get(k, 0)) != int(x["totals"].get(k, 0))]
            what = "、".join(ctx.forms["monthly"].field(k).label for k in moved) or "数字未变"
            out.append(f"{x['bureau']}（第 {old['version']} 版 → 第 {x['version']} 版：{what}）")
    out += [f"{old['bureau']}（上次计入的第 {old['version']} 版已不再计入）"
            for division, old in before.items() if division not in now]
    return out


CHANGED_IN_NOTE = 10  # more than this many changed units get a table of their own, not a note


def changed_note(table: ReportTable, changed: list[str]) -> None:
    """Say under the table which units changed since the last aggregate: a few in the note, many
    (a province's first aggregate after a round of corrections) in a table after it."""
    if len(changed) <= CHANGED_IN_NOTE:
        table.notes.append("与上次汇总相比有变化的：" + "；".join(changed))
        return
    title = "与上次汇总相比有变化的单位"
    table.notes.append(f"与上次汇总相比有 {len(changed)} 个单位有变化，见表后“{title}”。")
    table.sections.append(ReportTable(
        title, table.unit_name, table.filled_on, table.period_label,
        [TableColumn("seq", "序号", kind="count", weight=0.3), TableColumn("change", "单位及变化", weight=4)],
        [{"seq": i, "change": text} for i, text in enumerate(changed, 1)], None))


def record_run(ctx: ServiceContext, report: str, period: Period, sources: list[dict[str, Any]]) -> None:
    with ctx.db.transaction() as s:
        s.add(AggregateRun(report=report, period=str(period), created_at=clock.now(), created_by=ctx.user.username,
                           counties={str(x["division"]): {k: x[k] for k in ("bureau", "version", "manifest_sha256",
                                                                            "totals")} for x in sources}))
