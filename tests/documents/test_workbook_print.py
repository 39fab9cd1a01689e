"""Every workbook the program writes, printed by LibreOffice: no text on paper smaller than 9 pt,
and the print setup keeps its promise (one page wide, or a readable scale with the key columns
repeated on every page width).

LibreOffice here has no 宋体 and would set the sheets in DejaVu Sans, whose wide digits make
every column a sixth wider than in Excel or WPS with SimSun. The test gives it, through a private
fontconfig file, a stand-in with SimSun's proportions (half-width Latin, full-width Chinese):
Noto Sans Mono CJK SC, from the fonts-noto-cjk package the CI installs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fupin_desktop.documents.print_fit import MIN_PRINTED_PT
from fupin_desktop.documents.register_template import write_template
from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.services import monthly_documents, submissions
from fupin_desktop.services.inspections import checklist, write_checklist_xlsx, write_work_report_draft
from fupin_desktop.services.places import list_townships

pdfplumber = pytest.importorskip("pdfplumber")
STAND_IN = "Noto Sans Mono CJK SC"
needs_office = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("fc-list") is None,
                                  reason="LibreOffice missing")

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>宋体</family><prefer><family>{0}</family></prefer></alias>
  <alias binding="same"><family>SimSun</family><prefer><family>{0}</family></prefer></alias>
</fontconfig>
"""


def _workbooks(clerk, reviewer, folder: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    month = Period.of_date(clock.today()).previous().previous()
    year = clock.today().year - 1
    rows = checklist(clerk, year)
    _pdf, draft = write_work_report_draft(clerk, rows[0].organization_id, year, folder)
    write_template(clerk.forms["organization"], folder / "名册模板.xlsx")
    write_template(clerk.forms["pairing"], folder / "结对模板.xlsx", clerk.forms["project"])
    written = [  # the township's form first
        monthly_documents.write_township_template(clerk, list_townships(clerk)[0].id, month, folder),
        monthly_documents.write_summary_report(clerk, month, folder),
        monthly_documents.write_summary_report(clerk, Period.parse(str(year)), folder),
        write_checklist_xlsx(clerk, rows, folder / "清单.xlsx"), draft,
        folder / "名册模板.xlsx", folder / "结对模板.xlsx",
    ]
    for kind, period in (("pairing-plan", str(clock.today().year)), ("monthly", str(month))):
        _, package = submissions.submit(reviewer, kind, Period.parse(period), folder / "usb", "demo",
                                        allow_incomplete=True)
        with zipfile.ZipFile(package) as zf:
            (folder / f"盖章_{kind}.xlsx").write_bytes(zf.read("report.xlsx"))
        written.append(folder / f"盖章_{kind}.xlsx")
    return written


@needs_office
@pytest.mark.slow
def test_no_workbook_prints_smaller_than_9_pt(clerk, reviewer, tmp_path: Path) -> None:
    if STAND_IN not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout:
        pytest.skip(f"{STAND_IN} (fonts-noto-cjk) missing")
    books = tmp_path / "books"
    books.mkdir()
    written = _workbooks(clerk, reviewer, books)
    (tmp_path / "fonts.conf").write_text(FONTS_CONF.format(STAND_IN), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(tmp_path / "fonts.conf")}
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), *map(str, written)],
                   check=True, capture_output=True, timeout=600, env=env)
    for book in written:
        with pdfplumber.open(tmp_path / "pdf" / f"{book.stem}.pdf") as pdf:
            pages = [page.extract_text() for page in pdf.pages]
            sizes = [c["size"] for page in pdf.pages for c in page.chars if c["text"].strip()]
        assert sizes and min(sizes) >= MIN_PRINTED_PT - 0.05, (book.name, min(sizes))
        sheets = load_workbook(book).worksheets
        setup = sheets[0].page_setup
        ws = sheets[0]
        if book.name.startswith("盖章_") or book == written[0]:
            # The sealed report and the township's form print one page wide: the last column's
            # header (repeated with the header rows) on every page of the sheet.
            if len(sheets) > 1:  # the form's pages: up to its 填表说明 sheet
                pages = pages[:next(i for i, p in enumerate(pages) if str(sheets[1]["A1"].value) in p)]
            head = int(str(ws.print_title_rows or "$4:$4").split(":")[-1].lstrip("$"))
            last = str(ws.cell(head, ws.max_column).value or ws.cell(head - 1, ws.max_column).value)
            assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (1, None)
            assert all(last[:4] in p.replace("\n", "").replace(" ", "") for p in pages), (book.name, last)
        elif setup.scale and not sheets[0].sheet_properties.pageSetUpPr.fitToPage:
            # Across several page widths at a readable scale, the key column repeated on each.
            assert setup.scale >= 100 * MIN_PRINTED_PT / 11 and ws.print_title_cols, book.name
            head = int(str(ws.print_title_rows or "1:1").split(":")[0].lstrip("$"))  # the repeated header row
            key = str(ws.cell(head, 1).value)
            assert key in pages[0] and key in pages[1], (book.name, key)
