"""The reports that can be sealed and sent: one registry entry per kind.

Each kind turns a period into the same report content — the cover letter, the table, the
machine-readable data — which the PDF, the Excel workbook and the package all render.
The annual reports of later work register themselves here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fupin_desktop.documents.gongwen import Attachment, CoverLetter
from fupin_desktop.documents.report_table import ReportTable, TableColumn
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.services import monthly_documents, summaries
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.settings import bureau, get_setting

SEED_004 = "晋政民〔2020〕28号文件"


def unapproved_sentence(unapproved: list[tuple[str, str]]) -> str:
    """Townships counted once however many of their months are missing (they were counted as
    township-months: "另有 15 个镇（街道）" for 5 townships over a quarter)."""
    townships = len({township for township, _month in unapproved})
    return (f"另有 {townships} 个镇（街道）的 {len(unapproved)} 份月报未报或未经审核，未计入本表。"
            if len(unapproved) > townships else f"另有 {townships} 个镇（街道）月报未报或未经审核，未计入本表。")


@dataclass
class ReportContent:
    kind: str
    label: str
    period: Period
    cover: CoverLetter
    table: ReportTable
    data: dict[str, Any]
    incomplete: list[tuple[str, str]] = field(default_factory=list)  # (township, month) not approved
    # Printed in the PDF in place of the table (portrait, a 名单: documents/name_list.py); the
    # workbook still shows ``table``.
    attachment: Attachment | None = None


@dataclass(frozen=True)
class ReportKind:
    name: str  # as typed on the command line: monthly, quarter …
    label: str  # 月报, 季度汇总 … (also in the package file name)
    period_kind: str  # month | quarter | half | year
    build: Callable[[ServiceContext, Period, date], ReportContent]  # (ctx, period, date of the letter)


REPORT_KINDS: dict[str, ReportKind] = {}
# A city's or province's aggregate and the units' report it adds up.
AGGREGATE_OF = {"aggregate-monthly": "monthly", "aggregate-year": "year"}


def register(kind: ReportKind) -> None:
    REPORT_KINDS[kind.name] = kind


def report_kind(name: str) -> ReportKind:
    try:
        return REPORT_KINDS[name]
    except KeyError:
        raise KnownError(f"没有名为 {name} 的报表；可选：{'、'.join(REPORT_KINDS)}") from None


def _figure_columns(ctx: ServiceContext) -> list[TableColumn]:
    spec = ctx.forms["monthly"]
    return [TableColumn(name, f"{spec.field(name).label}（{spec.field(name).unit}）",
                        kind="money" if name.endswith("_fen") else "count", weight=0.9) for name in FIGURES]


def _totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {name: sum(int(r.get(name) or 0) for r in rows) for name in FIGURES}


def _sentence(totals: dict[str, int]) -> str:
    return (f"投入资金 {format_wan(totals['funds_fen'])} 万元，物资折款 {format_wan(totals['materials_fen'])} 万元，"
            f"帮扶贫困户 {totals['households']} 户，受益 {totals['beneficiaries']} 人次，提供就业岗位 {totals['jobs']} 个，"
            f"培训 {totals['trainees']} 人次，志愿服务 {totals['volunteers']} 人次，落地项目 {totals['projects_landed']} 个")


def _signature_lines(ctx: ServiceContext) -> dict[str, str]:
    # Only a reviewer is named as 审核人: a clerk's draft leaves the line for the reviewer to sign.
    reviewer = ctx.user.display_name if ctx.can(Permission.REVIEW_MONTHLY) else ""
    return {"preparer": get_setting(ctx.db, "preparer") or "", "reviewer": reviewer,
            "phone": get_setting(ctx.db, "phone") or ""}


def _cover(ctx: ServiceContext, title: str, paragraphs: list[str], attachment: str, today: date) -> CoverLetter:
    b = bureau(ctx.db)
    return CoverLetter(issuer=b.name, doc_number="", title=title, recipient=get_setting(ctx.db, "recipient") or "上级民政部门",
                       paragraphs=paragraphs, signed_on=today, attachments=[attachment],
                       copy_to=get_setting(ctx.db, "copy_to") or "", printed_by=get_setting(ctx.db, "printed_by") or "")


def build_monthly(ctx: ServiceContext, period: Period, today: date) -> ReportContent:
    """The county's consolidated 合作村社帮扶工作开展情况统计表: every approved row of the month."""
    b = bureau(ctx.db)
    detail = monthly_documents.approved_detail(ctx, period)
    rows = [{"seq": n, **row} for n, row in enumerate(detail, start=1)]
    totals = _totals(rows)
    incomplete = summaries.summarize(ctx, period, "township").unapproved
    columns = [TableColumn("seq", "序号", weight=0.45), TableColumn("township", "镇（街道）", weight=0.9),
               TableColumn("village", "村（社区）", group="合作村社", weight=1.1),
               TableColumn("organization", "社会组织名称", group="合作村社", weight=1.6),
               TableColumn("content", "具体帮扶内容", weight=2.0), TableColumn("progress", "进展情况", weight=1.5),
               *_figure_columns(ctx)]
    townships = sorted({r["township"] for r in rows})
    # One paragraph, so that the letter, its 附件 line and the seal fit on the first page.
    text = (f"根据{SEED_004}要求，现将{b.name.removesuffix('民政局')}{period.label_zh}合作村社帮扶工作开展情况报告如下："
            f"本月共有 {len(townships)} 个镇（街道）的 {len(rows)} 对合作村社报送了情况，{_sentence(totals)}。")
    if incomplete:
        text += "以下镇（街道）本月报表未报或未经审核，未计入本表：" + "、".join(t for t, _ in incomplete) + "。"
    paragraphs = [text, "特此报告。"]
    table = ReportTable(title=f"合作村社帮扶工作开展情况统计表（{period.label_zh}）", unit_name=b.name, filled_on=today,
                        period_label=period.label_zh, columns=columns, rows=rows, totals={"seq": "合计", **totals},
                        notes=["金额单位：万元；只计已审核的镇（街道）月报。"], **_signature_lines(ctx))
    data = {"rows": rows, "totals": totals, "townships": townships,
            "incomplete": [{"township": t, "month": m} for t, m in incomplete]}
    return ReportContent("monthly", "月报", period,
                         _cover(ctx, f"{b.name}关于报送{period.label_zh}合作村社帮扶工作开展情况的报告", paragraphs,
                                f"合作村社帮扶工作开展情况统计表（{period.label_zh}）", today), table, data, incomplete)


def _build_summary(name: str, label: str) -> Callable[[ServiceContext, Period, date], ReportContent]:
    def build(ctx: ServiceContext, period: Period, today: date) -> ReportContent:
        b = bureau(ctx.db)
        summary = summaries.summarize(ctx, period, "township")
        rows = [{"seq": n, "township": r.label, "pairings": r.pairings, **r.figures}
                for n, r in enumerate(summary.rows, start=1)]
        totals = dict(summary.total.figures)
        columns = [TableColumn("seq", "序号", weight=0.45), TableColumn("township", "镇（街道）", weight=1.2),
                   TableColumn("pairings", "报送结对数", kind="count", weight=0.8), *_figure_columns(ctx)]
        by = {dim: [{"label": r.label, **r.figures, "year_to_date": r.year_to_date} for r in
                    summaries.summarize(ctx, period, dim).rows]  # type: ignore[arg-type]
              for dim in summaries.DIMENSIONS}
        text = (f"按照{SEED_004}“季度汇总、半年通报、年终评估”的要求，现将{b.name.removesuffix('民政局')}"
                f"{period.label_zh}社会组织结对帮扶工作情况报告如下：{_sentence(totals)}；"
                f"年初至今投入资金 {format_wan(summary.total.year_to_date['funds_fen'])} 万元。")
        if summary.unapproved:
            text += unapproved_sentence(summary.unapproved)
        paragraphs = [text, "特此报告。"]
        table = ReportTable(title=f"社会组织结对帮扶工作{label}（{period.label_zh}）", unit_name=b.name, filled_on=today,
                            period_label=period.label_zh, columns=columns, rows=rows,
                            totals={"seq": "合计", "pairings": summary.total.pairings, **totals},
                            notes=["金额单位：万元；只计已审核的镇（街道）月报。"], **_signature_lines(ctx))
        data = {"rows": rows, "totals": totals, "year_to_date": summary.total.year_to_date, "by": by,
                "incomplete": [{"township": t, "month": m} for t, m in summary.unapproved]}
        return ReportContent(name, label, period, _cover(
            ctx, f"{b.name}关于报送{period.label_zh}社会组织结对帮扶工作{label}的报告", paragraphs,
            f"社会组织结对帮扶工作{label}（{period.label_zh}）", today), table, data, summary.unapproved)
    return build


register(ReportKind("monthly", "月报", "month", build_monthly))
register(ReportKind("quarter", "季度汇总", "quarter", _build_summary("quarter", "季度汇总")))
register(ReportKind("half-year", "半年通报", "half", _build_summary("half-year", "半年通报")))
register(ReportKind("year", "年终汇总", "year", _build_summary("year", "年终汇总")))

# The year's reports (issue of annual work) and the 表彰名单 register themselves; importing them
# here makes the registry complete wherever it is used.
from fupin_desktop.services import commendations, year_reports  # noqa: E402,F401
