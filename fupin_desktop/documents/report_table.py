"""The report table's pages in a sealed PDF: landscape A4, the 附件 mark, the table with its
header repeated on every page and a 合计 row, then 填表人 and the notes kept with the last rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, LongTable, PageBreak, Spacer, Table, TableStyle

from ..domain.money import format_wan
from .pdf_fonts import BoldParagraph, CJKParagraph, FontSet, SpreadCell, cjk_style, mark_fallback
from .table_widths import ColumnText, fit_widths

__all__ = ["LAND_H", "LAND_MARGIN", "LAND_W", "ReportTable", "TableColumn", "table_flowables"]

LAND_W, LAND_H = landscape(A4)
LAND_MARGIN = 20 * mm
_FRAME_H = LAND_H - 2 * LAND_MARGIN
CELL_SIZE = 9.0
MARK_SIZE = 16.0  # the 附件 mark: 3号黑体
_ROWS_WITH_TAIL = 3  # rows that go over to a new page with 填表人 and 注


@dataclass
class TableColumn:
    key: str
    title: str
    group: str = ""  # a merged header over consecutive columns of the same group
    # money: int fen shown in 万元; count: int; decimal: a number already written out ("214.86"),
    # for a column whose rows have different units; text: anything else.
    kind: Literal["text", "money", "count", "decimal"] = "text"
    weight: float = 1.0  # relative width; give code columns room for 18 characters


@dataclass
class ReportTable:
    title: str
    unit_name: str  # 填报单位
    filled_on: date  # 填报时间
    period_label: str
    columns: list[TableColumn]
    rows: list[dict[str, Any]]  # str for text, int fen for money (shown in 万元), int for counts
    totals: dict[str, Any] | None
    preparer: str = ""  # 填表人
    reviewer: str = ""  # 审核人
    phone: str = ""
    notes: list[str] = field(default_factory=list)
    # Further tables printed after this one under their own titles (a city's breakdown of the
    # counties' figures by campaign, domain …): in the PDF on the same pages, in Excel a sheet each.
    sections: list[ReportTable] = field(default_factory=list)



def _plain_table(fonts: FontSet) -> list[tuple[Any, ...]]:
    # Tables set their cell font even for Paragraph cells: name ours, or Helvetica comes in.
    return [("FONTNAME", (0, 0), (-1, -1), fonts.body), ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0)]


def _cell_text(value: Any, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "money":
        return format_wan(int(value))
    return str(int(value)) if kind == "count" else str(value)


def table_flowables(table: ReportTable, fonts: FontSet) -> list[Flowable]:
    width = LAND_W - 2 * LAND_MARGIN
    small = cjk_style("small", fonts.body, 11, 16)
    story: list[Flowable] = [
        # §7.3.7: "附件" in 3号黑体 顶格 on the first line of the attachment's first page.
        CJKParagraph("附件", cjk_style("attmark", fonts.title, MARK_SIZE, MARK_SIZE * 1.4)),
        BoldParagraph(mark_fallback(table.title, fonts.title),
                       cjk_style("ttitle", fonts.title, 18, 24, TA_CENTER, spaceAfter=2)),
    ]
    if table.period_label and table.period_label not in table.title:  # said once, not twice
        story.append(CJKParagraph(mark_fallback(table.period_label, fonts.body),
                               cjk_style("period", fonts.body, 12, 18, TA_CENTER)))
    filled = f"填报时间：{table.filled_on.year}年{table.filled_on.month}月{table.filled_on.day}日"
    meta = Table(
        [[CJKParagraph(mark_fallback(f"填报单位：{table.unit_name}（盖章）", fonts.body), small),
          CJKParagraph(filled, cjk_style("right", fonts.body, 11, 16, TA_RIGHT))]],
        colWidths=[width * 0.6, width * 0.4],
        style=_plain_table(fonts),
    )
    story += [Spacer(0, 2), meta, Spacer(0, 2)]

    grid = _grid(table, fonts, width)
    footer = [f"填表人：{table.preparer}", f"审核人：{table.reviewer}", f"联系电话：{table.phone}"]
    tail: list[Flowable] = [Spacer(0, 4), Table(
        [[CJKParagraph(mark_fallback(t, fonts.body), small) for t in footer]],
        colWidths=[width / 3] * 3,
        style=_plain_table(fonts),
    )]
    indent = 2 * 11.0  # wrapped lines of the notes align after "注："
    for i, note in enumerate(table.notes, 1):
        text = ("注：" if i == 1 else "") + (f"{i}. " if len(table.notes) > 1 else "") + note
        style = cjk_style(f"note{i}", fonts.body, 11, 16, leftIndent=indent, firstLineIndent=-indent if i == 1 else 0)
        tail.append(CJKParagraph(mark_fallback(text, fonts.body), style))
    story.append(_TableThenTail(grid, tail))
    for section in table.sections:
        story += _section_flowables(section, fonts, width)
    return story


def _section_flowables(section: ReportTable, fonts: FontSet, width: float) -> list[Flowable]:
    """A further table under its own heading; the heading never ends a page alone."""
    notes = [CJKParagraph(mark_fallback(("注：" if i == 1 else "") + note, fonts.body),
                          cjk_style(f"snote{i}", fonts.body, 11, 16)) for i, note in enumerate(section.notes, 1)]
    return [CondPageBreak(90), Spacer(0, 10),
            BoldParagraph(mark_fallback(section.title, fonts.title), cjk_style("stitle", fonts.title, 14, 20)),
            Spacer(0, 4), _TableThenTail(_grid(section, fonts, width), [Spacer(0, 2), *notes])]


class _TableThenTail(Flowable):
    """The table and the lines under it (填表人, 注): where they do not fit under the table's
    last rows, the page breaks a few rows earlier, so the lines never stand alone on a page."""

    def __init__(self, table: Flowable, tail: list[Flowable]) -> None:
        super().__init__()
        self.table, self.tail = table, tail
        self.table_h = 0.0
        self.tail_hs: list[float] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.table_h = self.table.wrap(availWidth, availHeight)[1]
        self.tail_hs = [f.wrap(availWidth, availHeight)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                        for f in self.tail]
        self.width, self.height = availWidth, self.table_h + sum(self.tail_hs)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight:
            return [self]
        if sum(self.tail_hs) > _FRAME_H / 2:  # lines that long cannot go with the last rows: they follow, and split
            parts = [self.table] if self.table_h <= availHeight else self.table.split(availWidth, availHeight)
            return [*parts, *self.tail] if parts else []
        # The lines go on the page that ends the table, with at least its last three rows (the
        # 合计 and two above it): break the table earlier where fewer would be left over.
        room = availHeight - (sum(self.tail_hs) if self.table_h <= availHeight else 0)
        head = getattr(self.table, "repeatRows", 0)
        total = len(self.table._cellvalues)  # type: ignore[attr-defined]
        keep = max(1, min(_ROWS_WITH_TAIL, total - head - 1))
        parts = self.table.split(availWidth, room)
        if len(parts) == 2 and len(parts[1]._cellvalues) - head < keep:  # type: ignore[attr-defined]
            # The rows before the split were measured by that split (a long table measures no further).
            heights = self.table._rowHeights  # type: ignore[attr-defined]
            parts = self.table.split(availWidth, sum(heights[:total - keep]) + 0.5)
        if len(parts) < 2:
            return []
        # A new page for the rest: the frame would otherwise put its first rows in what is left here.
        return [parts[0], PageBreak(), _TableThenTail(parts[1], self.tail)]

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        top = y + self.height
        self.table.drawOn(canvas, x, top - self.table_h)
        top -= self.table_h
        for flowable, height in zip(self.tail, self.tail_hs, strict=True):
            top -= height
            flowable.drawOn(canvas, x, top + flowable.getSpaceAfter())


def _grid(table: ReportTable, fonts: FontSet, width: float) -> LongTable:
    """The report table: a one- or two-level header repeated on every page, a 合计 row, grid lines."""
    cols, n = table.columns, len(table.columns)
    pad_x, pad_y = 7.0, 3.5  # left 3 + right 4; top 1.25 + bottom 2.25
    texts = [ColumnText(c.title, [_cell_text(r.get(c.key), c.kind) for r in [*table.rows, table.totals or {}]],
                        wraps=c.kind == "text") for c in cols]
    fitted = fit_widths(texts, width, lambda t: stringWidth(t, fonts.title, CELL_SIZE), pad_x) if table.rows else None
    weights = [max(c.weight, 0.01) for c in cols]
    widths = fitted or [width * w / sum(weights) for w in weights]
    # 序号 (and 合计 under it) on one line: the first column is never narrower than two characters.
    least = stringWidth("序号", fonts.title, CELL_SIZE) * 1.1 + pad_x
    if n > 1 and widths[0] < least:
        rest = width - least
        widths = [least] + [w * rest / sum(widths[1:]) for w in widths[1:]]
    leading = CELL_SIZE * 1.2
    head = cjk_style("thead", fonts.title, CELL_SIZE, leading, TA_CENTER)
    cell = cjk_style("td", fonts.title, CELL_SIZE, leading, hangMarks=False)  # never past the border
    number = cjk_style("tdn", fonts.title, CELL_SIZE, leading, TA_RIGHT)
    line = (0.5, colors.black)
    styles: list[tuple[Any, ...]] = [
        ("BOX", (0, 0), (-1, -1), *line), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), fonts.title), ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 1.25), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.25),
    ]

    def label(text: str, span: float | None = None) -> BoldParagraph:
        # A title breaks, when it must, before its unit (投入资金/（万元）) or after a slash
        # (村（社区）/户/机构), never inside a word or a unit.
        cuts = [i + 1 for i, ch in enumerate(text) if ch == "/"]
        if text.endswith("）") and text.rfind("（") > 0:
            cuts.append(text.rfind("（"))
        if span is not None and cuts and stringWidth(text, fonts.title, CELL_SIZE) > span - pad_x:
            fitting = [c for c in sorted(cuts) if stringWidth(text[:c], fonts.title, CELL_SIZE) <= span - pad_x]
            cut = fitting[-1] if fitting else min(cuts)
            return BoldParagraph(mark_fallback(text[:cut], fonts.title) + "<br/>" + mark_fallback(text[cut:], fonts.title),
                                 head)
        return BoldParagraph(mark_fallback(text, fonts.title), head)

    def tall(text: str, span: float) -> float:
        return label(text, span).wrap(span - pad_x, 1e6)[1] + pad_y

    grouped = any(c.group for c in cols)
    row_heights: list[float | None] = []
    if not grouped:
        data: list[list[Any]] = [[label(c.title, w) for c, w in zip(cols, widths, strict=True)]]
        styles.append(("INNERGRID", (0, 0), (-1, 0), *line))
    else:
        # Group label over its columns in row 0, their titles in row 1; an ungrouped title
        # is centred over both rows. Row heights are worked out here, as SPAN would have.
        runs: dict[int, int] = {}  # first column of a group → its last column
        for i, c in enumerate(cols):
            if c.group and (i == 0 or cols[i - 1].group != c.group):
                runs[i] = i
            elif c.group:
                runs[max(k for k in runs if k <= i)] = i
        h1 = max(tall(c.title, w) for c, w in zip(cols, widths, strict=True) if c.group)
        h0 = max([tall(cols[a].group, sum(widths[a:b + 1])) for a, b in runs.items()]
                 + [tall(c.title, w) - h1 for c, w in zip(cols, widths, strict=True) if not c.group])
        top: list[Any] = []
        sub: list[Any] = []
        for i, (c, w) in enumerate(zip(cols, widths, strict=True)):
            if not c.group:
                top.append(SpreadCell(label(c.title, w), w - pad_x, down=h1 / 2))
                sub.append("")
            else:
                span = sum(widths[i:runs[i] + 1]) if i in runs else 0
                top.append(SpreadCell(label(c.group), span - pad_x) if i in runs else "")
                sub.append(label(c.title, w))
                styles.append(("LINEBELOW", (i, 0), (i, 0), *line))
            if i < n - 1:
                styles.append(("LINEAFTER", (i, 1), (i, 1), *line))
                if not (c.group and cols[i + 1].group == c.group):
                    styles.append(("LINEAFTER", (i, 0), (i, 0), *line))
        data = [top, sub]
        row_heights = [h0, h1]
    n_head = len(data)
    styles += [("LINEBELOW", (0, n_head - 1), (-1, n_head - 1), *line), ("ALIGN", (0, n_head), (-1, -1), "RIGHT")]
    styles += [("ALIGN", (i, n_head), (i, -1), "LEFT") for i, c in enumerate(cols) if c.kind == "text"]

    def body(text: str, w: float) -> Any:
        # A short cell the font can draw as it is goes in as plain text: a Paragraph per cell is
        # what makes a 3,000-row table slow, and most cells (names, villages) fit on one line.
        marked = mark_fallback(text, fonts.title)
        if "<" not in marked and "&" not in marked and stringWidth(text, fonts.title, CELL_SIZE) <= w - pad_x:
            return text
        return CJKParagraph(marked, cell)

    for row in table.rows:
        data.append([
            body(_cell_text(row.get(c.key), c.kind), w) if c.kind == "text" else _cell_text(row.get(c.key), c.kind)
            for c, w in zip(cols, widths, strict=True)
        ])
    last_body = len(data) - 1
    if table.totals is not None:
        totals = dict(table.totals)
        # "合计" is centred over the leading text columns the totals leave empty.
        lead = 0
        while lead < n and cols[lead].kind == "text" and not totals.get(cols[lead].key):
            lead += 1
        total_row: list[Any] = []
        for i, c in enumerate(cols):
            if i < lead:
                total_row.append(SpreadCell(label("合计"), sum(widths[:lead]) - pad_x) if i == 0 else "")
            else:
                total_row.append(BoldParagraph(mark_fallback(_cell_text(totals.get(c.key), c.kind), fonts.title),
                                               cell if c.kind == "text" else number))
        data.append(total_row)
        t = len(data) - 1
        styles.append(("LINEABOVE", (0, t), (-1, t), *line))
        styles += [("LINEAFTER", (i, t), (i, t), *line) for i in range(max(lead - 1, 0), n - 1)]
    if last_body >= n_head:
        styles.append(("INNERGRID", (0, n_head), (-1, last_body), *line))
    row_heights += [None] * (len(data) - len(row_heights))
    return LongTable(data, colWidths=widths, rowHeights=row_heights, repeatRows=n_head,
                     style=TableStyle(styles), hAlign="CENTER")

