"""统一社会信用代码 (GB 32100-2015) with the GB 11714 organization-code check."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fupin_desktop.domain.credit_code import (
    CHARSET,
    WEIGHTS,
    check_char,
    civil_affairs_type_digit,
    make_credit_code,
    normalize_credit_code,
    org_code_warning,
    parse_credit_code,
)
from fupin_desktop.domain.errors import CodeError

STANDARD_EXAMPLES = ["91350100M000100Y43", "914403001922038216", "9144030071526726XG"]


def test_constants_are_the_standards() -> None:
    assert CHARSET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert len(CHARSET) == 31 and not set("IOSVZ") & set(CHARSET)
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    # The weights are 3^(i-1) mod 31.
    assert list(WEIGHTS) == [pow(3, i, 31) for i in range(17)]


@pytest.mark.parametrize("code", STANDARD_EXAMPLES)
def test_standard_examples_are_valid(code: str) -> None:
    assert parse_credit_code(code) == code
    assert check_char(code[:17]) == code[17]
    assert org_code_warning(code) is None
    assert civil_affairs_type_digit(code) is None  # 9 = 工商, not 民政


def test_typed_forms_are_normalized() -> None:
    assert parse_credit_code(" 9135 0100 m000 100y43 ") == "91350100M000100Y43"
    assert parse_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
    assert normalize_credit_code(None) == ""


def test_wrong_length_says_how_many_characters() -> None:
    with pytest.raises(CodeError, match="应为18位，现为17位"):
        parse_credit_code("91350100M000100Y4")
    with pytest.raises(CodeError, match="现为19位"):
        parse_credit_code("91350100M000100Y433")
    with pytest.raises(CodeError, match="不能为空"):
        parse_credit_code("  ")


@pytest.mark.parametrize(
    ("code", "pos", "ch"), [("91350100O000100Y43", 9, "O"), ("9135010-M000100Y43", 8, "-")]
)
def test_illegal_character_is_named_with_its_position(code: str, pos: int, ch: str) -> None:
    with pytest.raises(CodeError) as info:
        parse_credit_code(code)
    message = str(info.value)
    assert f"第{pos}位" in message and f"“{ch}”" in message
    assert "I、O、S、V、Z" in message


def test_wrong_check_character_says_which_it_should_be() -> None:
    with pytest.raises(CodeError, match="应为“3”，现为“4”"):
        parse_credit_code("91350100M000100Y44")


def test_org_code_warning_is_a_warning_not_a_refusal() -> None:
    # Change position 17 (the org-code check) and repair the GB 32100 check.
    first17 = "91350100M000100Y5"
    code = first17 + check_char(first17)
    assert parse_credit_code(code) == code
    warning = org_code_warning(code)
    assert warning is not None and "应为“4”" in warning and "M000100Y5" in warning
    assert org_code_warning("not a code") is None


def test_civil_affairs_type_digit() -> None:
    code = make_credit_code("5", "2", "350582", "MJ000000")
    assert civil_affairs_type_digit(code) == "2"
    assert civil_affairs_type_digit("") is None


def test_make_credit_code_rejects_bad_parts() -> None:
    with pytest.raises(ValueError):
        make_credit_code("5", "1", "35058", "MJ000000")
    with pytest.raises(ValueError):
        make_credit_code("5", "1", "350582", "MJ00000")
    with pytest.raises(ValueError):
        make_credit_code("5", "1", "350582", "MJ00000O")


# --- properties -------------------------------------------------------------------------

_codes = st.builds(
    make_credit_code,
    st.sampled_from(CHARSET),
    st.sampled_from(CHARSET),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CHARSET, min_size=8, max_size=8),
)
_other_chars = st.one_of(
    st.sampled_from(CHARSET),
    st.sampled_from("abcdefghijklmnopqrstuvwxyzIOSVZ"),
    st.sampled_from("-.* 　０１ＡＸ（中"),
    st.characters(),
)


@given(_codes)
def test_every_made_code_is_valid_with_a_clean_org_code(code: str) -> None:
    assert parse_credit_code(code) == code
    assert org_code_warning(code) is None
    assert parse_credit_code(code.lower()) == code


@given(_codes, st.integers(min_value=0, max_value=17), _other_chars)
def test_every_single_character_change_is_rejected(code: str, pos: int, ch: str) -> None:
    changed = code[:pos] + ch + code[pos + 1 :]
    # Changes that normalize back (m for M, full-width digits) are the same code.
    assume(normalize_credit_code(changed) != code)
    with pytest.raises(CodeError):
        parse_credit_code(changed)


@given(_codes, st.integers(min_value=0, max_value=15))
def test_swapping_neighbours_in_the_first_17_is_rejected(code: str, pos: int) -> None:
    assume(code[pos] != code[pos + 1])
    swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :]
    with pytest.raises(CodeError):
        parse_credit_code(swapped)


@given(_codes, st.integers(min_value=0, max_value=17))
def test_dropping_a_character_is_rejected_with_the_length(code: str, pos: int) -> None:
    with pytest.raises(CodeError, match="现为17位"):
        parse_credit_code(code[:pos] + code[pos + 1 :])
