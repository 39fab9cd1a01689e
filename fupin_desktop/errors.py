"""Expected failures: each carries a Chinese message that becomes a dialog or a CLI line.

Anything else that escapes is a bug and goes to the crash dialog / traceback log.
This module imports nothing from the program (the pure ``domain`` layer builds on it).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

BUSY_MESSAGE = "数据库正忙（另一个程序或用户正在写入），请稍后重试。"


class KnownError(Exception):
    """An expected failure whose ``str`` is a complete Chinese sentence for the user."""


class PermissionDenied(KnownError):
    pass


class NotFound(KnownError):
    pass


class AuthError(KnownError):
    pass


class DatabaseError(KnownError):
    pass


class EditConflict(KnownError):
    """Someone else saved the record after this user opened it: nothing was saved (no lost update).

    The message names who changed it and when; the window offers to reload the record.
    """

    def __init__(self, message: str, *, entity: str = "", entity_id: int | None = None) -> None:
        self.entity, self.entity_id = entity, entity_id
        super().__init__(message)


class ServerUnreachable(DatabaseError):
    """The LAN's database server did not answer or refused the login; trying again may work."""


class ServerLoginRefused(ServerUnreachable):
    """The server refused the database user's password (none set on this PC, or a wrong one)."""


class DatabaseBusy(DatabaseError):
    """Another program or user held the write lock longer than the busy timeout; trying again may work."""

    def __init__(self, message: str = BUSY_MESSAGE) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one value: where it is (file/sheet/row/column) and what is wrong."""

    field: str  # field name in the form ("" when the problem is about the whole record)
    label: str  # the Chinese column label the user sees
    message: str
    row: int | None = None  # 1-based spreadsheet row
    sheet: str = ""
    file: str = ""

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"文件「{self.file}」")
        if self.sheet:
            where.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.label:
            where.append(f"「{self.label}」")
        return ("".join(where) + "：" if where else "") + self.message


class ValidationFailed(KnownError):
    """A record or a whole file was refused; ``problems`` lists every reason."""

    def __init__(self, problems: list[FieldProblem], summary: str = "") -> None:
        self.problems = problems
        self.summary = summary or f"有 {len(problems)} 处问题，未保存任何数据。"
        super().__init__(self.summary + "\n" + "\n".join(str(p) for p in problems))


def os_error_message(exc: OSError) -> str:
    """One Chinese sentence for a failed file operation, naming the path (never ``strerror``,
    which is English or in the system's language)."""
    path = exc.filename2 if isinstance(exc, FileExistsError) and exc.filename2 else exc.filename
    where = f"「{path}」" if path else ""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"磁盘已满，未能写入{where}。请腾出空间或换一个位置后重试。"
    if code == errno.EROFS:
        return f"{where or '目标位置'}所在的磁盘是只读的（U 盘是否打开了写保护？）。"
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件或文件夹{where}。"
    if isinstance(exc, IsADirectoryError):
        return f"{where or '所给路径'}是文件夹，这里需要一个文件。"
    if isinstance(exc, NotADirectoryError):
        return f"{where or '所给路径'}不是文件夹（路径中有一部分是文件）。"
    if isinstance(exc, FileExistsError):
        return f"{where or '所给路径'}已经存在，且不是这里需要的文件夹或文件。"
    if isinstance(exc, PermissionError):
        return f"没有权限读写{where}（请检查文件夹的权限，或文件是否正被其他程序打开）。"
    if code == errno.ENAMETOOLONG:
        return f"文件名或路径太长：{where}。"
    if code == errno.EIO:
        return f"读写{where}时磁盘出错（U 盘是否已被拔出？）。"
    return f"无法读写{where}（系统错误代码 {code}）。" if code else f"无法读写{where}。"
