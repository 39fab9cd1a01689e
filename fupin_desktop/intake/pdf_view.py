"""A received sealed PDF shown in the window (issue 15: from a city total down to the page of a
county's report): a page drawn as a picture, and where on which page a table row stands.

pdfium (pypdfium2) reads it: Qt's own PDF module is not part of PySide6-Essentials. The PDF comes
out of a package that was verified at receipt and is re-hashed when opened, so this is the sealed
file itself, never a copy made to look like it. pdfium is not thread-safe: one document is used
from one thread (the window's).
"""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium

from fupin_desktop.errors import KnownError

COLUMN_SLACK = 8.0  # points: a number in the 序号 column stands within its heading's width and padding
MAX_HALF_ROW = 18.0  # points: half the marked band when the row has no neighbour on its page


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    rgb: bytes  # 3 bytes a pixel, rows top to bottom, no padding


@dataclass(frozen=True)
class RowPlace:
    page: int  # 0-based
    bottom: float  # points from the page's bottom edge
    top: float


class PdfView:
    def __init__(self, pdf: bytes, label: str = "盖章 PDF") -> None:
        try:
            self._doc = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as exc:
            raise KnownError(f"{label}无法打开：{exc}") from None
        self.label = label

    def __len__(self) -> int:
        return len(self._doc)

    def close(self) -> None:
        self._doc.close()

    def page_size(self, index: int) -> tuple[float, float]:
        width, height = self._doc[index].get_size()
        return float(width), float(height)

    def render(self, index: int, scale: float) -> Picture:
        image = self._doc[index].render(scale=scale).to_pil().convert("RGB")
        return Picture(image.width, image.height, image.tobytes("raw", "RGB"))

    def find_row(self, seq: int) -> RowPlace | None:
        """The page and height of the table row numbered ``seq``: the number under the 序号
        heading (repeated on every page of a table), the row reaching halfway to its neighbours."""
        for index in range(len(self._doc)):
            textpage = self._doc[index].get_textpage()
            heads = _boxes(textpage, "序号", whole_word=False)
            if not heads:
                continue
            column = (heads[0][0] - COLUMN_SLACK, heads[0][2] + COLUMN_SLACK)
            mine = _middles(textpage, seq, column)
            if mine:
                around = _middles(textpage, seq - 1, column) + _middles(textpage, seq + 1, column)
                half = min([abs(m - mine[0]) / 2 for m in around] + [MAX_HALF_ROW])
                return RowPlace(index, mine[0] - half, mine[0] + half)
        return None


def _middles(textpage: pdfium.PdfTextPage, number: int, column: tuple[float, float]) -> list[float]:
    """The heights (middle of the line) at which ``number`` stands alone within ``column``."""
    return [(bottom + top) / 2 for left, bottom, right, top in _boxes(textpage, str(number), whole_word=True)
            if left >= column[0] and right <= column[1]]


def _boxes(textpage: pdfium.PdfTextPage, needle: str, *, whole_word: bool) -> list[tuple[float, float, float, float]]:
    """(left, bottom, right, top) of the first line of each place ``needle`` stands on the page."""
    found = []
    searcher = textpage.search(needle, match_case=True, match_whole_word=whole_word)
    while (hit := searcher.get_next()) is not None:
        start, count = hit
        if textpage.count_rects(start, count) > 0:
            found.append(tuple(float(v) for v in textpage.get_rect(0)))
    return found  # type: ignore[return-value]
