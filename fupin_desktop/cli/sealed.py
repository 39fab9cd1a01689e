"""``fupin seal|submit|submissions|trust|verify|receive|aggregate`` and the audit-log proof."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date

import fupin_desktop.services.year_reports  # noqa: F401  (registers the year's report kinds)
from fupin_desktop.cli.common import (
    context,
    err,
    input_file,
    output_dir,
    output_file,
    print_json,
    print_table,
)
from fupin_desktop.domain.periods import Period, parse_loose_date
from fupin_desktop.errors import KnownError
from fupin_desktop.services import cover_letter, pending_packages, receiving, seal, submissions, trust_import
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.report_kinds import REPORT_KINDS
from fupin_desktop.services.settings import bureau
from fupin_desktop.store import audit

PASSPHRASE_ENV = "FUPIN_SEAL_PASSPHRASE"


def _passphrase(prompt: str = "印章口令：") -> str:
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise KnownError(f"请用环境变量 {PASSPHRASE_ENV} 提供印章口令（没有可交互的终端）。")
    import getpass

    return getpass.getpass(prompt)


def cmd_seal_init(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    info = seal.init_seal(ctx, _passphrase("为新印章设置口令："))
    print(f"已生成电子印章：持有人 {info.holder}，证书指纹 {info.fingerprint}\n密钥（已用口令加密）：{info.where}")
    return 0


def cmd_seal_export(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    pem, sheet, fingerprint = seal.export_certificate(ctx, output_file(args.output))
    print(f"证书：{pem}\n指纹登记单（打印后交上级存档）：{sheet}\nSHA-256 指纹：{fingerprint}")
    return 0


def cmd_seal_image(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    note = seal.set_seal_image(ctx, input_file(args.file))
    print("已载入本单位印章图样。" + (f"（{note}）" if note else ""))
    return 0


def cmd_submit(args: argparse.Namespace) -> int:
    kind = REPORT_KINDS[args.report]
    period = Period.parse(args.period)
    ctx = context(args, signed_in=True)
    letter = None
    if args.recipient is not None or args.body_file or args.attachment is not None:
        letter = cover_letter.draft_letter(ctx, kind.name, period)
        letter.recipient = letter.recipient if args.recipient is None else args.recipient
        if args.body_file:
            letter.body = input_file(args.body_file).read_text(encoding="utf-8-sig")
        if args.attachment is not None:
            letter.attachments = "\n".join(args.attachment)
    view, path = submissions.submit(ctx, kind.name, period, output_dir(args.output), _passphrase(),
                                    allow_incomplete=args.allow_incomplete, letter=letter)
    print(f"已盖章报送：{path}（第 {view.version} 版" + ("，更正前一版" if view.corrects else "") + "）")
    if view.incomplete:
        units, what = submissions.incomplete_wording(view.report)
        err(f"注意：以下{units}{what}，已在报表中列明：" +
            "、".join(f"{i['township']}（{i['month']}）" for i in view.incomplete))
    return 0


def cmd_letter_draft(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    letter = cover_letter.draft_letter(ctx, REPORT_KINDS[args.report].name, Period.parse(args.period))
    print(f"主送机关：{letter.recipient}\n\n{letter.body}\n\n附件：" + ("；".join(letter.attachments.splitlines()) or "无"))
    return 0


def cmd_submissions(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)  # who sealed what and when: like the audit list
    rows = [[str(v.id), REPORT_KINDS[v.report].label if v.report in REPORT_KINDS else v.report, v.period, str(v.version),
             v.created_at.strftime("%Y-%m-%d %H:%M"), v.created_by, v.file_name] for v in submissions.list_submissions(ctx)]
    print_table(["编号", "报表", "期间", "版本", "时间", "报送人", "文件"], rows)
    return 0


def cmd_resend(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    print(f"已重新写出：{submissions.resend(ctx, args.id, output_dir(args.output))}")
    return 0


def cmd_trust_add(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    cert = input_file(args.cert)
    fingerprint, name, division = receiving.certificate_fingerprint(cert)
    confirmed = args.fingerprint
    if not confirmed:
        print(f"证书单位：{name}（{division or '未写明区划'}）\nSHA-256 指纹：{fingerprint}")
        if not sys.stdin.isatty():
            raise KnownError("请对照纸质登记单核对指纹后，用 --fingerprint 指纹 再运行一次。")
        answer = input("与纸质登记单上的指纹完全一致吗？输入 yes 确认：")
        if answer.strip().lower() != "yes":
            raise KnownError("未确认，未登记。")
        confirmed = fingerprint
    retire = None
    if args.retire_old_from:
        retire = parse_loose_date(args.retire_old_from)
        if not isinstance(retire, date):
            raise KnownError("--retire-old-from 应写到日，如 2026-12-01")
    before = {t.fingerprint for t in receiving.trust_list(ctx) if t.division == args.division and t.retired_from is None}
    entry = receiving.trust_add(ctx, cert, args.division, confirmed_fingerprint=confirmed, note=args.note or "",
                                retire_previous_from=retire)
    print(f"已登记 {entry.bureau}（{entry.division}）的印章证书：{entry.fingerprint}")
    for old in receiving.trust_list(ctx):
        if old.fingerprint in before:
            print(f"同一区划只有一张有效证书：原证书 {old.fingerprint} 自 {old.retired_from} 起停用。")
    _print_recheck(entry.rechecked)
    return 0


def _print_recheck(rechecked: pending_packages.Recheck | None) -> None:
    if rechecked is not None and (rechecked.checked or rechecked.messages):
        print(rechecked.summary())
        for line in rechecked.messages:
            print(f"  · {line}")


def cmd_trust_template(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    path = trust_import.template(ctx, output_file(args.output))
    print(f"证书登记表：{path}\n按纸质登记单填好证书指纹后，用 fupin trust import 表格 --certs 证书文件夹 登记。")
    return 0


def cmd_trust_import(args: argparse.Namespace) -> int:
    sheet = input_file(args.sheet)
    ctx = context(args, signed_in=True, permission=Permission.MANAGE_TRUST)
    result = trust_import.import_sheet(ctx, sheet, args.certs)
    for view in result.registered:
        print(f"已登记 {view.bureau}（{view.division}）的印章证书：{view.fingerprint}")
    print(f"共登记 {len(result.registered)} 张证书。")
    if result.already:
        print(f"以下 {len(result.already)} 行的证书早已登记，未重复登记：" + "、".join(result.already))
    if result.unused_files:
        print("文件夹里这些证书没有出现在登记表中，未登记：" + "、".join(result.unused_files))
    if result.not_certificates:
        err("文件夹里这些文件不是有效的证书，已略过：" + "、".join(result.not_certificates))
    _print_recheck(result.rechecked)
    return 0


def cmd_trust_pending(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True, permission=Permission.RECEIVE)
    if args.recheck:
        rechecked = pending_packages.recheck(ctx)
        print(rechecked.summary())
        for line in rechecked.messages:
            print(f"  · {line}")
    waiting = pending_packages.list_pending(ctx)
    if args.json:
        print_json(waiting)
        return 0
    if not waiting:
        print("没有暂存的报送包。")
        return 0
    print_table(["区划代码", "单位（包内自称）", "报表", "期间", "版本", "到达时间", "签章证书指纹", "原因", "文件", "哈希"],
                [[p.division, p.bureau, p.report_label, p.period, str(p.version), f"{p.arrived_at:%Y-%m-%d %H:%M}",
                  p.signer_fingerprint, p.reason, p.file_name, p.sha256[:12]] for p in waiting])
    return 0


def cmd_trust_discard(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True, permission=Permission.MANAGE_TRUST)
    what = pending_packages.discard(ctx, pending_packages.find(ctx, args.package).id, args.reason)
    print(f"已删除暂存的报送包 {what}（操作日志留有其哈希、签章证书指纹和原因）。")
    return 0


def cmd_trust_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # lower bureaus' certificates: public
    print_table(["区划代码", "单位", "指纹", "登记时间", "停用自"],
                [[t.division, t.bureau, t.fingerprint, t.added_at.strftime("%Y-%m-%d"), str(t.retired_from or "")]
                 for t in receiving.trust_list(ctx)])
    return 0


def cmd_trust_retire(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    when = parse_loose_date(args.from_date)
    if not isinstance(when, date):
        raise KnownError("--from 应写到日，如 2026-12-01")
    t = receiving.trust_retire(ctx, args.fingerprint, when)
    print(f"{t.bureau} 的证书自 {t.retired_from} 起停用。")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    package = input_file(args.package)
    ctx = context(args, signed_in=False)  # verifying reveals nothing the package does not hold
    v = receiving.verify(ctx, package)
    if args.json:
        print_json(v.as_json())
    else:
        print(f"{v.file}：{'验证通过' if v.ok else '验证未通过'}")
        if v.bureau:
            label = REPORT_KINDS[v.report].label if v.report in REPORT_KINDS else v.report
            print(f"  报送单位 {v.bureau}（{v.division}），{label} {v.period} 第 {v.version} 版")
        for problem in v.problems:
            print(f"  · {problem}")
    return 0 if v.ok else 1


def cmd_receive(args: argparse.Namespace) -> int:
    packages = [input_file(p) for p in args.packages]
    ctx = context(args, signed_in=True)
    results = receiving.receive(ctx, packages)
    for r in results:
        print(f"{r.file}：{r.message}")
    return 0 if all(r.accepted for r in results) else 1


def cmd_aggregate(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    result = receiving.aggregate(ctx, args.report, Period.parse(args.period), output_dir(args.output))
    print(f"汇总：{len(result.counties)} 个下级单位\n{result.pdf}\n{result.xlsx}")
    if result.missing:
        print("未报送：" + "、".join(f"{b}（{d}）" for d, b in result.missing))
    return 0


def cmd_audit_export(args: argparse.Namespace) -> int:
    # Every change ever made, households' before/after values included: the audit roles, signed in.
    ctx = context(args, signed_in=True, permission=Permission.VIEW_AUDIT)
    target = output_file(args.output)
    b = bureau(ctx.db)
    with ctx.db.reading() as s:
        records = audit.export_records(s)
    try:
        target.write_text(json.dumps({"format": "fupin-audit/1", "division": b.division_code, "bureau": b.name,
                                      "records": records}, ensure_ascii=False, default=str), encoding="utf-8")
    except OSError as exc:  # a full disk fails at close, where Python does not name the file
        exc.filename = exc.filename or str(target)
        raise
    print(f"已导出 {len(records)} 条操作日志到 {args.output}")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser, audit_sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("seal", help="电子印章（审核人持有）").add_subparsers(dest="action", required=True, metavar="操作")
    p = s.add_parser("init", parents=[common], help=f"生成电子印章密钥（口令取自 {PASSPHRASE_ENV} 或提示输入）")
    p.set_defaults(func=cmd_seal_init)
    p = s.add_parser("export-cert", parents=[common], help="导出证书，并生成打印用的指纹登记单 PDF")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_seal_export)
    p = s.add_parser("set-image", parents=[common], help="载入本单位扫描的印章图样（PNG，管理员）")
    p.add_argument("file")
    p.set_defaults(func=cmd_seal_image)

    kinds = list(REPORT_KINDS)
    p = sub.add_parser("submit", parents=[common], help="盖章报送：生成签章的 PDF、Excel 和报送包（审核人）")
    p.add_argument("report", choices=kinds, metavar="报表", help=" | ".join(kinds))
    p.add_argument("--period", required=True)
    p.add_argument("-o", "--output", required=True, help="输出文件夹（如 U 盘）")
    p.add_argument("--allow-incomplete", action="store_true", help="有镇（街道）未报或未审核时仍然报送")
    p.add_argument("--recipient", help="主送机关（默认取公文设置）")
    p.add_argument("--body-file", help="公文正文（UTF-8 文本，一段一行），代替按数字生成的正文；先用 letter-draft 取得草稿")
    p.add_argument("--attachment", action="append", help="附件名称（可写多次；写一次空字符串表示无附件）")
    p.set_defaults(func=cmd_submit)
    p = sub.add_parser("letter-draft", parents=[common], help="按数字生成的公文草稿（主送机关、正文、附件），供修改后盖章")
    p.add_argument("report", choices=kinds, metavar="报表", help=" | ".join(kinds))
    p.add_argument("--period", required=True)
    p.set_defaults(func=cmd_letter_draft)
    p = sub.add_parser("submissions", parents=[common], help="已报送的记录")
    p.set_defaults(func=cmd_submissions)
    p = sub.add_parser("resend", parents=[common], help="把已报送的包原样再写出一次")
    p.add_argument("id", type=int)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_resend)

    t = sub.add_parser("trust", help="下级单位的印章证书（接收方）").add_subparsers(dest="action", required=True, metavar="操作")
    p = t.add_parser("add", parents=[common], help="登记下级单位的证书（管理员，须核对纸质登记单上的指纹）")
    p.add_argument("cert")
    p.add_argument("--division", required=True)
    p.add_argument("--fingerprint", help="纸质登记单上的指纹（不写则显示后询问）")
    p.add_argument("--note")
    p.add_argument("--retire-old-from", help="同一区划原有的证书自哪天起停用（默认明天：今天以前收到的仍有效）")
    p.set_defaults(func=cmd_trust_add)
    p = t.add_parser("list", parents=[common], help="已登记的证书")
    p.set_defaults(func=cmd_trust_list)
    p = t.add_parser("retire", parents=[common], help="自某日起停用一张证书")
    p.add_argument("fingerprint", help="指纹（可只写开头几组）")
    p.add_argument("--from", dest="from_date", required=True)
    p.set_defaults(func=cmd_trust_retire)
    p = t.add_parser("template", parents=[common], help="生成批量登记用的证书登记表（已列出尚无证书的下级单位）")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_trust_template)
    p = t.add_parser("import", parents=[common], help="按登记表批量登记证书（管理员；指纹须与纸质登记单一致，有一行不符则全部不登记）")
    p.add_argument("sheet", help="填好的证书登记表（.xlsx）")
    p.add_argument("--certs", required=True, help="各单位证书文件（.pem/.cer/.crt）所在的文件夹")
    p.set_defaults(func=cmd_trust_import)
    p = t.add_parser("pending", parents=[common], help="暂存的报送包：签章证书尚未登记，登记后自动重新验证")
    p.add_argument("--recheck", action="store_true", help="先把暂存的报送包全部重新验证一次")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_trust_pending)
    p = t.add_parser("discard", parents=[common], help="删除一个不会再接收的暂存报送包（管理员；须写明原因）")
    p.add_argument("package", help="暂存报送包的哈希开头（至少 8 位，见 fupin trust pending）或文件名")
    p.add_argument("--reason", required=True, help="删除原因，记入操作日志")
    p.set_defaults(func=cmd_trust_discard)

    p = sub.add_parser("verify", parents=[common], help="验证报送包（离线；只信任本单位登记的证书）")
    p.add_argument("package")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("receive", parents=[common], help="验证并接收报送包")
    p.add_argument("packages", nargs="+")
    p.set_defaults(func=cmd_receive)
    p = sub.add_parser("aggregate", parents=[common], help="按县汇总已接收的报送，并列出未报送的")
    p.add_argument("report", choices=kinds, metavar="报表", help=" | ".join(kinds))
    p.add_argument("--period", required=True)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_aggregate)

    p = audit_sub.add_parser("export", parents=[common], help="导出本单位全部操作日志（上级检查时用）")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_audit_export)
