"""A county's sealed monthly package of N rows, as a ratio to reportlab alone laying out the same table.

    python bench/bench_package.py [--rows 3000] [--runs 2] [--profile]

Why (issue 15): a large county's 合作村社帮扶工作开展情况统计表 has thousands of rows, and the
reviewer waits while 盖章报送 seals it. This shows what the program adds to the unavoidable part,
laying the table out in a PDF.

Set-up (not timed): a demo county (services/demo.py) with ``--rows`` pairings, all months of this
year approved, and the demo reviewer's seal (passphrase "demo").

The PROGRAM: ``submissions.sealing`` for the monthly report of October, to its end (what
``submissions.submit`` and the 盖章报送 button run), timed stage by stage at its progress marks:
opening the seal key (PBKDF2, 600,000 rounds), the month's figures (report_kinds.build_monthly),
the PDF (gongwen.write_report_pdf: the 公文 cover letter and the table), sealing the PDF
(signing.sign_pdf), the workbook (bureau_excel.workbook_bytes) and data.json, the package
(manifest, its CMS signature, the read-back verification, the database record) and writing it out
(fsync, read back). Each later run is a correction (版本 2, 3 …): the same work.

The FLOOR: reportlab alone laying out the same rows and columns with the same fonts
(pdf_fonts.register_fonts: the cells in the title face at 9 pt as the program sets them) in a plain
SimpleDocTemplate on landscape A4 with 20 mm margins: one LongTable with the header repeated on
each page, the 合计 row, grid lines; widths from the program's column weights; a cell whose text
is wider than its column is a stock Paragraph (wordWrap CJK), any other cell a plain string. No
cover letter, no seal, no workbook.

Floor and program run alternately ``--runs`` times; the best of each is printed, with the ratio
(the issue's goal: the package within 2× the floor). With ``--profile``, or when the ratio is
above 2, one more sealing under cProfile: the top 15 functions by cumulative time and the top 10
by own time. Temporary files are removed at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CELL_SIZE = 9.0
STAGES = ("opening the seal key", "the month's figures", "the PDF (letter + table)", "sealing the PDF, workbook, data.json",
          "package, its signature, verification, record", "writing it out")


def floor_pdf(path: Path, table: Any) -> int:
    """reportlab alone: the table's rows in a plain LongTable; returns the page count."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate

    from fupin_desktop.documents.pdf_fonts import register_fonts

    font = register_fonts().title
    page = landscape(A4)
    margin = 20 * mm
    width = page[0] - 2 * margin
    columns = table.columns
    weights = sum(c.weight for c in columns)
    widths = [width * c.weight / weights for c in columns]
    head = ParagraphStyle("head", fontName=font, fontSize=CELL_SIZE, leading=CELL_SIZE * 1.2, alignment=1,
                          wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=CELL_SIZE, leading=CELL_SIZE * 1.2, wordWrap="CJK")

    def shown(value: Any, kind: str) -> str:
        if value is None or value == "":
            return ""
        if kind == "money":
            return f"{int(value) / 1_000_000:,.2f}"  # fen → 万元
        return str(value)

    def text_cell(text: str, w: float) -> Any:
        return text if stringWidth(text, font, CELL_SIZE) <= w - 7 else Paragraph(escape(text), cell)

    data: list[list[Any]] = [[Paragraph(escape(c.title), head) for c in columns]]
    for row in [*table.rows, table.totals or {}]:
        data.append([text_cell(shown(row.get(c.key), c.kind), w) if c.kind == "text" else shown(row.get(c.key), c.kind)
                     for c, w in zip(columns, widths, strict=True)])
    grid = LongTable(data, colWidths=widths, repeatRows=1, style=[
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 1), (-1, -1), "RIGHT"),
        *[("ALIGN", (i, 1), (i, -1), "LEFT") for i, c in enumerate(columns) if c.kind == "text"],
    ])
    pages = 0

    def count(canvas: Any, _doc: Any) -> None:
        nonlocal pages
        pages = canvas.getPageNumber()

    doc = SimpleDocTemplate(str(path), pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, initialFontName=font)
    doc.build([grid], onFirstPage=count, onLaterPages=count)
    return pages


def sealed(ctx: Any, month: Any, out: Path) -> tuple[float, list[float], Path]:
    """One sealing to its end: (seconds, seconds per stage, the package)."""
    from fupin_desktop.services import submissions

    marks = []
    start = time.perf_counter()
    gen = submissions.sealing(ctx, "monthly", month, out, "demo", allow_incomplete=True)
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            _view, path = stop.value
            break
        marks.append(time.perf_counter())
    end = time.perf_counter()
    return end - start, [b - a for a, b in zip(marks, [*marks[1:], end], strict=True)], path


def _pdf_pages(data: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(data)).root["/Pages"]["/Count"])


def _print_profile(profile: cProfile.Profile) -> None:
    for order, count, label in (("cumulative", 15, "cumulative"), ("tottime", 10, "own")):
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats(order).print_stats(count)
        lines = text.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print(f"\none sealing under cProfile, top {count} by {label} time (slower than above):")
        for line in lines[start:]:
            if line.strip():
                print("   " + line.replace(str(ROOT) + "/", "").replace(sys.prefix, "<venv>"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000, help="pairings (table rows) in the county's month")
    parser.add_argument("--runs", type=int, default=2, help="alternate runs of floor and program; the best counts")
    parser.add_argument("--profile", action="store_true", help="profile one sealing in any case")
    args = parser.parse_args()

    import zipfile

    from fupin_desktop.documents.pdf_fonts import register_fonts
    from fupin_desktop.domain.periods import Period
    from fupin_desktop.intake.division_table import load_division_table
    from fupin_desktop.services.context import Forms, ServiceContext
    from fupin_desktop.services.demo import build_demo, give_demo_seal
    from fupin_desktop.services.report_kinds import report_kind
    from fupin_desktop.services.users import login
    from fupin_desktop.store.db import Database

    with tempfile.TemporaryDirectory(prefix="fupin-bench-package-") as tmp:
        work = Path(tmp)
        year = date.today().year
        t = time.perf_counter()
        db = Database.open(work / "county")
        build_demo(db, load_division_table(), organizations=max(30, args.rows // 3), pairings=args.rows,
                   today=date(year + 1, 1, 15))
        give_demo_seal(db, work / "county")
        ctx = ServiceContext(db, Forms(), login(db, "reviewer", "demo"), work / "county")
        month = Period.month(year, 10)  # approved for every township of the demo county
        table = report_kind("monthly").build(ctx, month, date(year, 11, 5)).table
        register_fonts()  # both use them: parsed once, before either is timed
        print(f"set-up (not measured): the demo county with {args.rows} pairings and its seal in"
              f" {time.perf_counter() - t:.0f} s; {month.label_zh}: {len(table.rows)} rows × {len(table.columns)} columns",
              flush=True)

        floors, programs, stages = [], [], []
        for run in range(args.runs):
            t = time.perf_counter()
            pages = floor_pdf(work / "floor.pdf", table)
            floors.append(time.perf_counter() - t)
            seconds, parts, package = sealed(ctx, month, work / "usb")
            programs.append(seconds)
            stages.append(parts)
            print(f"   run {run + 1}: floor {floors[-1]:.2f} s, program {seconds:.2f} s", flush=True)
        floor, program = min(floors), min(programs)
        parts = stages[programs.index(program)]
        with zipfile.ZipFile(package) as zf:
            sizes = {i.filename: i.file_size for i in zf.infolist()}
            program_pages = _pdf_pages(zf.read("report.pdf"))
        print(f"floor (reportlab alone, the table only), best of {args.runs}: {floor:.2f} s, {pages} pages,"
              f" {(work / 'floor.pdf').stat().st_size // 1024} KB")
        print(f"program (sealed package: letter + table PDF, seal, workbook, data, package), best of {args.runs}:"
              f" {program:.2f} s = {program / floor:.2f}× the floor (goal ≤ 2×); its PDF has {program_pages} pages,"
              f" {sizes['report.pdf'] // 1024} KB; workbook {sizes['report.xlsx'] // 1024} KB,"
              f" data.json {sizes['data.json'] // 1024} KB, package {package.stat().st_size // 1024} KB")
        for name, seconds in zip(STAGES, parts, strict=True):
            print(f"   {name:46} {seconds:6.2f} s = {seconds / floor:.2f}× the floor")

        if args.profile or program / floor > 2:
            profile = cProfile.Profile()
            profile.enable()
            sealed(ctx, month, work / "usb")
            profile.disable()
            _print_profile(profile)
        db.dispose()


if __name__ == "__main__":
    main()
