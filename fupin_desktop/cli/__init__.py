"""``fupin``: the command line. Alone it opens the window; every use case has a command too.

Exit codes (every message is Chinese, on stderr; never a traceback on the console):

- 0   done
- 1   refused: wrong input, a missing, unreadable or wrong kind of file or folder, a full
      disk, no login or no permission, a wrong password or passphrase, a busy, damaged or
      missing database. One line (an import's problems: a summary and one line each).
- 2   wrong usage: unknown command or option, a missing or malformed argument. The usage
      and one line ``fupin …：参数有误：…``.
- 3   internal error (a bug): one line ``程序内部错误，详细信息已写入日志：<file>``; the
      traceback is only in that file.
- 130 cancelled with Ctrl+C (``已取消。``).

The log file is ``<data folder>/logs/fupin-cli.log`` (the temp folder when the data folder
cannot take it). Libraries' log records and Python warnings (pyHanko's certificate-path
warnings, alembic's INFO lines) go there only, never to the console.
"""

from __future__ import annotations

import argparse
import ast
import logging
import re
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from fupin_desktop import __version__, logs
from fupin_desktop.errors import BUSY_MESSAGE, KnownError, ValidationFailed, os_error_message

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_BUG, EXIT_CANCELLED = 0, 1, 2, 3, 130

log = logging.getLogger("fupin_desktop.cli")


# -- argparse in Chinese ------------------------------------------------------------------

_HEADINGS = {"positional arguments": "参数", "options": "选项", "optional arguments": "选项"}


class _ChineseFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(_HEADINGS.get(heading or "", heading))


def _value(text: str) -> str:
    """argparse shows values with ``repr``: 'abc' → abc."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, str) else text


def _choices(text: str) -> str:
    return "、".join(_value(c.strip()) for c in re.split(r",\s*(?=['\"])", text))


_TYPE_NAMES = {"int": "整数", "float": "数字"}

# (pattern of argparse's English message, its Chinese); argparse 3.10–3.13 wording.
_MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"argument (?P<arg>.+?): (?P<rest>.*)", re.S), lambda m: f"{m['arg']}：{_translate(m['rest'])}"),
    (re.compile(r"invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)", re.S),
     lambda m: f"没有“{_value(m['value'])}”这一项，可选：{_choices(m['choices'])}"),
    (re.compile(r"invalid (?P<type>\w+) value: (?P<value>.*)", re.S),
     lambda m: f"应为{_TYPE_NAMES.get(m['type'], '有效的值')}，而不是“{_value(m['value'])}”"),
    (re.compile(r"the following arguments are required: (?P<names>.*)", re.S),
     lambda m: "缺少必填的参数：" + "、".join(n.strip() for n in m["names"].split(","))),
    (re.compile(r"unrecognized arguments: (?P<args>.*)", re.S), lambda m: f"不认识的参数：{m['args']}"),
    (re.compile(r"expected one argument"), lambda m: "后面要写一个值"),
    (re.compile(r"expected at least one argument"), lambda m: "后面至少要写一个值"),
    (re.compile(r"expected at most one argument"), lambda m: "后面最多写一个值"),
    (re.compile(r"expected (?P<n>\d+) arguments?"), lambda m: f"后面要写 {m['n']} 个值"),
    (re.compile(r"ambiguous option: (?P<opt>\S+) could match (?P<matches>.*)", re.S),
     lambda m: f"选项 {m['opt']} 有多种可能：{'、'.join(x.strip() for x in m['matches'].split(','))}，请写全"),
    (re.compile(r"not allowed with argument (?P<other>.*)"), lambda m: f"不能与 {m['other']} 同时使用"),
    (re.compile(r"ignored explicit argument (?P<value>.*)"), lambda m: f"不接受值“{_value(m['value'])}”"),
    (re.compile(r"one of the arguments (?P<names>.*) is required"), lambda m: f"须写 {m['names']} 之一"),
]


def _translate(message: str) -> str:
    for pattern, chinese in _MESSAGES:
        found = pattern.fullmatch(message.strip())
        if found:
            return chinese(found)
    return message


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with Chinese usage, headings and error lines (sub-commands inherit the class)."""

    def __init__(self, *args: Any, formatter_class: type[argparse.HelpFormatter] = argparse.HelpFormatter,
                 add_help: bool = True, **kwargs: Any) -> None:
        if not issubclass(formatter_class, _ChineseFormatter):
            formatter_class = type(f"Chinese{formatter_class.__name__}", (_ChineseFormatter, formatter_class), {})
        super().__init__(*args, formatter_class=formatter_class, add_help=False, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示这段说明")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}：参数有误：{_translate(message)}\n（{self.prog} -h 显示说明）\n")


def _common_options(default: object) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=default, metavar="文件夹",
                        help="数据文件夹（默认：本用户的数据目录；也可用环境变量 FUPIN_DATA_DIR）")
    common.add_argument("--user", default=default, metavar="用户名", help="用户名（密码取自环境变量 FUPIN_PASSWORD 或提示输入）")
    return common


def _top_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog="fupin", parents=[_common_options(None)],
        description="县级民政局社会组织参与脱贫攻坚工作管理。不带命令时打开程序窗口。",
    )
    parser.add_argument("--version", action="version", version=f"fupin-desktop {__version__}", help="显示版本号")
    parser.add_argument("--demo", action="store_true", help="打开演示县（首次使用时自动生成）")
    return parser


def _window_args(argv: list[str]) -> argparse.Namespace | None:
    """The options of ``fupin`` with no command (the window), read without loading the commands:
    their modules import most of the program, a second and a half before the window could start."""
    if "-h" in argv or "--help" in argv:
        return None
    args, rest = _top_parser().parse_known_args(argv)
    if rest:
        return None
    args.command = None
    return args


def build_parser() -> argparse.ArgumentParser:
    from fupin_desktop.cli import (
        admin,
        campaigns,
        commendations,
        enforcement,
        inspections,
        monthly,
        receiving_status,
        register,
        sealed,
        spotcheck,
        supply,
        visits,
        year,
    )

    # Accepted before or after the command; SUPPRESS keeps a sub-command from resetting them.
    common = _common_options(argparse.SUPPRESS)
    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="命令")
    audit_sub = admin.register(sub, common)
    register.register(sub, common)
    campaigns.register(sub, common)
    monthly.register(sub, common)
    inspections.register(sub, common)
    sealed.register(sub, common, audit_sub)
    year.register(sub, common)
    spotcheck.register(sub, common)
    enforcement.register(sub, common)
    visits.register(sub, common)
    commendations.register(sub, common)
    supply.register(sub, common)
    receiving_status.register(sub, common)
    return parser


def _open_gui(args: argparse.Namespace) -> int:
    import os

    from fupin_desktop.paths import data_dir, demo_data_dir

    if args.demo:
        target = data_dir(args.data_dir) if args.data_dir else demo_data_dir()
        _ensure_demo(target)
    else:
        target = data_dir(args.data_dir)
    from fupin_desktop.ui.app import run_gui

    password = os.environ.get("FUPIN_PASSWORD") if args.user else None
    return run_gui(target, username=args.user, password=password)


# -- errors -------------------------------------------------------------------------------

def _ensure_demo(target: Path) -> None:
    from fupin_desktop.store.folder import DB_FILE

    if not (target / DB_FILE).exists():
        from fupin_desktop.services.demo import make_demo_folder

        print(f"正在生成演示县到 {target} …", file=sys.stderr)
        make_demo_folder(target)


def _data_folder(args: argparse.Namespace) -> Path:
    from fupin_desktop.paths import data_dir

    return data_dir(getattr(args, "data_dir", None))


def _database_message(exc: BaseException, folder: Path, log_path: Path) -> str | None:
    """A Chinese line for a database failure (never SQL, parameters or a URL); None if it is none."""
    from sqlalchemy.exc import DBAPIError, IntegrityError

    if isinstance(exc, DBAPIError):
        text = str(exc.orig)
    elif isinstance(exc, sqlite3.Error):
        text = str(exc)
    else:
        return None
    low = text.lower()
    if "locked" in low or "busy" in low:
        return BUSY_MESSAGE
    if "not a database" in low or "malformed" in low or "file is encrypted" in low:
        from fupin_desktop.store.folder import DB_FILE

        return (f"数据文件夹「{folder}」里的数据库「{DB_FILE}」已损坏，或不是本程序的数据库，无法打开。"
                "请从备份恢复（原文件未改动）。")
    if "full" in low:
        return f"磁盘已满，数据库（数据文件夹「{folder}」）无法写入，操作未完成。请腾出空间后重试。"
    if "readonly" in low or "read-only" in low:
        return f"数据文件夹「{folder}」里的数据库是只读的，无法写入（请检查文件夹权限）。"
    if "unable to open" in low:
        return f"无法打开数据文件夹「{folder}」里的数据库（文件夹是否还在、是否有读写权限？）。"
    if "disk i/o" in low:
        return f"读写数据库时磁盘出错（数据文件夹「{folder}」），操作未完成。详细信息已写入日志：{log_path}"
    if isinstance(exc, IntegrityError):
        return f"要保存的内容与已有记录冲突（可能有人同时在修改），未保存。请重试。详细信息已写入日志：{log_path}"
    return f"数据库出错，操作未完成（数据文件夹「{folder}」）。详细信息已写入日志：{log_path}"


def _handle(exc: BaseException, args: argparse.Namespace, handler: logs.LogFileHandler) -> int:
    """Turn what escaped a command into a Chinese line and an exit code; the details go to the log."""
    if isinstance(exc, ValidationFailed):  # expected refusals are not logged: a mistyped
        print(exc.summary, file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_REFUSED
    if isinstance(exc, KnownError):  # --data-dir then leaves no logs folder behind
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    if isinstance(exc, KeyboardInterrupt):
        print("已取消。", file=sys.stderr)
        return EXIT_CANCELLED
    if isinstance(exc, EOFError):  # a prompt whose input ended (Ctrl+D, a closed pipe)
        print("没有读到输入，已取消。", file=sys.stderr)
        return EXIT_REFUSED
    if isinstance(exc, OSError):
        log.warning("文件操作失败", exc_info=exc)
        print(os_error_message(exc), file=sys.stderr)
        return EXIT_REFUSED
    if isinstance(exc, Exception):
        message = _database_message(exc, _data_folder(args), handler.path)
        if message is not None:
            log.warning("数据库操作失败", exc_info=exc)
            print(message, file=sys.stderr)
            return EXIT_REFUSED
    log.error("程序内部错误，参数 %s", sys.argv[1:], exc_info=exc)
    print(f"程序内部错误，详细信息已写入日志：{handler.path}", file=sys.stderr)
    return EXIT_BUG


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _window_args(argv) or build_parser().parse_args(argv)
    # The window logs to its own file; a command logs to the CLI's from the start (library
    # warnings while it runs), the window's start-up only if something escapes it.
    handler: logs.LogFileHandler | None = None
    if args.command is not None and args.demo and not args.data_dir:
        from fupin_desktop.paths import demo_data_dir

        args.data_dir = str(demo_data_dir())  # --demo with a command: that command on the demo county
    if args.command is not None:
        handler = logs.setup_logging(_data_folder(args), logs.CLI_LOG)
    try:
        if args.command is None:
            return _open_gui(args)
        if args.demo and args.command != "demo":
            _ensure_demo(Path(args.data_dir))
        return int(args.func(args))
    except BrokenPipeError:  # output piped into head/more that stopped reading
        sys.stderr.close()
        return EXIT_OK
    except BaseException as exc:
        if isinstance(exc, SystemExit | GeneratorExit):
            raise
        if handler is None:
            handler = logs.setup_logging(_data_folder(args), logs.CLI_LOG)
        return _handle(exc, args, handler)
    finally:
        if handler is not None:
            logs.stop_logging(handler)
