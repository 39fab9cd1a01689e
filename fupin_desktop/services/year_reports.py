"""The year's reports the seeds ask for, registered as report kinds (period = a year).

- ``pairing-plan`` 社会组织扶贫协作结对情况和预期效益 (by 15 June, seed 000): every pairing
  in term that year with its target, campaign, projects, budgets and target indicators.
- ``progress`` 帮扶进展情况 (by 20 December, seed 000): each pairing's approved monthly
  figures of the year summed, the months reported and the latest 进展情况.
- ``participation`` / ``participation-public`` 社会组织参与脱贫攻坚情况统计 (by 31 December,
  seeds 001 and 003): see ``services/participation.py``.

Importing this module registers them; ``write_draft`` writes an unsealed PDF and workbook.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fupin_desktop.documents.bureau_excel import workbook_bytes
from fupin_desktop.documents.gongwen import write_report_pdf
from fupin_desktop.documents.package import write_safely
from fupin_desktop.documents.report_table import ReportTable, TableColumn
from fupin_desktop.domain import clock
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.services import summaries
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.report_kinds import (
    ReportContent,
    ReportKind,
    _cover,
    _figure_columns,
    _sentence,
    _signature_lines,
    register,
    report_kind,
)
from fupin_desktop.services.settings import bureau
from fupin_desktop.services.year_data import year_facts, zero_figures

PLAN_TITLE = "社会组织扶贫协作结对情况和预期效益"
PROGRESS_TITLE = "社会组织结对帮扶进展情况"
YEAR_KINDS = ("pairing-plan", "progress", "participation", "participation-public")


def _county(ctx: ServiceContext) -> str:
    return bureau(ctx.db).name.removesuffix("民政局")


def _projects_text(projects: list[dict]) -> str:
    # The domain (帮扶领域) is what the year's statistics count by; the method is in the register.
    marks = "①②③④⑤⑥⑦⑧⑨⑩"
    return "".join(f"{marks[i] if len(projects) > 1 and i < len(marks) else ''}{x['name']}（{x['domain_label']}，"
                   f"{format_wan(x['budget_fen'])}万元）" for i, x in enumerate(projects))


def _indicators_text(projects: list[dict]) -> str:
    return "；".join(x["indicators"] for x in projects if x["indicators"]) or "—"


def build_pairing_plan(ctx: ServiceContext, period: Period, today: date) -> ReportContent:
    b = bureau(ctx.db)
    facts = year_facts(ctx, period.year)
    pairings = facts.pairings
    rows = [{"seq": n, "agreement_no": p["agreement_no"], "organization": p["organization"], "township": p["township"],
             "target": f"{p['target']}（{p['target_kind_label']}）" if p["target_kind"] != "village" else p["target"],
             "campaign": p["campaign"] or "—",
             # One date style in the table; 至 lets the term break between its two dates.
             "term": f"{p['term_start'].isoformat()}至{p['term_end'].isoformat()}", "projects": _projects_text(p["projects"]),
             "budget_fen": p["budget_fen"], "indicators": _indicators_text(p["projects"])}
            for n, p in enumerate(pairings, start=1)]
    kinds = {k: sum(1 for p in pairings if p["target_kind"] == k) for k in ("village", "household", "institution")}
    budget = sum(p["budget_fen"] for p in pairings)
    n_projects = sum(len(p["projects"]) for p in pairings)
    by_campaign: dict[str, dict[str, int]] = {}
    by_domain: dict[str, dict[str, int]] = {}
    for p in pairings:
        c = by_campaign.setdefault(p["campaign"] or "未归入专项行动", {"pairings": 0, "budget_fen": 0})
        c["pairings"] += 1
        c["budget_fen"] += p["budget_fen"]
        for x in p["projects"]:
            d = by_domain.setdefault(x["domain_label"], {"projects": 0, "budget_fen": 0})
            d["projects"] += 1
            d["budget_fen"] += x["budget_fen"]
    totals = {"pairings": len(pairings), "organizations": len({p["organization_id"] for p in pairings}),
              "villages": len({p["village_code"] for p in pairings if p["target_kind"] == "village"}),
              "households": kinds["household"], "institutions": kinds["institution"], "projects": n_projects,
              "budget_fen": budget}
    text = (f"现将{_county(ctx)}{period.year}年社会组织扶贫协作结对情况和预期效益报告如下：全年在期结对 {len(pairings)} 对，"
            f"涉及社会组织 {totals['organizations']} 家，结对村（社区）{totals['villages']} 个、帮扶对象 {kinds['household']} 户、"
            f"福利机构 {kinds['institution']} 个；合作项目 {n_projects} 个，计划投入 {format_wan(budget)} 万元。")
    columns = [TableColumn("seq", "序号", weight=0.45), TableColumn("agreement_no", "协议编号", weight=1.0),
               TableColumn("organization", "社会组织", weight=1.3),
               TableColumn("township", "镇（街道）", group="结对对象", weight=0.7),
               TableColumn("target", "村（社区）/户/机构", group="结对对象", weight=1.0),
               TableColumn("campaign", "专项行动", weight=0.8), TableColumn("term", "协议期限", weight=0.95),
               TableColumn("projects", "合作项目（帮扶领域，预算）", weight=2.0),
               TableColumn("budget_fen", "预算合计（万元）", kind="money", weight=0.65),
               TableColumn("indicators", "预期效益（目标指标）", weight=1.45)]
    title = f"{PLAN_TITLE}（{period.label_zh}）"
    table = ReportTable(title=title, unit_name=b.name, filled_on=today, period_label=period.label_zh, columns=columns,
                        rows=rows, totals={"seq": "合计", "budget_fen": budget},
                        notes=["金额单位：万元；含本年度内任一日在协议期限内的结对。",
                               "帮扶对象（户）只写户主姓氏，不含身份证号。"], **_signature_lines(ctx))
    data = {"year": period.year, "pairings": pairings, "totals": totals,
            "by_campaign": [{"campaign": k, **v} for k, v in by_campaign.items()],
            "by_domain": [{"domain": k, **v} for k, v in by_domain.items()]}
    return ReportContent("pairing-plan", "结对情况和预期效益", period,
                         _cover(ctx, f"{b.name}关于报送{period.year}年{PLAN_TITLE}的报告", [text, "特此报告。"],
                                title, today), table, data)


def build_progress(ctx: ServiceContext, period: Period, today: date) -> ReportContent:
    b = bureau(ctx.db)
    facts = year_facts(ctx, period.year)
    incomplete = summaries.summarize(ctx, period, "township").unapproved
    rows, items = [], []
    for n, p in enumerate(facts.pairings, start=1):
        r = facts.reported.get(p["pairing_id"])
        months = sorted(r.months) if r else []
        latest = f"（{int(r.latest_month[5:])}月）{r.latest_progress}" if r and r.latest_progress else "未报送"
        figures = dict(r.figures) if r else zero_figures()
        rows.append({"seq": n, "agreement_no": p["agreement_no"], "organization": p["organization"],
                     "target": f"{p['township']}·{p['target']}", "indicators": _indicators_text(p["projects"]),
                     "months": len(months), "latest": latest, **figures})
        items.append({"pairing_id": p["pairing_id"], "agreement_no": p["agreement_no"],
                      "organization": p["organization"], "township": p["township"], "target": p["target"],
                      "target_kind": p["target_kind"], "campaign": p["campaign"],
                      "indicators": [x["indicators"] for x in p["projects"]], "budget_fen": p["budget_fen"],
                      "months_reported": months, "latest_month": r.latest_month if r else "",
                      "latest_progress": r.latest_progress if r else "", "figures": figures})
    totals = facts.totals()
    active = sum(1 for row in rows if row["months"])
    text = (f"现将{_county(ctx)}{period.year}年社会组织结对帮扶进展情况报告如下：在期结对 {len(rows)} 对，"
            f"{active} 对有经审核的月报，累计{_sentence(totals)}。")
    if incomplete:
        text += f"另有 {len(incomplete)} 份镇（街道）月报未报或未经审核，未计入。"
    columns = [TableColumn("seq", "序号", weight=0.45), TableColumn("agreement_no", "协议编号", weight=1.15),
               TableColumn("organization", "社会组织", weight=1.2), TableColumn("target", "结对对象", weight=1.1),
               TableColumn("indicators", "目标指标", weight=1.4),
               TableColumn("months", "已报月数", kind="count", weight=0.45),
               *_figure_columns(ctx), TableColumn("latest", "最新进展情况", weight=1.3)]
    for c in columns:
        if c.kind != "text" and c.key != "months":
            c.group, c.weight = "全年累计（已审核月报）", 0.68
    title = f"{PROGRESS_TITLE}（{period.label_zh}）"
    table = ReportTable(title=title, unit_name=b.name, filled_on=today, period_label=period.label_zh, columns=columns,
                        rows=rows, totals={"seq": "合计", "months": sum(r["months"] for r in rows), **totals},
                        notes=["金额单位：万元；只计已审核的镇（街道）月报，每个镇（街道）每月取最新审核版本。"],
                        **_signature_lines(ctx))
    data = {"year": period.year, "pairings": items, "totals": totals, "pairings_reporting": active,
            "incomplete": [{"township": t, "month": m} for t, m in incomplete]}
    return ReportContent("progress", "帮扶进展情况", period,
                         _cover(ctx, f"{b.name}关于报送{period.year}年{PROGRESS_TITLE}的报告", [text, "特此报告。"],
                                title, today), table, data, incomplete)


def write_draft(ctx: ServiceContext, name: str, period: Period, folder: Path,
                today: date | None = None) -> tuple[Path, Path]:
    """The unsealed PDF and workbook of one of the year's reports (草稿, no seal, no signature)."""
    if name not in YEAR_KINDS:
        raise KnownError(f"{name} 不是年度报表；可选：{'、'.join(YEAR_KINDS)}")
    kind = report_kind(name)
    if period.kind != "year":
        raise KnownError(f"{kind.label}的期间应为年份，如 {clock.today().year}，而不是 {period}。")
    content = kind.build(ctx, period, today or clock.today())
    b = bureau(ctx.db)
    base = f"{b.division_code}_{b.name}_{kind.label}_{period}_草稿"
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".{base}.pdf.tmp"
    try:
        write_report_pdf(temp, content.cover, content.table)
        pdf = write_safely(folder, base + ".pdf", temp.read_bytes())
    finally:
        temp.unlink(missing_ok=True)
    xlsx = write_safely(folder, base + ".xlsx", workbook_bytes(content.table))
    return pdf, xlsx


register(ReportKind("pairing-plan", "结对情况和预期效益", "year", build_pairing_plan))
register(ReportKind("progress", "帮扶进展情况", "year", build_progress))

# participation and aggregate_reports (a city's aggregates, sealed upward) register their kinds
# themselves; importing them here completes the registry whichever of report_kinds, year_reports or
# they is imported first (no circular attribute access).
from fupin_desktop.services import aggregate_reports, participation  # noqa: E402,F401
