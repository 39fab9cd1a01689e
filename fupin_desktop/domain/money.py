"""Money as integer fen (分) and counts as integers, parsed from what people type or import.

Never float arithmetic: 0.1 + 0.2 万元 must be exactly 300000 fen. Text and Decimals are
parsed as Decimal; a float (what spreadsheet readers hand over) goes through its repr.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from .errors import CodeError
from .text import clean_text, to_halfwidth_digits

__all__ = [
    "FEN_PER_WAN",
    "FEN_PER_YUAN",
    "fen_to_wan",
    "format_wan",
    "format_wan_exact",
    "parse_count",
    "parse_wan_yuan",
    "parse_yuan",
]

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000

Number = str | int | float | Decimal | None

# A plain number, or one with correct thousands grouping ("1,200.5"); "3,5" is refused
# because it is as likely to mean 3.5 as 35.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_MONEY_UNIT = re.compile(r"^(?P<num>.*?)(?P<unit>万元|万|元)?$")
_COUNT_UNIT = re.compile(r"^(?P<num>.*?)(?P<wan>万)?(?P<unit>[\u4e00-\u9fff]{0,4})$")


def _decimal_from_text(text: str, field: str, original: object) -> Decimal:
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        hint = "（千位分隔符应每三位一个）" if "," in text else ""
        raise CodeError(f"{field}应为数字{hint}，现为“{original}”")
    return Decimal(text)


def _decimal_from_float(x: float, field: str, quantum: Decimal) -> Decimal:
    if x != x or x in (float("inf"), float("-inf")):
        raise CodeError(f"{field}应为数字，现为“{x}”")
    exact = Decimal(repr(x))
    if exact == exact.quantize(quantum, rounding=ROUND_HALF_UP):
        return exact
    # A spreadsheet formula such as =0.1+0.2 yields 0.30000000000000004; the 15
    # significant digits a spreadsheet shows are what the person saw and meant.
    return Decimal(format(x, ".15g"))


def _to_fen(raw: Number, *, field: str, default_unit: str) -> int:
    """Shared by the 万元 and 元 parsers; ``default_unit`` applies when the text names none."""
    if raw is None or (isinstance(raw, str) and not clean_text(raw)):
        raise CodeError(f"{field}不能为空")
    if isinstance(raw, bool):  # bool is an int, but True is not an amount
        raise CodeError(f"{field}应为数字，现为“{raw}”")
    unit = default_unit
    if isinstance(raw, str):
        text = to_halfwidth_digits(clean_text(raw)).replace(" ", "")
        m = _MONEY_UNIT.match(text)
        assert m is not None  # the pattern matches every string
        unit = {"万元": "万元", "万": "万元", "元": "元"}.get(m.group("unit") or "", default_unit)
        value = _decimal_from_text(m.group("num"), field, raw)
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = _decimal_from_float(raw, field, Decimal(1).scaleb(-6 if unit == "万元" else -2))
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise CodeError(f"{field}应为数字，现为“{raw}”")
        value = raw
    else:
        raise CodeError(f"{field}应为数字，现为“{raw}”")

    if value < 0:
        raise CodeError(f"{field}不能为负数，现为“{raw}”")
    fen = value * (FEN_PER_WAN if unit == "万元" else FEN_PER_YUAN)
    if fen != fen.to_integral_value():
        places = "6位小数（以万元计）" if unit == "万元" else "2位小数（以元计）"
        raise CodeError(f"{field}最多精确到分，即{places}，现为“{raw}”")
    return int(fen)


def parse_wan_yuan(raw: Number, *, field: str = "金额") -> int:
    """An amount in 万元 as integer fen. Text ending in 元 (not 万元) is read as 元.

    Accepts "3.5", "3.5万元", "1,200", "３５０", "35000元", ints, Decimals and floats.
    """
    return _to_fen(raw, field=field, default_unit="万元")


def parse_yuan(raw: Number, *, field: str = "金额") -> int:
    """An amount in 元 as integer fen. Text ending in 万元 or 万 is read as 万元."""
    return _to_fen(raw, field=field, default_unit="元")


def fen_to_wan(fen: int) -> Decimal:
    """Exact 万元 value of an amount in fen (Decimal, six decimal places)."""
    return Decimal(fen).scaleb(-6)


def format_wan(fen: int, places: int = 2) -> str:
    """万元 with a fixed number of decimals, rounded half up as Chinese accounts do: "3.50"."""
    return str(fen_to_wan(fen).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def format_wan_exact(fen: int) -> str:
    """万元 with at least two decimals and as many more as needed to be exact: "3.500001"."""
    text = f"{fen_to_wan(fen):f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def parse_count(raw: Number, *, field: str = "数量") -> int:
    """A non-negative whole number: "３５０", "1,200", "350人次", "12户", "1.2万人次", 350.0."""
    if raw is None or (isinstance(raw, str) and not clean_text(raw)):
        raise CodeError(f"{field}不能为空")
    if isinstance(raw, bool):
        raise CodeError(f"{field}应为整数，现为“{raw}”")
    if isinstance(raw, str):
        text = to_halfwidth_digits(clean_text(raw)).replace(" ", "")
        m = _COUNT_UNIT.match(text)
        assert m is not None  # the pattern matches every string
        value = _decimal_from_text(m.group("num"), field, raw)
        if m.group("wan"):
            value *= 10_000
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CodeError(f"{field}应为整数，现为“{raw}”")
        value = Decimal(repr(raw))
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise CodeError(f"{field}应为整数，现为“{raw}”")
        value = raw
    else:
        raise CodeError(f"{field}应为整数，现为“{raw}”")

    if value < 0:
        raise CodeError(f"{field}不能为负数，现为“{raw}”")
    if value != value.to_integral_value():
        raise CodeError(f"{field}应为整数，现为“{raw}”")
    return int(value)
