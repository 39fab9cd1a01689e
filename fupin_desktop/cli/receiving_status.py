"""``fupin receiving status|check|exempt|unexempt``: which units under a city or province have
reported (issue 15): each expected unit from the division table as 已收 / 更正中 / 未报 / 无证书 /
不适用; and a lower bureau's sealed aggregate checked against the county packages held here."""

from __future__ import annotations

import argparse

import fupin_desktop.services.year_reports  # noqa: F401  (registers the year's report kinds)
from fupin_desktop.cli.common import context, print_json, print_table
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.services import expected_units
from fupin_desktop.services.report_kinds import REPORT_KINDS


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except (ValueError, KnownError) as exc:
        raise KnownError(f"--period “{text}”：{exc}（如 2026-10、2026-Q3、2026-H1、2026）") from None


def cmd_status(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    rows = expected_units.reporting_status(ctx, args.report, _period(args.period), level=args.level or "")
    if args.json:
        print_json([{"division": r.division, "name": r.name, "bureau": r.bureau, "state": r.state,
                     "state_label": r.state_label, "has_certificate": r.has_certificate, "version": r.version,
                     "received_at": r.received_at, "due": r.due, "days_late": r.days_late, "reason": r.reason}
                    for r in rows])
        return 0
    print_table(["区划代码", "单位", "状态", "版本", "收到时间", "截止日期", "时效", "说明"],
                [[r.division, r.name, r.state_label, f"第{r.version}版" if r.version else "",
                  f"{r.received_at:%Y-%m-%d %H:%M}" if r.received_at else "", str(r.due or ""), r.late_text,
                  r.reason or ("有证书" if r.state == "missing" else "")] for r in rows])
    counts = {label: sum(1 for r in rows if r.state_label == label) for label in expected_units.STATE_LABELS.values()}
    print(f"应报 {len(rows)} 个：" + "，".join(f"{label} {n} 个" for label, n in counts.items()))
    return 0


def cmd_exempt(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    expected_units.mark_exempt(ctx, args.division, args.reason, args.report or expected_units.ALL_REPORTS)
    print(f"{args.division} 已标记为不适用")
    return 0


def cmd_unexempt(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    expected_units.clear_exempt(ctx, args.division, args.report or expected_units.ALL_REPORTS)
    print(f"{args.division} 的不适用标记已取消")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from fupin_desktop.services.aggregate_reports import check_sources

    ctx = context(args, signed_in=True)
    checks = check_sources(ctx, args.division, args.report, _period(args.period))
    if args.json:
        print_json([{"division": c.division, "bureau": c.bureau, "state": c.state, "note": c.note} for c in checks])
    else:
        labels = {"same": "一致", "other_version": "版本不同", "not_held": "未持有", "figures_differ": "数字不符"}
        print_table(["区划代码", "单位", "核对结果", "说明"],
                    [[c.division, c.bureau, labels[c.state], c.note] for c in checks])
    return 0 if all(c.state in ("same", "not_held") for c in checks) else 1


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    kinds = list(REPORT_KINDS)
    group = sub.add_parser("receiving", help="下级报送情况：应报单位、已收、未报、无证书").add_subparsers(
        dest="action", required=True, metavar="操作")
    p = group.add_parser("status", parents=[common], help="按区划代码表列出每个应报单位的报送状态")
    p.add_argument("--report", required=True, choices=kinds, metavar="报表", help=" | ".join(kinds))
    p.add_argument("--period", required=True, help="如 2026-10、2026")
    p.add_argument("--level", choices=["county"], help="省级：汇总报表也按县（市、区）列出（县级报表本来就列出每个县；汇总报表默认列出各市和省直管县）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)
    p = group.add_parser("check", parents=[common],
                         help="核对下级上报的汇总：每个数字是否等于本局也持有的各县报送包之和")
    p.add_argument("--division", required=True, metavar="区划代码", help="报送汇总的单位，如 350500")
    p.add_argument("--report", required=True, choices=["aggregate-monthly", "aggregate-year"], metavar="报表")
    p.add_argument("--period", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)
    p = group.add_parser("exempt", parents=[common], help="把一个下级单位标记为不适用（写明原因）")
    p.add_argument("division", metavar="区划代码")
    p.add_argument("--reason", required=True)
    p.add_argument("--report", choices=kinds, metavar="报表", help="只对这一种报表；不写则全部")
    p.set_defaults(func=cmd_exempt)
    p = group.add_parser("unexempt", parents=[common], help="取消不适用标记")
    p.add_argument("division", metavar="区划代码")
    p.add_argument("--report", choices=kinds, metavar="报表")
    p.set_defaults(func=cmd_unexempt)
