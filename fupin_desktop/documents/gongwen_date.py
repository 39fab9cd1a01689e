"""The 成文日期 as GB/T 9704-2012 writes it (§7.3.5): Arabic numerals, the year, month and day
in full, no leading zeros: 2026年12月2日. (The 1999 standard used Chinese numerals, 二〇二六年
十二月二日; letters this program sealed earlier carry that form.)"""

from __future__ import annotations

from datetime import date

__all__ = ["gongwen_date"]


def gongwen_date(d: date) -> str:
    """``date(2026, 12, 2)`` → "2026年12月2日"."""
    return f"{d.year}年{d.month}月{d.day}日"
