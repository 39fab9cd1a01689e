"""Workbooks the monthly statistics hand out: a township's blank table and the summary drafts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from fupin_desktop.documents.monthly_template import write_monthly_template
from fupin_desktop.documents.summary_workbook import SheetData, write_summary_workbook
from fupin_desktop.domain.monthly_checks import FIGURES, TEXTS
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import NotFound
from fupin_desktop.services import monthly, summaries
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.settings import bureau
from fupin_desktop.store.models import (
    Campaign,
    Institution,
    Organization,
    Pairing,
    Project,
    Township,
    Village,
)
from fupin_desktop.store.models_monthly import MonthlyReport, MonthlyRow

REPORT_NAMES = {"month": "月报", "quarter": "季度汇总", "half": "半年通报", "year": "年终汇总"}


def write_township_template(ctx: ServiceContext, township_id: int, period: Period, folder: Path,
                            file_name: str | None = None) -> Path:
    """The township's form for ``period`` in ``folder``, named ``file_name`` or by township and month."""
    with ctx.db.reading() as s:
        township = s.get(Township, township_id)
        if township is None:
            raise NotFound("找不到这个镇（街道）。")
        rows = [(n, p.agreement_no, p.village, p.organization)
                for n, p in enumerate(monthly.active_pairing_names(s, township_id, period), start=1)]
    Path(folder).mkdir(parents=True, exist_ok=True)
    path = Path(folder) / (file_name or f"{township.name}_{period}_合作村社帮扶工作开展情况统计表.xlsx")
    spec = ctx.forms[monthly.FORM]
    write_monthly_template(spec, path, title=f"{spec.title}（{period.label_zh}）",
                           unit_name=f"{township.name}社会事务办", period_label=period.label_zh, rows=rows)
    return path


def approved_detail(ctx: ServiceContext, period: Period) -> list[dict[str, Any]]:
    """Every approved row of the period's months (newest approved revision of each township-month)."""
    months = [str(m) for m in period.months()]
    with ctx.db.reading() as s:
        newest = (select(MonthlyReport.township_id, MonthlyReport.period, func.max(MonthlyReport.revision).label("rev"))
                  .where(MonthlyReport.status == "approved", MonthlyReport.period.in_(months))
                  .group_by(MonthlyReport.township_id, MonthlyReport.period).subquery())
        # Names by join: thousands of rows must not load their pairings one by one.
        # The agreement, its kind, campaign and first project's domain go into data.json too: the city
        # breaks the counties' figures down by them (issue 15).
        stmt = (select(MonthlyReport.period, Township.name, func.coalesce(Village.name, Institution.name),
                       Organization.name, MonthlyRow, Pairing.agreement_no, Pairing.target_kind, Campaign.name,
                       Project.domain)
                .join(MonthlyRow, MonthlyRow.report_id == MonthlyReport.id)
                .join(newest, (newest.c.township_id == MonthlyReport.township_id)
                      & (newest.c.period == MonthlyReport.period) & (newest.c.rev == MonthlyReport.revision))
                .join(Township, Township.id == MonthlyReport.township_id)
                .join(Pairing, Pairing.id == MonthlyRow.pairing_id)
                .join(Organization, Organization.id == Pairing.organization_id)
                .outerjoin(Village, Village.id == Pairing.village_id)
                .outerjoin(Institution, Institution.id == Pairing.institution_id)
                .outerjoin(Campaign, Campaign.id == Pairing.campaign_id)
                .outerjoin(Project, (Project.pairing_id == Pairing.id) & (Project.seq == 1))
                .order_by(MonthlyReport.period, MonthlyReport.township_id, MonthlyRow.seq))
        out = []
        for month, township, place, org, row, number, kind, campaign, domain in s.execute(stmt):
            item = {"township": township, "period": month, "village": place or "", "organization": org,
                    "agreement_no": number, "target_kind": kind, "campaign": campaign or "", "domain": domain or "",
                    "figures_reported": row.figures_reported}
            item.update({name: getattr(row, name) for name in (*TEXTS, *FIGURES)})
            out.append(item)
        return out


def write_summary_report(ctx: ServiceContext, period: Period, folder: Path) -> Path:
    """The unsealed summary workbook of a month, quarter, half-year or year."""
    b = bureau(ctx.db)
    sheets = []
    for dim, title in summaries.DIMENSIONS.items():
        summary = summaries.summarize(ctx, period, dim)  # type: ignore[arg-type]
        rows = [(r.label, r.pairings, r.figures, r.previous, r.year_to_date) for r in summary.rows]
        t = summary.total
        sheets.append(SheetData(f"按{title}", title, rows, (t.label, t.pairings, t.figures, t.previous, t.year_to_date)))
    unapproved = summaries.summarize(ctx, period, "township").unapproved
    note = "；未审核未计入：" + "、".join(f"{t}（{m}）" for t, m in unapproved) if unapproved else ""
    kind = REPORT_NAMES[period.kind]
    heading = f"{b.name}社会组织结对帮扶工作{kind}（{period.label_zh}）"
    path = Path(folder) / f"{b.division_code}_{b.name}_{kind}_{period}_草稿.xlsx"
    write_summary_workbook(path, ctx.forms[monthly.FORM], heading=heading,
                           subtitle=f"草稿（未盖章）· 只计已审核的月报{note}", sheets=sheets,
                           detail=approved_detail(ctx, period))
    return path
