"""Reading a PDF page as a person sees it: lines of text with where they sit, in millimetres from
the paper's top left corner (pdfplumber, which reads the character positions the viewer draws)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MM = 72 / 25.4


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float  # the characters' box, as pdfplumber measures it
    bottom: float
    size: float


def page_lines(page: Any) -> list[Line]:
    """The page's characters grouped into lines by their baseline, top to bottom."""
    rows: dict[int, list[dict[str, Any]]] = {}
    for ch in page.chars:
        if not ch["text"].strip():
            continue
        rows.setdefault(round(ch["bottom"] * 2), []).append(ch)
    lines = []
    for key in sorted(rows):
        chars = sorted(rows[key], key=lambda c: c["x0"])
        text = "".join(c["text"] for c in chars).strip()
        if text:
            lines.append(Line(text, chars[0]["x0"] / MM, chars[-1]["x1"] / MM, min(c["top"] for c in chars) / MM,
                              max(c["bottom"] for c in chars) / MM, max(c["size"] for c in chars)))
    return lines


def is_landscape(page: Any) -> bool:
    return bool(page.width > page.height)
