"""A 名单 as the attachment of a 公文 (the 表彰名单 of issue 14): portrait pages in the letter's
type area after the letter, each section a heading (3号黑体, 一、先进单位（3个）) over a table
whose header repeats on every page, then the case texts, each with its heading, in 3号 body text.

``NameList.flowables`` is what ``gongwen.write_report_pdf(..., attachment=...)`` lays out in
place of the landscape report table; the sealing, the seal and the signature stay the letter's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, LongTable, Spacer, TableStyle

from .gongwen import tight_numbers
from .pdf_fonts import BoldParagraph, CJKParagraph, FontSet, cjk_style, mark_fallback
from .title_lines import title_lines

__all__ = ["CaseText", "NameList", "NameSection"]

AREA_W = 156 * mm  # GB/T 9704-2012 type area, as the letter's
MARK_SIZE = 16.0  # 附件 mark and section headings: 3号黑体
TITLE_SIZE = 22.0  # 2号
BODY_SIZE = 16.0  # 3号
CELL_SIZE = 12.0  # 小四 in the tables
LINE = 28.0


@dataclass
class NameSection:
    heading: str  # 一、先进单位（3个）
    columns: list[tuple[str, float]]  # (title, relative width)
    rows: list[list[str]]
    empty: str = "（无）"  # said under the heading when there are no rows


@dataclass
class CaseText:
    heading: str  # （一）晋江市慈善总会结对帮扶某某村
    text: str  # paragraphs separated by line breaks


@dataclass
class NameList:
    title: str
    sections: list[NameSection]
    cases_heading: str = ""  # 三、典型案例
    cases: list[CaseText] = field(default_factory=list)

    def flowables(self, fonts: FontSet) -> list[Flowable]:
        story: list[Flowable] = [
            CJKParagraph("附件", cjk_style("nl-mark", fonts.title, MARK_SIZE, MARK_SIZE * 1.5)),
            Spacer(0, LINE * 0.5),
            # 2号, centred; a long title broken between words into lines as even as they allow.
            CJKParagraph("<br/>".join(mark_fallback(t, fonts.title) for t in title_lines(
                self.title, lambda t: stringWidth(t, fonts.title, TITLE_SIZE), AREA_W)),
                cjk_style("nl-title", fonts.title, TITLE_SIZE, TITLE_SIZE * 1.5, TA_CENTER)),
            Spacer(0, LINE * 0.5),
        ]
        for section in self.sections:
            story += _section(section, fonts)
        if self.cases:
            body = cjk_style("nl-case", fonts.body, BODY_SIZE, LINE, firstLineIndent=2 * BODY_SIZE)
            sub = cjk_style("nl-case-head", fonts.body, BODY_SIZE, LINE, firstLineIndent=2 * BODY_SIZE)
            for n, case in enumerate(self.cases):
                paragraphs = [CJKParagraph(mark_fallback(tight_numbers(t), fonts.body), body)
                              for t in case.text.splitlines() if t.strip()]
                head = BoldParagraph(mark_fallback(case.heading, fonts.body), sub)
                # Neither the section's heading nor a case's stands alone at the foot of a page.
                lead = [_heading(self.cases_heading, fonts)] if n == 0 else []
                story.append(KeepTogether([*lead, head, *paragraphs[:1]]))
                story += paragraphs[1:]
        return story


def _heading(text: str, fonts: FontSet) -> Flowable:
    return CJKParagraph(mark_fallback(text, fonts.title),
                        cjk_style("nl-heading", fonts.title, MARK_SIZE, LINE, firstLineIndent=2 * MARK_SIZE,
                                  spaceBefore=LINE * 0.3, spaceAfter=LINE * 0.2))


def _section(section: NameSection, fonts: FontSet) -> list[Flowable]:
    heading = _heading(section.heading, fonts)
    if not section.rows:
        empty = CJKParagraph(mark_fallback(section.empty, fonts.body),
                             cjk_style("nl-empty", fonts.body, BODY_SIZE, LINE, firstLineIndent=2 * BODY_SIZE))
        return [KeepTogether([heading, empty])]
    weights = [max(w, 0.01) for _, w in section.columns]
    widths = [AREA_W * w / sum(weights) for w in weights]
    leading = CELL_SIZE * 1.35
    head = cjk_style("nl-th", fonts.title, CELL_SIZE, leading, TA_CENTER)
    cell = cjk_style("nl-td", fonts.body, CELL_SIZE, leading, hangMarks=False)
    centred = cjk_style("nl-tdc", fonts.body, CELL_SIZE, leading, TA_CENTER)
    data: list[list[Any]] = [[BoldParagraph(mark_fallback(t, fonts.title), head) for t, _ in section.columns]]
    for row in section.rows:
        data.append([CJKParagraph(mark_fallback(tight_numbers(text), fonts.body), centred if i == 0 else cell)
                     for i, text in enumerate(row)])
    line = (0.5, colors.black)
    table = LongTable(data, colWidths=widths, repeatRows=1, hAlign="CENTER", style=TableStyle([
        ("GRID", (0, 0), (-1, -1), *line), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), fonts.body), ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    # The heading goes over with the table's header and first rows, never alone at a page's foot.
    return [CondPageBreak(4 * LINE), heading, table, Spacer(0, LINE * 0.3)]
