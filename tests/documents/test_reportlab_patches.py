"""documents/pdf_fonts.py patches reportlab (ToUnicode maps for Ext-B, the cannot-start set) and
calls its CJK line-breaking internals; pyproject.toml bounds reportlab to the versions checked.
A newer reportlab that changes any of those functions fails here, before a page breaks quietly:
then check what pdf_fonts does with the function, and record its new fingerprint."""

from __future__ import annotations

import hashlib
import inspect

import reportlab.lib.textsplit as textsplit
import reportlab.platypus.paragraph as paragraph
from reportlab.pdfbase import ttfonts

from fupin_desktop.documents import pdf_fonts

# sha256 of the source, first 16 hex digits, as of reportlab 5.1.0.
CHECKED = {
    "ttfonts.makeToUnicodeCMap": "71783731cbe452d8",
    "paragraph.makeCJKParaLine": "ca18174cf13aa732",
    "paragraph.cjkU": "98631765ab1971e5",
    "Paragraph.breakLinesCJK": "90c658521803a5a2",
    "Paragraph.wrap": "d2529564153fe172",
    "Paragraph.draw": "fd68bd732befb498",
}


def _fingerprint(obj: object) -> str:
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:16]  # type: ignore[arg-type]


def test_the_reportlab_functions_pdf_fonts_relies_on_are_the_ones_checked() -> None:
    original = pdf_fonts._original_to_unicode  # the function before the patch replaced it
    found = {
        "ttfonts.makeToUnicodeCMap": _fingerprint(original),
        "paragraph.makeCJKParaLine": _fingerprint(paragraph.makeCJKParaLine),
        "paragraph.cjkU": _fingerprint(paragraph.cjkU),
        "Paragraph.breakLinesCJK": _fingerprint(paragraph.Paragraph.breakLinesCJK),
        "Paragraph.wrap": _fingerprint(paragraph.Paragraph.wrap),
        "Paragraph.draw": _fingerprint(paragraph.Paragraph.draw),
    }
    assert found == CHECKED


def test_the_patches_are_in_place_after_import() -> None:
    pdf_fonts.fix_to_unicode()
    assert ttfonts.makeToUnicodeCMap is pdf_fonts._to_unicode_cmap
    assert "，" in textsplit.ALL_CANNOT_START and paragraph.ALL_CANNOT_START == textsplit.ALL_CANNOT_START
