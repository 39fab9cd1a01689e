"""A Word document's tables read as one sheet, so a township's `.docx` imports like its Excel.

Townships often send the seed's table (晋政民〔2020〕28号 附件) typed in Word. The document's
paragraphs (title, 填报单位, 填报时间) and its tables' rows are laid out in document order as
the rows of one :class:`Sheet`: a paragraph is a row with its text in the first cell, a table row
a row of cells. Horizontal (``gridSpan``) and vertical (``vMerge``) merges become merged ranges,
so the monthly reader fills a village written once down its rows as it does for Excel.

Only ``word/document.xml`` is read, with the standard library's streaming parser, after the zip
and every XML part have passed ``workbook``'s checks (sizes, ratios, no DOCTYPE/ENTITY). No
python-docx: it would add a dependency for what is a walk over three elements.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

__all__ = ["read_docx_sheet"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_DOC_ROWS = 20_000
MAX_DOC_COLUMNS = 64


class DocxTooBig(ValueError):
    pass


def _text(element: ElementTree.Element) -> str:
    """The visible text of a paragraph or cell: runs joined, tabs and breaks as spaces/new lines."""
    parts: list[str] = []
    for p in element.iter(f"{_W}p"):
        line = []
        for node in p.iter():
            if node.tag == f"{_W}t" and node.text:
                line.append(node.text)
            elif node.tag == f"{_W}tab":
                line.append(" ")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                line.append("\n")
        parts.append("".join(line))
    return "\n".join(parts).strip()


def _cell_span(tc: ElementTree.Element) -> tuple[int, str | None]:
    """(grid columns taken, vMerge: None | 'restart' | 'continue')."""
    props = tc.find(f"{_W}tcPr")
    span, merge = 1, None
    if props is not None:
        grid = props.find(f"{_W}gridSpan")
        if grid is not None:
            try:
                span = max(1, min(int(grid.get(f"{_W}val", "1")), MAX_DOC_COLUMNS))
            except ValueError:
                span = 1
        vmerge = props.find(f"{_W}vMerge")
        if vmerge is not None:
            merge = vmerge.get(f"{_W}val", "continue")
    return span, merge


def _table_rows(tbl: ElementTree.Element, first_row: int,
                merged: list[tuple[int, int, int, int]]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    open_merges: dict[int, int] = {}  # column → row where its vertical merge started
    for r, tr in enumerate(tbl.findall(f"{_W}tr")):
        row: list[Any] = []
        for tc in tr.findall(f"{_W}tc"):
            span, vmerge = _cell_span(tc)
            col = len(row)
            if vmerge == "continue":
                row += [None] * span
                open_merges.setdefault(col, first_row + r - 1)
                continue
            if col in open_merges:  # a vertical merge ended above this cell
                start = open_merges.pop(col)
                merged.append((start, col, first_row + r - 1, col))
            text = _text(tc)
            row += [text or None] + [None] * (span - 1)
            if span > 1:
                merged.append((first_row + r, col, first_row + r, col + span - 1))
        if len(row) > MAX_DOC_COLUMNS:
            raise DocxTooBig(f"表格有一行超过 {MAX_DOC_COLUMNS} 列")
        rows.append(row)
    last = first_row + len(rows) - 1
    for col, start in open_merges.items():
        merged.append((start, col, last, col))
    return rows


def read_docx_sheet(path: Path) -> tuple[list[list[Any]], list[tuple[int, int, int, int]]]:
    """(rows, merged ranges) of the document body; DocxTooBig past the limits."""
    with zipfile.ZipFile(path) as z, z.open("word/document.xml") as part:
        root = ElementTree.parse(part).getroot()
    body = root.find(f"{_W}body")
    rows: list[list[Any]] = []
    merged: list[tuple[int, int, int, int]] = []
    for child in list(body) if body is not None else []:
        if child.tag == f"{_W}p":
            text = _text(child)
            rows.append([text] if text else [])
        elif child.tag == f"{_W}tbl":
            rows += _table_rows(child, len(rows), merged)
        if len(rows) > MAX_DOC_ROWS:
            raise DocxTooBig(f"文档的段落和表格行超过 {MAX_DOC_ROWS} 行")
    width = max((len(r) for r in rows), default=0)
    return [r + [None] * (width - len(r)) for r in rows], merged
