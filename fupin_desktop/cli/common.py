"""What every command shares: opening the data folder, signing in, printing."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fupin_desktop.errors import AuthError
from fupin_desktop.paths import data_dir
from fupin_desktop.services.context import SYSTEM_USER, CurrentUser, Forms, ServiceContext
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database

PASSWORD_ENV = "FUPIN_PASSWORD"


def folder(args: argparse.Namespace) -> Path:
    return data_dir(getattr(args, "data_dir", None))


def open_db(args: argparse.Namespace, *, create: bool = False) -> Database:
    return Database.open(folder(args), create=create)


def password_from_env_or_prompt(prompt: str = "密码：") -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise AuthError(f"请用环境变量 {PASSWORD_ENV} 提供密码（没有可交互的终端）。")
    return getpass.getpass(prompt)


def context(args: argparse.Namespace, *, signed_in: bool) -> ServiceContext:
    """A service context; commands that change data need --user and the password."""
    db = open_db(args)
    user: CurrentUser = SYSTEM_USER
    if signed_in:
        if not getattr(args, "user", None):
            raise AuthError("修改数据的命令需要 --user 用户名（密码取自环境变量 FUPIN_PASSWORD 或提示输入）。")
        user = login(db, args.user, password_from_env_or_prompt(f"{args.user} 的密码："))
    else:
        # Reading commands act as a clerk: lists are masked like on screen.
        user = CurrentUser(0, "cli", "命令行", "clerk")
    return ServiceContext(db, Forms(), user, folder(args))


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
