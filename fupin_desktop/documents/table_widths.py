"""Column widths that make a report table as short as its text allows.

A number, a code, a date or a short name never wraps: its column is at least as wide as the widest one (with
the Chinese unit that stays with a number). Headers wrap before their unit and keep at least a
few characters a line. The columns of running text share the rest of the width so that the
rows, whose height is that of their longest cell, come out as short as they can: that is what
makes a page hold many rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["ColumnText", "fit_widths"]

# What the line breaker keeps whole: a run of Latin letters, digits and their marks, with the one
# Chinese character after it (168.58万, 2025-10-01至, JD2025-0017).
_UNBROKEN = re.compile(r"[!-~·]+[\u3400-\u9fff]?")
# A header wraps at no fewer characters a line than this: six over text, four over a number
# (whose column would otherwise be as wide as 提供就业岗位).
_HEADER_LINE_CHARS = {True: 6, False: 4}
_DECILE = 0.9
# A cell no longer than this stays on one line: a name such as 百社解千难 or 梅岭街道 is a word.
_SHORT_CHARS = 5


@dataclass
class ColumnText:
    header: str
    cells: Sequence[str]  # as printed, one per row (and the 合计 row)
    wraps: bool  # running text; False for numbers, which never wrap


def _header_least(text: str, measure: Callable[[str], float], wraps: bool) -> float:
    cut = text.rfind("（")
    parts = [text[:cut], text[cut:]] if cut > 0 and text.endswith("）") and not wraps else [text]
    return min(max(measure(p) for p in parts), measure("字" * _HEADER_LINE_CHARS[wraps]))


def fit_widths(columns: Sequence[ColumnText], width: float, measure: Callable[[str], float],
               pad: float) -> list[float] | None:
    """Widths summing to ``width``; None when the unbreakable text alone is wider than that."""
    least: list[float] = []
    for col in columns:
        cells = [c for c in col.cells if c]
        short = measure("字" * _SHORT_CHARS)
        pieces = [p for c in cells for p in ([c] if measure(c) <= short else _UNBROKEN.findall(c))] if col.wraps else cells
        longest = max((measure(p) for p in pieces), default=0.0)
        # 1 pt to spare: a cell exactly as wide as its text may still wrap on rounding.
        least.append(max(longest, _header_least(col.header, measure, col.wraps), measure("字")) + pad + 1)
    spare = width - sum(least)
    if spare < 0:
        return None
    wrapping = [i for i, col in enumerate(columns)
                if col.wraps and any(measure(c) > measure("字" * _SHORT_CHARS) for c in col.cells)]
    if not wrapping:
        return [w + spare / len(least) for w in least]
    # Running text is sized by its longer cells (the ninth decile), each column given the width
    # that wraps such a cell to the same number of lines; that number is found by halving.
    long_cell = {}
    for i in wrapping:
        lengths = sorted(measure(c) for c in columns[i].cells if c)
        long_cell[i] = lengths[int(len(lengths) * _DECILE)]
    loss = pad + 1 + measure("字") / 2  # a wrapped line ends on average half a character short

    def widths(lines: float) -> list[float]:
        return [max(w, long_cell[i] / lines + loss) if i in long_cell else w for i, w in enumerate(least)]

    low, high = 1.0, 1000.0
    if sum(widths(low)) > width:
        for _ in range(50):
            mid = (low + high) / 2
            low, high = (mid, high) if sum(widths(mid)) > width else (low, mid)
    fitted = widths(high if sum(widths(low)) > width else low)
    extra = (width - sum(fitted)) / len(wrapping)
    return [w + extra if i in long_cell else w for i, w in enumerate(fitted)]
