"""``fupin spotcheck …``: 信息核对和抽查 (notice 003): draw a sample, record the checks, export them."""

from __future__ import annotations

import argparse
from datetime import date

from fupin_desktop.cli.common import context, date_option, err, output_file, print_json, print_table
from fupin_desktop.domain.text import clean_text
from fupin_desktop.errors import KnownError
from fupin_desktop.services import spotcheck
from fupin_desktop.services.spotcheck import UNCHANGED, SampleView, Unchanged

_TRUTHFUL = {"是": True, "属实": True, "否": False, "不属实": False, "未定": None, "待定": None}


def _optional_date(text: str | None, option: str) -> date | None | Unchanged:
    if text is None:
        return UNCHANGED
    return date_option(text, option) if clean_text(text) else None  # "" clears


def _truthful(text: str | None) -> bool | None | Unchanged:
    if text is None:
        return UNCHANGED
    value = clean_text(text)
    if value not in _TRUTHFUL:
        raise KnownError(f"--truthful（是否属实）应为 是、否 或 未定，而不是“{text}”。")
    return _TRUTHFUL[value]


def _keep(text: str | None) -> str | Unchanged:
    return UNCHANGED if text is None else text


def _print_sample(view: SampleView, *, results: bool) -> None:
    sm = view.summary
    print(f"第 {sm.id} 号抽查样本：{sm.year} 年度，种子 {sm.seed}，抽取 {sm.drawn} 个（在期结对 {sm.population} 个），"
          f"{sm.created_at:%Y-%m-%d %H:%M} 由 {sm.created_by} 抽取")
    print("按镇（街道）：" + "、".join(f"{t.township} {t.drawn}/{t.in_term}" for t in view.shares))
    if view.note:
        print(view.note)
    if results:
        print_table(["序号", "镇（街道）", "协议编号", "社会组织", "帮扶对象", "核查日期", "方式", "是否属实", "整改期限"],
                    [[str(c.number), c.township, c.agreement_no, c.organization, c.target,
                      str(c.checked_on or ""), c.method, c.truthful_label, str(c.rectify_by or "")]
                     for c in view.checks])
        print(sm.counts_text)
    else:
        print_table(["序号", "镇（街道）", "协议编号", "社会组织", "帮扶对象"],
                    [[str(c.number), c.township, c.agreement_no, c.organization, c.target] for c in view.checks])


def cmd_sample(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True, permission=spotcheck.PERMISSION)
    view = spotcheck.draw(ctx, args.year, args.size, args.seed)
    if args.json:
        print_json(view)
        return 0
    _print_sample(view, results=False)
    err(f"已记录抽查样本（第 {view.summary.id} 号）；登记核查结果：fupin spotcheck record {view.summary.id} --pairing 协议编号 …")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # years, seeds and counts only
    samples = spotcheck.list_samples(ctx, args.year)
    if args.json:
        print_json(samples)
        return 0
    print_table(["编号", "年度", "种子", "要求数", "抽取数", "属实", "不属实", "待定", "未核查", "抽取时间", "抽取人"],
                [[str(x.id), str(x.year), x.seed, str(x.size), str(x.drawn), str(x.truthful), str(x.untruthful),
                  str(x.pending), str(x.unchecked), f"{x.created_at:%Y-%m-%d %H:%M}", x.created_by] for x in samples])
    print(f"共 {len(samples)} 个抽查样本")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)  # findings may name people: signed in, like the evaluations
    view = spotcheck.get_sample(ctx, args.sample_id)
    if args.json:
        print_json(view)
        return 0
    _print_sample(view, results=True)
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    checked_on = date_option(args.date, "--date")
    truthful, rectify_by = _truthful(args.truthful), _optional_date(args.rectify_by, "--rectify-by")
    ctx = context(args, signed_in=True, permission=spotcheck.PERMISSION)
    c = spotcheck.record(ctx, args.sample_id, args.pairing, checked_on=checked_on, method=args.method,
                         findings=_keep(args.findings), truthful=truthful, rectification=_keep(args.rectification),
                         rectify_by=rectify_by, follow_up=_keep(args.follow_up))
    print(f"已登记第 {c.sample_id} 号样本第 {c.number} 项：{c.agreement_no} {c.organization} ↔ {c.target}，"
          f"{c.checked_on} {c.method}核查，{c.truthful_label or '是否属实待定'}"
          + (f"，整改期限 {c.rectify_by}" if c.rectify_by else ""))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    target = output_file(args.output)
    ctx = context(args, signed_in=True)  # writes a file
    print(spotcheck.export_xlsx(ctx, args.sample_id, target))
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    target = output_file(args.output)
    ctx = context(args, signed_in=True)  # writes a file; findings may name people
    samples = spotcheck.list_samples(ctx, args.year)
    if not samples:
        raise KnownError(f"{args.year} 年度还没有抽取抽查样本（fupin spotcheck sample --year {args.year} …）。")
    if args.sample is None:
        chosen = samples[-1]
        if len(samples) > 1:
            others = "、".join(str(x.id) for x in samples[:-1])
            err(f"{args.year} 年度有 {len(samples)} 个抽查样本，打印最新的第 {chosen.id} 号（其余：{others}；用 --sample 选择）。")
    else:
        found = next((x for x in samples if x.id == args.sample), None)
        if found is None:
            raise KnownError(f"第 {args.sample} 号抽查样本不是 {args.year} 年度的"
                             f"（{args.year} 年度的样本：{'、'.join(str(x.id) for x in samples)}）。")
        chosen = found
    print(spotcheck.write_pdf(ctx, chosen.id, target))
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    sc = sub.add_parser("spotcheck", help="信息核对和抽查（按镇街分层随机抽取结对，登记核查结果，导出 Excel）").add_subparsers(
        dest="action", required=True, metavar="操作")
    p = sc.add_parser("sample", parents=[common], help="抽取某年度的抽查样本（同一种子抽出同一样本），并记录",
                      description="按镇（街道）分层：各镇（街道）按在期结对数比例分配（最大余数法，抽查数量不少于镇街数时"
                                  "每个有结对的镇街至少 1 个），镇街内按协议编号排序后以种子随机抽取。需审核人登录。")
    p.add_argument("--year", required=True, type=int, metavar="年份", help="抽查年度，如 2026（协议期与该年有交集的结对）")
    p.add_argument("--size", required=True, type=int, metavar="数量", help="抽查数量（超过在期结对数时全部抽取）")
    p.add_argument("--seed", required=True, metavar="种子", help="随机种子（公开记录，如抽样当天的日期或会议记录编号）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sample)
    p = sc.add_parser("list", parents=[common], help="列出已抽取的抽查样本")
    p.add_argument("--year", type=int, metavar="年份", help="只看这个年度")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = sc.add_parser("show", parents=[common], help="显示一个抽查样本及各结对的核查结果")
    p.add_argument("sample_id", type=int, metavar="样本编号")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)
    p = sc.add_parser("record", parents=[common], help="登记（或修改）样本中一个结对的核查结果",
                      description="未写的选项保持原登记内容；写空字符串（\"\"）清除。需审核人登录。")
    p.add_argument("sample_id", type=int, metavar="样本编号")
    p.add_argument("--pairing", required=True, metavar="协议编号", help="样本中的结对")
    p.add_argument("--date", required=True, metavar="日期", help="核查日期，如 2026-03-15")
    p.add_argument("--method", required=True, metavar="实地|电话|材料", help="核查方式：实地、电话 或 材料")
    p.add_argument("--findings", metavar="文字", help="核查情况")
    p.add_argument("--truthful", metavar="是|否|未定", help="是否属实")
    p.add_argument("--rectification", metavar="文字", help="整改要求")
    p.add_argument("--rectify-by", metavar="日期", help="整改期限（日期，不早于核查日期）")
    p.add_argument("--follow-up", metavar="文字", help="跟进情况")
    p.set_defaults(func=cmd_record)
    p = sc.add_parser("export", parents=[common], help="把抽查样本及核查结果导出为 Excel（A4 横向，可直接打印）")
    p.add_argument("sample_id", type=int, metavar="样本编号")
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出文件（.xlsx）")
    p.set_defaults(func=cmd_export)
    p = sc.add_parser("print", parents=[common], help="把某年度的抽查样本及核查结果写成公文附件 PDF（A4 横向）",
                      description="写出“附件”页：抽查情况表、填表人和审核人、抽样方法和核查结果统计。该年度有多个样本时"
                                  "默认打印最新的一个。")
    p.add_argument("--year", required=True, type=int, metavar="年份", help="抽查年度")
    p.add_argument("--sample", type=int, metavar="样本编号", help="该年度的哪一个样本（默认最新的）")
    p.add_argument("-o", "--out", "--output", dest="output", required=True, metavar="文件", help="输出文件（.pdf）")
    p.set_defaults(func=cmd_print)
