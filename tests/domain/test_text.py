"""clean_text / match_key / to_halfwidth_digits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin_desktop.domain.text import clean_text, match_key, to_halfwidth_digits


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (None, ""),
        ("", ""),
        ("  晋江市 某某商会（筹） ", "晋江市某某商会（筹）"),
        ("晋江市某某商会(筹)", "晋江市某某商会（筹）"),
        ("晋江市某某商会 (筹)", "晋江市某某商会（筹）"),
        ("某某商会(ABC)", "某某商会（ABC）"),
        ("ＡＢＣ１２３", "ABC123"),
        ("电话：０５９５－１２３４５６７８", "电话：0595-12345678"),  # Chinese punctuation stays
        ("a\u3000\u3000b\t\nc", "a b c"),
        ("晋江\u3000市", "晋江市"),
        ("Foo (bar) baz", "Foo (bar) baz"),  # brackets in Latin text stay half-width
        ("某\u200b某", "某某"),  # zero-width space pasted from a web page
        ("阿卜杜 · 买买提", "阿卜杜·买买提"),
        ("Zhang San 张三", "Zhang San 张三"),  # only spaces between two CJK characters go
    ],
)
def test_clean_text_examples(raw: str | None, cleaned: str) -> None:
    assert clean_text(raw) == cleaned


def test_match_key_treats_spacing_brackets_and_width_alike() -> None:
    assert match_key("晋江市 某某商会（筹）") == match_key("晋江市某某商会(筹)")
    assert match_key("ＡＢＣ 协会") == match_key("abc协会")
    assert match_key("阿卜杜·买买提") == match_key("阿卜杜•买买提") == match_key("阿卜杜.买买提")
    assert match_key("a-b_c") == "abc"
    assert match_key(None) == "" == match_key("")
    assert match_key("晋江市某某商会") != match_key("晋江市某某协会")
    # NFKC turns ¨ into space + diaeresis; once the space is gone it composes with the A.
    assert match_key("Ａ¨") == match_key(match_key("Ａ¨")) == "ä"


def test_to_halfwidth_digits() -> None:
    assert to_halfwidth_digits("３５０．５，＋－ＡＢｃ") == "350.5,+-ABc"
    assert to_halfwidth_digits("（万元）") == "（万元）"  # only digits, letters and .,+-


_texty = st.text(
    alphabet=st.sampled_from("晋江市某 　\t\n()（）·ＡａA1１，,.-_") | st.characters(), max_size=30
)


@given(_texty)
def test_clean_text_is_idempotent(s: str) -> None:
    assert clean_text(clean_text(s)) == clean_text(s)


@given(_texty)
def test_clean_text_has_no_stray_whitespace(s: str) -> None:
    out = clean_text(s)
    assert out == out.strip()
    assert "  " not in out
    assert all(ch == " " or not ch.isspace() for ch in out)
    assert not any(0xFF01 <= ord(ch) <= 0xFF5E and chr(ord(ch) - 0xFEE0).isalnum() for ch in out)


@given(_texty)
def test_cleaning_does_not_change_the_match_key(s: str) -> None:
    assert match_key(clean_text(s)) == match_key(s)


@given(_texty)
def test_match_key_is_idempotent(s: str) -> None:
    assert match_key(match_key(s)) == match_key(s)
