"""Expected failures: each carries a Chinese message that becomes a dialog or a CLI line.

Anything else that escapes is a bug and goes to the crash dialog / traceback log.
"""

from __future__ import annotations

from dataclasses import dataclass


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
