"""A sealed report as a PDF: a 公文 cover letter (GB/T 9704-2012) followed by the report table.

The letter page is portrait A4 with the standard's type area (top 37 mm, left 28 mm,
156 × 225 mm; body 3号 in 22 lines of 28 characters); the table pages are landscape A4.
``write_report_pdf`` returns where the seal goes (``SealBox``): the seal image is drawn
later, as the appearance of the digital signature, over the issuer's name and the date.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)

from .gongwen_date import gongwen_date
from .pdf_fonts import (
    FONT_HEI,
    CJKParagraph,
    FontSet,
    cjk_style,
    mark_fallback,
    register_fonts,
)
from .report_table import LAND_H, LAND_MARGIN, LAND_W, ReportTable, TableColumn, table_flowables
from .title_lines import title_lines

__all__ = ["Attachment", "CoverLetter", "ReportTable", "SealBox", "TableColumn", "write_report_pdf"]

RED = colors.HexColor("#E60012")
GRID_GREY = colors.Color(0.5, 0.5, 0.5)

# GB/T 9704-2012 type area on portrait A4.
PAGE_W, PAGE_H = A4
TOP, LEFT, AREA_W, AREA_H = 37 * mm, 28 * mm, 156 * mm, 225 * mm
BOTTOM = PAGE_H - TOP - AREA_H  # 35 mm
BODY_SIZE = 16.0  # 3号
TITLE_SIZE = 22.0  # 2号
PAGE_NO_SIZE = 14.0  # 4号
SEAL = 42 * mm


@dataclass(frozen=True)
class Grid:
    """The letter's lines per page and characters per line: 22 × 28 (§5.2.2), or a little tighter
    when that keeps the closing block on the page (§7.3.5.5: 调整行距、字距)."""

    lines: int = 22
    chars: int = 28

    @property
    def line(self) -> float:  # 22 lines fill the type area: ≈ 28.99 pt
        return AREA_H / self.lines

    @property
    def pitch(self) -> float:  # one character on the grid: ≈ 15.79 pt
        return AREA_W / self.chars


STANDARD = Grid()
TIGHTER = (Grid(23, 28), Grid(24, 29))  # at most two lines a page and one character a line more
# A closing sentence (特此报告。) belongs to the closing block, not to the body it follows.
_CLOSING = re.compile(r"特此\w{0,6}[。！]?")
# 结构层次序数 (§7.3.3): a first-level heading (一、…) standing as its own paragraph is set in 黑体; a
# second-level one (（一）…。 or …：) in 楷体, the paragraph going on in the body face.
_HEADING_1 = re.compile(r"[一二三四五六七八九十]{1,3}、[^。；：]{1,40}")
_HEADING_2 = re.compile(r"（[一二三四五六七八九十]{1,3}）[^。；：（]{1,40}[。：]")


@dataclass
class CoverLetter:
    issuer: str  # 发文机关, e.g. 晋江市民政局
    doc_number: str  # 发文字号, e.g. 晋民〔2026〕12号 ("" for none)
    title: str
    recipient: str  # 主送机关, e.g. 泉州市民政局
    paragraphs: list[str]
    signed_on: date  # 成文日期
    attachments: list[str] = field(default_factory=list)  # 附件 names
    signer: str = ""  # 签发人 of an upward 报告: the number then goes left, "签发人：name" right
    copy_to: str = ""  # 抄送机关, e.g. "晋江市人民政府" (several separated by 、 or ，)
    printed_by: str = ""  # 印发机关; "" for the issuer's 办公室


@dataclass
class SealBox:
    page: int  # 0-based
    box: tuple[float, float, float, float]  # PDF points (x1, y1, x2, y2), origin bottom left


class _GridParagraph(CJKParagraph):
    """Body text on the character grid: broken as if 16 pt characters sat on a 16 pt pitch,
    then drawn line by line. A full line is justified to the type area by its character
    spacing, so a line with half-width digits ends where the others do; a paragraph's last
    line keeps the grid's pitch."""

    def __init__(self, *args: Any, pitch: float = STANDARD.pitch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pitch = pitch

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _, height = super().wrap(availWidth * self.style.fontSize / self.pitch, availHeight)
        self.width = availWidth
        return availWidth, height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(availWidth * self.style.fontSize / self.pitch, availHeight)
        for part in parts:  # reportlab makes the parts through the bare constructor
            part.pitch = self.pitch  # type: ignore[attr-defined]
        return parts

    def draw(self) -> None:
        style, c = self.style, self.canv
        scale = self.pitch / style.fontSize  # the wrapping grid → the page
        lines = self.blPara.lines
        y = self.height - style.fontSize  # reportlab's first baseline (paraFontSizeHeightOffset)
        for n, line in enumerate(lines):
            x = (style.leftIndent + (style.firstLineIndent if n == 0 else 0)) * scale
            # (font, size, colour, text); reportlab's split leaves a space at the end of a line.
            runs = [(w.fontName, w.fontSize, w.textColor, w.text) for w in line.words if w.text]
            while runs and not runs[-1][3].rstrip():
                runs.pop()
            if runs:
                runs[-1] = (*runs[-1][:3], runs[-1][3].rstrip())
            # A paragraph split across pages rejoins its words with spaces: none may start a line.
            while runs and not runs[0][3].lstrip():
                runs.pop(0)
            if runs:
                runs[0] = (*runs[0][:3], runs[0][3].lstrip())
            chars = sum(len(r[3]) for r in runs)
            natural = sum(stringWidth(r[3], r[0], r[1]) for r in runs)
            justified = (self.width - x - natural) / (chars - 1) if chars > 1 else 0.0
            spacing = self.pitch - style.fontSize
            # The last line of a paragraph stays on the grid, unless the paragraph goes on overleaf;
            # a last line with a hanging mark（…）is squeezed into the area like a full one.
            ends = n == len(lines) - 1 and not getattr(self, "_JustifyLast", False)
            if (not ends and not line.lineBreak) or justified < spacing:
                spacing = justified
            text = c.beginText(x, y)
            text.setCharSpace(spacing)
            for font, size, colour, run in runs:
                text.setFont(font, size)
                text.setFillColor(colour)
                text.textOut(run)
            c.drawText(text)
            y -= style.leading


class _MastHead(Flowable):
    """版头: 发文机关标志 35 mm below the top of the type area in red, the 发文字号 two lines
    below it, and the red separator 4 mm under the number, as wide as the type area. An upward
    报告 (上行文, §7.2.6) puts the number 居左空一字 and 签发人：name 居右空一字 on its line."""

    def __init__(self, issuer: str, doc_number: str, fonts: FontSet, signer: str, grid: Grid) -> None:
        super().__init__()
        self.issuer, self.doc_number, self.fonts, self.signer, self.grid = issuer, doc_number, fonts, signer, grid
        line = grid.line
        natural = stringWidth(issuer, fonts.title, 1.0) or 1.0
        self.mark_size = min(44.0, AREA_W * 0.98 / natural)
        self.mark_base = 35 * mm + 0.86 * self.mark_size
        mark_bottom = self.mark_base + 0.12 * self.mark_size
        if doc_number:
            self.number_base: float | None = mark_bottom + 2 * line + 0.75 * line
            self.rule_y = self.number_base + 0.12 * BODY_SIZE + 4 * mm
        else:
            self.number_base = None
            self.rule_y = mark_bottom + line
        self.height = self.rule_y + 1

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, self.height

    def draw(self) -> None:
        c, top = self.canv, self.height
        c.setFillColor(RED)
        c.setFont(self.fonts.title, self.mark_size)
        c.drawCentredString(AREA_W / 2, top - self.mark_base, self.issuer)
        if self.number_base is not None:
            c.setFillColor(colors.black)
            c.setFont(self.fonts.body, BODY_SIZE)
            y = top - self.number_base
            if self.signer:
                c.drawString(self.grid.pitch, y, self.doc_number)
                # "签发人：" in 仿宋, the name in 楷体 (§7.2.6), right-aligned 空一字.
                name_w = stringWidth(self.signer, self.fonts.kai, BODY_SIZE)
                c.drawRightString(AREA_W - self.grid.pitch - name_w, y, "签发人：")
                c.setFont(self.fonts.kai, BODY_SIZE)
                c.drawRightString(AREA_W - self.grid.pitch, y, self.signer)
            else:
                c.drawCentredString(AREA_W / 2, y, self.doc_number)
        c.setStrokeColor(RED)
        c.setLineWidth(1.5)
        c.line(0, top - self.rule_y, AREA_W, top - self.rule_y)


class _Signature(Flowable):
    """署名 and 成文日期 with room for the seal: the date 右空四字, the issuer centred over it,
    the seal's top within a line of the text above, both lines a little below its centre."""

    def __init__(self, issuer: str, signed_on: date, fonts: FontSet, debug: bool, grid: Grid) -> None:
        super().__init__()
        self.issuer, self.date_text, self.fonts, self.debug = issuer, gongwen_date(signed_on), fonts, debug
        self.grid = grid
        self.seal_top = 0.3 * grid.line
        self.height = self.seal_top + SEAL + 2
        self.placed: SealBox | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, self.height

    def _centre_x(self) -> float:
        date_w = stringWidth(self.date_text, self.fonts.body, BODY_SIZE)
        return AREA_W - 4 * self.grid.pitch - date_w / 2

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        cx, cy = x + self._centre_x(), y + self.height - self.seal_top - SEAL / 2
        page = canvas.getPageNumber() - 1
        self.placed = SealBox(page, (cx - SEAL / 2, cy - SEAL / 2, cx + SEAL / 2, cy + SEAL / 2))
        super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        c, cx = self.canv, self._centre_x()
        seal_cy = self.height - self.seal_top - SEAL / 2
        # Two lines whose middle (glyph centres ≈ baseline + 0.4 em) sits 8 pt below the seal's centre.
        name_base = seal_cy - 8 + self.grid.line / 2 - 0.4 * BODY_SIZE
        c.setFont(self.fonts.body, BODY_SIZE)
        c.setFillColor(colors.black)
        name_w = stringWidth(self.issuer, self.fonts.body, BODY_SIZE)
        c.drawString(min(cx - name_w / 2, AREA_W - name_w), name_base, self.issuer)
        c.drawCentredString(cx, name_base - self.grid.line, self.date_text)
        if self.debug:
            c.setStrokeColor(GRID_GREY)
            c.setLineWidth(0.3)
            c.rect(cx - SEAL / 2, seal_cy - SEAL / 2, SEAL, SEAL)
            c.circle(cx, seal_cy, SEAL / 2)


class _Colophon(Flowable):
    """版记 (§7.4) at the foot of the letter's last page: 抄送 (when set) and, between the rules,
    印发机关 左空一字 and 印发日期 右空一字, in 4号; the last rule on the type area's bottom edge.
    It takes the rest of the page, so it sits at the bottom; with no room it starts a page."""

    SIZE = 14.0  # 4号

    def __init__(self, copy_to: str, printed_by: str, printed_on: date, fonts: FontSet, grid: Grid) -> None:
        super().__init__()
        self.printed_by, self.printed_on, self.fonts = printed_by, gongwen_date(printed_on) + "印发", fonts
        self.copy_lines = self._copy_lines(copy_to.strip().rstrip("。") + "。") if copy_to.strip() else []
        self.row = grid.line
        self.block = (len(self.copy_lines) + 1) * self.row + 2

    def _copy_lines(self, names: str) -> list[str]:
        # Wrapped lines align with the first name after "抄送：" (§7.4.2).
        first = AREA_W - 2 * self.SIZE - stringWidth("抄送：", self.fonts.body, self.SIZE)
        lines, current, width = [], "", first
        for ch in names:
            if stringWidth(current + ch, self.fonts.body, self.SIZE) > width:
                lines.append(current)
                current, width = "", first
            current += ch
        return [*lines, current]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.height = availHeight - 0.01 if availHeight >= self.block else self.block
        return availWidth, self.height

    def draw(self) -> None:
        c, row, size = self.canv, self.row, self.SIZE
        c.setStrokeColor(colors.black)
        c.setFillColor(colors.black)
        c.setFont(self.fonts.body, size)
        base = 0.3 * row
        c.drawString(size, base, self.printed_by)
        c.drawRightString(AREA_W - size, base, self.printed_on)
        indent = size + stringWidth("抄送：", self.fonts.body, size)
        for n, line in enumerate(reversed(self.copy_lines)):
            y = row + base + n * row
            if n == len(self.copy_lines) - 1:
                c.drawString(size, y, "抄送：" + line)
            else:
                c.drawString(indent, y, line)
        top = (len(self.copy_lines) + 1) * row
        for y, width in ((0.5, 1.0), (top, 1.0)):  # first and last rules 0.35 mm
            c.setLineWidth(width)
            c.line(0, y, AREA_W, y)
        if self.copy_lines:
            c.setLineWidth(0.7)  # the rule between 抄送 and 印发 is thinner (0.25 mm)
            c.line(0, row, AREA_W, row)


_PADDED = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]+(?=[0-9])|(?<=[0-9%])[ \t]+(?=[\u3000-\u9fff\uff00-\uffef])")


def tight_numbers(text: str) -> str:
    """Running text of a 公文 has no half-width spaces around its numbers: 投入资金168.58万元."""
    return _PADDED.sub("", text)


def _page_number(canvas: Canvas, doc: BaseDocTemplate, *, left: float, right: float, bottom: float) -> None:
    """``— N —`` in 4号, 7 mm under the type area; odd pages right, even pages left, one character in."""
    n = canvas.getPageNumber()
    canvas.saveState()
    canvas.setFont(register_fonts().song, PAGE_NO_SIZE)
    canvas.setFillColor(colors.black)
    base = bottom - 7 * mm - 0.4 * PAGE_NO_SIZE  # the dashes' top edge 7 mm below the area
    if n % 2:
        canvas.drawRightString(right - PAGE_NO_SIZE, base, f"— {n} —")
    else:
        canvas.drawString(left + PAGE_NO_SIZE, base, f"— {n} —")
    canvas.restoreState()


def _body_markup(text: str, fonts: FontSet) -> str:
    """A body paragraph's markup: its heading (§7.3.3) in 黑体 or 楷体, the rest in the body face."""
    if _HEADING_1.fullmatch(text):
        return f'<font name="{FONT_HEI}">{mark_fallback(text, FONT_HEI)}</font>'
    found = _HEADING_2.match(text)
    if found:
        head, rest = text[:found.end()], text[found.end():]
        return f'<font name="{fonts.kai}">{mark_fallback(head, fonts.kai)}</font>' + mark_fallback(rest, fonts.body)
    return mark_fallback(text, fonts.body)


def _cover_flowables(cover: CoverLetter, fonts: FontSet, debug: bool,
                     grid: Grid = STANDARD) -> tuple[list[Flowable], _Signature]:
    line = grid.line
    body = cjk_style("body", fonts.body, BODY_SIZE, line, firstLineIndent=2 * BODY_SIZE)
    plain = cjk_style("plain", fonts.body, BODY_SIZE, line)
    story: list[Flowable] = [_MastHead(cover.issuer, cover.doc_number, fonts, cover.signer, grid), Spacer(0, 2 * line)]
    # 标题: 2号, centred; a long title is broken between words into lines as even as they allow.
    lines = title_lines(cover.title, lambda t: stringWidth(t, fonts.title, TITLE_SIZE), AREA_W, keep=[cover.issuer])
    title = cjk_style("title", fonts.title, TITLE_SIZE, TITLE_SIZE * 1.5, TA_CENTER)
    story += [CJKParagraph("<br/>".join(mark_fallback(t, fonts.title) for t in lines), title), Spacer(0, line)]
    story.append(_GridParagraph(mark_fallback(cover.recipient + "：", fonts.body), plain, pitch=grid.pitch))
    texts = [tight_numbers(p) for p in cover.paragraphs if p.strip()]
    closing = [texts.pop()] if texts and _CLOSING.fullmatch(texts[-1].strip()) else []
    # A heading standing alone never ends a page: it goes over with the paragraph it heads.
    heading = cjk_style("heading", fonts.body, BODY_SIZE, line, firstLineIndent=2 * BODY_SIZE, keepWithNext=1)
    paragraphs: list[Flowable] = [_GridParagraph(_body_markup(t, fonts), heading if _HEADING_1.fullmatch(t) else body,
                                                 pitch=grid.pitch) for t in texts]
    tail: list[Flowable] = [_GridParagraph(mark_fallback(t, fonts.body), body, pitch=grid.pitch) for t in closing]
    # The closing block goes to a new page only with two lines of body above it (§7.3.5.5): the
    # last two lines of the body, across paragraphs when the last is one line.
    need = 2
    while paragraphs and need > 0:
        last = paragraphs.pop()
        count = round(last.wrap(AREA_W, AREA_H)[1] / line)
        if count <= need:
            tail.insert(0, last)
            need -= count
        else:
            parts = last.split(AREA_W, (count - need) * line + 1)
            if len(parts) == 2:
                paragraphs.append(parts[0])
                tail.insert(0, parts[1])
            else:  # the paragraph will not split there (widow/orphan rules): it goes whole
                tail.insert(0, last)
            need = 0
    story += paragraphs
    if cover.attachments:
        # 正文下空一行左空二字 "附件："; several are numbered, wrapped lines align with the name.
        tail.append(Spacer(0, line))
        many = len(cover.attachments) > 1
        for i, name in enumerate(cover.attachments, 1):
            number = f"{i}. " if many else ""
            hang = 5 * BODY_SIZE + stringWidth(number, fonts.body, BODY_SIZE)
            start = (2 if i == 1 else 5) * BODY_SIZE
            style = cjk_style(f"att{i}", fonts.body, BODY_SIZE, line, leftIndent=hang, firstLineIndent=start - hang)
            text = ("附件：" if i == 1 else "") + number + name
            tail.append(_GridParagraph(mark_fallback(text, fonts.body), style, pitch=grid.pitch))
    signature = _Signature(cover.issuer, cover.signed_on, fonts, debug, grid)
    # The seal never stands alone on a page: keep it with the last lines of text.
    story.append(KeepTogether([*tail, signature]))
    story.append(_Colophon(cover.copy_to, cover.printed_by or f"{cover.issuer}办公室", cover.signed_on, fonts, grid))
    return story, signature


def _cover_frame() -> Frame:
    return Frame(LEFT, BOTTOM, AREA_W, AREA_H, 0, 0, 0, 0, id="cover")


def _letter_pages(cover: CoverLetter, fonts: FontSet, grid: Grid) -> int:
    pages = 0

    def count(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        nonlocal pages
        pages = canvas.getPageNumber()

    doc = BaseDocTemplate(io.BytesIO(), pagesize=A4)
    doc.addPageTemplates([PageTemplate("cover", [_cover_frame()], pagesize=A4, onPage=count)])
    doc.build(_cover_flowables(cover, fonts, False, grid)[0])
    return pages


def letter_grid(cover: CoverLetter, fonts: FontSet) -> Grid:
    """22 × 28, unless a tighter grid saves the letter a page (its closing block fits above)."""
    pages = _letter_pages(cover, fonts, STANDARD)
    if pages == 1:
        return STANDARD
    tightest = TIGHTER[-1]
    fewest = _letter_pages(cover, fonts, tightest)
    if fewest == pages:
        return STANDARD
    return next((g for g in TIGHTER[:-1] if _letter_pages(cover, fonts, g) == fewest), tightest)


class Attachment(Protocol):
    """An attachment set in the letter's own portrait type area instead of the landscape table
    (a 名单: ``name_list.NameList``)."""

    def flowables(self, fonts: FontSet) -> list[Flowable]: ...


def write_report_pdf(path: Path, cover: CoverLetter, table: ReportTable, *,
                     debug_seal_box: bool = False, attachment: Attachment | None = None) -> SealBox:
    """Write the cover letter and the table to ``path``; return where the seal goes.

    ``debug_seal_box`` outlines the seal's place in grey (for checking the layout only).
    ``attachment``: printed after the letter on portrait pages in place of ``table``.
    """
    fonts = register_fonts()
    grid = letter_grid(cover, fonts)
    doc = BaseDocTemplate(
        str(path), pagesize=A4, title=cover.title, author=cover.issuer, subject=table.title,
        creator="fupin-desktop", producer="fupin-desktop", lang="zh-CN",
        initialFontName=fonts.body, initialFontSize=BODY_SIZE, initialLeading=grid.line,
    )
    table_frame = Frame(LAND_MARGIN, LAND_MARGIN, LAND_W - 2 * LAND_MARGIN, LAND_H - 2 * LAND_MARGIN,
                        0, 0, 0, 0, id="table")
    doc.addPageTemplates([
        PageTemplate("cover", [_cover_frame()], pagesize=A4,
                     onPage=partial(_page_number, left=LEFT, right=LEFT + AREA_W, bottom=BOTTOM)),
        PageTemplate("table", [table_frame], pagesize=(LAND_W, LAND_H),
                     onPage=partial(_page_number, left=LAND_MARGIN, right=LAND_W - LAND_MARGIN, bottom=LAND_MARGIN)),
    ])
    story, signature = _cover_flowables(cover, fonts, debug_seal_box, grid)
    if attachment is not None:
        story += [PageBreak(), *attachment.flowables(fonts)]
    else:
        story += [NextPageTemplate("table"), PageBreak(), *table_flowables(table, fonts)]
    doc.build(story)
    if signature.placed is None:
        raise RuntimeError("the signature block was not laid out")
    return signature.placed
