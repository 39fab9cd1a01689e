"""Issue 10, case 8: a workbook costs little however large it says it is. An .xls is measured from
its records before the reader builds its sheets (which it does all at once); every format is held
to one cell budget for all its sheets together. The 8-sheet dense .xls and its peak memory are in
tests/test_hostile_workbooks.py, through the real command."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import xlwt

from fupin_desktop.intake.workbook import MAX_CELLS, MAX_XLS_CELLS, WorkbookError, read_workbook
from fupin_desktop.intake.xls_extent import sheet_extents, workbook_stream


def xls(path: Path, corners: list[tuple[int, int]]) -> Path:
    """One sheet per corner: a cell at A1 and one at (row, column)."""
    book = xlwt.Workbook(encoding="utf-8")
    for n, (row, col) in enumerate(corners, 1):
        ws = book.add_sheet(f"表{n}")
        ws.write(0, 0, "名称")
        ws.write(row, col, n)
    book.save(str(path))
    return path


def test_the_records_give_each_sheets_extent(tmp_path: Path) -> None:
    path = xls(tmp_path / "a.xls", [(9, 3), (99, 0)])
    extents = sheet_extents(workbook_stream(path))
    assert [(e.rows, e.cells) for e in extents] == [(10, 40), (100, 100)]


def test_xls_sheets_each_small_but_too_many_cells_together_are_refused(tmp_path: Path) -> None:
    per_sheet = (MAX_XLS_CELLS // 8 // 10 + 1000, 9)  # a little over an eighth of the budget each
    path = xls(tmp_path / "八张表.xls", [per_sheet] * 8)
    with pytest.raises(WorkbookError, match=r"八张表\.xls.*8 个工作表铺开后共有"):
        read_workbook(path)
    fits = xls(tmp_path / "两张表.xls", [per_sheet] * 2)
    assert [len(s.rows) for s in read_workbook(fits).sheets] == [per_sheet[0] + 1] * 2


def test_xlsx_sheets_each_within_the_limit_but_too_many_cells_together_are_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    rows = MAX_CELLS // 2 // 26 + 100  # columns A..Z: a little over half the budget per sheet
    for n in range(2):
        ws = book.active if n == 0 else book.create_sheet()
        ws["A1"], ws[f"Z{rows}"] = "名称", n
    path = tmp_path / "两张大表.xlsx"
    book.save(path)
    with pytest.raises(WorkbookError, match=r"两张大表\.xlsx.*共超过"):
        read_workbook(path)
