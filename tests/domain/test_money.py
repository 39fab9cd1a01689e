"""Money in integer fen and whole-number counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.money import (
    fen_to_wan,
    format_wan,
    format_wan_exact,
    parse_count,
    parse_wan_yuan,
    parse_yuan,
)


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("3.5", 3_500_000),
        ("3.5万元", 3_500_000),
        ("3.5万", 3_500_000),
        (" 3.5 万元 ", 3_500_000),
        ("1,200", 1_200_000_000),
        ("１，２００．５", 1_200_500_000),
        ("３５０", 350_000_000),
        ("35000元", 3_500_000),
        ("12.34元", 1234),
        ("0.000001", 1),
        (".5", 500_000),
        ("0", 0),
        (3, 3_000_000),
        (Decimal("3.5"), 3_500_000),
        (3.5, 3_500_000),
        (0.1, 100_000),
        (0.1 + 0.2, 300_000),  # a spreadsheet formula's float noise is not an amount
    ],
)
def test_parse_wan_yuan(raw: object, fen: int) -> None:
    assert parse_wan_yuan(raw) == fen  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("12.34", 1234),
        ("1,200", 120_000),
        ("3.5万元", 3_500_000),
        ("3.5万", 3_500_000),
        (12.34, 1234),
        (7, 700),
    ],
)
def test_parse_yuan(raw: object, fen: int) -> None:
    assert parse_yuan(raw) == fen  # type: ignore[arg-type]


def test_point_one_plus_point_two_is_exact() -> None:
    assert parse_wan_yuan("0.1") + parse_wan_yuan("0.2") == parse_wan_yuan("0.3") == 300_000
    assert format_wan(parse_wan_yuan("0.1") + parse_wan_yuan("0.2")) == "0.30"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-1", "不能为负数"),
        (-0.5, "不能为负数"),
        (Decimal("-3"), "不能为负数"),
        ("abc", "应为数字"),
        ("3.5万万元", "应为数字"),
        ("3,5", "千位分隔符"),
        ("1e3", "应为数字"),
        (True, "应为数字"),
        (float("nan"), "应为数字"),
        (float("inf"), "应为数字"),
        (Decimal("NaN"), "应为数字"),
        ("3.0000001", "最多精确到分"),
        (Decimal("0.0000001"), "最多精确到分"),
        ("", "不能为空"),
        (None, "不能为空"),
    ],
)
def test_rejections_name_the_field(raw: object, message: str) -> None:
    with pytest.raises(CodeError) as info:
        parse_wan_yuan(raw, field="帮扶资金")  # type: ignore[arg-type]
    assert str(info.value).startswith("帮扶资金")
    assert message in str(info.value)


def test_yuan_precision_is_two_places() -> None:
    with pytest.raises(CodeError, match="物资折价最多精确到分"):
        parse_yuan("1.234", field="物资折价")
    with pytest.raises(CodeError, match="最多精确到分"):
        parse_wan_yuan("1.234元")


def test_formatting() -> None:
    assert fen_to_wan(3_500_000) == Decimal("3.5")
    assert format_wan(3_500_000) == "3.50"
    assert format_wan(3_505_000) == "3.51"  # half up, as accounts round
    assert format_wan(3_504_999) == "3.50"
    assert format_wan(3_500_000, 0) == "4"
    assert format_wan(1, 6) == "0.000001"
    assert format_wan_exact(3_500_000) == "3.50"
    assert format_wan_exact(3_500_001) == "3.500001"
    assert format_wan_exact(0) == "0.00"
    assert format_wan_exact(1_230_000_000) == "1230.00"
    assert format_wan_exact(3_510_000) == "3.51"
    assert format_wan_exact(3_512_000) == "3.512"


@pytest.mark.parametrize(
    ("raw", "count"),
    [("350", 350), ("３５０", 350), ("1,200", 1200), ("350人次", 350), ("12户", 12), ("12 户", 12)]
    + [("1.2万人次", 12_000), ("350.0", 350), (350, 350), (350.0, 350), (Decimal("350.00"), 350)],
)
def test_parse_count(raw: object, count: int) -> None:
    assert parse_count(raw) == count  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (3.5, "应为整数"),
        ("3.5", "应为整数"),
        ("3.5户", "应为整数"),
        ("-2", "不能为负数"),
        ("很多", "应为数字"),
    ]
    + [(None, "不能为空"), (True, "应为整数"), (float("nan"), "应为整数")],
)
def test_parse_count_rejections_name_the_field(raw: object, message: str) -> None:
    with pytest.raises(CodeError) as info:
        parse_count(raw, field="受益人数")  # type: ignore[arg-type]
    assert str(info.value).startswith("受益人数") and message in str(info.value)


# --- properties -------------------------------------------------------------------------

_fen = st.integers(min_value=0, max_value=10**15 - 1)


@given(_fen)
def test_exact_format_round_trips(fen: int) -> None:
    assert parse_wan_yuan(format_wan_exact(fen)) == fen
    assert parse_wan_yuan(format_wan_exact(fen) + "万元") == fen
    assert parse_wan_yuan(fen_to_wan(fen)) == fen
    assert parse_yuan(f"{Decimal(fen).scaleb(-2):f}") == fen


@given(_fen)
def test_spreadsheet_floats_read_as_the_number_shown(fen: int) -> None:
    # Up to 15 significant digits a double shows exactly what was typed.
    assert parse_wan_yuan(float(format_wan_exact(fen))) == fen


@given(st.lists(st.decimals(min_value=0, max_value=10**6, places=6), max_size=20))
def test_sums_are_exact(amounts: list[Decimal]) -> None:
    texts = [f"{a:f}" for a in amounts]
    assert sum(parse_wan_yuan(t) for t in texts) == parse_wan_yuan(sum(amounts, Decimal(0)))


@given(st.decimals(min_value=0, max_value=10**6, places=7))
def test_more_than_a_fen_is_refused(amount: Decimal) -> None:
    if amount == amount.quantize(Decimal("0.000001")):
        assert parse_wan_yuan(f"{amount:f}") == int(amount * 1_000_000)
    else:
        with pytest.raises(CodeError, match="最多精确到分"):
            parse_wan_yuan(f"{amount:f}")


@given(st.integers(min_value=0, max_value=10**12))
def test_count_round_trips_with_grouping(n: int) -> None:
    assert parse_count(f"{n:,}") == n
    assert parse_count(f"{n}人") == n
