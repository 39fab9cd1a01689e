"""The 信息核对和抽查情况表 as a 公文 附件 (PDF, issue 14): the pages that follow a letter such as
关于社会组织参与脱贫攻坚信息核对和抽查情况的通报, printed on their own.

The same pages as the table part of a sealed report (``report_table.table_flowables``):
landscape A4, "附件" in 3号黑体 顶格 on the first line (GB/T 9704-2012 §7.3.7), the title, 填报单位
and 填报时间, the table with its header repeated on every page, then 填表人/审核人/联系电话 and the
notes (how the sample was drawn, the counts) kept with the last rows; page numbers ``— N —`` as
the letter's. No cover letter and no seal: the bureau attaches the sheet to its own 通报 or files it.

Renderer only: ``services.spotcheck.write_pdf`` gathers the rows into the ``ReportTable``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from .gongwen import _page_number
from .pdf_fonts import register_fonts
from .report_table import CELL_SIZE, LAND_H, LAND_MARGIN, LAND_W, ReportTable, table_flowables

__all__ = ["write_spotcheck_pdf"]


def write_spotcheck_pdf(path: Path, table: ReportTable, *, author: str) -> Path:
    """Write ``table`` as 附件 pages to ``path`` (``author``: the bureau, in the PDF's properties)."""
    fonts = register_fonts()
    doc = BaseDocTemplate(
        str(path), pagesize=(LAND_W, LAND_H), title=table.title, author=author, subject=table.title,
        creator="fupin-desktop", producer="fupin-desktop", lang="zh-CN",
        initialFontName=fonts.body, initialFontSize=CELL_SIZE, initialLeading=CELL_SIZE * 1.2,
    )
    frame = Frame(LAND_MARGIN, LAND_MARGIN, LAND_W - 2 * LAND_MARGIN, LAND_H - 2 * LAND_MARGIN, 0, 0, 0, 0,
                  id="table")
    doc.addPageTemplates([PageTemplate(
        "table", [frame], pagesize=(LAND_W, LAND_H),
        onPage=partial(_page_number, left=LAND_MARGIN, right=LAND_W - LAND_MARGIN, bottom=LAND_MARGIN))])
    doc.build(table_flowables(table, fonts))
    return path
