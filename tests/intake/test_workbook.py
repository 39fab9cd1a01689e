"""Reading what people send: real workbooks read, everything else refused with a message naming the file."""

from __future__ import annotations

import os
import struct
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from fupin_desktop.errors import KnownError
from fupin_desktop.intake import workbook as wbmod
from fupin_desktop.intake.workbook import Sheet, WorkbookError, filled_rows, read_workbook

SHEET1 = "xl/worksheets/sheet1.xml"


def make_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "名册"
    ws.append(["组织名称", "统一社会信用代码", "成立日期", "人数"])
    ws.append(["晋江市服装商会", "51350582MJ0000000X", date(2020, 6, 3), 12])
    ws.append(["＝不是公式", None, datetime(2020, 6, 3, 8, 30), 3.5])
    ws["A5"] = "合并"
    ws.merge_cells("A5:B6")
    ws["C6"] = "末行"
    book.create_sheet("第二页")["C3"] = "右下"
    book.save(path)
    return path


def with_part(src: Path, dst: Path, member: str, data: bytes) -> Path:
    """A copy of the zip ``src`` with ``member`` replaced (or added)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != member:
                zout.writestr(item.filename, zin.read(item.filename))
        zout.writestr(member, data)
    return dst


def sheet_xml(rows_xml: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{rows_xml}</sheetData></worksheet>").encode()


def refused(path: Path, *words: str) -> str:
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    message = str(info.value)
    assert path.name in message
    for word in words:
        assert word in message, message
    assert isinstance(info.value, KnownError)
    return message


# --- what is read --------------------------------------------------------------------------------


def test_reads_values_dates_blanks_and_merged_ranges(tmp_path: Path) -> None:
    book = read_workbook(make_xlsx(tmp_path / "名册.xlsx"))
    assert book.file_name == "名册.xlsx"
    assert [s.name for s in book.sheets] == ["名册", "第二页"]
    first = book.sheets[0]
    assert first.rows[0] == ["组织名称", "统一社会信用代码", "成立日期", "人数"]
    assert first.rows[1][1] == "51350582MJ0000000X"
    assert first.rows[1][2] == date(2020, 6, 3) or first.rows[1][2] == datetime(2020, 6, 3)
    assert first.rows[1][3] == 12.0  # whole numbers come as float; the form's coerce handles them
    assert first.rows[2][1] is None  # an empty cell
    assert first.rows[2][2] == datetime(2020, 6, 3, 8, 30)
    assert first.merged == [(4, 0, 5, 1)]
    filled = filled_rows(first)
    assert filled[4][:2] == ["合并", "合并"] and filled[5][:2] == ["合并", "合并"]
    assert first.rows[5][0] is None  # the sheet itself is left as read
    assert len(filled) == len(first.rows)  # a range reaching below the data adds no rows
    second = book.sheets[1]
    assert second.rows[2] == [None, None, "右下"]  # positions count from A1


def test_the_name_does_not_matter_only_the_bytes(tmp_path: Path) -> None:
    src = make_xlsx(tmp_path / "a.xlsx")
    renamed = tmp_path / "名册.dat"
    renamed.write_bytes(src.read_bytes())
    assert read_workbook(renamed).sheets[0].rows[0][0] == "组织名称"


def test_xls_is_read(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("名册")
    ws.write(0, 0, "组织名称")
    ws.write(0, 1, "人数")
    ws.write(1, 0, "晋江市服装商会")
    ws.write(1, 1, 12)
    ws.write_merge(2, 3, 0, 1, "合并")
    path = tmp_path / "old.xlsx"  # an .xls under a wrong name is still an .xls
    book.save(str(path))
    sheet = read_workbook(path).sheets[0]
    assert sheet.rows[:2] == [["组织名称", "人数"], ["晋江市服装商会", 12.0]]
    assert sheet.merged == [(2, 0, 3, 1)]


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def ods(path: Path, rows_xml: str, more: dict[str, str] | None = None) -> Path:
    """An .ods whose sheet 名册 has ``rows_xml``, then a sheet per ``more`` entry (name → rows)."""
    tables = "".join(f'<table:table table:name="{name}">{xml}</table:table>'
                     for name, xml in {"名册": rows_xml, **(more or {})}.items())
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
    return path


def cell(text: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def test_ods_is_read_and_its_trailing_blank_rows_are_harmless(tmp_path: Path) -> None:
    rows = (f"<table:table-row>{cell('组织名称')}{cell('代码')}</table:table-row>"
            f"<table:table-row>{cell('晋江市服装商会')}<table:table-cell/></table:table-row>"
            '<table:table-row table:number-rows-repeated="1048574">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    sheet = read_workbook(ods(tmp_path / "名册.ods", rows)).sheets[0]
    assert sheet.name == "名册"
    assert sheet.rows == [["组织名称", "代码"], ["晋江市服装商会", None]]


def test_ods_with_too_many_filled_rows_is_refused(tmp_path: Path) -> None:
    rows = f'<table:table-row table:number-rows-repeated="300000">{cell("x")}</table:table-row>'
    refused(ods(tmp_path / "大.ods", rows), "300000")


ODS_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ods"


def row(*cells: str, repeat: int = 1) -> str:
    attrs = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attrs}>{''.join(cells)}</table:table-row>"


def span(text: str, rows: int = 1, cols: int = 1) -> str:
    return (f'<table:table-cell office:value-type="string" table:number-rows-spanned="{rows}" '
            f'table:number-columns-spanned="{cols}"><text:p>{text}</text:p></table:table-cell>')


def blank(cols: int = 1) -> str:
    return f'<table:table-cell table:number-columns-repeated="{cols}"/>'


def covered(cols: int = 1) -> str:
    return f'<table:covered-table-cell table:number-columns-repeated="{cols}"/>'


def test_ods_merged_ranges_made_by_libreoffice_are_read_and_filled() -> None:
    # merged.ods: see tests/fixtures/ods/make_fixtures.py (openpyxl .xlsx converted by LibreOffice).
    first, second = read_workbook(ODS_FIXTURES / "merged.ods").sheets
    assert (first.name, second.name) == ("村社名册", "第二页")
    assert first.merged == [(1, 0, 3, 0), (4, 1, 4, 2)]  # A2:A4 down three rows, B5:C5 across two
    assert first.rows[2][0] is None and first.rows[4][2] is None  # as read: the range's other cells are empty
    filled = filled_rows(first)
    assert [r[0] for r in filled] == ["村（社区）", "青华社区", "青华社区", "青华社区", None, "末行"]
    assert filled[4] == [None, "横跨", "横跨", "d5"]
    assert second.merged == [(2, 2, 3, 3)]  # the second sheet's merge stays on it
    assert filled_rows(second)[3] == [None, None, "两页", "两页", "e"]


def test_ods_repeated_rows_and_cells_before_a_merge_shift_it(tmp_path: Path) -> None:
    rows = (row(cell("表头"))
            + row(blank(), repeat=2)  # rows 2-3 empty
            + row(blank(3), span("村", rows=3), cell("甲"))  # D4:D6
            + row(blank(3), covered(), cell("乙"))
            + row(blank(3), covered(), cell("丙"))
            + row(blank(), span("跨", cols=2), covered(), blank(2), cell("尾")))  # B7:C7
    sheet = read_workbook(ods(tmp_path / "重复.ods", rows)).sheets[0]
    assert sheet.merged == [(3, 3, 5, 3), (6, 1, 6, 2)]
    filled = filled_rows(sheet)
    assert [r[3] for r in filled[3:6]] == ["村", "村", "村"]
    assert [r[4] for r in filled[3:6]] == ["甲", "乙", "丙"]  # the covered cells hold their places
    assert filled[6] == [None, "跨", "跨", None, None, "尾"]


def test_ods_merges_go_to_their_own_sheet_by_name(tmp_path: Path) -> None:
    first = row(span("第一", rows=2), cell("a")) + row(covered(), cell("b"))
    second = row(cell("x"), cell("y"), cell("w")) + row(cell("z"), span("第二", cols=2)) + row(cell("末"))
    book = read_workbook(ods(tmp_path / "两页.ods", first, {"第二页（村）": second}))
    assert [(s.name, s.merged) for s in book.sheets] == [("名册", [(0, 0, 1, 0)]),
                                                        ("第二页（村）", [(1, 1, 1, 2)])]
    assert filled_rows(book.sheets[1])[1] == ["z", "第二", "第二"]


def test_ods_spans_reaching_beyond_the_sheet_are_clipped_or_dropped(tmp_path: Path) -> None:
    rows = (row(span("大", rows=999_999_999, cols=99_999))
            + row(covered(), cell("b"))
            + row(blank(7), '<table:table-cell table:number-columns-spanned="3"/>')  # beyond the columns read
            + row('<table:table-cell table:number-rows-spanned="5"/>', repeat=1000))  # below the rows read
    sheet = read_workbook(ods(tmp_path / "大.ods", rows)).sheets[0]
    assert len(sheet.rows) == 2 and len(sheet.rows[0]) == 2
    assert sheet.merged == [(0, 0, 1, 1)]


def test_ods_repeated_cells_that_span_are_merges_where_copies_cannot_overlap(tmp_path: Path) -> None:
    down_twice = ('<table:table-cell office:value-type="string" table:number-rows-spanned="2" '
                  'table:number-columns-repeated="2"><text:p>竖</text:p></table:table-cell>')
    rows = (row(cell("一"), cell("二"), cell("三"), cell("四"))
            + row(span("横", cols=2), covered(), down_twice, repeat=3)
            + row(cell("末")))
    sheet = read_workbook(ods(tmp_path / "复制.ods", rows)).sheets[0]
    assert sheet.merged == [(1, 0, 1, 1), (2, 0, 2, 1), (3, 0, 3, 1),  # A:B on each copy of the row
                            (1, 2, 2, 2), (1, 3, 2, 3)]  # C and D down two rows, only from the first copy


def test_ods_merges_that_cannot_be_read_leave_the_sheet_unmerged(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = ods(tmp_path / "坏.ods", row(span("村", rows=2)) + row(covered(), cell("b")))

    def broken(*args: object) -> None:
        raise SyntaxError("not well-formed")

    monkeypatch.setattr(wbmod._OdsMerges, "read", broken)
    sheet = read_workbook(path).sheets[0]
    assert sheet.rows == [["村", None], [None, "b"]] and sheet.merged == []


def test_ods_with_too_many_merged_ranges_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wbmod, "MAX_MERGED", 3)
    rows = row(span("a", cols=2), covered(), repeat=4) + row(cell("x"), cell("y"))
    refused(ods(tmp_path / "合并.ods", rows), "合并区域")


def test_ods_merges_are_read_without_keeping_the_document(tmp_path: Path) -> None:
    import tracemalloc

    rows = "".join(row(span(f"村{i}", rows=2), cell("a")) + row(covered(), cell("b")) for i in range(20_000))
    path = ods(tmp_path / "大表.ods", rows)
    tracemalloc.start()
    try:
        with zipfile.ZipFile(path) as z, z.open("content.xml") as part:
            found = wbmod._OdsMerges(path.name, {"名册": (40_000, 2)}).read(part)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(found["名册"]) == 20_000 and found["名册"][-1] == (39_998, 0, 39_999, 0)
    assert peak < 20 * 1024 * 1024  # the ranges themselves, not 80,000 elements


# --- what is refused -----------------------------------------------------------------------------


def test_text_file_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "名册.xlsx"
    path.write_text("组织名称,统一社会信用代码\n", encoding="utf-8")
    refused(path, "不是 Excel")


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "random.xls"
    path.write_bytes(os.urandom(4096))
    refused(path, "不是 Excel")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    refused(path, "不是 Excel")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "照片.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
        z.writestr("[Content_Types].xml", "<Types/>")
    refused(path, "不是 Excel")


def test_a_broken_word_document_is_refused_naming_word(tmp_path: Path) -> None:
    path = tmp_path / "统计表.docx"  # Word tables are read (the seed's table typed in Word)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")  # an unbound prefix: not XML Word wrote
    refused(path, "Word 文档", "损坏")


def test_word_97_file_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "通知.xls"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + "WordDocument".encode("utf-16-le") + b"\0" * 512)
    refused(path, "不是 Excel")


def test_encrypted_xlsx_is_refused(tmp_path: Path) -> None:
    # A password-protected .xlsx is an OLE2 file holding EncryptionInfo + EncryptedPackage.
    path = tmp_path / "加密.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le")
                     + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512)
    refused(path, "密码")


def test_zip_encryption_flag_is_refused(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "z.xlsx")
    data = bytearray(path.read_bytes())
    # Set bit 0 of the general-purpose flags in every central directory entry.
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        flags = struct.unpack_from("<H", data, pos + 8)[0]
        struct.pack_into("<H", data, pos + 8, flags | 1)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    refused(path, "密码")


def test_entity_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    path = with_part(make_xlsx(tmp_path / "src.xlsx"), tmp_path / "实体.xlsx", SHEET1, lol.encode())
    refused(path, "DOCTYPE")


def test_entity_declaration_in_any_part_and_in_utf16_is_refused(tmp_path: Path) -> None:
    src = make_xlsx(tmp_path / "src.xlsx")
    strings = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE sst SYSTEM "file:///etc/passwd"><sst/>'
    path = with_part(src, tmp_path / "utf16.xlsx", "xl/sharedStrings.xml", strings.encode("utf-16"))
    refused(path, "DOCTYPE")


def test_zip_bomb_with_a_200_mb_sheet_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "炸弹.xlsx"
    row = b'<row><c t="inlineStr"><is><t>' + b"a" * 48 + b"</t></is></c></row>"
    chunk = row * (1024 * 1024 // len(row))
    with zipfile.ZipFile(make_xlsx(tmp_path / "src.xlsx")) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            if item.filename != SHEET1:
                zout.writestr(item, zin.read(item.filename))
        info = zipfile.ZipInfo(SHEET1)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zout.open(info, "w", force_zip64=True) as w:
            w.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for _ in range(200):
                w.write(chunk)
            w.write(b"</sheetData></worksheet>")
    assert path.stat().st_size < 2 * 1024 * 1024
    refused(path, "sheet1.xml", "MB")


def test_high_compression_ratio_is_refused(tmp_path: Path) -> None:
    sheet = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>' + " " * (5 * 1024 * 1024))
    path = with_part(make_xlsx(tmp_path / "src.xlsx"), tmp_path / "ratio.xlsx", SHEET1, sheet)
    refused(path, "压缩比")


def test_declared_sizes_that_lie_are_caught(tmp_path: Path) -> None:
    sheet = sheet_xml("".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 2000)))
    path = with_part(make_xlsx(tmp_path / "src.xlsx"), tmp_path / "lie.xlsx", SHEET1, sheet)
    data = bytearray(path.read_bytes())
    # Shrink the sheet's declared size in its local header and the central directory.
    name = SHEET1.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        pos = data.find(signature)
        while pos != -1:
            if data[pos + name_at:pos + name_at + len(name)] == name:
                struct.pack_into("<I", data, pos + size_at, 100)
            pos = data.find(signature, pos + 4)
    path.write_bytes(bytes(data))
    refused(path, "无法读取")


def test_sheet_reaching_beyond_200000_rows_is_refused_before_parsing(tmp_path: Path) -> None:
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="300000"><c r="A300000"><v>1</v></c></row>')
    path = with_part(make_xlsx(tmp_path / "src.xlsx"), tmp_path / "rows.xlsx", SHEET1, sheet)
    refused(path, "300000")


def test_sheet_at_an_unusual_path_is_counted_too(tmp_path: Path) -> None:
    src = make_xlsx(tmp_path / "src.xlsx")
    big = sheet_xml('<row r="250000"><c r="A250000"><v>1</v></c></row>')
    path = with_part(src, tmp_path / "elsewhere.xlsx", "xl/custom/data.xml", big)
    refused(path, "250000")


def test_one_cell_in_the_far_corner_is_refused(tmp_path: Path) -> None:
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="150000"><c r="XFD150000"><v>1</v></c></row>')
    path = with_part(make_xlsx(tmp_path / "src.xlsx"), tmp_path / "corner.xlsx", SHEET1, sheet)
    refused(path, "单元格")


def test_rows_without_references_are_counted(tmp_path: Path) -> None:
    sheet = sheet_xml("".join(f"<row><c><v>{i}</v></c></row>" for i in range(200_001)))
    path = with_part(make_xlsx(tmp_path / "src.xlsx"), tmp_path / "norefs.xlsx", SHEET1, sheet)
    refused(path, "200001")


def test_file_over_50_mb_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "大文件.xlsx"
    with open(path, "wb") as f:
        f.write(b"PK\x03\x04")
        f.truncate(51 * 1024 * 1024)  # sparse: no 51 MB written
    refused(path, "MB")


def test_truncated_workbook_gives_a_message_not_a_traceback(tmp_path: Path) -> None:
    data = make_xlsx(tmp_path / "src.xlsx").read_bytes()
    path = tmp_path / "坏.xlsx"
    path.write_bytes(data[: len(data) // 2])
    refused(path, "无法读取")


def test_reader_failure_becomes_workbook_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object) -> None:
        raise RuntimeError("calamine: unexpected")

    monkeypatch.setattr(wbmod, "_read", boom)
    refused(make_xlsx(tmp_path / "x.xlsx"), "无法读取文件", "calamine: unexpected")


def test_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "没有.xlsx", "无法打开")


def test_filled_rows_refuses_overlapping_ranges_beyond_the_sheet() -> None:
    sheet = Sheet("s", [[1, None], [None, None]], [(0, 0, 1, 1)] * 5)
    with pytest.raises(WorkbookError):
        filled_rows(sheet)
    ok = Sheet("s", [["a", None, None]], [(0, 0, 5, 9)])  # clipped to what the sheet holds
    assert filled_rows(ok) == [["a", "a", "a"]]
