"""Pinyin initials for searching names."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin_desktop.domain.pinyin import initials, search_key
from fupin_desktop.domain.text import match_key


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("晋江市某某商会", "jjsmmsh"),  # pypinyin reads 某 as mǒu
        ("晋江市 某某商会（筹）", "jjsmmshc"),
        ("ＡＢＣ协会2号", "abcxh2h"),
        ("吕·阿卜杜", "labd"),
        ("中国银行", "zgyh"),  # phrase table picks háng in 银行
        ("重庆", "cq"),
        ("", ""),
    ],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_search_key() -> None:
    assert search_key("晋江市 某某商会（筹）") == "晋江市某某商会筹 jjsmmshc"
    assert search_key("晋江市某某商会(筹)") == search_key("晋江市 某某商会（筹）")


@given(
    st.text(alphabet=st.sampled_from("晋江市某商会慈善基金ABCabc123 ·（）-") | st.characters(), max_size=20)
)
def test_initials_are_lower_case_ascii(name: str) -> None:
    out = initials(name)
    assert re.fullmatch(r"[a-z0-9]*", out)
    assert search_key(name) == f"{match_key(name)} {out}"
