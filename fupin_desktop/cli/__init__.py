"""``fupin``: the command line. Alone it opens the window; every use case has a command too.

Exit codes: 0 done, 1 input refused (message on stderr), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys

from fupin_desktop import __version__
from fupin_desktop.errors import KnownError, ValidationFailed

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    from fupin_desktop.cli import admin, inspections, monthly, register, sealed, year

    def common_options(default: object) -> argparse.ArgumentParser:
        common = argparse.ArgumentParser(add_help=False)
        common.add_argument("--data-dir", default=default,
                            help="数据文件夹（默认：本用户的数据目录；也可用环境变量 FUPIN_DATA_DIR）")
        common.add_argument("--user", default=default, help="用户名（密码取自环境变量 FUPIN_PASSWORD 或提示输入）")
        return common

    # Accepted before or after the command; SUPPRESS keeps a sub-command from resetting them.
    common = common_options(argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="fupin", parents=[common_options(None)],
        description="县级民政局社会组织参与脱贫攻坚工作管理。不带命令时打开程序窗口。",
    )
    parser.add_argument("--version", action="version", version=f"fupin-desktop {__version__}")
    parser.add_argument("--demo", action="store_true", help="打开演示县（首次使用时自动生成）")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    audit_sub = admin.register(sub, common)
    register.register(sub, common)
    monthly.register(sub, common)
    inspections.register(sub, common)
    sealed.register(sub, common, audit_sub)
    year.register(sub, common)
    return parser


def _open_gui(args: argparse.Namespace) -> int:
    import os

    from fupin_desktop.cli.admin import build_demo_folder
    from fupin_desktop.paths import data_dir, demo_data_dir
    from fupin_desktop.store.db import DB_FILE

    if args.demo:
        target = data_dir(args.data_dir) if args.data_dir else demo_data_dir()
        if not (target / DB_FILE).exists():
            print(f"正在生成演示县到 {target} …", file=sys.stderr)
            build_demo_folder(target)
    else:
        target = data_dir(args.data_dir)
    from fupin_desktop.ui.app import run_gui

    password = os.environ.get("FUPIN_PASSWORD") if args.user else None
    return run_gui(target, username=args.user, password=password)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _open_gui(args)
        return int(args.func(args))
    except ValidationFailed as exc:
        print(exc.summary, file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_REFUSED
    except KnownError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into head/more that stopped reading
        sys.stderr.close()
        return EXIT_OK
