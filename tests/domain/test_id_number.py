"""公民身份号码 (GB 11643-1999)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.id_number import (
    IdNumber,
    check_char,
    make_id_number,
    mask_id_number,
    normalize_id_number,
    parse_id_number,
)

TODAY = dt.date(2024, 6, 1)


def test_standard_example() -> None:
    parsed = parse_id_number("11010519491231002X", today=TODAY)
    assert parsed == IdNumber(
        value="11010519491231002X", area_code="110105", birth_date=dt.date(1949, 12, 31), is_male=False
    )
    assert check_char("11010519491231002") == "X"


def test_lower_case_x_and_full_width_digits_are_accepted_and_stored_upper_case() -> None:
    assert parse_id_number("11010519491231002x").value == "11010519491231002X"
    assert parse_id_number("１１０１０５１９４９１２３１００２ｘ").value == "11010519491231002X"
    assert parse_id_number(" 110105 19491231 002X ").value == "11010519491231002X"


def test_wrong_length() -> None:
    with pytest.raises(CodeError, match="应为18位，现为17位"):
        parse_id_number("11010519491231002")
    with pytest.raises(CodeError, match="15位的是旧号码"):
        parse_id_number("110105491231002")
    with pytest.raises(CodeError, match="不能为空"):
        parse_id_number(None)


def test_non_digits() -> None:
    with pytest.raises(CodeError, match="第7位的“A”不是数字"):
        parse_id_number("110105A9491231002X")
    with pytest.raises(CodeError, match="第18位的“Y”应为数字或X"):
        parse_id_number("11010519491231002Y")


@pytest.mark.parametrize(
    ("birth", "message"),
    [
        ("19491331", "不是有效日期"),
        ("19490229", "不是有效日期"),
        ("18991231", "早于1900年"),
        ("20240602", "晚于今天"),
    ],
)
def test_impossible_birth_dates(birth: str, message: str) -> None:
    first17 = f"110105{birth}002"
    with pytest.raises(CodeError, match=message):
        parse_id_number(first17 + check_char(first17), today=TODAY)


def test_wrong_check_character_says_which_it_should_be() -> None:
    with pytest.raises(CodeError, match="应为“X”，现为“1”"):
        parse_id_number("110105194912310021")


def test_messages_do_not_repeat_the_whole_number() -> None:
    with pytest.raises(CodeError) as info:
        parse_id_number("110105194912310021")
    assert "110105194912310021" not in str(info.value)


def test_mask() -> None:
    assert mask_id_number("35058219800101123X") == "350582********123X"
    assert mask_id_number("350582800101123") == "350**********23"
    assert mask_id_number("1234") == "1**4"
    assert mask_id_number("000000000") == "000*****0"
    assert mask_id_number("12") == "*2"
    assert mask_id_number("") == ""


@given(st.text(alphabet="0123456789X", max_size=25))
def test_mask_never_shows_more_than_half(value: str) -> None:
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    shown = sum(ch != "*" for ch in masked)
    if len(value) == 18:
        assert masked[6:14] == "*" * 8 and shown == 10
    else:
        assert shown <= len(value) // 2


# --- properties -------------------------------------------------------------------------

_numbers = st.builds(
    make_id_number,
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)


@given(_numbers)
def test_every_made_number_is_valid(value: str) -> None:
    parsed = parse_id_number(value, today=TODAY)
    assert parsed.value == value
    assert parsed.area_code == value[:6]
    assert parsed.birth_date.strftime("%Y%m%d") == value[6:14]
    assert parsed.is_male == (int(value[16]) % 2 == 1)
    assert parse_id_number(value.lower(), today=TODAY) == parsed


@given(
    _numbers,
    st.integers(min_value=0, max_value=17),
    st.one_of(st.sampled_from("0123456789Xx"), st.sampled_from("-Y０ １ Ｘ"), st.characters()),
)
def test_every_single_character_change_is_rejected(value: str, pos: int, ch: str) -> None:
    changed = value[:pos] + ch + value[pos + 1 :]
    assume(normalize_id_number(changed) != value)
    with pytest.raises(CodeError):
        parse_id_number(changed, today=TODAY)


@given(_numbers, st.integers(min_value=0, max_value=15))
def test_swapping_neighbours_in_the_first_17_is_rejected(value: str, pos: int) -> None:
    assume(value[pos] != value[pos + 1])
    swapped = value[:pos] + value[pos + 1] + value[pos] + value[pos + 2 :]
    with pytest.raises(CodeError):
        parse_id_number(swapped, today=TODAY)
