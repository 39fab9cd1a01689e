"""Reading the spreadsheets people send, safely (and a Word document's tables, as one sheet).

A file is judged by its own bytes, never by its name: an Office Open XML or OpenDocument
zip with the parts a workbook has, or an OLE2 compound file holding an Excel 97–2003
workbook. Before any parser sees the content, the zip's declared sizes and compression
ratios are checked, every XML part is scanned (in bounded chunks) for DOCTYPE/ENTITY
declarations, and the sheets' cell references are counted so that a sheet that would
expand to millions of rows or cells is refused before python-calamine builds it.
python-calamine reports no merged ranges for OpenDocument files, so those are read from
``content.xml`` here, streaming, once the file has passed the checks.
Everything that goes wrong becomes a :class:`WorkbookError` with a Chinese sentence
naming the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from fupin_desktop.errors import KnownError, os_error_message
from fupin_desktop.intake.xls_extent import NotBiff, sheet_extents, workbook_stream

__all__ = ["Sheet", "Workbook", "WorkbookError", "filled_rows", "read_workbook"]

MB = 1024 * 1024
MAX_FILE_BYTES = 50 * MB
MAX_PART_BYTES = 100 * MB  # declared uncompressed size of any one part
MAX_TOTAL_BYTES = 200 * MB  # declared uncompressed size of all parts together
MAX_RATIO = 200  # uncompressed / compressed, for parts big enough to matter
RATIO_FLOOR_BYTES = 1 * MB  # a small part may compress very well (repeated styles) without harm
MAX_ZIP_ENTRIES = 10_000
MAX_ROWS = 200_000
# Rows × columns as the reader lays them out, of one sheet and of all sheets together. A sheet's
# range plus its rows in Python cost ≈ 40 bytes a cell; the worst case (a second sheet at the
# limit, built before it is refused) measured 379 MB at 5 million, so 4 million keeps every
# workbook near 300 MB. A county's sheets have well under a million.
MAX_CELLS = 4_000_000
MAX_MERGED = 50_000
# All sheets of an .xls together: python-calamine builds them all at open (≈ 100 bytes a cell
# with the rows handed to Python), so this keeps any .xls under 400 MB.
MAX_XLS_CELLS = 2_000_000

_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP = b"PK\x03\x04"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_CHUNK = 1 * MB
_OVERLAP = 64 * 1024  # longer than any token the scanners look for


class WorkbookError(KnownError):
    """A file that cannot or must not be read as a workbook; the message names the file."""


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[Any]]  # from A1; empty cells are None; whole numbers come as float
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1), 0-based
    hidden: bool = False


@dataclass(frozen=True)
class Workbook:
    file_name: str
    sheets: list[Sheet]


def filled_rows(sheet: Sheet) -> list[list[Any]]:
    """A copy of the rows with each merged range's top-left value copied into its other cells."""
    rows = [list(r) for r in sheet.rows]
    width = max((len(r) for r in rows), default=0)
    budget = len(rows) * width  # ranges that do not overlap cannot fill more than the sheet
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            last = min(c1, width - 1)
            if len(row) <= last:
                row.extend([None] * (last + 1 - len(row)))
            for c in range(c0, last + 1):
                if (r, c) != (r0, c0):
                    row[c] = value
            budget -= last + 1 - c0
            if budget < 0:
                raise WorkbookError(f"工作表「{sheet.name}」的合并单元格互相重叠，文件可能已损坏。")
    return rows


def _refuse(name: str, why: str) -> WorkbookError:
    return WorkbookError(f"文件「{name}」{why}")


def _not_a_workbook(name: str) -> WorkbookError:
    return _refuse(name, "不是 Excel 或 WPS 表格文件（与扩展名无关），无法导入。请在 Excel 中打开后“另存为” .xlsx 再导入。")


def _encrypted(name: str) -> WorkbookError:
    return _refuse(name, "设置了打开密码（已加密），无法读取。请在 Excel 中取消密码后另存，再导入。")


def _too_big(name: str, detail: str) -> WorkbookError:
    return _refuse(name, f"{detail}，超出导入限度（文件可能已损坏或被恶意构造），已拒绝读取。")


def read_workbook(path: Path) -> Workbook:
    """Every sheet of the workbook at ``path``; :class:`WorkbookError` for anything unsafe or unreadable."""
    name = Path(path).name
    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_big(name, f"有 {size / MB:.1f} MB，超过 {MAX_FILE_BYTES // MB} MB")
        with open(path, "rb") as f:
            head = f.read(8)
        if head.startswith(_ZIP):
            kind = _check_zip(path, name)
        elif head == _OLE2:
            _check_ole2(path, name)
            _check_xls_extents(path, name)
            kind = "xls"
        else:
            raise _not_a_workbook(name)
        return _read(path, name, kind)
    except WorkbookError:
        raise
    except OSError as exc:
        raise _refuse(name, f"无法打开：{os_error_message(exc)}") from exc
    except Exception as exc:  # every reader failure becomes a message, never a traceback
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _encrypted(name) from exc
        raise WorkbookError(f"无法读取文件「{name}」：{_describe(exc)}") from exc


def _describe(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return "文件已损坏（压缩包结构有误）。"
    if isinstance(exc, MemoryError):
        return "内存不足。"
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return f"文件已损坏或格式不受支持（{text}）。"


# --- OLE2 (.xls, or an encrypted .xlsx, or a Word/PowerPoint 97 file) ------------------------


def _check_ole2(path: Path, name: str) -> None:
    data = Path(path).read_bytes()  # at most MAX_FILE_BYTES
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        raise _encrypted(name)
    if "Workbook".encode("utf-16-le") not in data and "Book".encode("utf-16-le") not in data:
        raise _not_a_workbook(name)


def _check_xls_extents(path: Path, name: str) -> None:
    """Each sheet's laid-out size, and all sheets' together (the reader holds them all at once)."""
    try:
        extents = sheet_extents(workbook_stream(path))
    except NotBiff:
        raise _not_a_workbook(name) from None
    for n, extent in enumerate(extents, 1):
        if extent.rows > MAX_ROWS or extent.cells > MAX_CELLS:
            raise _too_big(name, f"的第 {n} 个工作表铺开后有 {extent.rows} 行、{extent.cells} 个单元格")
    total = sum(e.cells for e in extents)
    if total > MAX_XLS_CELLS:
        raise _too_big(name, f"的 {len(extents)} 个工作表铺开后共有 {total} 个单元格，超过 {MAX_XLS_CELLS} 个")


# --- zip containers (.xlsx/.xlsm, .ods) ----------------------------------------------------------


def _check_zip(path: Path, name: str) -> str:
    """"xlsx" or "ods", once every part has passed the checks."""
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        names = {i.filename for i in infos}
        if "xl/workbook.bin" in names:
            raise _refuse(name, "是 .xlsb（Excel 二进制工作簿）格式，暂不支持。请在 Excel 中另存为 .xlsx 后再导入。")
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            kind = "xlsx"
        elif "content.xml" in names and "mimetype" in names and _small_read(z, "mimetype").strip() == _ODS_MIME:
            kind = "ods"
        elif "[Content_Types].xml" in names and "word/document.xml" in names:
            kind = "docx"  # a Word table (the seed's table typed in Word): read by docx_tables
        else:
            raise _not_a_workbook(name)
        if len(infos) > MAX_ZIP_ENTRIES:
            raise _too_big(name, f"内含 {len(infos)} 个部件")
        if any(i.flag_bits & 0x1 for i in infos):
            raise _encrypted(name)
        total = 0
        for info in infos:
            if info.file_size > MAX_PART_BYTES:
                raise _too_big(name, f"中的「{info.filename}」解压后有 {info.file_size / MB:.0f} MB")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
                raise _too_big(name, f"中的「{info.filename}」压缩比为 {ratio:.0f} 倍")
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _too_big(name, f"解压后共有 {total / MB:.0f} MB")
        for info in infos:
            if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            with z.open(info) as part:
                if kind == "xlsx" and info.filename.startswith("xl/"):
                    # Every part, not only xl/worksheets/: the workbook's relations may put a
                    # sheet anywhere, and no other part has <row>/<c> elements.
                    _scan(part, name, _XlsxCounter(name))
                elif kind == "ods" and info.filename == "content.xml":
                    _scan(part, name, _OdsCounter(name))
                else:
                    _scan(part, name, None)
    return kind


def _small_read(z: zipfile.ZipFile, member: str) -> bytes:
    with z.open(member) as f:
        return f.read(200)


_FORBIDDEN = re.compile(
    b"|".join(
        re.escape(word.encode(codec))
        for word in ("<!DOCTYPE", "<!ENTITY")
        for codec in ("ascii", "utf-16-le", "utf-16-be")
    ),
    re.IGNORECASE,
)


def _chunks(part: IO[bytes]) -> Iterator[tuple[bytes, int, bool]]:
    """(buffer, limit, last): tokens starting before ``limit`` are complete and seen once."""
    buf = b""
    while True:
        chunk = part.read(_CHUNK)  # zipfile stops at the declared size and checks the CRC
        if not chunk:
            yield buf, len(buf), True
            return
        buf += chunk
        limit = max(len(buf) - _OVERLAP, 0)
        yield buf, limit, False
        buf = buf[limit:]


def _scan(part: IO[bytes], name: str, counter: _Counter | None) -> None:
    for buf, limit, _last in _chunks(part):
        if _FORBIDDEN.search(buf):  # the overlap makes sure a declaration is never cut in two
            raise _refuse(name, "含有 XML 实体或文档类型声明（DOCTYPE/ENTITY），可能被恶意构造，已拒绝读取。")
        if counter is not None:
            counter.feed(buf, limit)


class _Counter:
    """Follows a sheet's XML tokens and refuses a sheet that would be too large once laid out."""

    TOKENS: re.Pattern[bytes]

    def __init__(self, name: str) -> None:
        self.name = name

    def feed(self, buf: bytes, limit: int) -> None:
        for m in self.TOKENS.finditer(buf):
            if m.start() >= limit:
                break
            self.token(m)

    def token(self, m: re.Match[bytes]) -> None:
        raise NotImplementedError

    def check(self, rows: int, cells: int) -> None:
        if rows > MAX_ROWS:
            raise _too_big(self.name, f"中有工作表的数据延伸到第 {rows} 行，超过 {MAX_ROWS} 行")
        if cells > MAX_CELLS:
            raise _too_big(self.name, f"中有工作表铺开后超过 {MAX_CELLS} 个单元格")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


class _XlsxCounter(_Counter):
    TOKENS = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?(row|c)(?=[\s/>])([^>]{0,60000})")
    _ROW_R = re.compile(rb'\br="(\d{1,9})"')
    _CELL_R = re.compile(rb'\br="([A-Z]{1,4})(\d{1,9})"')

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.row = 0
        self.col = 0
        self.max_row = 0
        self.max_col = 0

    _ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?c(?=[\s/>])")
    _ANY_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?row(?=[\s/>])([^>]{0,60000})")
    _CELL_REFS = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?c\s[^>]{0,60000}?\br=\"([A-Z]{1,4})(\d{1,9})\"")

    def feed(self, buf: bytes, limit: int) -> None:
        # Fast path for the usual file, where every cell and row says where it is: the maxima
        # come from one regex pass instead of a Python call per cell (10,000-row sheets).
        # Maxima do not mind a tag seen twice, so read on into the overlap up to the last tag
        # start: no tag is then cut in half at ``limit`` (which would force the slow path).
        end = buf.rfind(b"<")
        view = buf[:end] if end > limit else buf[:limit]
        refs = self._CELL_REFS.findall(view)
        rows = self._ANY_ROW.findall(view)
        if len(refs) != len(self._ANY_CELL.findall(view)) or any(b'r="' not in attrs for attrs in rows):
            super().feed(buf, limit)
            return
        if rows:
            last = self._ROW_R.search(rows[-1])
            self.row = int(last.group(1)) if last else self.row
        if refs:
            widest = max(len(letters) for letters, _ in refs)
            self.col = _column_number(refs[-1][0])
            self.max_col = max(self.max_col, _column_number(max(c for c, _ in refs if len(c) == widest)))
            self.max_row = max(self.max_row, max(int(r) for _, r in refs))
            self.check(self.max_row, self.max_row * self.max_col)

    def token(self, m: re.Match[bytes]) -> None:
        attrs = m.group(2)
        if m.group(1) == b"row":
            r = self._ROW_R.search(attrs)
            self.row = int(r.group(1)) if r else self.row + 1
            self.col = 0
            return
        ref = self._CELL_R.search(attrs)
        if ref:
            self.col, row = _column_number(ref.group(1)), int(ref.group(2))
        else:
            self.col, row = self.col + 1, self.row
        self.max_row = max(self.max_row, row)
        self.max_col = max(self.max_col, self.col)
        self.check(self.max_row, self.max_row * self.max_col)


class _OdsCounter(_Counter):
    TOKENS = re.compile(
        rb"(?P<table><table:table(?=[\s>]))"
        rb"|<table:table-row\b(?P<rattrs>[^>]{0,60000}?)(?P<rclose>/?)>"
        rb"|(?P<rend></table:table-row>)"
        rb"|<table:(?P<covered>covered-)?table-cell\b(?P<cattrs>[^>]{0,60000}?)(?P<cclose>/?)>"
    )
    _ROWS_REPEATED = re.compile(rb'number-rows-repeated="(\d{1,10})"')
    _COLS_REPEATED = re.compile(rb'number-columns-repeated="(\d{1,10})"')

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._new_table()

    def _new_table(self) -> None:
        self.row_pos = 0  # rows before the current one
        self.repeat = 1
        self.col_pos = 0
        self.last_col = 0  # last column with content in the current row
        self.max_row = 0
        self.max_col = 0

    def token(self, m: re.Match[bytes]) -> None:
        if m.group("table"):
            self._new_table()
        elif m.group("rend"):
            self._end_row()
        elif m.group("rattrs") is not None:
            rep = self._ROWS_REPEATED.search(m.group("rattrs"))
            self.repeat, self.col_pos, self.last_col = (int(rep.group(1)) if rep else 1), 0, 0
            if m.group("rclose"):
                self._end_row()
        else:
            attrs = m.group("cattrs")
            rep = self._COLS_REPEATED.search(attrs)
            self.col_pos += int(rep.group(1)) if rep else 1
            # A cell holds something if it has a value type or children (<text:p>); covered
            # cells are the hidden part of a merged range.
            if not m.group("covered") and (b"value-type" in attrs or not m.group("cclose")):
                self.last_col = self.col_pos
                rows = self.row_pos + self.repeat
                self.check(rows, rows * self.col_pos)

    def _end_row(self) -> None:
        if self.last_col:
            self.max_row = self.row_pos + self.repeat
            self.max_col = max(self.max_col, self.last_col)
            self.check(self.max_row, self.max_row * self.max_col)
        self.row_pos += self.repeat
        self.repeat, self.col_pos, self.last_col = 1, 0, 0


# --- reading, once the file is known to be safe ------------------------------------------------


def _read(path: Path, name: str, kind: str) -> Workbook:
    if kind == "docx":
        from fupin_desktop.intake.docx_tables import DocxTooBig, read_docx_sheet

        try:
            rows, merged = read_docx_sheet(path)
        except DocxTooBig as exc:
            raise _too_big(name, f"：{exc}") from None
        except ElementTree.ParseError:
            raise _refuse(name, "是 Word 文档，但内容已损坏，读不出其中的表格。请在 Word 中打开后另存为 .docx，"
                          "或把表格复制到 Excel 后再导入。") from None
        return Workbook(name, [Sheet("Word表格", rows, merged)])
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    sheets: list[Sheet] = []
    laid_out = 0
    try:
        # From the open file, so that calamine too goes by the content and not by the name.
        with open(path, "rb") as f, CalamineWorkbook.from_filelike(f) as book:
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue
                sheet = book.get_sheet_by_name(meta.name)
                end = sheet.end
                rows: list[list[Any]] = []
                if end is not None:
                    height, width = end[0] + 1, end[1] + 1
                    if height > MAX_ROWS or height * width > MAX_CELLS:
                        raise _too_big(name, f"的工作表「{meta.name}」有 {height} 行 × {width} 列")
                    laid_out += height * width
                    if laid_out > MAX_CELLS:
                        raise _too_big(name, f"的各工作表铺开后共超过 {MAX_CELLS} 个单元格")
                    rows = [[None if v == "" else v for v in row] for row in sheet.to_python(skip_empty_area=False)]
                merged_ranges = sheet.merged_cell_ranges or []
                if len(merged_ranges) > MAX_MERGED:
                    raise _too_big(name, f"的工作表「{meta.name}」有 {len(merged_ranges)} 个合并区域")
                merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged_ranges]
                sheets.append(Sheet(meta.name, rows, merged, meta.visible != SheetVisibleEnum.Visible))
    except PasswordError as exc:
        raise _encrypted(name) from exc
    if not sheets:
        raise _refuse(name, "里没有工作表。")
    if kind == "ods" and not any(s.merged for s in sheets):
        extents = {s.name: (len(s.rows), max((len(r) for r in s.rows), default=0)) for s in sheets}
        found = _ods_merged(path, name, extents)
        sheets = [replace(s, merged=found.get(s.name, [])) for s in sheets]
    return Workbook(name, sheets)


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_T_TABLE, _T_NAME, _T_ROW = _TABLE + "table", _TABLE + "name", _TABLE + "table-row"
_T_CELL, _T_COVERED = _TABLE + "table-cell", _TABLE + "covered-table-cell"
_T_ROWS_REPEATED, _T_COLS_REPEATED = _TABLE + "number-rows-repeated", _TABLE + "number-columns-repeated"
_T_ROWS_SPANNED, _T_COLS_SPANNED = _TABLE + "number-rows-spanned", _TABLE + "number-columns-spanned"
_SPANNED = re.compile(rb'number-(?:rows|columns)-spanned="0*(?:[2-9]|[1-9]\d+)"')  # a span over 1


def _ods_merged(path: Path, name: str, extents: dict[str, tuple[int, int]]) -> dict[str, list[tuple[int, int, int, int]]]:
    """The merged ranges of each table of ``content.xml`` named in ``extents`` (sheet name → rows, columns
    as read), clipped to that extent; ``{}`` if they cannot be read, since a missed merge only leaves
    cells unfilled. :class:`WorkbookError` if a sheet has more than :data:`MAX_MERGED` of them."""
    try:
        with zipfile.ZipFile(path) as z:
            with z.open("content.xml") as part:  # most sheets merge nothing: skip the slower parse
                if not any(_SPANNED.search(buf) for buf, _limit, _last in _chunks(part)):
                    return {}
            with z.open("content.xml") as part:
                return _OdsMerges(name, extents).read(part)
    except WorkbookError:
        raise
    except Exception:
        return {}


def _count(elem: Any, attr: str) -> int:
    """A repeat or span attribute; 1 if absent or not a positive number."""
    text = elem.get(attr)
    if text is None or not text.isdigit() or len(text) > 10:
        return 1
    return max(int(text), 1)


class _OdsMerges:
    """Follows the rows and cells of ``content.xml`` and collects the cells that span others.

    Positions count every cell, covered or not, times its ``number-columns-repeated``, and every
    row times its ``number-rows-repeated``. A repeated cell that spans is a merge at each of its
    copies only where the copies cannot overlap (copies along rows for a cell one row high, along
    columns for a cell one column wide); otherwise at its first position only.
    """

    def __init__(self, name: str, extents: dict[str, tuple[int, int]]) -> None:
        self.name = name
        self.extents = extents
        self.found: dict[str, list[tuple[int, int, int, int]]] = {}
        self.table = ""
        self.ranges: list[tuple[int, int, int, int]] | None = None  # the current table's, if it is a sheet
        self.height = self.width = 0
        self.row = self.repeat = self.col = 0

    def read(self, part: IO[bytes]) -> dict[str, list[tuple[int, int, int, int]]]:
        from defusedxml.ElementTree import iterparse

        open_elements: list[Any] = []
        depth = 0  # open <table:table> elements; a table inside a cell is not a sheet
        for event, elem in iterparse(part, events=("start", "end"), forbid_dtd=True):
            tag = elem.tag
            if event == "start":
                open_elements.append(elem)
                if tag == _T_TABLE:
                    depth += 1
                    if depth == 1:
                        self._start_table(elem.get(_T_NAME, ""))
                elif depth == 1 and self.ranges is not None:
                    if tag == _T_ROW:
                        self.repeat, self.col = _count(elem, _T_ROWS_REPEATED), 0
                    elif tag in (_T_CELL, _T_COVERED):
                        columns = _count(elem, _T_COLS_REPEATED)
                        if tag == _T_CELL:
                            self._cell(columns, _count(elem, _T_ROWS_SPANNED), _count(elem, _T_COLS_SPANNED))
                        self.col += columns
                continue
            open_elements.pop()
            if tag == _T_TABLE:
                depth -= 1
            elif tag == _T_ROW and depth == 1:
                self.row += self.repeat
                self.repeat = 1
            if open_elements:  # everything read so far is done with: keep the tree from growing
                del open_elements[-1][:]
        return self.found

    def _start_table(self, table: str) -> None:
        self.table = table
        self.ranges = self.found.setdefault(table, []) if table in self.extents else None
        self.height, self.width = self.extents.get(table, (0, 0))
        self.row, self.repeat, self.col = 0, 1, 0

    def _cell(self, columns: int, rows_spanned: int, cols_spanned: int) -> None:
        if (rows_spanned == 1 and cols_spanned == 1) or self.row >= self.height or self.col >= self.width:
            return
        row_copies = self.repeat if rows_spanned == 1 else 1
        col_copies = columns if cols_spanned == 1 else 1
        for r in range(self.row, min(self.row + row_copies, self.height)):
            last_row = min(r + rows_spanned, self.height) - 1
            for c in range(self.col, min(self.col + col_copies, self.width)):
                last_col = min(c + cols_spanned, self.width) - 1
                if (last_row, last_col) != (r, c):
                    self._add((r, c, last_row, last_col))

    def _add(self, merged: tuple[int, int, int, int]) -> None:
        assert self.ranges is not None
        if len(self.ranges) >= MAX_MERGED:
            raise _too_big(self.name, f"的工作表「{self.table}」有超过 {MAX_MERGED} 个合并区域")
        self.ranges.append(merged)
