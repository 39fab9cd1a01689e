"""What a 年检年报 attachment really is, read from its own bytes, never from its name.

Accepted: PDF, Word (.doc/.docx), Excel (.xls/.xlsx), WPS 文字 (.wps), JPG, PNG and OFD.
Office 97–2003 files (and WPS ones) are OLE2 compound files; they are told apart by the
streams at the top of their directory (WordDocument → doc, Workbook/Book → xls), which is
read through the file's FAT: a few sectors, not the whole file. Zip-based formats are told
apart by their part names (word/, xl/, OFD.xml). Anything else is refused with a plain
description of what it is ("Windows 程序（.exe）", "压缩包", "文本文件" …).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path
from typing import BinaryIO

from fupin_desktop.errors import KnownError, os_error_message

__all__ = ["ALLOWED_KINDS", "HEAD_BYTES", "KIND_LABELS", "MAX_ATTACHMENT_BYTES", "AttachmentRefused", "check_file",
           "describe", "detect_kind", "identify_file"]

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
HEAD_BYTES = 64 * 1024  # enough for every magic number and most zip local headers
KIND_LABELS: dict[str, str] = {
    "pdf": "PDF 文档", "doc": "Word 文档（.doc）", "docx": "Word 文档（.docx）", "xls": "Excel 表格（.xls）",
    "xlsx": "Excel 表格（.xlsx）", "wps": "WPS 文字（.wps）", "jpg": "JPG 图片", "png": "PNG 图片",
    "ofd": "OFD 版式文档",
}
ALLOWED_KINDS: frozenset[str] = frozenset(KIND_LABELS)

_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
_PNG = bytes.fromhex("89504E470D0A1A0A")
_FREE_OR_END = 0xFFFFFFFA  # sector numbers at or above this are markers, not sectors
_MAX_SECTORS = 20_000  # a directory chain longer than this is broken or hostile
# Magic numbers of content we refuse, with what to tell the user it is.
_REFUSED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "Windows 程序（.exe/.dll）"),
    (b"\x7fELF", "Linux 程序"),
    (b"\xca\xfe\xba\xbe", "Java 或 macOS 程序"),
    (b"Rar!\x1a\x07", "压缩包（.rar）"),
    (bytes.fromhex("377ABCAF271C"), "压缩包（.7z）"),
    (b"\x1f\x8b", "压缩包（.gz）"),
    (b"MSCF", "压缩包（.cab）"),
    (b"GIF8", "GIF 图片（请转存为 JPG 或 PNG）"),
    (b"BM", "BMP 图片（请转存为 JPG 或 PNG）"),
    (b"II*\x00", "TIFF 图片（请转存为 JPG 或 PNG）"),
    (b"MM\x00*", "TIFF 图片（请转存为 JPG 或 PNG）"),
    (b"{\\rtf", "RTF 文档（请另存为 .doc 或 .docx）"),
    (b"%!PS", "PostScript 文件"),
)


def detect_kind(head: bytes, name: str) -> str | None:
    """The allowed kind of a file whose first bytes are ``head`` (None: refuse it).

    ``head`` may be the whole file or its first bytes; when an OLE2 directory lies beyond
    them the kind falls back to the name's extension among doc/xls/wps.
    """
    return _classify(head, name, io.BytesIO(head))[0]


def describe(head: bytes, name: str) -> str:
    """What the bytes are, in words for a refusal message (or the accepted kind's label)."""
    return _classify(head, name, io.BytesIO(head))[1]


def identify_file(path: Path) -> tuple[str | None, str]:
    """(allowed kind or None, description) of a file on disk, reading only what is needed."""
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
        return _classify(head, path.name, f)


class AttachmentRefused(KnownError):
    """A file offered as an attachment is not an allowed document, or is too large."""


def check_file(path: Path, max_bytes: int = MAX_ATTACHMENT_BYTES) -> tuple[str, int]:
    """(kind, size) of a file that may be attached; refuses what is too large or not a document."""
    path = Path(path)
    try:
        size = path.stat().st_size  # before reading: a 2 GB video is refused at once
        if not path.is_file():
            raise AttachmentRefused(f"「{path.name}」不是文件。")
        if size > max_bytes:
            raise AttachmentRefused(f"文件「{path.name}」有 {size / 1024 / 1024:.1f} MB，超过了附件上限 "
                                    f"{max_bytes // (1024 * 1024)} MB。请压缩或拆分后再附上。")
        if size == 0:
            raise AttachmentRefused(f"文件「{path.name}」是空的（0 字节），不能作为附件。")
        kind, what = identify_file(path)
    except OSError as exc:
        raise AttachmentRefused(f"无法读取文件「{path.name}」：{os_error_message(exc)}") from None
    if kind is None:
        raise AttachmentRefused(f"文件「{path.name}」实际上是{what}，不能作为附件。"
                                "附件只能是 PDF、Word、Excel、WPS、OFD 文档或 JPG、PNG 图片。")
    return kind, size


def _extension(name: str) -> str:
    return Path(name).suffix.lower().lstrip(".")


def _classify(head: bytes, name: str, stream: BinaryIO) -> tuple[str | None, str]:
    if not head:
        return None, "空文件（0 字节）"
    if b"%PDF-" in head[:1024]:  # some scanners write a few bytes before the header
        return "pdf", KIND_LABELS["pdf"]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg", KIND_LABELS["jpg"]
    if head.startswith(_PNG):
        return "png", KIND_LABELS["png"]
    if head.startswith(_OLE2):
        return _classify_ole2(stream, name)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _classify_zip(head, stream)
    for magic, what in _REFUSED_MAGIC:
        if head.startswith(magic):
            return None, what
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"hevc"):
            return None, "HEIC 照片（苹果手机格式，请导出为 JPG）"
        return None, "视频或音频文件"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return None, "WebP 图片（请转存为 JPG 或 PNG）"
    return None, _describe_text(head)


def _describe_text(head: bytes) -> str:
    sample = head[:4096]
    text = None
    for encoding in ("utf-8", "gb18030"):
        try:
            # A multi-byte character may be cut at the end of the sample.
            text = sample.decode(encoding) if len(head) <= 4096 else sample[:-4].decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or any(ord(c) < 32 and c not in "\t\r\n\f" for c in text):
        return "无法识别的文件（不是文档或图片）"
    lowered = text.lstrip("\ufeff \r\n\t").lower()
    if lowered.startswith(("<!doctype html", "<html")) or "<html" in lowered[:1024]:
        return "网页文件（.html）"
    if lowered.startswith("<?xml"):
        return "XML 文件"
    return "文本文件"


# -- zip-based formats -------------------------------------------------------------------------

_LOCAL_HEADER = re.compile(rb"PK\x03\x04.{22}(..)(..)", re.DOTALL)


def _zip_names(head: bytes, stream: BinaryIO) -> list[str]:
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:  # reads the central directory only
            return archive.namelist()
    except Exception:  # hostile or truncated input: fall back to the local headers we have
        names = []
        for m in _LOCAL_HEADER.finditer(head):
            (length,) = struct.unpack("<H", m.group(1))
            raw = head[m.end():m.end() + length]
            names.append(raw.decode("utf-8", "replace"))
        return names


def _classify_zip(head: bytes, stream: BinaryIO) -> tuple[str | None, str]:
    names = _zip_names(head, stream)
    if any(n.startswith("word/") for n in names):
        return "docx", KIND_LABELS["docx"]
    if any(n.startswith("xl/") for n in names):
        return "xlsx", KIND_LABELS["xlsx"]
    if "OFD.xml" in names:
        return "ofd", KIND_LABELS["ofd"]
    if any(n.startswith("ppt/") for n in names):
        return None, "PowerPoint 演示文稿（.pptx）"
    if "mimetype" in names and any(n == "content.xml" for n in names):
        return None, "OpenDocument 文档（.odt/.ods，请另存为 Office 格式）"
    if any(n.startswith("Payload/") for n in names) or "AndroidManifest.xml" in names:
        return None, "手机安装包"
    return None, "压缩包（.zip）"


# -- OLE2 compound files -----------------------------------------------------------------------

def _classify_ole2(stream: BinaryIO, name: str) -> tuple[str | None, str]:
    ext = _extension(name)
    try:
        streams = _ole2_top_names(stream)
    except Exception:  # directory beyond the bytes we have, or damaged: trust the extension only here
        if ext in ("doc", "xls", "wps"):
            return ext, KIND_LABELS[ext]
        return None, "无法识别的 Office 97–2003 格式文件"
    if "WordDocument" in streams:
        kind = "wps" if ext == "wps" else "doc"  # WPS 文字 writes Word's binary format
        return kind, KIND_LABELS[kind]
    if "Workbook" in streams or "Book" in streams:
        return "xls", KIND_LABELS["xls"]
    if ext == "wps":  # older WPS / Works files: OLE2 with their own streams
        return "wps", KIND_LABELS["wps"]
    if "PowerPoint Document" in streams:
        return None, "PowerPoint 演示文稿（.ppt）"
    if any(n.startswith("__substg1.0_") for n in streams):
        return None, "Outlook 邮件（.msg）"
    if any("\u3800" <= c <= "\u4840" for n in streams for c in n):  # MSI's packed stream names
        return None, "Windows 安装包（.msi）"
    return None, "其他 Office 97–2003 格式文件（不是 Word、Excel 或 WPS 文字）"


def _read_exact(stream: BinaryIO, offset: int, size: int) -> bytes:
    stream.seek(offset)
    data = stream.read(size)
    if len(data) != size:
        raise ValueError("short read")
    return data


def _ole2_top_names(stream: BinaryIO) -> set[str]:
    """Names of the entries directly under the root storage of an OLE2 file."""
    header = _read_exact(stream, 0, 512)
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        raise ValueError("sector size")
    size = 1 << shift
    per_sector = size // 4
    first_dir = struct.unpack_from("<I", header, 0x30)[0]
    first_difat, n_difat = struct.unpack_from("<II", header, 0x44)
    fat_sectors = [s for s in struct.unpack_from("<109I", header, 0x4C) if s < _FREE_OR_END]
    sector, hops = first_difat, 0
    while sector < _FREE_OR_END and hops < n_difat and hops < _MAX_SECTORS:  # DIFAT chain, for files > 7 MB
        values = struct.unpack(f"<{per_sector}I", _read_exact(stream, (sector + 1) * size, size))
        fat_sectors += [s for s in values[:-1] if s < _FREE_OR_END]
        sector, hops = values[-1], hops + 1
    fat_cache: dict[int, tuple[int, ...]] = {}

    def next_sector(sid: int) -> int:
        index = sid // per_sector
        if index not in fat_cache:
            fat_cache[index] = struct.unpack(f"<{per_sector}I",
                                             _read_exact(stream, (fat_sectors[index] + 1) * size, size))
        return fat_cache[index][sid % per_sector]

    entries: list[tuple[str, int, int, int]] = []  # name, left, right, child
    sid, seen = first_dir, 0
    while sid < _FREE_OR_END:
        seen += 1
        if seen > _MAX_SECTORS:
            raise ValueError("directory chain loops")
        block = _read_exact(stream, (sid + 1) * size, size)
        for off in range(0, size, 128):
            length = min(struct.unpack_from("<H", block, off + 0x40)[0], 64)
            entry_name = block[off:off + max(length - 2, 0)].decode("utf-16-le", "replace")
            left, right, child = struct.unpack_from("<III", block, off + 0x44)
            entries.append((entry_name, left, right, child))
        sid = next_sector(sid)
    # The root's children form a tree through left/right siblings.
    names: set[str] = set()
    todo, visited = [entries[0][3]], set()
    while todo:
        i = todo.pop()
        if i >= len(entries) or i in visited:
            continue
        visited.add(i)
        entry_name, left, right, _ = entries[i]
        names.add(entry_name)
        todo += [left, right]
    return names
