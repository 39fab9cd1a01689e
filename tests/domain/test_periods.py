"""Reporting periods, deadlines and loosely written dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.periods import (
    Period,
    monthly_deadline,
    parse_loose_date,
    reporting_month_for_fill_date,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-06", Period("month", 2020, 6)),
        ("2020-6", Period("month", 2020, 6)),
        ("202006", Period("month", 2020, 6)),
        ("2020年6月", Period("month", 2020, 6)),
        ("2020年06月", Period("month", 2020, 6)),
        ("２０２０年 ６月", Period("month", 2020, 6)),
        ("2020-Q2", Period("quarter", 2020, 2)),
        ("2020Q2", Period("quarter", 2020, 2)),
        ("2020q2", Period("quarter", 2020, 2)),
        ("2020年第二季度", Period("quarter", 2020, 2)),
        ("2020年第2季度", Period("quarter", 2020, 2)),
        ("2020-H1", Period("half", 2020, 1)),
        ("2020年上半年", Period("half", 2020, 1)),
        ("2020年下半年", Period("half", 2020, 2)),
        ("2020", Period("year", 2020, 1)),
        ("2020年", Period("year", 2020, 1)),
        ("2020年度", Period("year", 2020, 1)),
    ],
)
def test_parse(raw: str, expected: Period) -> None:
    assert Period.parse(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "abc", "2020-13", "2020-Q5", "2020年第五季度", "2020-H3", "20", "1899", "2020-06-03"]
)
def test_parse_rejects(raw: str) -> None:
    with pytest.raises(CodeError):
        Period.parse(raw)


def test_invalid_fields_are_refused() -> None:
    with pytest.raises(CodeError, match="月份应为1–12"):
        Period.month(2020, 13)
    with pytest.raises(CodeError, match="季度应为1–4"):
        Period.quarter(2020, 0)


@pytest.mark.parametrize(
    ("period", "text", "label"),
    [
        (Period.month(2020, 6), "2020-06", "2020年6月"),
        (Period.quarter(2020, 2), "2020-Q2", "2020年第二季度"),
        (Period.half(2020, 1), "2020-H1", "2020年上半年"),
        (Period.half(2020, 2), "2020-H2", "2020年下半年"),
        (Period.annual(2020), "2020", "2020年度"),
    ],
)
def test_text_and_label(period: Period, text: str, label: str) -> None:
    assert str(period) == text
    assert period.label_zh == label


def test_december_to_january() -> None:
    dec = Period.month(2020, 12)
    assert dec.next() == Period.month(2021, 1)
    assert Period.month(2021, 1).previous() == dec
    assert Period.quarter(2020, 4).next() == Period.quarter(2021, 1)
    assert Period.half(2021, 1).previous() == Period.half(2020, 2)
    assert Period.annual(2020).next() == Period.annual(2021)
    assert monthly_deadline(dec) == dt.date(2021, 1, 5)
    assert monthly_deadline(Period.month(2020, 6)) == dt.date(2020, 7, 5)
    assert reporting_month_for_fill_date(dt.date(2021, 1, 3)) == dec
    assert reporting_month_for_fill_date(dt.date(2020, 6, 3)) == Period.month(2020, 5)


def test_month_lists_and_days() -> None:
    assert Period.quarter(2020, 2).months() == [Period.month(2020, m) for m in (4, 5, 6)]
    assert Period.half(2020, 2).months() == [Period.month(2020, m) for m in range(7, 13)]
    assert Period.annual(2020).months() == [Period.month(2020, m) for m in range(1, 13)]
    assert Period.month(2020, 2).last_day == dt.date(2020, 2, 29)
    assert Period.month(2021, 2).last_day == dt.date(2021, 2, 28)
    assert Period.quarter(2020, 4).first_day == dt.date(2020, 10, 1)
    assert Period.half(2020, 1).last_day == dt.date(2020, 6, 30)
    assert Period.of_date(dt.date(2020, 6, 3)) == Period.month(2020, 6)


def test_contains() -> None:
    assert Period.annual(2020).contains(Period.quarter(2020, 3))
    assert Period.half(2020, 2).contains(Period.quarter(2020, 3))
    assert not Period.half(2020, 1).contains(Period.quarter(2020, 3))
    assert not Period.quarter(2020, 3).contains(Period.half(2020, 2))
    assert Period.month(2020, 6).contains(Period.month(2020, 6))


@pytest.mark.parametrize(
    "raw",
    [
        "2020年6月3日",
        "2020年6月3号",
        "2020.6.3",
        "2020-06-03",
        "2020/6/3",
        "20200603",
        "２０２０年 ６月 ３日",
    ],
)
def test_parse_loose_date(raw: str) -> None:
    assert parse_loose_date(raw) == dt.date(2020, 6, 3)


@pytest.mark.parametrize("raw", ["2020-06", "2020年6月", "2020.6", "２０２０－０６"])
def test_parse_loose_date_without_day_is_a_month(raw: str) -> None:
    assert parse_loose_date(raw) == Period.month(2020, 6)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2020-02-30", "不是有效日期"),
        ("2020-13", "不是有效日期"),
        ("2020-6/3", "无法识别"),
        ("明天", "无法识别"),
        ("2020", "无法识别"),
    ],
)
def test_parse_loose_date_rejects(raw: str, message: str) -> None:
    with pytest.raises(CodeError, match=message):
        parse_loose_date(raw)


# --- properties -------------------------------------------------------------------------

_kinds = st.sampled_from(["month", "quarter", "half", "year"])
_periods = st.builds(
    lambda kind, year, i: Period(
        kind, year, {"month": i % 12, "quarter": i % 4, "half": i % 2, "year": 0}[kind] + 1
    ),
    _kinds,
    st.integers(min_value=1901, max_value=2998),
    st.integers(min_value=0, max_value=11),
)


@given(_periods)
def test_text_and_label_round_trip(p: Period) -> None:
    assert Period.parse(str(p)) == p
    assert Period.parse(p.label_zh) == p


@given(_periods)
def test_neighbours(p: Period) -> None:
    assert p.next().previous() == p
    assert p.previous().next() == p
    assert p.next().first_day == p.last_day + dt.timedelta(days=1)
    assert p < p.next()


@given(_periods)
def test_months_are_contiguous_and_contained(p: Period) -> None:
    months = p.months()
    assert len(months) == {"month": 1, "quarter": 3, "half": 6, "year": 12}[p.kind]
    assert months[0].first_day == p.first_day and months[-1].last_day == p.last_day
    assert all(a.next() == b for a, b in zip(months, months[1:], strict=False))
    assert all(p.contains(m) for m in months)
    assert not p.contains(p.next().months()[0])
    assert Period.annual(p.year).contains(p)


@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2998, 12, 31)))
def test_fill_date_and_deadline(d: dt.date) -> None:
    reported = reporting_month_for_fill_date(d)
    assert reported.last_day < d.replace(day=1)
    assert reported.next() == Period.of_date(d)
    deadline = monthly_deadline(reported)
    assert deadline == Period.of_date(d).first_day.replace(day=5)


@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2998, 12, 31)))
def test_loose_date_formats_round_trip(d: dt.date) -> None:
    for text in (
        f"{d.year}年{d.month}月{d.day}日",
        f"{d:%Y-%m-%d}",
        f"{d.year}.{d.month}.{d.day}",
        f"{d:%Y/%m/%d}",
    ):
        assert parse_loose_date(text) == d
    assert parse_loose_date(f"{d:%Y-%m}") == Period.of_date(d)
