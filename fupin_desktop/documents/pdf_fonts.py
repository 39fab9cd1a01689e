"""Fonts and Chinese text setting for the printed PDF documents (reportlab).

reportlab embeds only TrueType (glyf) fonts and has no per-glyph fallback, so the fonts the
公文 standard names (§7.5) are used when the office has them, found by file name in Windows'
font folders or the Linux ones (麒麟, 统信), and the shipped OFL fonts stand in otherwise:

- title and 发文机关标志: 方正小标宋简体 (``XiaoBiaoSong``), else 黑体 ``HeiTi``: simhei.ttf,
  else the shipped Noto Sans SC (GBK + all of Ext-A);
- body: 仿宋_GB2312 or simfang.ttf (``FangSong``), else the shipped LXGW WenKai (a Kai face:
  no OFL 仿宋 exists) under ``Kai``;
- 楷体 for the 签发人's name: 楷体_GB2312 or simkai.ttf (``KaiTi``), else WenKai;
- 宋体 for page numbers: simsun.ttc (``SongTi``), else the body face;
- the fallbacks, in order, are always the shipped files: ``Kai`` (WenKai: 525 Ext-B
  characters such as 𠮷, but only 503 of Ext-A) then Noto Sans SC (``HeiTi``, or
  ``NotoSansSC`` when HeiTi is simhei). ``mark_fallback`` wraps characters the chosen face
  lacks in ``<font name=…>`` for Paragraph markup.

``register_fonts()`` returns the names to use (``.body``, ``.title``, ``.kai``); ``.choices``
say which file each came from (the 系统 page shows them). Each file is parsed and embedded (as
a subset, reportlab's default) once.

Importing this module also patches reportlab twice, both idempotent: the "cannot start a
line" set gets the full-width punctuation it lacks (，：；！？》 …; such a character hangs at
the end of the line instead), and the ToUnicode maps write characters beyond the BMP as
UTF-16 so 𠮷 is extracted (and searched, copied) correctly. ``CJKParagraph`` also keeps
opening brackets (（《“) from ending a line, and ``BoldParagraph`` makes bold without a bold
face.
"""

from __future__ import annotations

import os
import sys
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab.lib.textsplit as _textsplit
import reportlab.platypus.paragraph as _paragraph
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph

from ..paths import font_path

__all__ = [
    "FALLBACK",
    "FONT_FANGSONG",
    "FONT_HEI",
    "FONT_KAI",
    "FONT_NOTO",
    "FONT_OFFICE_KAI",
    "FONT_XBS",
    "FONT_SONG",
    "BoldParagraph",
    "CJKParagraph",
    "FontChoice",
    "FontSet",
    "SpreadCell",
    "cjk_style",
    "extend_cannot_start",
    "fonts_in_use",
    "fix_to_unicode",
    "has_glyph",
    "mark_fallback",
    "office_font_dirs",
    "register_fonts",
    "resolve_fonts",
]

FONT_FANGSONG = "FangSong"
FONT_HEI = "HeiTi"
FONT_KAI = "Kai"
FONT_SONG = "SongTi"  # Windows' simsun.ttc only: page numbers are set in 宋体 when it is there
FONT_NOTO = "NotoSansSC"  # the shipped Noto, when HeiTi is Windows' simhei
FONT_XBS = "XiaoBiaoSong"  # 方正小标宋简体: title and 发文机关标志, when the office has it
FONT_OFFICE_KAI = "KaiTi"  # 楷体_GB2312 / simkai: the 签发人's name, when the office has it
FALLBACK = FONT_KAI

SHIPPED_KAI = "LXGWWenKai-Regular.ttf"
SHIPPED_SANS = "NotoSansSC-Regular.ttf"

# Full-width punctuation that must not begin a line (避头), beyond reportlab's own list.
EXTRA_CANNOT_START = "，：；！？》」』〉、。”’）〕】"


def extend_cannot_start(chars: str = EXTRA_CANNOT_START) -> None:
    """Add ``chars`` to reportlab's line-start blacklist (idempotent).

    ``reportlab.platypus.paragraph`` imported the string by value, so both modules are set.
    """
    current = _textsplit.ALL_CANNOT_START
    missing = "".join(c for c in dict.fromkeys(chars) if c not in current)
    if missing:
        _textsplit.ALL_CANNOT_START = current + missing
    _paragraph.ALL_CANNOT_START = _textsplit.ALL_CANNOT_START  # type: ignore[attr-defined]


@dataclass(frozen=True)
class FontChoice:
    """One logical face: the file it comes from (and the face index in a .ttc)."""

    name: str
    path: Path
    subfont_index: int = 0


@dataclass(frozen=True)
class FontSet:
    """The registered names to use: ``body`` (仿宋 style), ``title`` (黑体/小标宋), ``song``,
    and the ``fallbacks`` tried in order for characters a face lacks."""

    body: str
    title: str
    song: str  # 宋体 for page numbers: simsun, else the body face
    fallbacks: tuple[str, ...]
    choices: tuple[FontChoice, ...]
    kai: str = FONT_KAI  # 楷体 for the 签发人's name: the office's, else the shipped WenKai


def office_font_dirs() -> list[Path]:
    """Where offices' fonts live: Windows' system and per-user folders, and the Linux ones
    (麒麟 / 统信 put 方正 and 中易 fonts under /usr/share/fonts)."""
    if sys.platform == "win32":
        dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
        if os.environ.get("LOCALAPPDATA"):
            dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    home = Path.home()
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local" / "share" / "fonts",
            home / ".fonts"]


# Each face the 公文 standard names (§7.5), by the file names offices have, best first. Only
# TrueType outlines can be embedded by reportlab, so .otf files are not looked for.
OFFICE_FILES: dict[str, tuple[str, ...]] = {
    FONT_XBS: ("方正小标宋简体.ttf", "方正小标宋_gbk.ttf", "fzxbsjw.ttf", "fzxbsk.ttf", "fzxiaobiaosong-b05s.ttf"),
    FONT_FANGSONG: ("仿宋_gb2312.ttf", "fs_gb2312.ttf", "simfang.ttf"),
    FONT_HEI: ("simhei.ttf",),
    FONT_OFFICE_KAI: ("楷体_gb2312.ttf", "kt_gb2312.ttf", "simkai.ttf"),
    FONT_SONG: ("simsun.ttc",),
}


def _font_files(folders: list[Path]) -> dict[str, Path]:
    """Lower-case file name → first path found, through the folders and their subfolders."""
    found: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for root, _dirs, files in os.walk(folder):
            for name in files:
                found.setdefault(name.lower(), Path(root) / name)
    return found


def resolve_fonts(folders: list[Path] | Path | None = None) -> tuple[FontChoice, ...]:
    """The files to register: the office fonts found in ``folders`` (None: none), and always the
    shipped two. The shipped WenKai is ``Kai``; the shipped Noto is ``HeiTi`` unless simhei takes
    that name, then ``NotoSansSC``."""
    if isinstance(folders, Path):
        folders = [folders]
    files = _font_files(folders or [])
    choices: list[FontChoice] = []
    for name, candidates in OFFICE_FILES.items():
        path = next((files[c] for c in candidates if c in files), None)
        if path is not None:
            choices.append(FontChoice(name, path))
    noto = FONT_NOTO if any(c.name == FONT_HEI for c in choices) else FONT_HEI
    choices += [FontChoice(noto, font_path(SHIPPED_SANS)), FontChoice(FONT_KAI, font_path(SHIPPED_KAI))]
    return tuple(choices)


def fonts_in_use() -> list[tuple[str, str, bool]]:
    """(what it sets, the file, whether it is the office's own font) for the 系统 page."""
    fonts = register_fonts()
    paths = {c.name: c.path for c in fonts.choices}
    shipped = {font_path(SHIPPED_SANS), font_path(SHIPPED_KAI)}
    roles = [("标题、发文机关标志（小标宋）", fonts.title), ("正文（仿宋）", fonts.body),
             ("签发人姓名（楷体）", fonts.kai), ("页码（宋体）", fonts.song)]
    return [(role, str(paths[name]), paths[name] not in shipped) for role, name in roles]


_original_to_unicode = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap with characters beyond the BMP written as UTF-16 surrogate
    pairs: it writes ``<20BB7>`` for 𠮷, which text extraction reads as U+20BB."""
    cmap: str = _original_to_unicode(fontname, subset)
    for i, code in enumerate(subset):
        if code > 0xFFFF:
            utf16 = chr(code).encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"\n<{i:02X}> <{code:04X}>\n", f"\n<{i:02X}> <{utf16}>\n", 1)
    return cmap


def fix_to_unicode() -> None:
    """Make reportlab write extractable text for Ext-B characters (idempotent)."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # type: ignore[attr-defined]


_lock = threading.Lock()
_registered: FontSet | None = None


def register_fonts(font_dirs: list[Path] | None = None) -> FontSet:
    """Register the fonts with reportlab once (later calls return the same set)."""
    global _registered
    with _lock:
        extend_cannot_start()
        fix_to_unicode()
        if _registered is not None:
            return _registered
        choices = resolve_fonts(font_dirs if font_dirs is not None else office_font_dirs())
        known = set(pdfmetrics.getRegisteredFontNames())
        for choice in choices:
            if choice.name not in known:
                # Subset embedding is reportlab's default for TTFont.
                pdfmetrics.registerFont(TTFont(choice.name, str(choice.path), subfontIndex=choice.subfont_index))
        names = {c.name for c in choices}
        body = FONT_FANGSONG if FONT_FANGSONG in names else FONT_KAI
        noto = FONT_NOTO if FONT_NOTO in names else FONT_HEI
        song = FONT_SONG if FONT_SONG in names else body
        title = FONT_XBS if FONT_XBS in names else FONT_HEI
        kai = FONT_OFFICE_KAI if FONT_OFFICE_KAI in names else FONT_KAI
        _registered = FontSet(body=body, title=title, song=song, fallbacks=(FONT_KAI, noto), choices=choices, kai=kai)
        return _registered


def _cmap(font_name: str) -> dict[int, int]:
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    return font.face.charToGlyph  # type: ignore[attr-defined, no-any-return]


def has_glyph(font_name: str, char: str) -> bool:
    """Whether the registered TrueType font ``font_name`` maps ``char`` to a glyph."""
    register_fonts()
    return ord(char) in _cmap(font_name)


def mark_fallback(text: str, font: str = FONT_HEI, fallbacks: tuple[str, ...] | None = None, *,
                  newlines: bool = True) -> str:
    """Paragraph markup for ``text`` set in ``font``: XML-escaped, and each run of characters
    ``font`` lacks in ``<font name="…">`` of the first fallback that has them (𠮷 → Kai).

    ``fallbacks`` defaults to the registered chain (Kai, then Noto Sans SC). Characters no
    font has stay in ``font``. With ``newlines`` a line feed becomes ``<br/>``.
    """
    chain = [name for name in (fallbacks or register_fonts().fallbacks) if name != font]
    own, cmaps = _cmap(font), [(name, _cmap(name)) for name in chain]
    out: list[str] = []
    run: list[str] = []
    run_font: str | None = None

    def flush() -> None:
        if run:
            chunk = escape("".join(run))
            out.append(chunk if run_font is None else f'<font name="{run_font}">{chunk}</font>')
            run.clear()

    for char in text:
        if char == "\r":
            continue
        if char == "\n" and newlines:
            flush()
            out.append("<br/>")
            continue
        if char in "\t\n":
            char = " "
        code = ord(char)
        target = None if code in own else next((name for name, cmap in cmaps if code in cmap), None)
        if target != run_font:
            flush()
            run_font = target
        run.append(char)
    flush()
    return "".join(out)


def _units(frag: Any) -> list[Any]:
    """One ``cjkU`` per character (what reportlab builds), widths read from the cmap directly."""
    font = pdfmetrics.getFont(frag.fontName)
    if hasattr(frag, "cbDefn") or not frag.text or not isinstance(font, TTFont):
        return [_paragraph.cjkU(t, frag, "utf8") for t in (frag.text or [""])]
    face = font.face
    get, default, scale = face.charWidths.get, face.defaultWidth, 0.001 * frag.fontSize
    out = []
    for t in frag.text:
        u = str.__new__(_paragraph.cjkU, t)
        u._frag = frag
        u._width = scale * get(ord(t), default)
        out.append(u)
    return out


_NUMBER_CHARS = frozenset("0123456789.,%")


def _keep_number_with_unit(units: list[Any], start: int, i: int, extra: float) -> tuple[int, float]:
    """Move a break that would part a number from the Chinese unit after it (``168.58|万元``)
    to before the number, unless the number starts the line."""
    if i >= len(units) or ord(units[i]) < 0x3000 or units[i - 1] not in _NUMBER_CHARS:
        return i, extra
    j = i
    while j > start and units[j - 1] in _NUMBER_CHARS:
        j -= 1
    if j == start:
        return i, extra
    return j, extra + sum(units[m].width for m in range(j, i))


def _cjk_split(frags: list[Any], max_widths: list[float], calc_bounds: bool, hang: bool = True) -> Any:
    """reportlab's ``cjkFragSplit`` plus two rules: a line never ends with an opening bracket,
    and a number stays with the Chinese unit that follows it. A closing mark that would start
    a line hangs past the end of the one before, or, with ``hang`` off (a table cell, whose
    border it would cross), takes the character before it along to the next line."""
    cannot_start, cannot_end = _textsplit.ALL_CANNOT_START, _textsplit.ALL_CANNOT_END
    units = [u for f in frags for u in _units(f)]
    lines: list[Any] = []
    i = used = start = 0
    max_width = max_widths[0]
    while i < len(units):
        u = units[i]
        i += 1
        width = u.width
        used += width
        line_break = hasattr(u.frag, "lineBreak")
        if not (line_break or (used > max_width + 1e-8 and used > 0)):
            continue
        extra = max_width - used
        if not line_break:
            if ord(u) < 0x3000:  # inside a Latin word: break after the last space or CJK character
                for j in range(i - 1, (start + i) >> 1, -1):
                    uj = units[j]
                    if uj and (unicodedata.category(uj) == "Zs" or ord(uj) >= 0x3000) and j + 1 < i:
                        k = j + 1
                        extra += sum(units[m].width for m in range(k + 1, i))
                        width, u, i = units[k].width, units[k], k + 1
                        break
            if u not in cannot_start and i > start + 1:  # push back; a closing mark hangs instead
                i -= 1
                extra += width
                while i - 1 > start and units[i - 1] in cannot_end:
                    i -= 1
                    extra += units[i].width
            elif not hang and i > start + 2:
                j = i - 2
                while j > start + 1 and (units[j] in cannot_start or units[j - 1] in cannot_end):
                    j -= 1
                extra += sum(units[m].width for m in range(j, i))
                i = j
        if not line_break:
            i, extra = _keep_number_with_unit(units, start, i, extra)
        lines.append(_paragraph.makeCJKParaLine(units[start:i], max_width, used, extra, line_break, calc_bounds))
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        start, used = i, 0
    if used > 0:
        lines.append(_paragraph.makeCJKParaLine(units[start:], max_width, used, max_width - used, False, calc_bounds))
    return _paragraph.ParaLines(kind=1, lines=lines)


class CJKParagraph(Paragraph):
    """A Paragraph for Chinese text: character wrapping (set ``wordWrap="CJK"``), no line
    starting with closing punctuation, none ending with an opening bracket."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # A table asks each cell for its size again on every page it splits over; the lines
        # depend only on the width, so keep them.
        if getattr(self, "_wrapped_width", None) == availWidth and hasattr(self, "blPara"):
            self.width = availWidth
            return availWidth, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped_width = availWidth
        return size

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        style = self.style
        self.height = 0
        if not self.frags:
            return super().breakLinesCJK(maxWidths)
        _paragraph._handleBulletWidth(self.bulletText, style, maxWidths)
        calc_bounds = getattr(self, "autoLeading", getattr(style, "autoLeading", "")) not in ("", "off")
        return _cjk_split(self.frags, list(maxWidths), calc_bounds, getattr(style, "hangMarks", True))


class BoldParagraph(CJKParagraph):
    """Bold by stroking the outlines as well as filling them (no bold face is shipped)."""

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(self.style.textColor)
        self.canv.setLineWidth(self.style.fontSize * 0.035)
        self.canv._code.append("2 Tr")  # type: ignore[attr-defined]
        super().draw()
        self.canv.restoreState()


class SpreadCell(Flowable):
    """A table cell's content laid over more than its own cell: wrapped to ``width``, drawn
    ``down`` points lower, the neighbouring cells left empty and their grid lines left out.

    It stands in for the table style's SPAN: reportlab books spans per cell of the whole
    remaining table at every page break, so a 3,000-row table took 17 s instead of 6."""

    def __init__(self, content: Flowable, width: float, down: float = 0.0) -> None:
        super().__init__()
        self.content, self.spread_width, self.down = content, width, down

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _, height = self.content.wrap(self.spread_width, availHeight)
        return availWidth, height

    def draw(self) -> None:
        self.content.drawOn(self.canv, 0, -self.down)


def cjk_style(name: str, font: str, size: float, leading: float, align: int = TA_LEFT, **kw: Any) -> ParagraphStyle:
    """A ParagraphStyle that wraps Chinese text character by character."""
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, alignment=align,
                          wordWrap="CJK", **kw)


extend_cannot_start()
fix_to_unicode()
