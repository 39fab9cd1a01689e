"""Every kind of sealed letter from the demo county, measured on its rendered pages against
GB/T 9704-2012: the 文号 line, the Arabic 成文日期, the type area's margins, justified lines, no
number parted from its unit, no page of the letter under two-thirds full, the seal over the
署名 with the text under it still black, and the table pages inside their margins."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pdf_pages import MM, Line, is_landscape, page_lines

from fupin_desktop.documents.seal_image import NAME_LINE
from fupin_desktop.domain.periods import Period
from fupin_desktop.services import submissions

pdfplumber = pytest.importorskip("pdfplumber")
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils missing")

TOP, LEFT, RIGHT, BOTTOM = 37.0, 28.0, 184.0, 262.0  # the portrait type area, mm from the top left
ROW = 225.0 / 22  # one line of the letter, mm
LAND_LEFT, LAND_RIGHT, LAND_TOP, LAND_BOTTOM = 20.0, 277.0, 20.0, 190.0
SEAL_R = 21.0
KINDS = [("monthly", "2026-09"), ("quarter", "2026-Q3"), ("half-year", "2026-H1"), ("year", "2025"),
         ("pairing-plan", "2026"), ("progress", "2026"), ("participation", "2025")]


def _sealed_pdf(reviewer, kind: str, period: str, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    _, path = submissions.submit(reviewer, kind, Period.parse(period), tmp_path / "usb", "demo",
                                 allow_incomplete=True)
    pdf = tmp_path / "report.pdf"
    with zipfile.ZipFile(path) as zf:
        pdf.write_bytes(zf.read("report.pdf"))
    return pdf


def _continued(lines_by_page: list[list[Line]]) -> list[tuple[Line, Line]]:
    """Body lines followed by a line of the same paragraph (the next line starts flush left)."""
    body = [line for page in lines_by_page for line in page if line.size == 16 and TOP - 1 < line.top < BOTTOM]
    return [(a, b) for a, b in zip(body, body[1:], strict=False)
            if abs(b.x0 - LEFT) < 0.5 and (0 < b.top - a.top < ROW * 1.05 or b.top < a.top)]


def _pixels(image) -> list[tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    data = image.tobytes()
    return [tuple(data[i:i + 3]) for i in range(0, len(data), 3)]  # type: ignore[misc]


def _dark_under_seal(pdf: Path, page: int, box: tuple[float, float, float, float], tmp_path: Path) -> tuple[int, int]:
    """Pixels that are black text without the seal, and how many of them stay dark with it."""
    from PIL import Image

    dpi = 100
    for flags, name in (([], "with"), (["-hide-annotations"], "without")):
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), *flags, str(pdf),
                        str(tmp_path / name)], check=True)
    crop = tuple(round(v / 25.4 * dpi) for v in box)
    with_seal = Image.open(next(tmp_path.glob("with-*.png"))).convert("RGB").crop(crop)
    without = Image.open(next(tmp_path.glob("without-*.png"))).convert("RGB").crop(crop)
    pairs = list(zip(_pixels(without), _pixels(with_seal), strict=True))
    under = [w for b, w in pairs if max(b) < 90]
    assert any(b != w for b, w in pairs)  # the seal is drawn there
    return len(under), sum(1 for w in under if w[0] < 120)


@needs_poppler
@pytest.mark.slow
@pytest.mark.parametrize(("kind", "period"), KINDS)
def test_the_sealed_letter_reads_as_a_gongwen(reviewer, tmp_path: Path, kind: str, period: str) -> None:
    pdf = _sealed_pdf(reviewer, kind, period, tmp_path)
    with pdfplumber.open(pdf) as doc:
        pages = list(doc.pages)
        n_letter = next(i for i, p in enumerate(pages) if is_landscape(p))
        letter = [page_lines(p) for p in pages[:n_letter]]
        seal_page = next(i for i, p in enumerate(pages[:n_letter]) if p.annots)
        annot = pages[seal_page].annots[0]
        table_first = page_lines(pages[n_letter])
        table_edges = [e for p in pages[n_letter:] for e in p.edges]
        table_text = [line for p in pages[n_letter:] for line in page_lines(p)]
    text = "".join(line.text for page in letter for line in page)

    # 发文字号 居左 and 签发人 居右 on one line of the first page (§7.2.4–7.2.6); 成文日期 in Arabic
    # numerals, no leading zeros (§7.3.5), under the 署名.
    assert any(re.fullmatch(r"晋民〔20\d\d〕[1-9]\d*号签发人：陈志明", line.text) for line in letter[0]), kind
    signature = letter[seal_page]
    name_at = next(i for i, line in enumerate(signature) if line.text == "晋江市民政局" and line.size == 16)
    name, dated = signature[name_at], signature[name_at + 1]
    assert re.fullmatch(r"20\d\d年[1-9]\d?月[1-9]\d?日", dated.text) and "〇" not in text

    # The type area: text starts 28 mm from the left, full lines end at 184 mm, every page after the
    # first starts on the area's top line, nothing runs past the right edge (within 1 mm).
    body = [line for page in letter for line in page if line.size == 16]
    assert abs(min(line.x0 for line in body) - LEFT) < 1 and max(line.x1 for line in body) < RIGHT + 1
    for page in letter[1:]:
        assert abs(page[0].top - TOP) < 1, (kind, page[0])
    continued = _continued(letter)
    assert continued, kind
    for a, b in continued:
        assert abs(a.x1 - RIGHT) < 1, (kind, a)  # justified, with numbers or without
        assert not (a.text[-1] in "0123456789." and (b.text[0].isdigit() or ord(b.text[0]) >= 0x3000)), (a, b)
    for n, page in enumerate(letter, start=1):
        numbers = [line for line in page if re.fullmatch(rf"—{n}—", line.text)]
        assert numbers and BOTTOM < numbers[0].top < BOTTOM + 10  # — N — 7 mm under the area
        if n < len(letter):  # every page but the last at least two-thirds full
            lowest = max(line.bottom for line in page if line.bottom < BOTTOM + 1)
            assert lowest >= TOP + 225 * 2 / 3, (kind, n, lowest)

    # The seal (42 mm) over 署名 and date: both centred under it and below its centre, its top
    # within a line of the text above, the ring text above the 署名's top.
    x0, x1, top, bottom = (annot[k] / MM for k in ("x0", "x1", "top", "bottom"))
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    assert abs(x1 - x0 - 2 * SEAL_R) < 0.5
    for line in (name, dated):
        assert abs((line.x0 + line.x1) / 2 - cx) < 1, (kind, line)
    assert (name.top + dated.bottom) / 2 > cy and name.top > cy - NAME_LINE * SEAL_R
    above = signature[name_at - 1]
    assert 0 <= top - above.bottom <= ROW, (kind, above, top)
    under, dark = _dark_under_seal(pdf, seal_page + 1, (x0, top, x1, bottom), tmp_path)
    assert under > 50 and dark >= 0.95 * under, (kind, under, dark)

    # The table pages: 附件 顶格 on the first line, the grid from margin to margin (20 mm), no text
    # outside the area but the page numbers.
    assert table_first[0].text == "附件" and abs(table_first[0].x0 - LAND_LEFT) < 1
    assert abs(table_first[0].top - LAND_TOP) < 1
    xs = [e["x0"] / MM for e in table_edges] + [e["x1"] / MM for e in table_edges]
    assert abs(min(xs) - LAND_LEFT) < 1 and abs(max(xs) - LAND_RIGHT) < 1, kind
    inside = [line for line in table_text if not re.fullmatch(r"—\d+—", line.text)]
    assert min(line.x0 for line in inside) > LAND_LEFT - 1 and max(line.x1 for line in inside) < LAND_RIGHT + 1
    assert max(line.bottom for line in inside) < LAND_BOTTOM + 1, kind
