"""``fupin campaign …`` (专项行动: targets, phases, progress, closing), ``fupin institution …`` and
``fupin staff-link …`` (干部职工挂钩帮扶民政服务机构) from the command line."""

from __future__ import annotations

import argparse
from decimal import Decimal

from fupin_desktop.cli.common import context, date_option, print_json, print_table
from fupin_desktop.cli.register import _add_form_options, _form_values, _report_saved, _rows
from fupin_desktop.domain.formspec import load_forms
from fupin_desktop.errors import KnownError
from fupin_desktop.paths import forms_dir
from fupin_desktop.services import campaigns, places, staff_links
from fupin_desktop.services.records import RecordView


def cmd_campaign_add(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    return _report_saved(campaigns.save_campaign(ctx, _form_values(args, ctx.forms["campaign"])), "专项行动")


def cmd_campaign_edit(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    given = _form_values(args, ctx.forms["campaign"])
    if not given:
        raise KnownError("没有要修改的内容：请用选项给出新的值，如 --target-villages 120（fupin campaign edit -h 列出全部选项）。")
    found = campaigns.find_campaign(ctx, args.campaign)
    return _report_saved(campaigns.save_campaign(ctx, {**found.values, **given}, found.id), "专项行动")


def _wan(fen: int) -> str:
    return f"{Decimal(fen) / 1_000_000:.2f}"


def _against(done: int, target: int | None, money: bool = False) -> str:
    shown = _wan(done) if money else str(done)
    if not target:
        return f"{shown}/-"
    return f"{shown}/{_wan(target) if money else target}（{done * 100 // target}%）"


def progress_rows(views: list[RecordView]) -> tuple[list[str], list[list[str]]]:
    headers = ["行动名称", "起止", "状态", "社会组织", "村（社区）", "帮扶户", "项目", "已报投入（万元）",
               "对口支援", "挂钩帮扶", "结对数"]
    rows = []
    for v in views:
        x, t = v.extra, v.values
        span = f"{t.get('starts_on') or t['year']}—{t.get('ends_on') or ''}"
        rows.append([t["name"], span, "已结束" if x["status"] == "closed" else "进行中",
                     _against(x["organizations"], t.get("target_organizations")),
                     _against(x["villages"], t.get("target_villages")),
                     _against(x["households"], t.get("target_households")),
                     _against(x["projects"], t.get("target_projects")),
                     _against(x["funds_fen"], t.get("target_funds_fen"), money=True),
                     str(x["remote"]), str(x["staff_links"]), str(x["pairings"])])
    return headers, rows


def cmd_campaign_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # campaigns and their counts
    views = campaigns.list_campaigns(ctx)
    if args.json:
        print_json([{"id": v.id, **v.values, **v.extra} for v in views])
        return 0
    print_table(*progress_rows(views))
    return 0


def cmd_campaign_close(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    found = campaigns.find_campaign(ctx, args.campaign)
    on = date_option(args.on, "--on") if args.on else None
    campaigns.close_campaign(ctx, found.id, on, reopen=args.reopen)
    print(f"专项行动“{found.values['name']}”已{'重新开启' if args.reopen else '结束'}")
    return 0


def _phase(text: str) -> dict[str, object]:
    """``准备阶段|2020-04-28|2020-04-30|说明`` or ``双向选择||2020-05-15``."""
    parts = [p.strip() for p in text.split("|")] + ["", "", ""]
    if len(parts) < 3 or not parts[0]:
        raise KnownError(f"--phase “{text}”：应写成 名称|开始日期|截止日期|说明，如 准备阶段|2020-04-28|2020-04-30")
    return {"name": parts[0], "starts_on": date_option(parts[1], "--phase 开始日期") if parts[1] else None,
            "due_on": date_option(parts[2], "--phase 截止日期") if parts[2] else None, "note": parts[3]}


def cmd_campaign_phases(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=bool(args.phase))
    found = campaigns.find_campaign(ctx, args.campaign)
    if args.phase:
        campaigns.save_phases(ctx, found.id, [_phase(t) for t in args.phase])
        found = campaigns.find_campaign(ctx, str(found.id))
        print(f"专项行动“{found.values['name']}”的阶段已保存（{len(found.extra['phases'])} 个）")
    if args.json:
        print_json(found.extra["phases"])
        return 0
    print_table(["序号", "阶段", "开始", "截止", "说明"],
                [[str(p["seq"]), p["name"], str(p["starts_on"] or ""), str(p["due_on"]), p["note"]]
                 for p in found.extra["phases"]])
    return 0


def cmd_institution_add(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    return _report_saved(places.save_institution(ctx, _form_values(args, ctx.forms["institution"])), "福利机构")


def cmd_institution_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)
    views = places.list_institutions(ctx)
    if args.json:
        print_json([{"id": v.id, "version": v.version, **v.values} for v in views])
        return 0
    print_table(*_rows(views, ctx.forms["institution"]))
    return 0


def cmd_link_add(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    return _report_saved(staff_links.save_staff_link(ctx, _form_values(args, ctx.forms["staff_link"])), "挂钩帮扶")


def cmd_link_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)
    views = staff_links.list_staff_links(ctx)
    if args.json:
        print_json([{"id": v.id, "version": v.version, **v.values} for v in views])
        return 0
    print_table(*_rows(views, ctx.forms["staff_link"]))
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    forms = load_forms(forms_dir())
    campaign = sub.add_parser("campaign", help="专项行动").add_subparsers(dest="action", required=True, metavar="操作")
    p = campaign.add_parser("add", parents=[common], help="新建一个专项行动及其目标")
    _add_form_options(p, forms["campaign"])
    p.set_defaults(func=cmd_campaign_add)
    p = campaign.add_parser("edit", parents=[common], help="修改一个专项行动（只改给出的项）")
    p.add_argument("campaign", metavar="编号或名称", help="campaign list --json 中的 id，或行动名称")
    _add_form_options(p, forms["campaign"], editing=True)
    p.set_defaults(func=cmd_campaign_edit)
    p = campaign.add_parser("list", parents=[common], help="专项行动及完成进度（完成数/目标）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_campaign_list)
    p = campaign.add_parser("phases", parents=[common], help="列出或设定专项行动的阶段（截止日期进入工作日历）")
    p.add_argument("campaign", metavar="编号或名称")
    p.add_argument("--phase", action="append", metavar="名称|开始日期|截止日期|说明",
                   help="每个阶段一次，按顺序；给出时替换原有阶段")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_campaign_phases)
    p = campaign.add_parser("close", parents=[common], help="结束一个专项行动（--reopen 重新开启）")
    p.add_argument("campaign", metavar="编号或名称")
    p.add_argument("--on", metavar="日期", help="结束日期（默认今天）")
    p.add_argument("--reopen", action="store_true")
    p.set_defaults(func=cmd_campaign_close)

    institution = sub.add_parser("institution", help="福利机构（民政服务机构）").add_subparsers(
        dest="action", required=True, metavar="操作")
    p = institution.add_parser("add", parents=[common], help="登记一个福利机构")
    _add_form_options(p, forms["institution"])
    p.set_defaults(func=cmd_institution_add)
    p = institution.add_parser("list", parents=[common], help="列出福利机构")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_institution_list)

    link = sub.add_parser("staff-link", help="民政系统干部职工挂钩帮扶民政服务机构").add_subparsers(
        dest="action", required=True, metavar="操作")
    p = link.add_parser("add", parents=[common], help="登记一名干部职工挂钩帮扶一个福利机构")
    _add_form_options(p, forms["staff_link"])
    p.set_defaults(func=cmd_link_add)
    p = link.add_parser("list", parents=[common], help="列出挂钩帮扶")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_link_list)
