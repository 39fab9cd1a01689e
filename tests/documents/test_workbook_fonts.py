"""Issue 11: every workbook the program writes is set in 宋体, never Calibri, down to the
default font of the cells it leaves blank."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from fupin_desktop.documents.bureau_excel import workbook_bytes
from fupin_desktop.documents.register_template import write_template
from fupin_desktop.documents.report_table import ReportTable, TableColumn
from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.services import monthly_documents
from fupin_desktop.services.inspections import checklist, write_checklist_xlsx, write_work_report_draft
from fupin_desktop.services.places import list_townships


def fonts(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as book:
        return set(re.findall(r'<name val="([^"]+)"', book.read("xl/styles.xml").decode("utf-8")))


def test_no_workbook_falls_back_to_calibri(clerk, tmp_path: Path) -> None:
    month = Period.of_date(clock.today()).previous().previous()
    township = list_townships(clerk)[0].id
    year = clock.today().year - 1
    rows = checklist(clerk, year)
    _pdf, draft = write_work_report_draft(clerk, rows[0].organization_id, year, tmp_path)
    table = ReportTable(title="统计表", unit_name="晋江市民政局", filled_on=clock.today(), period_label="",
                        columns=[TableColumn("seq", "序号"), TableColumn("n", "数量", kind="count")],
                        rows=[{"seq": 1, "n": 2}], totals={"seq": "合计", "n": 2})
    (tmp_path / "sealed.xlsx").write_bytes(workbook_bytes(table))
    write_template(clerk.forms["organization"], tmp_path / "名册模板.xlsx")
    written = [
        monthly_documents.write_township_template(clerk, township, month, tmp_path),
        monthly_documents.write_summary_report(clerk, month, tmp_path),
        write_checklist_xlsx(clerk, rows, tmp_path / "清单.xlsx"),
        draft, tmp_path / "sealed.xlsx", tmp_path / "名册模板.xlsx",
    ]
    for path in written:
        used = fonts(path)
        assert "Calibri" not in used and "宋体" in used, (path.name, used)
