"""公民身份号码 (GB 11643-1999): 6-digit area, 8-digit birth date, 3-digit sequence, check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import clock
from .errors import CodeError
from .text import clean_text, to_halfwidth_digits

__all__ = [
    "IdNumber",
    "check_char",
    "make_id_number",
    "mask_id_number",
    "normalize_id_number",
    "parse_id_number",
]

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"  # ISO 7064 MOD 11-2, indexed by the weighted sum mod 11
_NAME = "公民身份号码"
_EARLIEST_BIRTH = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class IdNumber:
    value: str  # 18 characters, check character upper-case
    area_code: str
    birth_date: dt.date
    is_male: bool  # the sequence number (position 17) is odd for men


def check_char(first17: str) -> str:
    """The check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"check_char needs 17 digits, got {first17!r}")
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize_id_number(s: str | None) -> str:
    """The number as it should be stored: half-width, no spaces, upper-case X."""
    return to_halfwidth_digits(clean_text(s)).replace(" ", "").upper()


def _shown(value: str) -> str:
    # Messages end up in import reports and logs: never repeat a whole ID number there.
    return mask_id_number(value)


def parse_id_number(s: str | None, *, today: dt.date | None = None) -> IdNumber:
    """The parsed number, or :class:`CodeError` saying exactly what is wrong with it.

    ``today`` is only there so tests can fix the date used to refuse future birth dates.
    """
    value = normalize_id_number(s)
    if not value:
        raise CodeError(f"{_NAME}不能为空")
    if len(value) != 18:
        hint = "（15位的是旧号码，请填写18位号码）" if len(value) == 15 and value.isdigit() else ""
        raise CodeError(f"{_NAME}应为18位，现为{len(value)}位{hint}：{_shown(value)}")
    for pos, ch in enumerate(value[:17], start=1):
        if not ("0" <= ch <= "9"):
            raise CodeError(f"{_NAME}第{pos}位的“{ch}”不是数字（只有第18位可以是X）：{_shown(value)}")
    if not ("0" <= value[17] <= "9" or value[17] == "X"):
        raise CodeError(f"{_NAME}第18位的“{value[17]}”应为数字或X：{_shown(value)}")

    raw_birth = value[6:14]
    try:
        birth = dt.date(int(raw_birth[:4]), int(raw_birth[4:6]), int(raw_birth[6:]))
    except ValueError:
        raise CodeError(f"{_NAME}第7–14位的出生日期“{raw_birth}”不是有效日期：{_shown(value)}") from None
    today = today or clock.today()
    if birth > today:
        raise CodeError(f"{_NAME}中的出生日期{birth:%Y年%m月%d日}晚于今天：{_shown(value)}")
    if birth < _EARLIEST_BIRTH:
        raise CodeError(f"{_NAME}中的出生日期{birth:%Y年%m月%d日}早于1900年：{_shown(value)}")

    expected = check_char(value[:17])
    if value[17] != expected:
        raise CodeError(
            f"{_NAME}校验位（第18位）应为“{expected}”，现为“{value[17]}”，请逐位核对是否抄错：{_shown(value)}"
        )
    return IdNumber(value=value, area_code=value[:6], birth_date=birth, is_male=int(value[16]) % 2 == 1)


def mask_id_number(value: str) -> str:
    """For screens and printouts: ``350582********123X``.

    Other lengths (bad imports, 15-digit old numbers) keep at most the first 3 and last 2
    characters, and never more than about half of the value.
    """
    value = value.strip()
    n = len(value)
    if n == 18:
        head, tail = 6, 4
    else:
        head = min(3, n // 3)
        tail = max(0, min(2, n // 2 - head))
    return value[:head] + "*" * (n - head - tail) + value[n - tail :]


def make_id_number(area6: str, birth: dt.date, seq3: str) -> str:
    """A valid number from its parts, for demo and test data."""
    if len(area6) != 6 or not area6.isascii() or not area6.isdigit():
        raise ValueError(f"area6 must be 6 digits, got {area6!r}")
    if len(seq3) != 3 or not seq3.isascii() or not seq3.isdigit():
        raise ValueError(f"seq3 must be 3 digits, got {seq3!r}")
    first17 = f"{area6}{birth:%Y%m%d}{seq3}"
    return first17 + check_char(first17)
