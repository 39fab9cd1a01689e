"""``fupin inspection …`` and ``fupin attachment check``: 年检年报 from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from fupin_desktop.cli.common import (
    context,
    date_option,
    err,
    input_file,
    output_dir,
    output_file,
    print_json,
    print_table,
)
from fupin_desktop.domain.enums import AttachmentRole
from fupin_desktop.domain.text import clean_text
from fupin_desktop.errors import KnownError
from fupin_desktop.intake.attachment_type import MAX_ATTACHMENT_BYTES, check_file
from fupin_desktop.services import inspections
from fupin_desktop.services.permissions import Permission

# Without ":用途", files take these roles in the order given; the rest are 其他.
DEFAULT_ROLES = (AttachmentRole.WORK_REPORT, AttachmentRole.WORK_PLAN)
_ROLE_HELP = "、".join(f"{r.label}（{r.value}）" for r in AttachmentRole)


def _split_attach(spec: str) -> tuple[Path, AttachmentRole | None]:
    """"FILE:用途" → (FILE, role). A colon that is not followed by a role (C:\\…) is part of the path."""
    cut = max(spec.rfind(":"), spec.rfind("："))
    if cut > 0:
        role = AttachmentRole.from_text(clean_text(spec[cut + 1:]))
        if isinstance(role, AttachmentRole):
            return Path(spec[:cut]), role
    return Path(spec), None


def attachments_with_roles(specs: list[str]) -> list[tuple[Path, AttachmentRole]]:
    out = []
    for n, spec in enumerate(specs):
        path, role = _split_attach(spec)
        out.append((path, role or (DEFAULT_ROLES[n] if n < len(DEFAULT_ROLES) else AttachmentRole.OTHER)))
    return out


def cmd_add(args: argparse.Namespace) -> int:
    files = attachments_with_roles(args.attach or [])
    refused = []
    for path, _ in files:  # every file checked before anything is saved
        try:
            check_file(input_file(path))
        except KnownError as exc:  # AttachmentRefused, or the file is missing, a folder, unreadable
            refused.append(str(exc))
    if refused:
        err(f"有 {len(refused)} 个附件不能接收，未保存任何内容：")
        for message in refused:
            err(f"  {message}")
        return 1
    received = date_option(args.received, "--received") if args.received else None
    ctx = context(args, signed_in=True)
    costs = None if args.activity_cost is None and args.poverty_cost is None else \
        (args.activity_cost or "", args.poverty_cost or "")
    view = inspections.save_inspection(ctx, args.org, args.year, result=args.result, received_on=received,
                                       remarks=args.remarks, costs=costs)
    print(f"已保存 {view.organization} {view.year} 年度年检：{view.result_label}（收到 {view.received_on}）"
          + (f"，业务活动成本用于脱贫攻坚 {view.cost_share}" if view.cost_share else ""))
    for path, role in files:
        a = inspections.add_attachment(ctx, view.id, path, role)
        note = "已附过，未重复添加" if a.already_present else "已附上"
        print(f"  {note}「{a.original_name}」：{a.role_label}，{a.kind}，{a.size} 字节")
    missing = inspections.get_inspection(ctx, view.organization_id, view.year)
    if missing is not None and missing.missing:
        err(f"提醒：还缺 {'、'.join(missing.missing)}（该组织本年度有结对帮扶，这两份为必交材料）")
    return 0


def cmd_cost_share(args: argparse.Namespace) -> int:
    from fupin_desktop.services.cost_shares import cost_share_summary

    summary = cost_share_summary(context(args, signed_in=False), args.year)
    if args.json:
        print_json({"year": summary.year, "share_percent": None if summary.share is None else str(summary.share),
                    "activity_cost_fen": summary.activity_cost_fen,
                    "poverty_cost_fen": summary.poverty_cost_fen, "rows": summary.rows, "not_given": summary.not_given})
        return 0
    print_table(["社会组织", "统一社会信用代码", "业务活动成本（元）", "其中用于脱贫攻坚（元）", "比例"],
                [[r.organization, r.credit_code, format_yuan(r.activity_cost_fen), format_yuan(r.poverty_cost_fen),
                  f"{r.share}%" if r.share is not None else ""] for r in summary.rows])
    total = f"{summary.share}%" if summary.share is not None else "—"
    print(f"{args.year} 年度：{len(summary.rows)} 家填报，合计业务活动成本 {format_yuan(summary.activity_cost_fen)} 元，"
          f"其中用于脱贫攻坚 {format_yuan(summary.poverty_cost_fen)} 元，占 {total}（按金额合计，不是各家比例的平均）")
    if summary.not_given:
        print(f"另有 {len(summary.not_given)} 家年检记录未填这两项：{'、'.join(summary.not_given[:10])}"
              + (" 等" if len(summary.not_given) > 10 else ""))
    return 0


def format_yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def cmd_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # organizations' inspection results: no personal data
    views = inspections.list_inspections(ctx, args.year)
    if args.json:
        print_json(views)
        return 0
    print_table(["社会组织", "统一社会信用代码", "结论", "收到日期", "附件数", "缺少"],
                [[v.organization, v.credit_code, v.result_label, str(v.received_on or ""), str(len(v.attachments)),
                  "、".join(v.missing)] for v in views])
    print(f"{args.year} 年度共 {len(views)} 条年检记录")
    return 0


def cmd_checklist(args: argparse.Namespace) -> int:
    # Contact persons and their telephone numbers, and optionally a file: signed in.
    ctx = context(args, signed_in=True, permission=Permission.EDIT_INSPECTIONS)
    target = output_file(args.output) if args.output else None
    rows = inspections.checklist(ctx, args.year, township=args.township, supervising_unit=args.supervising_unit)
    if target is not None:
        path = inspections.write_checklist_xlsx(ctx, rows, target)
        err(f"已写出：{path}")
    if args.json:
        print_json([{**vars(r), "missing_text": r.missing_text} for r in rows])
        return 0
    print_table(["社会组织", "统一社会信用代码", "联系人", "联系电话", "业务主管单位", "缺少"],
                [[r.organization, r.credit_code, r.contact_person, r.contact_phone, r.supervising_unit, r.missing_text]
                 for r in rows])
    print(f"{args.year} 年度有 {len(rows)} 个参与结对帮扶的社会组织年检年报材料不全")
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True, permission=Permission.EDIT_INSPECTIONS)
    pdf, xlsx = inspections.write_work_report_draft(ctx, args.org, args.year, output_dir(args.output))
    print(pdf)
    print(xlsx)
    return 0


def cmd_attachment_check(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # file integrity only (names and uses of attachments)
    problems = inspections.check_attachments(ctx)
    if args.json:
        print_json(problems)
    elif problems:
        for p in problems:
            print(p.message)
            for use in p.used_by:
                print(f"  用于：{use}")
    else:
        print("所有附件文件完好，与登记时一致。")
    return 1 if problems else 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    ins = sub.add_parser("inspection", help="年检年报（记录、附件、缺漏清单、工作情况草稿）").add_subparsers(
        dest="action", required=True, metavar="操作")
    p = ins.add_parser("add", parents=[common], help="登记（或修改）一个社会组织某年度的年检，并附上材料",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="附件写成 FILE 或 FILE:用途。不写用途时，第一个文件为“上一年度参与脱贫攻坚工作情况”，"
                                   "第二个为“年度工作计划”，其余为“其他”。\n用途可写：" + _ROLE_HELP + "。\n"
                                   f"附件按文件内容识别类型（PDF、Word、Excel、WPS、OFD、JPG、PNG），"
                                   f"不超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB；有一个不合格则全部不保存。")
    p.add_argument("--org", required=True, help="统一社会信用代码（或名册中的全称）")
    p.add_argument("--year", required=True, type=int, help="年检年度，如 2026")
    p.add_argument("--result", required=True, help="年检结论：合格、基本合格 或 不合格")
    p.add_argument("--received", help="收到日期（新记录默认今天）")
    p.add_argument("--remarks", help="备注")
    p.add_argument("--activity-cost", metavar="元", help="年度业务活动成本（元，按年度工作报告；可不填）")
    p.add_argument("--poverty-cost", metavar="元", help="其中用于脱贫攻坚的部分（元）")
    p.add_argument("--attach", action="extend", nargs="+", metavar="FILE[:用途]",
                   help="附件；不写用途时依次为 工作情况、工作计划、其他（见上）")
    p.set_defaults(func=cmd_add)
    p = ins.add_parser("list", parents=[common], help="列出某年度的年检记录")
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = ins.add_parser("cost-share", parents=[common],
                       help="某年度业务活动成本中用于脱贫攻坚的比例（按年检记录，逐家和合计）")
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_cost_share)
    p = ins.add_parser("checklist", parents=[common],
                       help="某年度参与结对帮扶、但没有年检记录或缺少必交附件的社会组织")
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--township", help="只看在这个镇（街道）有结对的组织")
    p.add_argument("--supervising-unit", help="只看这个业务主管单位的组织")
    p.add_argument("--json", action="store_true")
    p.add_argument("-o", "--output", help="同时写出 Excel 清单（.xlsx），供电话催交")
    p.set_defaults(func=cmd_checklist)
    p = ins.add_parser("draft", parents=[common], help="生成预填的“上一年度参与脱贫攻坚工作情况”（PDF 和 Excel）")
    p.add_argument("--org", required=True, help="统一社会信用代码（或名册中的全称）")
    p.add_argument("--year", required=True, type=int, help="所写的工作年度")
    p.add_argument("-o", "--output", required=True, help="输出文件夹")
    p.set_defaults(func=cmd_draft)

    att = sub.add_parser("attachment", help="附件文件").add_subparsers(dest="action", required=True, metavar="操作")
    p = att.add_parser("check", parents=[common], help="重新校验所有附件文件（有改动或缺失时退出码为 1）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_attachment_check)
