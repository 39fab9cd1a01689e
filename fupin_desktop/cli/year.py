"""``fupin evaluate``, ``fupin campaign-progress`` and ``fupin calendar``: the year's work.

The year's reports themselves go through ``fupin report`` (draft) and ``fupin submit`` (sealed).
"""

from __future__ import annotations

import argparse
from datetime import date

from fupin_desktop.cli.common import context, print_json, print_table
from fupin_desktop.domain import clock
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.periods import parse_loose_date
from fupin_desktop.errors import KnownError
from fupin_desktop.services import calendar, evaluations
from fupin_desktop.services.context import ServiceContext

SHOWN_MISSING = 5


def cmd_evaluate(args: argparse.Namespace) -> int:
    if args.action == "list":
        # Grades with the evaluator's remarks and name per pairing: signed in, like the other lists.
        return _list(context(args, signed_in=True), args.year, args.json)
    if not args.pairing or not args.grade:
        raise KnownError("请写明 --pairing 协议编号 和 --grade 优秀|良好|合格|不合格（查看已有评估用 fupin evaluate list --year 年份）。")
    if args.case_text and not args.typical:
        raise KnownError("--case-text（典型案例）只用于选为典型的结对：请同时加 --typical。")
    ctx = context(args, signed_in=True)
    v = evaluations.evaluate(ctx, args.pairing, args.year, args.grade, args.remarks or "", score=args.score,
                             typical=args.typical, case_text=args.case_text or "")
    extra = (f"，{v.score} 分" if v.score is not None else "") + ("，选为典型" if v.typical else "")
    print(f"已记录 {v.year} 年度年终评估：{v.agreement_no} {v.organization} ↔ {v.target}：{v.grade_label}{extra}")
    return 0


def _list(ctx: ServiceContext, year: int, as_json: bool) -> int:
    views = evaluations.list_evaluations(ctx, year)
    if as_json:
        print_json(views)
        return 0
    print_table(["协议编号", "社会组织", "结对对象", "专项行动", "等次", "得分", "典型", "评估意见", "评估人"],
                [[v.agreement_no, v.organization, v.target, v.campaign, v.grade_label,
                  "" if v.score is None else str(v.score), "典型" if v.typical else "", v.remarks, v.evaluated_by]
                 for v in views])
    typical = sum(1 for v in views if v.typical)
    print(f"{year} 年度共评估 {len(views)} 对结对" + (f"，其中选为典型 {typical} 对。" if typical else "。"))
    return 0


def cmd_campaign_progress(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # counts, with household targets masked
    c = evaluations.campaign_view(ctx, args.name, args.year)
    if args.json:
        print_json(c)
        return 0

    print(f"专项行动“{c.name}” {c.year} 年")
    print(f"  社会组织 {c.organizations} 家（{_target(c.target_organizations, c.organizations)}）")
    print(f"  村（社区） {c.villages} 个（{_target(c.target_villages, c.villages)}）")
    print(f"  在期结对 {c.pairings} 对：村（社区） {c.villages} 个、帮扶对象 {c.households} 户、福利机构 {c.institutions} 个；"
          f"计划投入 {format_wan(c.budget_fen)} 万元")
    if c.pairings_without_projects:
        print(f"  没有合作项目的结对（每对应有 1–2 个）：{'、'.join(c.pairings_without_projects)}")
    else:
        print("  每对结对都有 1–2 个合作项目。")
    f = c.figures
    print(f"  全年已审核月报：投入资金 {format_wan(f['funds_fen'])} 万元，物资折款 {format_wan(f['materials_fen'])} 万元，"
          f"受益 {f['beneficiaries']} 人次")
    grades = "，".join(f"{k} {n}" for k, n in c.grades.items())
    print(f"  年终评估：已评 {c.evaluated} 对（{grades}），未评 {c.not_evaluated} 对，达到考核标准 {c.met} 对")
    if c.commended:
        print("  评估优秀、建议表扬并在等级评估中加分的社会组织：")
        for x in c.commended:
            print(f"    {x['organization']}（{x['agreement_no']}，{x['target']}）")
    return 0


def _target(n: int | None, have: int) -> str:
    if n is None:
        return "未设目标"
    return f"目标 {n}，已完成" if have >= n else f"目标 {n}，还差 {n - have}"


def cmd_calendar(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # deadlines and their state
    today = parse_loose_date(args.today) if args.today else clock.today()
    if not isinstance(today, date):
        raise KnownError("--today 应写到日，如 2026-06-10")
    views = calendar.year_calendar(ctx, args.year, today)
    if args.json:
        print_json([{**vars(v), "state_label": v.state_label} for v in views])
        return 0
    rows = []
    for v in views:
        more = f" 等 {len(v.missing)} 项" if len(v.missing) > SHOWN_MISSING else ""
        rows.append([v.due.isoformat(), v.name, v.state_label, "、".join(v.missing[:SHOWN_MISSING]) + more])
    print_table(["截止日期", "事项", "状态", "未完成"], rows)
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("evaluate", parents=[common], help="年终评估：为结对评定等次、得分和典型（审核人，再次评估即整体改写）；list 查看某年的评估")
    p.add_argument("action", nargs="?", choices=["list"], help="list：列出该年度的评估")
    p.add_argument("--pairing", help="协议编号，如 JD2025-0001")
    p.add_argument("--year", type=int, required=True, help="评估年度")
    p.add_argument("--grade", help="优秀 | 良好 | 合格 | 不合格")
    p.add_argument("--remarks", help="评估意见")
    p.add_argument("--score", help="评估得分：对照考核标准 0–100 的整数（可不填）")
    p.add_argument("--typical", action="store_true", help="选为典型（仅限评为优秀或良好，须同时写 --case-text）")
    p.add_argument("--case-text", help="典型案例：20–2000 字，写明帮扶做法和成效")
    p.add_argument("--json", action="store_true", help="（list）以 JSON 输出")
    p.set_defaults(func=cmd_evaluate)
    p = sub.add_parser("campaign-progress", parents=[common],
                       help="专项行动某年的进度：对照目标、每对 1–2 个项目、年终评估和建议表扬的社会组织")
    p.add_argument("name", help="专项行动名称（或编号）")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_campaign_progress)
    p = sub.add_parser("calendar", parents=[common], help="年度工作日历：各项报送期限和完成情况")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--today", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_calendar)
