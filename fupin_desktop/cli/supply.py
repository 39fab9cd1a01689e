"""``fupin supply …``: the 供需目录 of 百社解千难 (notice 004, 准备阶段): villages' needs, organizations'
offers, the 双向选择 view and the pair chosen for a need."""

from __future__ import annotations

import argparse
from typing import Any

from fupin_desktop.cli.common import context, input_file, output_file, print_json, print_table
from fupin_desktop.domain.text import clean_text
from fupin_desktop.errors import KnownError
from fupin_desktop.services import supply_catalog, supply_matching
from fupin_desktop.services.supply_catalog import STATUS_LABELS, NeedView, OfferView

_WHAT = {"need": "帮扶需求", "offer": "帮扶意向"}


def _status(text: str | None) -> str | None:
    if text is None:
        return None
    value = clean_text(text)
    for key, label in STATUS_LABELS.items():
        if value in (key, label):
            return key
    raise KnownError(f"--status（状态）应为 {'、'.join(STATUS_LABELS.values())} 之一，而不是“{text}”。")


def _raw(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def _need_row(n: NeedView) -> list[str]:
    return [str(n.id), n.township, n.village, n.domain_label, n.description, n.budget_wan, n.status_label,
            n.matched_organization]


def _offer_row(o: OfferView) -> list[str]:
    return [str(o.id), o.organization, o.domain_label, o.description, o.budget_wan,
            "" if o.villages is None else str(o.villages), str(o.matched), o.problem]


_NEED_HEADERS = ["编号", "镇（街道）", "村（社区）", "领域", "需求内容", "资金需求（万元）", "状态", "对接的社会组织"]
_OFFER_HEADERS = ["编号", "社会组织", "领域", "可提供的帮扶", "计划投入（万元）", "可结对村数", "已对接", "不宜推荐的原因"]


def cmd_need_add(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True, permission=supply_catalog.PERMISSION)
    raw = _raw(args, ("township", "village", "domain", "description", "contact"))
    if args.budget is not None:
        raw["budget_fen"] = args.budget
    n = supply_catalog.add_need(ctx, args.year, raw)
    print(f"已登记第 {n.id} 号帮扶需求：{n.year} 年度 {n.township}{n.village}（{n.domain_label}）"
          + (f"，资金需求 {n.budget_wan} 万元" if n.budget_wan else ""))
    return 0


def cmd_offer_add(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True, permission=supply_catalog.PERMISSION)
    raw = _raw(args, ("domain", "description", "villages"))
    raw["organization"] = args.org
    if args.budget is not None:
        raw["budget_fen"] = args.budget
    o = supply_catalog.add_offer(ctx, args.year, raw)
    print(f"已登记第 {o.id} 号帮扶意向：{o.year} 年度 {o.organization}（{o.domain_label}）"
          + (f"，计划投入 {o.budget_wan} 万元" if o.budget_wan else "")
          + (f"，可结对 {o.villages} 个村（社区）" if o.villages else ""))
    return 0


def cmd_need_list(args: argparse.Namespace) -> int:
    status = _status(args.status)
    ctx = context(args, signed_in=True)  # the contact column names people and their phones
    needs = supply_catalog.list_needs(ctx, args.year, status)
    if args.json:
        print_json(needs)
        return 0
    print_table(_NEED_HEADERS, [_need_row(n) for n in needs])
    print(f"共 {len(needs)} 条帮扶需求")
    return 0


def cmd_offer_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # organizations' offers: no personal data
    offers = supply_catalog.list_offers(ctx, args.year)
    if args.json:
        print_json(offers)
        return 0
    print_table(_OFFER_HEADERS, [_offer_row(o) for o in offers])
    print(f"共 {len(offers)} 条帮扶意向")
    return 0


def _import(kind: str):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        path = input_file(args.file)
        ctx = context(args, signed_in=True, permission=supply_catalog.PERMISSION)
        do = supply_catalog.import_needs if kind == "need" else supply_catalog.import_offers
        result = do(ctx, args.year, path)
        print(f"导入完成：新增 {result.created} 条{_WHAT[kind]}" +
              (f"，{result.unchanged} 条此前已登记（未重复登记）" if result.unchanged else ""))
        return 0
    return run


def _template(kind: str):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        target = output_file(args.output)
        ctx = context(args, signed_in=True, permission=supply_catalog.PERMISSION)
        path = supply_catalog.template(ctx, "need" if kind == "need" else "offer", target)
        print(f"已生成空白的{_WHAT[kind]}模板：{path}")
        return 0
    return run


def cmd_match(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)  # the needs carry their contacts
    view = supply_matching.match_view(ctx, args.year)
    if args.json:
        print_json(view)
        return 0
    for m in view.open_needs:
        n = m.need
        budget = f"，资金需求 {n.budget_wan} 万元" if n.budget_wan else ""
        print(f"【第 {n.id} 号】{n.township}{n.village}（{n.domain_label}{budget}）：{n.description}")
        for c in m.candidates:
            print(f"  {c.rank}. {c.offer.organization}　{c.note}")
        if not m.candidates:
            print("  （暂无合适的帮扶意向）")
        for org, why in m.excluded:
            print(f"  不推荐：{org}，{why}")
    if view.matched_needs:
        print("已对接：")
        print_table(_NEED_HEADERS, [_need_row(n) for n in view.matched_needs])
    if view.unmatched_offers:
        print("尚未对接的帮扶意向：")
        print_table(_OFFER_HEADERS, [_offer_row(o) for o in view.unmatched_offers])
    print(view.counts_text)
    return 0


def cmd_match_set(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True, permission=supply_catalog.PERMISSION)
    n = supply_matching.match_need(ctx, args.need_id, args.org)
    print(f"第 {n.id} 号需求（{n.township}{n.village}，{n.domain_label}）已对接 {n.matched_organization}；"
          "签订协议后用 fupin pairing add 登记结对")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    target = output_file(args.output)
    ctx = context(args, signed_in=True)  # writes a file
    print(supply_matching.export_xlsx(ctx, args.year, target))
    return 0


def _year(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", required=True, type=int, metavar="年份", help="供需目录的年度，如 2026")


def _list_commands(group: argparse._SubParsersAction, common: argparse.ArgumentParser, kind: str) -> None:
    what = _WHAT[kind]
    p = group.add_parser("import", parents=[common], help=f"从 Excel 导入{what}（有错则整表不导入）")
    p.add_argument("file", metavar="文件")
    _year(p)
    p.set_defaults(func=_import(kind))
    p = group.add_parser("template", parents=[common], help=f"生成空白的{what}模板（供镇街或社会组织填写）")
    p.add_argument("-o", "--output", "--out", required=True, metavar="文件", help="输出文件（.xlsx）")
    p.set_defaults(func=_template(kind))


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    supply = sub.add_parser("supply", help="供需目录（村社帮扶需求、社会组织帮扶意向、双向选择对接）").add_subparsers(
        dest="action", required=True, metavar="操作")
    need = supply.add_parser("need", help="村（社区）帮扶需求").add_subparsers(dest="what", required=True, metavar="操作")
    p = need.add_parser("add", parents=[common], help="登记一条村（社区）帮扶需求")
    _year(p)
    p.add_argument("--village", required=True, metavar="村（社区）", help="村（社区）名称或 12 位区划代码")
    p.add_argument("--township", metavar="镇（街道）", help="村名有重名时用来区分")
    p.add_argument("--domain", required=True, metavar="领域", help="帮扶领域，如 教育、产业、健康")
    p.add_argument("--description", required=True, metavar="文字", help="需求内容")
    p.add_argument("--budget", metavar="万元", help="资金需求（万元）")
    p.add_argument("--contact", metavar="文字", help="联系人及电话")
    p.set_defaults(func=cmd_need_add)
    p = need.add_parser("list", parents=[common], help="列出某年度的帮扶需求（需登录：含联系人）")
    _year(p)
    p.add_argument("--status", metavar="待对接|已对接|已关闭", help="只看这个状态")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_need_list)
    _list_commands(need, common, "need")

    offer = supply.add_parser("offer", help="社会组织帮扶意向").add_subparsers(dest="what", required=True, metavar="操作")
    p = offer.add_parser("add", parents=[common], help="登记一条社会组织帮扶意向")
    _year(p)
    p.add_argument("--org", required=True, metavar="组织", help="社会组织名称或统一社会信用代码")
    p.add_argument("--domain", required=True, metavar="领域", help="帮扶领域，如 教育、产业、健康")
    p.add_argument("--description", required=True, metavar="文字", help="可提供的帮扶")
    p.add_argument("--budget", metavar="万元", help="计划投入（万元）")
    p.add_argument("--villages", metavar="个数", help="可结对几个村（社区）；不写表示不限")
    p.set_defaults(func=cmd_offer_add)
    p = offer.add_parser("list", parents=[common], help="列出某年度的帮扶意向")
    _year(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_offer_list)
    _list_commands(offer, common, "offer")

    p = supply.add_parser("match", parents=[common], help="双向选择：每条待对接需求的候选社会组织（按匹配程度排序）",
                          description="同领域在前；计划投入足够的在前；已注销、近两年年检不合格、已与该村结对、"
                                      "可结对数已满的不推荐。需登录。")
    _year(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_match)
    p = supply.add_parser("match-set", parents=[common], help="记录一条需求与某社会组织对接成功")
    p.add_argument("need_id", type=int, metavar="需求编号")
    p.add_argument("org", metavar="组织", help="社会组织编号、名称或统一社会信用代码")
    p.set_defaults(func=cmd_match_set)
    p = supply.add_parser("export", parents=[common], help="把双向选择对接表导出为 Excel（A4 横向，可直接打印）")
    _year(p)
    p.add_argument("-o", "--output", "--out", required=True, metavar="文件", help="输出文件（.xlsx）")
    p.set_defaults(func=cmd_export)
