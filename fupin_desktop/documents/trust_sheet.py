"""The 证书登记表 a receiving bureau fills from the paper registers (登记单) the counties sent:
one row per unit, its 区划代码, 单位名称 and the 证书指纹 typed from the paper. Laid out like
the window's lists (``list_workbook``): a title row, the header row, the rows; 区划代码 and
证书指纹 are text cells, so Excel neither drops a leading zero nor turns a fingerprint of digits
into a number. ``fupin trust import`` reads it back."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from fupin_desktop.documents.cells import put_text
from fupin_desktop.documents.print_fit import save_for_print

__all__ = ["DIVISION", "FINGERPRINT", "HEADERS", "NAME", "NOTE", "TITLE", "write_trust_template"]

TITLE = "下级单位印章证书登记表"
DIVISION, NAME, FINGERPRINT, NOTE = "区划代码", "单位名称", "证书指纹", "备注"
HEADERS = (DIVISION, NAME, FINGERPRINT, NOTE)
_WIDTHS = (12, 26, 84, 20)  # a fingerprint is 16 groups of 4: 79 characters
_BLANK_ROWS = 30  # text-formatted rows beyond the pre-filled ones, for units typed in by hand
_THIN = Side(style="thin")
INSTRUCTIONS = (
    "填写说明",
    "1. 每行一个单位：区划代码（6 位）、单位名称，以及对方纸质《印章证书指纹登记单》上的证书指纹。",
    "2. 证书指纹照登记单逐组输入，空格、冒号和大小写不限；不登记的单位把指纹留空即可。",
    "3. 把各单位送来的证书文件（.pem、.cer、.crt）放在同一个文件夹里，然后在“接收 → 信任的证书 → 批量登记…”中",
    "   选择本表和该文件夹，或运行：fupin trust import 本表.xlsx --certs 证书文件夹 --user 管理员",
    "4. 每行按指纹找到证书文件，指纹和区划代码都必须一致；有任何一行不符，整张表都不登记，并指出是第几行哪一栏。",
    "5. 登记后，先前已暂存的这些单位的报送包会自动重新验证。",
)


def write_trust_template(path: Path, units: list[tuple[str, str]]) -> Path:
    """The blank sheet, pre-filled with ``units`` ((division, name) still without a certificate)."""
    book = Workbook()
    ws = book.active
    ws.title = "证书登记"
    put_text(ws.cell(1, 1), TITLE).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    for c, header in enumerate(HEADERS, start=1):
        cell = put_text(ws.cell(2, c), header)
        cell.font, cell.border = Font(bold=True, size=11), border
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for r in range(3, 3 + len(units) + _BLANK_ROWS):
        division, name = units[r - 3] if r - 3 < len(units) else ("", "")
        for c, value in enumerate((division, name, "", ""), start=1):
            cell = put_text(ws.cell(r, c), value or None)
            cell.font, cell.border, cell.number_format = Font(size=11), border, "@"
    for c, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.freeze_panes = "A3"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    notes = book.create_sheet("填写说明")
    for r, line in enumerate(INSTRUCTIONS, start=1):
        put_text(notes.cell(r, 1), line).font = Font(bold=r == 1, size=11)
    notes.column_dimensions["A"].width = 110
    save_for_print(book, path)
    return path
