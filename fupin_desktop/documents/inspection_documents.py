"""Documents of the 年检年报: the checklist workbook for the phone calls, and the pre-filled
上一年度参与脱贫攻坚工作情况 an organization completes and signs (PDF and editable .xlsx).

Renderers only: the service gathers the data into the plain objects below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from fupin_desktop.documents.print_fit import save_for_print
from fupin_desktop.documents.song_workbook import song_workbook

from .cells import put_text
from .pdf_fonts import BoldParagraph, CJKParagraph, cjk_style, mark_fallback, register_fonts

__all__ = ["SECTIONS", "DraftPairing", "WorkReportDraft", "write_checklist_workbook", "write_draft_pdf",
           "write_draft_xlsx"]

# The parts the organization writes itself, each with what the bureau expects in it.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("主要做法", "请写明本年度帮扶的方式和过程：入村（户）开展活动的次数，资金、物资的来源和去向，"
              "组织会员、志愿者参与的情况，与镇（街道）、村（社区）的配合等。"),
    ("取得成效", "请写明帮扶带来的变化：受益的户数和人数，产业、就业、教育、健康等方面的具体成果，"
              "可附照片、协议、票据等材料。上表数据如有出入，请在此说明。"),
    ("存在问题", "请如实写明帮扶中遇到的困难和不足，以及需要民政部门或镇（街道）协调的事项。"),
    ("下一年度计划", "请写明下一年度拟继续开展的帮扶项目、预计投入的资金和物资、时间安排和预期目标。"),
)
_NUMBERS = "一二三四五六七八九十"
_GREY = colors.HexColor("#666666")


@dataclass
class DraftPairing:
    agreement_no: str
    township: str
    target: str
    term: str  # "2025.09.03—2027.12.31"
    projects: list[str]
    funds_wan: str  # this year's approved 投入资金 in 万元


@dataclass
class WorkReportDraft:
    organization: str
    year: int
    bureau: str
    details: list[tuple[str, str]]  # (label, value) of the organization
    pairings: list[DraftPairing]
    figures: list[tuple[str, str]]  # (label, "12.50 万元") totals of the year
    basis: str  # where the figures come from
    sections: tuple[tuple[str, str], ...] = field(default=SECTIONS)

    @property
    def title(self) -> str:
        return f"{self.year}年度参与脱贫攻坚工作情况"

    @property
    def note(self) -> str:
        return (f"草稿：由{self.bureau}根据已登记的结对和已审核的月度统计预先填写。请核对各项内容，"
                "补充第四至七部分，签字盖章后作为年检年报附件报送。")


def _heading(n: int, text: str) -> str:
    return f"{_NUMBERS[n - 1]}、{text}"


def _pairing_rows(draft: WorkReportDraft) -> tuple[list[str], list[list[str]]]:
    headers = ["序号", "协议编号", "镇（街道）", "结对对象", "帮扶期限", "合作项目", "本年投入资金（万元）"]
    rows = [[str(n), p.agreement_no, p.township, p.target, p.term, "\n".join(p.projects), p.funds_wan]
            for n, p in enumerate(draft.pairings, start=1)]
    return headers, rows


def _pairs(items: list[tuple[str, str]]) -> list[list[str]]:
    """(label, value) items two to a row: label, value, label, value."""
    flat = [x for item in items for x in item]
    flat += [""] * (-len(flat) % 4)
    return [flat[i:i + 4] for i in range(0, len(flat), 4)]


# -- PDF -------------------------------------------------------------------------------------

def write_draft_pdf(draft: WorkReportDraft, path: Path) -> Path:
    fonts = register_fonts()
    width = A4[0] - 40 * mm
    body = cjk_style("dbody", fonts.body, 11, 17)
    cell = cjk_style("dcell", fonts.title, 9, 12)
    head = cjk_style("dhead", fonts.title, 9, 12, TA_CENTER)
    guide = cjk_style("dguide", fonts.body, 10, 15, textColor=_GREY)
    h2 = cjk_style("dh2", fonts.title, 13, 20, spaceBefore=10, spaceAfter=4)

    def p(text: str, style: Any = cell) -> CJKParagraph:
        return CJKParagraph(mark_fallback(text, style.fontName), style)

    def grid(rows: list[list[Any]], widths: list[float], header: bool = False) -> Table:
        t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("FONTNAME", (0, 0), (-1, -1), fonts.title)]
                              + ([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE"))] if header else [])))
        return t

    story: list[Flowable] = [
        BoldParagraph(mark_fallback(draft.organization, fonts.title), cjk_style("dt1", fonts.title, 18, 26, TA_CENTER)),
        BoldParagraph(mark_fallback(draft.title, fonts.title), cjk_style("dt2", fonts.title, 18, 26, TA_CENTER)),
        Spacer(0, 4), p(draft.note, guide), CJKParagraph(_heading(1, "基本情况"), h2),
    ]
    label_w = 32 * mm
    story.append(grid([[p(a), p(b), p(c), p(d)] for a, b, c, d in _pairs(draft.details)],
                      [label_w, width / 2 - label_w, label_w, width / 2 - label_w]))
    story.append(CJKParagraph(_heading(2, "结对帮扶情况"), h2))
    headers, rows = _pairing_rows(draft)
    if rows:
        weights = [0.7, 1.55, 1.2, 1.6, 1.75, 2.95, 1.4]
        # The term on two lines ("起—" / "止"): a narrow column then breaks it at the dash only.
        rows = [[*r[:4], r[4].replace("—", "—\n"), *r[5:]] for r in rows]
        story.append(grid([[p(h, head) for h in headers]] + [[p(c) for c in r] for r in rows],
                          [width * w / sum(weights) for w in weights], header=True))
    else:
        story.append(p(f"{draft.year}年度没有登记在册的结对帮扶。如有，请在下文说明。", body))
    story.append(CJKParagraph(_heading(3, "本年度帮扶数据"), h2))
    story.append(grid([[p(a), p(b), p(c), p(d)] for a, b, c, d in _pairs(draft.figures)], [width / 4] * 4))
    story += [Spacer(0, 3), p(draft.basis, guide)]
    for n, (title, guidance) in enumerate(draft.sections, start=4):
        box = Table([[p(guidance, guide)]], colWidths=[width], rowHeights=[45 * mm])
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(KeepTogether([CJKParagraph(_heading(n, title), h2), box]))
    # Lines to sign on, as cell borders: a Paragraph would collapse runs of blank characters.
    date_cells = Table([["", p("年", body), "", p("月", body), "", p("日", body)]],
                       colWidths=[14 * mm, 6 * mm, 9 * mm, 6 * mm, 9 * mm, 6 * mm])
    date_cells.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    sign = Table([[p("单位（盖章）：", body), "", p("法定代表人（签字）：", body), ""],
                  [p("填报人：", body), "", p("联系电话：", body), ""],
                  ["", "", p("日期：", body), date_cells]],
                 colWidths=[28 * mm, 48 * mm, 42 * mm, width - 118 * mm], rowHeights=[14 * mm] * 3)
    sign.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                              ("LINEBELOW", (1, 0), (1, 1), 0.5, colors.black),
                              ("LINEBELOW", (3, 0), (3, 1), 0.5, colors.black)]))
    story.append(KeepTogether([Spacer(0, 8 * mm), sign]))

    def page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(fonts.body, 9)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {canvas.getPageNumber()} 页")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"{draft.organization}{draft.title}（草稿）",
                            author=draft.bureau)
    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return path


# -- workbooks -------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_TOP = Alignment(wrap_text=True, vertical="top")
_HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")
_BOLD = Font(name="宋体", bold=True)


def _put(ws: Worksheet, row: int, col: int, value: str, *, span: int = 1, bold: bool = False,
         boxed: bool = True, align: Alignment = _WRAP) -> None:
    put_text(ws.cell(row, col), value)  # an organization named "=1+1" stays text
    if span > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
    for c in range(col, col + span):
        target = ws.cell(row, c)
        target.alignment = align
        target.number_format = "@"  # credit codes and phone numbers stay text
        if boxed:
            target.border = _BOX
        if bold:
            target.font = _BOLD


def write_draft_xlsx(draft: WorkReportDraft, path: Path) -> Path:
    wb = song_workbook()
    ws = wb.active
    ws.title = "工作情况"
    for col, w in enumerate([8, 16, 14, 22, 22, 40, 14], start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    _put(ws, 1, 1, f"{draft.organization}\n{draft.title}", span=7, boxed=False,
         align=Alignment(horizontal="center", vertical="center", wrap_text=True))
    ws.cell(1, 1).font = Font(name="黑体", size=16, bold=True)
    ws.row_dimensions[1].height = 48
    _put(ws, 2, 1, draft.note, span=7, boxed=False)
    ws.cell(2, 1).font = Font(color="666666", italic=True)
    ws.row_dimensions[2].height = 32
    row = 4
    _put(ws, row, 1, _heading(1, "基本情况"), span=7, bold=True, boxed=False)
    for a, b, c, d in _pairs(draft.details):
        row += 1
        _put(ws, row, 1, a, span=2, bold=True)
        _put(ws, row, 3, b, span=2)
        _put(ws, row, 5, c, bold=True)
        _put(ws, row, 6, d, span=2)
    row += 2
    _put(ws, row, 1, _heading(2, "结对帮扶情况"), span=7, bold=True, boxed=False)
    headers, rows = _pairing_rows(draft)
    for r in [headers, *rows]:
        row += 1
        for col, value in enumerate(r, start=1):
            _put(ws, row, col, value, bold=r is headers)
            if r is headers:
                ws.cell(row, col).fill = _HEAD_FILL
    row += 2
    _put(ws, row, 1, _heading(3, "本年度帮扶数据"), span=7, bold=True, boxed=False)
    for a, b, c, d in _pairs(draft.figures):
        row += 1
        _put(ws, row, 1, a, span=2, bold=True)
        _put(ws, row, 3, b, span=2)
        _put(ws, row, 5, c, bold=True)
        _put(ws, row, 6, d, span=2)
    row += 1
    _put(ws, row, 1, draft.basis, span=7, boxed=False)
    ws.cell(row, 1).font = Font(color="666666", italic=True)
    for n, (title, guidance) in enumerate(draft.sections, start=4):
        row += 2
        _put(ws, row, 1, _heading(n, title), span=7, bold=True, boxed=False)
        row += 1
        _put(ws, row, 1, guidance, span=7, boxed=False)
        ws.cell(row, 1).font = Font(color="666666", italic=True)
        ws.row_dimensions[row].height = 30
        row += 1
        _put(ws, row, 1, "", span=7, align=_TOP)  # the space to write in
        ws.row_dimensions[row].height = 150
    row += 2
    for a, b in (("单位（盖章）：", "法定代表人（签字）："), ("填报人：", "联系电话："), ("", "日期：　　　年　　月　　日")):
        _put(ws, row, 1, a, span=3, boxed=False)
        _put(ws, row, 5, b, span=3, boxed=False)
        ws.row_dimensions[row].height = 30
        row += 1
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    save_for_print(wb, path)
    return path


def write_checklist_workbook(path: Path, title: str, subtitle: str, headers: list[str],
                             rows: list[list[str]]) -> Path:
    wb = song_workbook()
    ws = wb.active
    ws.title = "缺漏清单"
    widths = [6, 34, 22, 10, 15, 22, 22, 64, 20]
    for col, w in enumerate(widths[:len(headers)], start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    _put(ws, 1, 1, title, span=len(headers), boxed=False, align=Alignment(horizontal="center", vertical="center"))
    ws.cell(1, 1).font = Font(name="黑体", size=14, bold=True)
    ws.row_dimensions[1].height = 28
    _put(ws, 2, 1, subtitle, span=len(headers), boxed=False)
    for col, value in enumerate(headers, start=1):
        _put(ws, 3, col, value, bold=True)
        ws.cell(3, col).fill = _HEAD_FILL
    for r, values in enumerate(rows, start=4):
        for col, value in enumerate(values, start=1):
            _put(ws, r, col, value)
    ws.freeze_panes = "C4"
    ws.auto_filter.ref = f"A3:{get_column_letter(len(headers))}{max(3, len(rows) + 3)}"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    save_for_print(wb, path)
    return path
