from __future__ import annotations

import pytest

from fupin_desktop.domain.passphrase import passphrase_strength


@pytest.mark.parametrize(("text", "label"), [
    ("1234", "太短"),
    ("12345678", "弱"),  # one ascending run
    ("secret-1", "弱"),
    ("aaaaaaaaaaaa", "弱"),
    ("jinjiang2026", "一般"),
    ("晋江民政局公章口令", "强"),
    ("Qz7!mR2#vL9p", "强"),
])
def test_passphrase_strength_in_a_word(text: str, label: str) -> None:
    assert passphrase_strength(text).label == label
