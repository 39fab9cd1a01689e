"""Formula injection (CWE-1236): an organization named like a formula prints as those characters
in the inspection checklist and the work-report draft workbooks, never as a live formula."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from fupin_desktop.services.inspections import checklist, write_checklist_xlsx, write_work_report_draft
from fupin_desktop.store.models import Organization

HOSTILE = ["=cmd|' /C calc'!A0", "=1+1", "+SUM(A1)", "@HYPERLINK(\"http://x\")", "-2+3"]


def cells(path: Path) -> list[tuple[str, object]]:
    book = load_workbook(path)
    return [(c.data_type, c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_formula_like_name_stays_text_in_the_inspection_workbooks(clerk, tmp_path: Path, today, name: str) -> None:
    year = today.year - 1
    rows = checklist(clerk, year)
    org_id = rows[0].organization_id
    with clerk.db.transaction() as s:  # as if imported: the register accepts any name
        s.get(Organization, org_id).name = name
    sheet = write_checklist_xlsx(clerk, checklist(clerk, year), tmp_path / "清单.xlsx")
    _pdf, draft = write_work_report_draft(clerk, org_id, year, tmp_path)
    for path in (sheet, draft):
        written = cells(path)
        assert not [v for t, v in written if t == "f"], path.name  # no formula at all
        assert any(v == name or (isinstance(v, str) and v.startswith(name)) for t, v in written if t == "s")
