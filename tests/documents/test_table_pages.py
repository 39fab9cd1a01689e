"""The report tables of the demo county's sealed submissions, measured on their pages: as many
rows a page as the text allows, numbers, codes and dates never broken inside a cell, one date
style, and the 填表人 / 注 lines on the page of the table's last rows, never alone."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from pdf_pages import MM, is_landscape, page_lines

from fupin_desktop.domain.periods import Period
from fupin_desktop.services import submissions

pdfplumber = pytest.importorskip("pdfplumber")
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils missing")


def _table_pages(reviewer, kind: str, period: str, tmp_path: Path) -> list:  # type: ignore[no-untyped-def]
    _, path = submissions.submit(reviewer, kind, Period.parse(period), tmp_path / "usb", "demo",
                                 allow_incomplete=True)
    pdf = tmp_path / "report.pdf"
    with zipfile.ZipFile(path) as zf:
        pdf.write_bytes(zf.read("report.pdf"))
    doc = pdfplumber.open(pdf)
    return [p for p in doc.pages if is_landscape(p)]


def _rows(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The numbered rows of a table page: what stands in the 序号 column under the header."""
    return [w["text"] for w in page.extract_words() if w["x0"] / MM < 30 and re.fullmatch(r"\d+", w["text"])]


def _cell_words(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """The words inside the table's grid (not the notes under it)."""
    bottom = max(e["bottom"] for e in page.edges)
    return [w for w in page.extract_words() if w["bottom"] <= bottom]


@needs_poppler
def test_the_pairing_plan_holds_fifteen_rows_a_page_with_every_number_whole(reviewer, tmp_path: Path) -> None:
    pages = _table_pages(reviewer, "pairing-plan", "2026", tmp_path)
    rows = [_rows(p) for p in pages]
    assert len(rows[0]) >= 13  # under the title and 填报单位
    assert all(len(r) >= 15 for r in rows[1:-1]), [len(r) for r in rows]
    words = [w["text"] for p in pages for w in _cell_words(p)]
    # Codes and dates whole: every row's agreement number and both dates of its term.
    n = sum(len(r) for r in rows)
    assert sum(bool(re.fullmatch(r"JD\d{4}-\d{4}", w)) for w in words) == n
    dates = [d for w in words for d in re.findall(r"\d{4}-\d{2}-\d{2}", w)]
    assert len(dates) == 2 * n
    # No number cut at its point or its hyphen, none in the dotted style beside the ISO one.
    assert not [w for w in words if re.search(r"\d[.\-—]$", w) or re.search(r"\d{4}\.\d{2}\.\d{2}", w)]
    for page in pages:
        assert not [line for line in page_lines(page) if line.x1 > 277.5]  # nothing past the right margin


@needs_poppler
@pytest.mark.parametrize(("kind", "period"), [("year", "2025"), ("monthly", "2026-09"), ("participation", "2025"),
                                               ("pairing-plan", "2026")])
def test_the_signature_lines_stay_with_the_last_rows(reviewer, tmp_path: Path, kind: str, period: str) -> None:
    pages = _table_pages(reviewer, kind, period, tmp_path)
    last = next(p for p in pages if "填表人" in p.extract_text())
    assert last is pages[-1]
    # With the 合计 where the table has one, the last page carries at least two of the table's rows (or all, when one page).
    assert len(_rows(last)) >= min(2, sum(len(_rows(p)) for p in pages)), kind
