"""Dates written in Chinese numerals, as 公文 write the 成文日期 (GB/T 9704-2012 uses them
in the sealed signature block): 二〇二六年十一月二十五日 — 〇 for zero in the year."""

from __future__ import annotations

from datetime import date

__all__ = ["chinese_date", "chinese_number"]

_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals as months and days are written: 三, 十, 十一, 二十, 三十一."""
    if not 1 <= n <= 99:
        raise ValueError(f"only 1–99 are written this way, not {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "")


def chinese_date(d: date) -> str:
    """``date(2026, 11, 25)`` → "二〇二六年十一月二十五日" (the year digit by digit)."""
    year = "".join(_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{chinese_number(d.month)}月{chinese_number(d.day)}日"
