"""Attachment types are read from the bytes: a renamed program is refused, a renamed PDF is a PDF."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from fupin_desktop.intake import attachment_type as at
from fupin_desktop.intake.attachment_type import (
    ALLOWED_KINDS,
    HEAD_BYTES,
    AttachmentRefused,
    check_file,
    describe,
    detect_kind,
    identify_file,
)

_NONE = 0xFFFFFFFF


def cfb(names: list[str], *, shift: int = 9, pad_sectors: int = 0) -> bytes:
    """A minimal OLE2 compound file whose root holds empty streams ``names``; ``pad_sectors``
    unused sectors before the directory push it as far into the file as wanted."""
    size = 1 << shift
    entries = [("Root Entry", 5)] + [(n, 2) for n in names]
    per_dir = size // 128
    n_dir = -(-len(entries) // per_dir)
    dir_start = 1 + pad_sectors  # sector 0 is the FAT
    fat = [_NONE] * (size // 4)
    assert dir_start + n_dir <= len(fat)
    fat[0] = 0xFFFFFFFD
    for i in range(n_dir):
        fat[dir_start + i] = dir_start + i + 1 if i < n_dir - 1 else 0xFFFFFFFE
    header = bytearray(size)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHH", header, 0x18, 0x3E, 3 if shift == 9 else 4, 0xFFFE, shift)
    struct.pack_into("<H", header, 0x20, 6)
    struct.pack_into("<III", header, 0x2C, 1, dir_start, 0)
    struct.pack_into("<III", header, 0x38, 4096, 0xFFFFFFFE, 0)
    struct.pack_into("<II", header, 0x44, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([_NONE] * 108))
    directory = bytearray(n_dir * size)
    for i in range(n_dir * per_dir):
        off = i * 128
        struct.pack_into("<III", directory, off + 0x44, _NONE, _NONE, _NONE)
        if i < len(entries):
            name, kind = entries[i]
            encoded = name.encode("utf-16-le") + b"\0\0"
            directory[off:off + len(encoded)] = encoded
            struct.pack_into("<HBB", directory, off + 0x40, len(encoded), kind, 1)
            right = i + 1 if 1 <= i < len(entries) - 1 else _NONE
            child = 1 if i == 0 and len(entries) > 1 else _NONE
            struct.pack_into("<III", directory, off + 0x44, _NONE, right, child)
    return bytes(header) + struct.pack(f"<{size // 4}I", *fat) + bytes(pad_sectors * size) + bytes(directory)


def zipped(*names: str, first_size: int = 10) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", os.urandom(first_size))
        for n in names:
            z.writestr(n, b"<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(("data", "name", "kind"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "x.doc", "pdf"),  # a PDF named .doc is a PDF
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "photo.png", "jpg"),
    (bytes.fromhex("89504E470D0A1A0A0000000D49484452"), "scan.jpg", "png"),
    (zipped("word/document.xml"), "plan.zip", "docx"),
    (zipped("xl/workbook.xml"), "plan.docx", "xlsx"),
    (zipped("OFD.xml", "Doc_0/Document.xml"), "invoice.ofd", "ofd"),
])
def test_allowed_kinds_come_from_the_bytes(data: bytes, name: str, kind: str) -> None:
    assert detect_kind(data, name) == kind
    assert kind in ALLOWED_KINDS


@pytest.mark.parametrize(("data", "name", "what"), [
    (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200), "工作情况.pdf", "Windows 程序"),
    (zipped("readme.txt"), "plan.docx", "压缩包"),
    (b"Rar!\x1a\x07\x01\x00", "a.pdf", "压缩包"),
    ("上一年度参与脱贫攻坚工作情况\r\n一、主要做法".encode("gb18030"), "a.doc", "文本文件"),
    ("plain utf-8 text 中文".encode(), "a.pdf", "文本文件"),
    (b"<!DOCTYPE html><html></html>", "a.pdf", "网页"),
    (b"GIF89a\x01\x00", "a.jpg", "GIF"),
    (zipped("ppt/presentation.xml"), "a.docx", "PowerPoint"),
    (b"", "a.pdf", "空文件"),
    (bytes(range(256)) * 4, "a.pdf", "无法识别"),
])
def test_refused_content_is_named_for_what_it_is(data: bytes, name: str, what: str) -> None:
    assert detect_kind(data, name) is None
    assert what in describe(data, name)


def test_ole2_files_are_told_apart_by_their_streams() -> None:
    word = cfb(["\x01CompObj", "1Table", "WordDocument", "\x05SummaryInformation"])
    assert detect_kind(word, "a.doc") == "doc"
    assert detect_kind(word, "a.xls") == "doc"  # the name does not decide
    assert detect_kind(word, "工作计划.wps") == "wps"  # WPS 文字 writes Word's binary format
    assert detect_kind(cfb(["Workbook"]), "a.doc") == "xls"
    assert detect_kind(cfb(["Book"]), "a.xls") == "xls"
    assert detect_kind(cfb(["WpsContent", "Other"]), "a.wps") == "wps"  # unsure: trust .wps on OLE2
    assert detect_kind(cfb(["PowerPoint Document"]), "a.doc") is None
    assert "PowerPoint" in describe(cfb(["PowerPoint Document"]), "a.doc")
    msi = cfb(["\u4840\u3f3f\u4577", "\u4840\u3b3f"])
    assert detect_kind(msi, "setup.doc") is None and "安装包" in describe(msi, "setup.doc")
    # 4 KiB sectors and a directory spread over several sectors.
    assert detect_kind(cfb([f"s{i}" for i in range(40)] + ["WordDocument"], shift=12), "a.doc") == "doc"
    assert detect_kind(cfb([f"s{i}" for i in range(10)] + ["Workbook"]), "a.xls") == "xls"


def test_a_real_xls_is_an_xls(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    book.add_sheet("工作计划").write(0, 0, "年度工作计划")
    path = tmp_path / "计划.doc"  # misnamed on purpose
    book.save(str(path))
    assert identify_file(path) == ("xls", "Excel 表格（.xls）")


def test_structures_beyond_the_head_are_read_from_the_file(tmp_path: Path) -> None:
    far = cfb(["PowerPoint Document"], shift=12, pad_sectors=20)
    assert len(far) > HEAD_BYTES
    # From the first bytes only, an OLE2 file falls back on its extension …
    assert detect_kind(far[:HEAD_BYTES], "slides.doc") == "doc"
    # … but the file itself is read through its FAT: a renamed .ppt stays refused.
    path = tmp_path / "slides.doc"
    path.write_bytes(far)
    assert identify_file(path)[0] is None
    docx = tmp_path / "report.docx"
    docx.write_bytes(zipped("word/document.xml", first_size=HEAD_BYTES * 2))
    assert identify_file(docx)[0] == "docx"


def test_check_file_refuses_large_files_without_reading_them(tmp_path: Path, monkeypatch) -> None:
    big = tmp_path / "录像.pdf"
    with open(big, "wb") as f:
        f.truncate(60 * 1024 * 1024)  # sparse: instant
    monkeypatch.setattr(at, "identify_file", lambda path: pytest.fail("read a file that was too large"))
    with pytest.raises(AttachmentRefused, match=r"录像\.pdf.*60\.0 MB.*50 MB"):
        check_file(big)


def test_check_file_names_the_file_and_what_it_is(tmp_path: Path) -> None:
    exe = tmp_path / "工作情况.pdf"
    exe.write_bytes(b"MZ" + bytes(1000))
    with pytest.raises(AttachmentRefused, match=r"「工作情况\.pdf」实际上是Windows 程序"):
        check_file(exe)
    empty = tmp_path / "空.pdf"
    empty.write_bytes(b"")
    with pytest.raises(AttachmentRefused, match="空的"):
        check_file(empty)
    pdf = tmp_path / "ok.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    assert check_file(pdf) == ("pdf", 9)
