"""``fupin monthly …`` and ``fupin report …``: township tables in, review, status, summaries out."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from fupin_desktop.cli.common import context, err, input_file, output_dir, print_json, print_table
from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.periods import Period, parse_loose_date
from fupin_desktop.errors import KnownError, NotFound, ValidationFailed
from fupin_desktop.services import (
    monthly,
    monthly_documents,
    monthly_import,
    monthly_status,
    places,
    year_reports,
)
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission

REPORT_KINDS = {"monthly": "month", "quarter": "quarter", "half-year": "half", "year": "year",
                **dict.fromkeys(year_reports.YEAR_KINDS, "year"), "notice-half": "half"}


def _period(text: str, kind: str = "month") -> Period:
    try:
        p = Period.parse(text)
    except CodeError as exc:
        raise KnownError(f"--period：{exc}") from None
    if p.kind != kind:
        raise KnownError(f"--period 应为{ {'month': '月份，如 2020-06', 'quarter': '季度，如 2020-Q2', 'half': '半年，如 2020-H1', 'year': '年份，如 2020'}[kind]}，而不是 {text}")
    return p


def _township_id(ctx: ServiceContext, name: str) -> int:
    from fupin_desktop.domain.text import match_key

    for t in places.list_townships(ctx):
        if match_key(name) in (match_key(t.values["name"]), t.values["code"]):
            return t.id
    raise NotFound(f"本县没有名为“{name}”的镇（街道）。")


def cmd_template(args: argparse.Namespace) -> int:
    period = _period(args.period)
    ctx = context(args, signed_in=True, permission=Permission.ENTER_MONTHLY)
    ids = [_township_id(ctx, args.township)] if args.township else [
        b.township_id for b in monthly_status.status_board(ctx, period)]
    # -o names a file when it ends in .xlsx (one township), else the folder for one file each.
    name = Path(args.output).name if str(args.output).lower().endswith(".xlsx") else None
    if name and len(ids) != 1:
        raise KnownError(f"「{args.output}」是一个文件名，只能写一个镇（街道）的模板：请加 --township 镇（街道）名称，"
                         "或在 -o 后写一个文件夹（每个镇（街道）一个文件）。")
    out = output_dir(Path(args.output).parent if name else args.output)
    for tid in ids:
        print(monthly_documents.write_township_template(ctx, tid, period, out, name))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    period = _period(args.period) if args.period else None
    received = args.received and parse_loose_date(args.received)
    ctx = context(args, signed_in=True)
    failed = 0
    for file in args.files:
        try:
            view = monthly_import.import_monthly(ctx, input_file(file), township=args.township, period=period,
                                                 received_on=received if isinstance(received, date) else None)
        except ValidationFailed as exc:
            failed += 1
            err(exc.summary)
            for problem in exc.problems:
                err(f"  {problem}")
        except KnownError as exc:
            failed += 1
            err(str(exc))
        else:
            flagged = sum(1 for r in view.rows if r.flags)
            print(f"已导入「{Path(file).name}」：{view.township} {Period.parse(view.period).label_zh}，"
                  f"{len(view.rows)} 行，第 {view.revision} 版（草稿）" + (f"；{flagged} 行有待审核人确认的提示" if flagged else ""))
    return 1 if failed else 0


def _show(view: monthly.MonthView, as_json: bool) -> None:
    if as_json:
        print_json(view)
        return
    print(f"{view.township} {Period.parse(view.period).label_zh}：{view.status_label}"
          + (f"（第 {view.revision} 版）" if view.revision else ""))
    rows = [[str(r.seq), r.village, r.organization, format_wan(r.values["funds_fen"]),
             str(r.values["beneficiaries"]), "；".join(f["message"] for f in r.flags)] for r in view.rows]
    print_table(["序号", "村（社区）", "社会组织", "投入资金(万元)", "受益人次", "提示"], rows)


def cmd_show(args: argparse.Namespace) -> int:
    period = _period(args.period)
    # The rows name the pairings' targets, households among them: the monthly roles, signed in.
    ctx = context(args, signed_in=True, permission=Permission.ENTER_MONTHLY)
    _show(monthly.get_month(ctx, _township_id(ctx, args.township), period), args.json)
    return 0


def _transition(action: str):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        period = _period(args.period)
        ctx = context(args, signed_in=True)
        tid = _township_id(ctx, args.township)
        if action == "submit":
            view = monthly.submit(ctx, tid, period)
        elif action == "approve":
            view = monthly.approve(ctx, tid, period, args.reason or "")
        elif action == "return":
            view = monthly.return_month(ctx, tid, period, args.reason or "")
        else:
            view = monthly.reopen(ctx, tid, period, args.reason or "")
        print(f"{view.township} {period.label_zh}：{view.status_label}（第 {view.revision} 版）")
        return 0
    return run


def cmd_status(args: argparse.Namespace) -> int:
    period = _period(args.period)
    ctx = context(args, signed_in=False)  # per township: states and dates, no personal data
    today = parse_loose_date(args.today) if args.today else None
    board = monthly_status.status_board(ctx, period, today if isinstance(today, date) else None)
    if args.json:
        print_json({"period": str(period), "deadline": monthly_status.monthly_deadline(period),
                    "counts": monthly_status.counts(board),
                    "townships": [{"township": b.township, "status": b.status, "status_label": b.status_label,
                                   "timeliness": b.timeliness, "timeliness_label": b.timeliness_label,
                                   "received_on": b.received_on, "days_late": b.days_late, "revision": b.revision,
                                   "pairings": b.pairings} for b in board]})
        return 0
    print(f"{period.label_zh} 月报，截止 {monthly_status.monthly_deadline(period)}")
    print_table(["镇（街道）", "状态", "时效", "收到日期", "结对数"],
                [[b.township, b.status_label, b.timeliness_label + (f"{b.days_late} 天" if b.days_late else ""),
                  str(b.received_on or ""), str(b.pairings)] for b in board])
    c = monthly_status.counts(board)
    print(f"应报 {c['expected']}，已审核 {c.get('approved', 0)}，待审核 {c.get('submitted', 0)}，"
          f"退回 {c.get('returned', 0)}，未报 {c.get('missing', 0)}，逾期 {c.get('late', 0) + c.get('overdue', 0)}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    period = _period(args.period, REPORT_KINDS[args.kind])
    # A file leaves the program, with the signed-in user named on it as the one who made it.
    ctx = context(args, signed_in=True, permission=Permission.ENTER_MONTHLY)
    out = output_dir(args.output)
    if args.kind == "notice-half":  # the 半年通报 to the townships and organizations (下行文): PDF and workbook
        from fupin_desktop.services.half_notice import write_half_notice

        for path in write_half_notice(ctx, period, out):
            print(path)
        return 0
    if args.kind in year_reports.YEAR_KINDS:  # the year's reports: unsealed PDF and workbook
        for path in year_reports.write_draft(ctx, args.kind, period, out):
            print(path)
        return 0
    print(monthly_documents.write_summary_report(ctx, period, out))
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    m = sub.add_parser("monthly", help="月度统计（合作村社帮扶工作开展情况统计表）").add_subparsers(
        dest="action", required=True, metavar="操作")
    p = m.add_parser("template", parents=[common], help="为镇（街道）生成本月要填的统计表")
    p.add_argument("--period", required=True, help="月份，如 2020-06")
    p.add_argument("--township", help="镇（街道）名称；不写则为本月应报的每个镇（街道）各生成一份")
    p.add_argument("-o", "--output", required=True,
                   help="输出文件夹；只生成一个镇（街道）时也可写文件名，如 安海镇.xlsx")
    p.set_defaults(func=cmd_template)
    p = m.add_parser("import", parents=[common], help="导入镇（街道）报来的统计表（有错则该文件整表不导入）")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--township", help="镇（街道）；不写时取自表中的填报单位")
    p.add_argument("--period", help="月份；不写时取填报时间的上一个月")
    p.add_argument("--received", help="收到日期（默认今天），用于判断是否按时")
    p.set_defaults(func=cmd_import)
    p = m.add_parser("show", parents=[common], help="查看某镇（街道）某月的月报")
    p.add_argument("--township", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)
    for action, text in (("submit", "提交审核（填报员）"), ("approve", "审核通过（审核人）"),
                         ("return", "退回修改（审核人，需写原因）"), ("reopen", "重新打开已审核的月报以更正（审核人）")):
        p = m.add_parser(action, parents=[common], help=text)
        p.add_argument("--township", required=True)
        p.add_argument("--period", required=True)
        p.add_argument("--reason", help="原因或审核意见")
        p.set_defaults(func=_transition(action))
    p = m.add_parser("status", parents=[common], help="各镇（街道）报送情况：按时、逾期、未报、退回、已审核")
    p.add_argument("--period", required=True)
    p.add_argument("--today", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("report", parents=[common], help="导出汇总表（Excel 草稿）：月报、季度、半年、年度；年度报表另有 PDF 草稿；"
                       "notice-half：发各镇（街道）和社会组织的半年工作通报（公文 PDF 草稿）")
    p.add_argument("kind", choices=list(REPORT_KINDS), metavar="报表", help=" | ".join(REPORT_KINDS))
    p.add_argument("--period", required=True, help="2020-06 | 2020-Q2 | 2020-H1 | 2020")
    p.add_argument("-o", "--output", required=True, help="输出文件夹")
    p.set_defaults(func=cmd_report)
