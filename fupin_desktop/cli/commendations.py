"""``fupin commend …``: the year's 表彰名单 (add, list, remove, propose, print) and the
等级评估加分 workbook for the rating committee (issue 14)."""

from __future__ import annotations

import argparse

from fupin_desktop.cli.common import context, err, output_dir, output_file, print_json, print_table
from fupin_desktop.cli.sealed import _passphrase
from fupin_desktop.errors import KnownError
from fupin_desktop.services import commendations
from fupin_desktop.services.commendations import EntryView


def _who(e: EntryView) -> str:
    return e.name if e.kind == "unit" else f"{e.name}（{e.unit}）"


def cmd_add(args: argparse.Namespace) -> int:
    if bool(args.unit or args.pairing) == bool(args.person):
        raise KnownError("请写明先进单位（--unit 名称或统一社会信用代码，可加 --pairing 协议编号）"
                         "或先进个人（--person 姓名 --work-unit 工作单位），二者选一。")
    ctx = context(args, signed_in=True, permission=commendations.PERMISSION)
    reason = args.reason or ""
    if args.person:
        e = commendations.add_individual(ctx, args.year, args.person, args.work_unit or "", reason)
    else:
        if not reason.strip() and args.pairing:  # the reason the 年终评估 suggests for that pairing
            wanted = args.pairing.strip().upper()
            reason = next((x.reason for x in commendations.propose(ctx, args.year)
                           if any(p.agreement_no.upper() == wanted for p in x.pairings)), "")
        e = commendations.add_unit(ctx, args.year, args.unit or "", reason, pairing=args.pairing)
    print(f"已添加到 {e.year} 年度表彰名单（编号 {e.id}）：{e.kind_label} {_who(e)}"
          + (f"，结对 {e.agreement_no}" if e.agreement_no else "") + f"；理由：{e.reason}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)  # individuals' names: signed in, like the other lists with people
    entries = commendations.list_entries(ctx, args.year)
    if args.json:
        print_json(entries)
        return 0
    print_table(["编号", "类别", "名称（姓名）", "工作单位", "结对协议", "表彰理由", "添加人"],
                [[str(e.id), e.kind_label, e.name, e.unit, e.agreement_no, e.reason, e.created_by] for e in entries])
    units = sum(1 for e in entries if e.kind == "unit")
    print(f"{args.year} 年度表彰名单：先进单位 {units} 个，先进个人 {len(entries) - units} 名。")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True, permission=commendations.PERMISSION)
    e = commendations.remove(ctx, args.id, args.year)
    print(f"已从 {e.year} 年度表彰名单删除：{e.kind_label} {_who(e)}")
    return 0


def cmd_propose(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    proposals = commendations.propose(ctx, args.year)
    if args.json:
        print_json([{**vars(x), "pairing_id": x.pairing_id} for x in proposals])
        return 0
    if not proposals:
        print(f"{args.year} 年度还没有评为优秀或选为典型的结对，没有可推荐的单位。")
        return 0
    print_table(["社会组织", "统一社会信用代码", "结对协议", "推荐理由", "名单中"],
                [[x.organization, x.credit_code, "、".join(p.agreement_no for p in x.pairings), x.reason,
                  "已列入" if x.listed else ""] for x in proposals])
    waiting = [x for x in proposals if not x.listed]
    print(f"共推荐 {len(proposals)} 个单位，{len(waiting)} 个尚未列入名单（仅为推荐，不会自动添加；"
          f"用 fupin commend add --year {args.year} --pairing 协议编号 加入，理由取推荐理由）。")
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True, permission=commendations.PERMISSION)  # before any folder is made
    folder = output_dir(args.output)
    if args.draft:
        print(f"已写出草稿（未盖章）：{commendations.write_draft(ctx, args.year, folder)}")
        return 0
    printed = commendations.seal_list(ctx, args.year, folder, _passphrase())
    print(f"已盖章：{printed.pdf}")
    err(f"报送包（第 {printed.version} 版" + ("，更正前一版" if printed.version > 1 else "") + f"）：{printed.package}")
    return 0


def cmd_rating_bonus(args: argparse.Namespace) -> int:
    if not args.output.lower().endswith(".xlsx"):
        raise KnownError(f"输出文件「{args.output}」应以 .xlsx 结尾（Excel 工作簿）。")
    ctx = context(args, signed_in=True, permission=commendations.PERMISSION)  # before any folder is made
    target = output_file(args.output)
    rows = commendations.rating_bonus(ctx, args.year)
    path = commendations.export_rating_bonus(ctx, args.year, target)
    print(path)
    err(f"{args.year} 年度推荐等级评估加分：{len({r.organization_id for r in rows})} 个社会组织、{len(rows)} 对结对。")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    cm = sub.add_parser("commend", help="表彰名单（先进单位和先进个人、典型案例）与等级评估加分名单").add_subparsers(
        dest="action", required=True, metavar="操作")
    p = cm.add_parser("add", parents=[common], help="添加先进单位（--unit）或先进个人（--person）（审核人）",
                      description="先进单位：名册里的社会组织（名称或统一社会信用代码）或任意单位名称；"
                                  "只写 --pairing 时取该结对的社会组织和年终评估的推荐理由。")
    p.add_argument("--year", required=True, type=int, metavar="年份")
    p.add_argument("--unit", metavar="单位", help="先进单位：名称或统一社会信用代码")
    p.add_argument("--pairing", metavar="协议编号", help="先进单位因之受表彰的结对")
    p.add_argument("--person", metavar="姓名", help="先进个人的姓名")
    p.add_argument("--work-unit", metavar="工作单位", help="先进个人的工作单位")
    p.add_argument("--reason", metavar="理由", help="表彰理由（主要事迹）")
    p.set_defaults(func=cmd_add)
    p = cm.add_parser("list", parents=[common], help="列出某年度的表彰名单")
    p.add_argument("--year", required=True, type=int, metavar="年份")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = cm.add_parser("remove", parents=[common], help="从表彰名单删除一条（编号见 list）（审核人）")
    p.add_argument("id", type=int, metavar="编号")
    p.add_argument("--year", required=True, type=int, metavar="年份")
    p.set_defaults(func=cmd_remove)
    p = cm.add_parser("propose", parents=[common], help="按年终评估推荐先进单位（评为优秀或选为典型的结对；不自动添加）")
    p.add_argument("--year", required=True, type=int, metavar="年份")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_propose)
    p = cm.add_parser("print", parents=[common], help="盖章生成表彰名单公文 PDF 和报送包（审核人；--draft 只出未盖章草稿）",
                      description="印章口令取自环境变量 FUPIN_SEAL_PASSPHRASE 或提示输入。同一年度再次盖章即为更正（下一版）。")
    p.add_argument("--year", required=True, type=int, metavar="年份")
    p.add_argument("-o", "--output", required=True, metavar="文件夹", help="写到哪个文件夹")
    p.add_argument("--draft", action="store_true", help="只写未盖章的草稿 PDF")
    p.set_defaults(func=cmd_print)
    p = cm.add_parser("rating-bonus", parents=[common], help="导出等级评估加分推荐名单 Excel（评为优秀或选为典型的结对）")
    p.add_argument("--year", required=True, type=int, metavar="年份")
    p.add_argument("-o", "--out", "--output", dest="output", required=True, metavar="文件.xlsx")
    p.set_defaults(func=cmd_rating_bonus)
