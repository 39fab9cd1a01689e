"""How big each sheet of an .xls would be once laid out, read from its BIFF records before any
reader builds it.

python-calamine builds every sheet of an .xls as a dense range at open, from the first to the
last cell: one cell at A1 and one at IV65536 make 16.7 million cells, and eight such sheets
took 4.7 GB in a 9 KB file. Here the OLE2 container is opened with ``olefile`` (made for
reading hostile Office files) and the ``Workbook`` stream's records are walked once, keeping
each sheet's first and last row and column.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_BOF, _EOF = 0x0809, 0x000A
_BOF_OLD = (0x0009, 0x0209, 0x0409)  # BIFF2–4 BOFs, never worksheets calamine reads
# Records that start with (row, column) of one cell: NUMBER, RK, LABELSST, LABEL, BLANK,
# BOOLERR, FORMULA, RSTRING.
_ONE_CELL = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x0201, 0x0205, 0x0006, 0x00D6})
_MANY_CELLS = frozenset({0x00BD, 0x00BE})  # MULRK, MULBLANK: row, first column, …, last column
_WORKSHEET = 0x0010  # BOF substream type


@dataclass
class SheetExtent:
    first_row: int = 1 << 30
    last_row: int = -1
    first_col: int = 1 << 30
    last_col: int = -1

    def add(self, row: int, first_col: int, last_col: int) -> None:
        self.first_row, self.last_row = min(self.first_row, row), max(self.last_row, row)
        self.first_col, self.last_col = min(self.first_col, first_col), max(self.last_col, last_col)

    @property
    def rows(self) -> int:
        return max(0, self.last_row - self.first_row + 1)

    @property
    def cells(self) -> int:
        return self.rows * max(0, self.last_col - self.first_col + 1)


class NotBiff(Exception):
    """The container or its stream is not a readable Excel 97–2003 workbook."""


def workbook_stream(path: Path) -> bytes:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            for name in ("Workbook", "Book"):
                if ole.exists(name):
                    return bytes(ole.openstream(name).read())
    except Exception as exc:  # olefile raises many kinds for a broken container
        raise NotBiff(str(exc)) from None
    raise NotBiff("no Workbook stream")


def sheet_extents(stream: bytes) -> list[SheetExtent]:
    """The extent of each worksheet substream, in order (sheets without cells included)."""
    sheets: list[SheetExtent] = []
    current: SheetExtent | None = None
    pos, end = 0, len(stream)
    unpack = struct.unpack_from
    while pos + 4 <= end:
        kind, length = unpack("<HH", stream, pos)
        body = pos + 4
        pos = body + length
        if pos > end:
            break  # a cut record: the reader will say the file is damaged
        if kind == _BOF or kind in _BOF_OLD:
            current = None
            if length >= 4 and unpack("<H", stream, body + 2)[0] == _WORKSHEET:
                current = SheetExtent()
                sheets.append(current)
        elif current is None or length < 4:
            continue
        elif kind in _ONE_CELL:
            row, col = unpack("<HH", stream, body)
            current.add(row, col, col)
        elif kind in _MANY_CELLS and length >= 6:
            row, first = unpack("<HH", stream, body)
            last = unpack("<H", stream, pos - 2)[0]
            current.add(row, first, max(first, last))
        elif kind == _EOF:
            current = None
    return sheets
