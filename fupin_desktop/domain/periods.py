"""Reporting periods (month, quarter, half-year, year) and the dates people write them with.

The monthly 合作村社帮扶工作开展情况统计表 is due by the 5th of the following month
(seed 004); quarterly, half-year and year summaries are built from the months they cover.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .errors import CodeError
from .text import clean_text, to_halfwidth_digits

__all__ = [
    "Period",
    "PeriodKind",
    "monthly_deadline",
    "parse_loose_date",
    "reporting_month_for_fill_date",
]

PeriodKind = Literal["month", "quarter", "half", "year"]

MIN_YEAR = 1900
MAX_YEAR = 2999
MONTHLY_DEADLINE_DAY = 5

_MONTHS_PER: dict[str, int] = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_COUNT_PER_YEAR: dict[str, int] = {"month": 12, "quarter": 4, "half": 2, "year": 1}
_KIND_ZH = {"month": "月份", "quarter": "季度", "half": "半年", "year": "年度"}
_CN_DIGITS = "一二三四"
_HALF_ZH = {1: "上", 2: "下"}


def _normalize(s: str | None) -> str:
    return to_halfwidth_digits(clean_text(s)).replace(" ", "").upper()


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period. Sorting is meant for periods of the same kind."""

    kind: PeriodKind
    year: int
    index: int  # month 1–12, quarter 1–4, half 1–2, year 1

    def __post_init__(self) -> None:
        if self.kind not in _MONTHS_PER:
            raise ValueError(f"unknown period kind {self.kind!r}")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise CodeError(f"年份应在{MIN_YEAR}–{MAX_YEAR}之间，现为{self.year}")
        if not 1 <= self.index <= _COUNT_PER_YEAR[self.kind]:
            raise CodeError(f"{_KIND_ZH[self.kind]}应为1–{_COUNT_PER_YEAR[self.kind]}，现为{self.index}")

    # -- construction -------------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls("month", year, month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls("quarter", year, quarter)

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        return cls("half", year, half)

    @classmethod
    def annual(cls, year: int) -> Period:
        # Not ``year``: that name is the field.
        return cls("year", year, 1)

    @classmethod
    def of_date(cls, d: dt.date) -> Period:
        """The month that ``d`` falls in."""
        return cls("month", d.year, d.month)

    @classmethod
    def parse(cls, s: str | None) -> Period:
        """Read "2020-06", "202006", "2020年6月", "2020-Q2", "2020年第二季度", "2020-H1",
        "2020年上半年", "2020", "2020年" and similar; :class:`CodeError` otherwise."""
        text = _normalize(s)
        for pattern, build in _PERIOD_PATTERNS:
            m = pattern.fullmatch(text)
            if m:
                try:
                    return build(m)
                except CodeError as err:
                    raise CodeError(f"期间“{clean_text(s)}”有误：{err}") from None
        raise CodeError(
            f"无法识别的期间“{clean_text(s)}”，请写成 2020-06、2020年6月、2020年第二季度、2020年上半年或2020年"
        )

    # -- presentation -------------------------------------------------------------------

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.index}"
        if self.kind == "half":
            return f"{self.year:04d}-H{self.index}"
        return f"{self.year:04d}"

    @property
    def label_zh(self) -> str:
        if self.kind == "month":
            return f"{self.year}年{self.index}月"
        if self.kind == "quarter":
            return f"{self.year}年第{_CN_DIGITS[self.index - 1]}季度"
        if self.kind == "half":
            return f"{self.year}年{_HALF_ZH[self.index]}半年"
        return f"{self.year}年度"

    # -- arithmetic ---------------------------------------------------------------------

    @property
    def _first_month(self) -> int:
        return (self.index - 1) * _MONTHS_PER[self.kind] + 1

    def months(self) -> list[Period]:
        """The month periods this period covers, in order."""
        first = self._first_month
        return [Period.month(self.year, m) for m in range(first, first + _MONTHS_PER[self.kind])]

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self._first_month, 1)

    @property
    def last_day(self) -> dt.date:
        month = self._first_month + _MONTHS_PER[self.kind] - 1
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def _shift(self, step: int) -> Period:
        n = _COUNT_PER_YEAR[self.kind]
        year, zero_based = divmod(self.year * n + self.index - 1 + step, n)
        return Period(self.kind, year, zero_based + 1)

    def previous(self) -> Period:
        return self._shift(-1)

    def next(self) -> Period:
        return self._shift(1)

    def contains(self, other: Period) -> bool:
        """True when every day of ``other`` lies in this period (a period contains itself)."""
        return self.first_day <= other.first_day and other.last_day <= self.last_day


def _month_from(m: re.Match[str]) -> Period:
    return Period.month(int(m.group(1)), int(m.group(2)))


def _quarter_from(m: re.Match[str]) -> Period:
    q = m.group(2)
    return Period.quarter(int(m.group(1)), _CN_DIGITS.index(q) + 1 if q in _CN_DIGITS else int(q))


def _half_from(m: re.Match[str]) -> Period:
    h = m.group(2)
    return Period.half(int(m.group(1)), {"上": 1, "下": 2}.get(h) or int(h))


_PERIOD_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Period]]] = [
    (re.compile(r"(\d{4})[-./](\d{1,2})"), _month_from),
    (re.compile(r"(\d{4})(\d{2})"), _month_from),
    (re.compile(r"(\d{4})年(\d{1,2})月份?"), _month_from),
    (re.compile(r"(\d{4})(?:年|-)?第?Q([1-4])"), _quarter_from),
    (re.compile(r"(\d{4})年?第?([1-4一二三四])季度?"), _quarter_from),
    (re.compile(r"(\d{4})(?:年|-)?H([12])"), _half_from),
    (re.compile(r"(\d{4})年?([上下])半年度?"), _half_from),
    (re.compile(r"(\d{4})(?:年度?)?"), lambda m: Period.annual(int(m.group(1)))),
]


def monthly_deadline(p: Period) -> dt.date:
    """The 5th of the month after ``p`` ends (December 2020 → 2021-01-05)."""
    after = Period.of_date(p.last_day).next()
    return dt.date(after.year, after.index, MONTHLY_DEADLINE_DAY)


def reporting_month_for_fill_date(d: dt.date) -> Period:
    """The month a table filled on ``d`` reports: the previous month (3 June → May)."""
    return Period.of_date(d).previous()


_DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?"),
    re.compile(r"(?P<y>\d{4})(?P<sep>[-./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
]
_MONTH_ONLY_PATTERNS = [
    re.compile(r"(\d{4})年(\d{1,2})月份?"),
    re.compile(r"(\d{4})[-./](\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})"),
]


def parse_loose_date(s: str | None) -> dt.date | Period:
    """A date from "2020年6月3日", "2020.6.3", "2020-06-03", "2020/6/3", "20200603";
    a month :class:`Period` when no day is given ("2020-06", "2020年6月")."""
    text = _normalize(s)
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                raise CodeError(f"“{clean_text(s)}”不是有效日期") from None
    for pattern in _MONTH_ONLY_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            try:
                return Period.month(int(m.group(1)), int(m.group(2)))
            except CodeError as err:
                raise CodeError(f"“{clean_text(s)}”不是有效日期：{err}") from None
    raise CodeError(f"无法识别的日期“{clean_text(s)}”，请写成2020年6月3日或2020-06-03")
