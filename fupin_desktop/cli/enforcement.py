"""``fupin enforcement …``: the 查处 lists (notice 003): list, mark handled, export."""

from __future__ import annotations

import argparse

from fupin_desktop.cli.common import context, err, output_file, print_json, print_table
from fupin_desktop.errors import KnownError
from fupin_desktop.services import enforcement
from fupin_desktop.services.enforcement import Case, EnforcementKind

_KIND_HELP = "；".join(f"{k.value}（{k.label}）" for k in EnforcementKind)


def _handled(c: Case) -> str:
    if not c.handled:
        return "未处理"
    when = f"{c.handled_at:%Y-%m-%d %H:%M}" if c.handled_at else ""
    return f"已处理（{c.handled_by} {when}）：{c.note}"


def _heading(kind: EnforcementKind, year: int, rows: list[Case]) -> str:
    listed, handled = sum(c.listed for c in rows), sum(c.handled for c in rows)
    gone = len(rows) - listed
    extra = f"，另有 {gone} 个已处理、目前已不在名单中" if gone else ""
    return f"【{kind.label}】{year} 年度 {listed} 个社会组织，已处理 {handled} 个{extra}"


def cmd_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # organizations, agreements and findings: no personal data
    if args.kind:
        kind = enforcement.kind_of(args.kind)
        groups = {kind: enforcement.cases(ctx, kind, args.year)}
    else:
        groups = enforcement.all_cases(ctx, args.year)
    if args.json:
        print_json([{"kind": k.value, "label": k.label, "year": args.year, "count": sum(c.listed for c in rows),
                     "handled": sum(c.handled for c in rows),
                     "cases": [{**vars(c), "amount_yuan": c.amount_yuan} for c in rows]}
                    for k, rows in groups.items()])
        return 0
    for n, (kind, rows) in enumerate(groups.items()):
        if n:
            print()
        print(_heading(kind, args.year, rows))
        if not rows:
            print("  （没有发现此类情形）")
            continue
        print_table(["序号", "社会组织", "统一社会信用代码", "状态", "处理情况", "情形及依据"],
                    [[str(i), c.organization, c.credit_code, c.status_label, _handled(c), c.reason]
                     for i, c in enumerate(rows, start=1)])
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True, permission=enforcement.PERMISSION)
    case = enforcement.mark_handled(ctx, args.kind, args.org, args.year, args.note)
    print(f"已标记：{case.organization}（{case.credit_code}）{case.year} 年度“{case.kind_label}”已处理："
          f"{case.note}（{case.handled_by}，{case.handled_at:%Y-%m-%d %H:%M}）")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    target = output_file(args.output)
    if target.suffix.lower() != ".xlsx":
        raise KnownError(f"输出文件「{target}」应以 .xlsx 结尾（Excel 工作簿）。")
    kinds = [enforcement.kind_of(args.kind)] if args.kind else None
    ctx = context(args, signed_in=True, permission=enforcement.PERMISSION)  # a file leaves the program
    path = enforcement.export_xlsx(ctx, args.year, target, kinds)
    err(f"已写出：{path}")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    enf = sub.add_parser("enforcement", help="查处线索名单（无资格募捐、全年无活动、注销或不合格仍结对、抽查不属实）"
                         ).add_subparsers(dest="action", required=True, metavar="操作")
    p = enf.add_parser("list", parents=[common], help="列出某年度的查处线索及理由（不加 --kind 时列出全部四类）")
    p.add_argument("--year", required=True, type=int, help="年度，如 2026")
    p.add_argument("--kind", help=f"只列一类：{_KIND_HELP}")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = enf.add_parser("mark", parents=[common], help="把一条查处线索标记为已处理（再次标记则修改处理情况）")
    p.add_argument("--kind", required=True, help=_KIND_HELP)
    p.add_argument("--org", required=True, help="统一社会信用代码（或名册中的全称）")
    p.add_argument("--year", required=True, type=int, help="年度，如 2026")
    p.add_argument("--note", required=True, help="处理情况（不能为空）")
    p.set_defaults(func=cmd_mark)
    p = enf.add_parser("export", parents=[common], help="把某年度的查处线索写成 Excel 工作簿（每类一个工作表）")
    p.add_argument("--year", required=True, type=int, help="年度，如 2026")
    p.add_argument("--kind", help=f"只写一类：{_KIND_HELP}")
    p.add_argument("-o", "--output", required=True, help="输出的 .xlsx 文件")
    p.set_defaults(func=cmd_export)
