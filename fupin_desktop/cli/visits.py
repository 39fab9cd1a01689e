"""``fupin visit …``: 年初部署、年中检查、年终验收 (notice 004): record a visit, its 整改, the overdue ones."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date

from fupin_desktop.cli.common import context, date_option, print_json, print_table
from fupin_desktop.domain import clock
from fupin_desktop.domain.text import clean_text
from fupin_desktop.services import visits
from fupin_desktop.services.spotcheck import UNCHANGED, Unchanged
from fupin_desktop.services.visits import VisitView

SHOWN = 20  # characters of a long text in the list


def _short(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def _keep(text: str | None) -> str | Unchanged:
    return UNCHANGED if text is None else text


def _optional_date(text: str | None, option: str) -> date | None | Unchanged:
    if text is None:
        return UNCHANGED
    return date_option(text, option) if clean_text(text) else None  # "" clears


def _today(args: argparse.Namespace) -> date:
    return date_option(args.today, "--today") if getattr(args, "today", None) else clock.today()


def _said(verb: str, v: VisitView) -> str:
    text = f"{verb}第 {v.id} 号检查：{v.year} 年度{v.kind_label}，{v.subject}，{v.visited_on}，检查人员 {v.inspectors}"
    if v.rectification:
        text += f"；整改要求：{_short(v.rectification)}" + (f"，期限 {v.rectify_by}" if v.rectify_by else "")
    return text


def cmd_add(args: argparse.Namespace) -> int:
    visited_on = date_option(args.on, "--on")
    rectify_by = date_option(args.rectify_by, "--rectify-by") if args.rectify_by else None
    ctx = context(args, signed_in=True, permission=visits.PERMISSION)
    v = visits.record_visit(ctx, kind=args.kind, year=args.year, pairing=args.pairing, township=args.township,
                            visited_on=visited_on, inspectors=args.inspectors, findings=args.findings or "",
                            problems=args.problems or "", rectification=args.rectification or "",
                            rectify_by=rectify_by)
    print(_said("已登记", v))
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    visited_on = date_option(args.on, "--on") if args.on else UNCHANGED
    rectify_by = _optional_date(args.rectify_by, "--rectify-by")
    ctx = context(args, signed_in=True, permission=visits.PERMISSION)
    v = visits.edit_visit(ctx, args.visit_id, kind=_keep(args.kind),
                          year=UNCHANGED if args.year is None else args.year,
                          pairing=_keep(args.pairing), township=_keep(args.township), visited_on=visited_on,
                          inspectors=_keep(args.inspectors), findings=_keep(args.findings),
                          problems=_keep(args.problems), rectification=_keep(args.rectification),
                          rectify_by=rectify_by)
    print(_said("已修改", v))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # the bureau's own visits; household targets stay masked
    today = _today(args)
    views = visits.list_visits(ctx, args.year, args.kind, args.township)
    if args.json:
        print_json([{**asdict(v), "rectify_state": v.rectify_state(today)} for v in views])
        return 0
    print_table(["编号", "类别", "检查日期", "镇（街道）", "检查对象", "检查人员", "发现的问题", "整改要求", "整改情况"],
                [[str(v.id), v.kind_label, str(v.visited_on), v.township, v.subject, v.inspectors, _short(v.problems),
                  _short(v.rectification), v.rectify_state(today)] for v in views])
    open_count = sum(1 for v in views if v.rectify_open)
    print(f"{args.year} 年度共 {len(views)} 次检查，整改未完成 {open_count} 项")
    return 0


def cmd_rectified(args: argparse.Namespace) -> int:
    on = date_option(args.on, "--on")
    ctx = context(args, signed_in=True, permission=visits.PERMISSION)
    v = visits.mark_rectified(ctx, args.visit_id, on, args.note)
    print(f"已登记第 {v.id} 号检查（{v.kind_label}，{v.subject}）整改完成：{v.rectified_on}，{_short(v.rectify_note)}")
    return 0


def cmd_overdue(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # which 整改 are late and where: no personal data
    today = _today(args)
    found = visits.overdue_rectifications(ctx, today)
    if args.json:
        print_json(found)
        return 0
    print_table(["来源", "编号", "镇（街道）", "对象", "整改要求", "整改期限", "逾期天数"],
                [[o.source_label, str(o.id), o.township, o.where, _short(o.requirement), str(o.rectify_by),
                  str(o.days_overdue)] for o in found])
    print(f"截至 {today}，逾期未完成的整改 {len(found)} 项（检查和信息核对抽查）")
    return 0


def _visit_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    kinds = " | ".join(visits.KINDS.values())
    p.add_argument("--kind", required=required, metavar="类别", help=kinds)
    p.add_argument("--year", required=required, type=int, metavar="年份", help="检查所属年度，如 2026")
    p.add_argument("--pairing", metavar="协议编号", help="检查的结对（与 --township 二选一）")
    p.add_argument("--township", metavar="镇（街道）", help="检查的镇（街道），名称或代码（与 --pairing 二选一）")
    p.add_argument("--on", required=required, metavar="日期", help="检查日期，如 2026-06-15")
    p.add_argument("--inspectors", required=required, metavar="姓名", help="检查人员，如 “张连侨、王芳”")
    p.add_argument("--findings", metavar="文字", help="检查情况和好的做法（半年通报中推广）")
    p.add_argument("--problems", metavar="文字", help="发现的问题")
    p.add_argument("--rectification", metavar="文字", help="整改要求")
    p.add_argument("--rectify-by", metavar="日期", help="整改期限（不早于检查日期）")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    v = sub.add_parser("visit", help="年初部署、年中检查、年终验收：登记检查、整改完成、逾期未整改").add_subparsers(
        dest="action", required=True, metavar="操作")
    p = v.add_parser("add", parents=[common], help="登记一次检查（一对结对或一个镇街；审核人）",
                     description="检查一对结对写 --pairing 协议编号，检查一个镇（街道）写 --township 名称。需审核人登录。")
    _visit_options(p, required=True)
    p.set_defaults(func=cmd_add)
    p = v.add_parser("edit", parents=[common], help="修改一次检查的登记内容（未写的选项不变；写 \"\" 清除整改期限）")
    p.add_argument("visit_id", type=int, metavar="编号")
    _visit_options(p, required=False)
    p.set_defaults(func=cmd_edit)
    p = v.add_parser("list", parents=[common], help="列出某年度的检查及整改情况")
    p.add_argument("--year", required=True, type=int, metavar="年份")
    p.add_argument("--kind", metavar="类别", help=" | ".join(visits.KINDS.values()))
    p.add_argument("--township", metavar="镇（街道）", help="只看这个镇（街道）（含其结对）")
    p.add_argument("--today", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = v.add_parser("rectified", parents=[common], help="登记一次检查的整改已完成（审核人）")
    p.add_argument("visit_id", type=int, metavar="编号")
    p.add_argument("--on", required=True, metavar="日期", help="整改完成日期")
    p.add_argument("--note", required=True, metavar="文字", help="整改情况：整改了什么、如何核实")
    p.set_defaults(func=cmd_rectified)
    p = v.add_parser("overdue", parents=[common], help="逾期未完成的整改（检查和信息核对抽查）")
    p.add_argument("--today", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_overdue)
