"""Breaking a 公文 title into lines between words (GB/T 9704-2012 §7.3.1: 回行时要做到词意完整,
排列对称): never "合/作村社" or "社/会组织".

No general word segmenter is shipped: the titles this program writes are made of the bureau's
name, a period and a few fixed terms, so those are kept whole, and a break is liked best right
after a function word (关于, 报送, 的 …). Among the allowed breaks the one that makes the lines
most even wins; lines are centred, so an uneven break still looks symmetrical.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

# Terms the titles are built of, kept whole (longest first, so 社会组织结对帮扶 beats 社会组织).
TERMS = (
    "社会组织参与脱贫攻坚情况统计", "社会组织扶贫协作结对情况和预期效益", "社会组织结对帮扶进展情况",
    "社会组织结对帮扶工作", "合作村社帮扶工作开展情况", "合作村社", "社会组织", "结对帮扶", "帮扶工作",
    "开展情况", "工作情况", "脱贫攻坚", "预期效益", "进展情况", "情况统计", "汇总",
)
_PERIOD = r"\d{4}年(?:第?[一二三四1-4]季度|[上下]半年|\d{1,2}月)?"
_AFTER = ("关于", "报送", "的", "和", "及", "与", "年", "月", "季度", "半年")


def _unbreakable(title: str, keep: Iterable[str]) -> set[int]:
    """Positions i (a break before title[i]) that fall inside a kept word."""
    inside: set[int] = set()
    spans = [m.span() for m in re.finditer(_PERIOD, title)]
    for word in sorted({w for w in keep if w}, key=len, reverse=True):
        spans += [m.span() for m in re.finditer(re.escape(word), title)]
    for start, end in spans:
        inside.update(range(start + 1, end))
    return inside


def title_lines(title: str, width: Callable[[str], float], max_width: float,
                keep: Iterable[str] = ()) -> list[str]:
    """``title`` in as few lines as fit ``max_width``, broken only between words."""
    if width(title) <= max_width:
        return [title]
    banned = _unbreakable(title, (*TERMS, *keep))
    allowed = [i for i in range(1, len(title)) if i not in banned] or list(range(1, len(title)))
    for count in range(math.ceil(width(title) / max_width), len(title) + 1):
        lines = _split(title, allowed, count, width, max_width)
        if lines is not None:
            return lines
    return [title]


def _split(title: str, allowed: list[int], count: int, width: Callable[[str], float],
           max_width: float) -> list[str] | None:
    """The most even split into ``count`` fitting lines at allowed breaks (None if none fits)."""
    best: tuple[float, list[str]] | None = None

    def walk(start: int, left: int, chosen: list[int]) -> None:
        nonlocal best
        if left == 1:
            cuts = [0, *chosen, len(title)]
            lines = [title[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
            widths = [width(line) for line in lines]
            if max(widths) > max_width:
                return
            score = max(widths) - min(widths)
            score += sum(0 if title[:c].endswith(_AFTER) else width(title[0]) for c in chosen)  # a word's end
            if best is None or score < best[0]:
                best = (score, lines)
            return
        for cut in allowed:
            if cut > start and width(title[start:cut]) <= max_width:
                walk(cut, left - 1, [*chosen, cut])

    walk(0, count, [])
    return best[1] if best else None
