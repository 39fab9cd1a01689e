"""What every command shares: opening the data folder, signing in, printing."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import stat
import sys
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.periods import parse_loose_date
from fupin_desktop.errors import AuthError, KnownError, os_error_message
from fupin_desktop.paths import data_dir
from fupin_desktop.services.context import CurrentUser, Forms, ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database

PASSWORD_ENV = "FUPIN_PASSWORD"
# How long a command waits for another writer before saying the database is busy, in
# milliseconds (the engine's own default applies when unset). Tests set it short.
BUSY_TIMEOUT_ENV = "FUPIN_BUSY_TIMEOUT_MS"
# Who a command that needs no login acts as: lists are masked like a clerk's screen. Such
# commands only read non-personal data (see ``context``); nothing is ever written as this user.
ANONYMOUS = CurrentUser(0, "anonymous", "未登录用户", "clerk")


def folder(args: argparse.Namespace) -> Path:
    return data_dir(getattr(args, "data_dir", None))


def open_db(args: argparse.Namespace, *, create: bool = False) -> Database:
    target = folder(args)
    if target.exists() and not target.is_dir():
        raise KnownError(f"数据文件夹「{target}」不是文件夹（是一个文件）。请用 --data-dir 指定数据文件夹。")
    db = Database.open(target, create=create)
    _apply_busy_timeout(db)
    return db


def _apply_busy_timeout(db: Database) -> None:
    """Honour $FUPIN_BUSY_TIMEOUT_MS on every later connection (SQLite only)."""
    text = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not text or db.engine.dialect.name != "sqlite":
        return
    try:
        millis = max(0, int(text))
    except ValueError:
        raise KnownError(f"环境变量 {BUSY_TIMEOUT_ENV} 应为毫秒数（整数），而不是“{text}”。") from None
    from sqlalchemy import event

    def set_timeout(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={millis}")

    event.listen(db.engine, "connect", set_timeout)
    db.engine.dispose()  # connections opened while migrating were made before the listener


def input_file(text: str | os.PathLike[str]) -> Path:
    """A file the user named to be read: there, a regular file, readable; else a Chinese reason.

    Checked before any library opens it: a folder, a pipe or a device would otherwise give an
    English error, or (a FIFO) block for ever.
    """
    path = Path(text)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KnownError(f"找不到文件「{path}」。") from None
    except NotADirectoryError:
        raise KnownError(f"找不到文件「{path}」（路径中有一部分是文件而不是文件夹）。") from None
    except OSError as exc:
        raise KnownError(os_error_message(exc)) from None
    if stat.S_ISDIR(mode):
        raise KnownError(f"「{path}」是文件夹，这里需要一个文件。")
    if not stat.S_ISREG(mode):
        raise KnownError(f"「{path}」不是普通文件（是管道或设备），无法读取。")
    if not os.access(path, os.R_OK):
        raise KnownError(f"没有权限读取「{path}」。")
    return path


def output_dir(text: str | os.PathLike[str]) -> Path:
    """A folder the user named for output: created if missing; a file there is refused."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise KnownError(f"「{path}」不是文件夹（是一个文件），这里需要一个输出文件夹。")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise KnownError(f"「{path}」不是文件夹，这里需要一个输出文件夹。") from None
    except NotADirectoryError:
        raise KnownError(f"无法建立文件夹「{path}」：路径中有一部分是文件而不是文件夹。") from None
    except OSError as exc:
        raise KnownError(os_error_message(exc)) from None
    if not os.access(path, os.W_OK):
        raise KnownError(f"没有权限在「{path}」里写入文件。")
    return path


def output_file(text: str | os.PathLike[str]) -> Path:
    """A file the user named for output: not a folder; its folder is created if missing."""
    path = Path(text)
    if path.is_dir():
        raise KnownError(f"「{path}」是文件夹，这里需要一个文件名（如「{path / '清单.xlsx'}」）。")
    output_dir(path.parent if str(path.parent) else ".")
    return path


def password_from_env_or_prompt(prompt: str = "密码：") -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise AuthError(f"请用环境变量 {PASSWORD_ENV} 提供密码（没有可交互的终端）。")
    return getpass.getpass(prompt)


def context(args: argparse.Namespace, *, signed_in: bool, permission: Permission | None = None) -> ServiceContext:
    """A service context for one command.

    ``signed_in``: the command shows personal data, writes a file or changes data, so it needs
    ``--user`` and the password (from $FUPIN_PASSWORD or a prompt); ``permission``: what that
    user's role must allow (the services check their own too). Without ``signed_in`` the
    command acts as ``ANONYMOUS`` and must only read non-personal data.
    """
    if signed_in and not getattr(args, "user", None):
        raise AuthError("这个命令需要登录：请加 --user 用户名（密码取自环境变量 FUPIN_PASSWORD 或提示输入）。")
    db = open_db(args)
    user = login(db, args.user, password_from_env_or_prompt(f"{args.user} 的密码：")) if signed_in else ANONYMOUS
    ctx = ServiceContext(db, Forms(), user, folder(args))
    if permission is not None:
        ctx.require(permission)
    return ctx


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    json.dump(_jsonable(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """A plain aligned table; CJK characters count as two columns."""
    def width(text: str) -> int:
        return sum(2 if ord(c) > 0x2E80 else 1 for c in text)

    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    for line in [headers, *rows]:
        print("  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(line)).rstrip())


def err(message: str) -> None:
    print(message, file=sys.stderr)


def date_option(text: str, option: str) -> date:
    """A day given on the command line (2026-03-15, 20260315, 2026年3月15日 …); a Chinese refusal naming the option."""
    try:
        value = parse_loose_date(text)
    except CodeError as exc:
        raise KnownError(f"{option}：{exc}") from None
    if not isinstance(value, date):
        raise KnownError(f"{option} 应写到日，如 2026-03-15")
    return value
