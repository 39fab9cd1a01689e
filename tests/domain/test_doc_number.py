from __future__ import annotations

import pytest

from fupin_desktop.domain.doc_number import doc_number, doc_seq, next_doc_number


def test_the_number_has_hexagonal_brackets_and_no_leading_zeros() -> None:
    assert doc_number("晋民", 2026, 15) == "晋民〔2026〕15号"
    assert doc_number("晋民", 2026, 1) == "晋民〔2026〕1号"
    with pytest.raises(ValueError):
        doc_number("", 2026, 1)


def test_numbers_run_per_year_and_agency() -> None:
    taken = ["晋民〔2026〕1号", "晋民〔2026〕9号", "晋民〔2025〕30号", "石民〔2026〕40号", ""]
    assert next_doc_number("晋民", 2026, taken) == "晋民〔2026〕10号"
    assert next_doc_number("晋民", 2027, taken) == "晋民〔2027〕1号"
    assert doc_seq("晋民〔2026〕09号", "晋民", 2026) is None  # a leading zero is not ours
