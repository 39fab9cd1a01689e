"""What a person sees of a sealed submission: every PDF page rendered, the workbook printed by LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.services import submissions
from fupin_desktop.services.users import login

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils missing")


@pytest.fixture
def package(clerk, tmp_path: Path) -> dict[str, bytes]:
    reviewer = clerk.as_user(login(clerk.db, "reviewer", "demo"))
    month = Period.of_date(clock.today()).previous().previous()
    _, path = submissions.submit(reviewer, "monthly", month, tmp_path / "usb", "demo")
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


@needs_poppler
def test_every_pdf_page_renders_with_embedded_chinese_fonts(package, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(package["report.pdf"])
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts  # every font embedded (no bare Helvetica)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert "晋江市民政局" in pages[0] and "泉州市民政局" in pages[0]
    assert re.search(r"(?<!\d)20\d\d年[1-9]\d?月[1-9]\d?日", text)  # 成文日期: Arabic numerals, no leading zeros
    assert "合作村社帮扶工作开展情况统计表" in text and re.search(r"合\s*计", text)
    assert "\ufffd" not in text
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == len([p for p in pages if p.strip()])


def test_the_workbook_keeps_formulas_with_values_and_text_never_becomes_a_formula(package, tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(package["report.xlsx"])
    formulas = load_workbook(path).active
    values = load_workbook(path, data_only=True).active
    total_row = next(r for r in range(1, formulas.max_row + 1) if formulas.cell(r, 1).value == "合计")
    funds_col = next(c for c in range(1, formulas.max_column + 1)
                     if str(formulas.cell(4, c).value or formulas.cell(3, c).value).startswith("投入资金"))
    assert str(formulas.cell(total_row, funds_col).value).startswith("=SUM(")
    assert values.cell(total_row, funds_col).value is not None  # the stored value travels with the formula
    assert formulas.protection.sheet
    assert formulas.page_setup.orientation == "landscape" and formulas.print_title_rows


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice missing")
def test_libreoffice_prints_the_workbook_one_page_wide_with_headers_on_every_page(package, tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(package["report.xlsx"])
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())  # type: ignore[union-attr]
    assert width > height  # A4 landscape, as the print setup says
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    printed = [t for t in text if t.strip()]
    assert len(printed) == pages
    for n, page in enumerate(printed, start=1):
        assert "落地项目" in page  # the last column is on every page: fit to one page wide, header repeated
        assert re.search(rf"第\s*{n}\s*页\s*共\s*{pages}\s*页", page)
    # The seal prints once, on the first page, at a real seal's width (42 mm) after fit-to-width.
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    seals = [row.split() for row in images.splitlines()[2:] if row.split()[2] == "image"]
    assert [row[0] for row in seals] == ["1"]
    printed_mm = int(seals[0][3]) / int(seals[0][12]) * 25.4
    assert 40 <= printed_mm <= 44, printed_mm


@needs_poppler
def test_each_letter_gets_the_next_number_of_its_year_and_its_signer(clerk, tmp_path: Path) -> None:
    """GB/T 9704-2012 §7.2.4–7.2.6 for an upward 报告: 晋民〔2026〕N号 居左, 签发人：name 居右 on
    the same line; a correction gets its own number and names the one it corrects."""
    reviewer = clerk.as_user(login(clerk.db, "reviewer", "demo"))
    month = Period.of_date(clock.today()).previous().previous()
    year = clock.today().year
    pages = []
    for n in (1, 2):
        view, path = submissions.submit(reviewer, "monthly", month, tmp_path / "usb", "demo")
        with zipfile.ZipFile(path) as zf:
            (tmp_path / "r.pdf").write_bytes(zf.read("report.pdf"))
        pages.append(subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "2", str(tmp_path / "r.pdf"), "-"],
                                    capture_output=True, text=True, check=True).stdout)
        line = next(row for row in pages[-1].split("\f")[0].splitlines() if f"晋民〔{year}〕{n}号" in row)
        assert re.fullmatch(rf"\s{{0,3}}晋民〔{year}〕{n}号\s+签发人：陈志明\s*", line), line
    assert f"本报告更正晋民〔{year}〕1号" in pages[1].replace("\n", "") and "更正" not in pages[0]
    # The title breaks between words (§7.3.1), not inside 合作村社.
    title = [row.strip() for row in pages[0].splitlines() if "关于报送" in row or "开展情况的报告" in row]
    assert title == [f"晋江市民政局关于报送{month.label_zh}", "合作村社帮扶工作开展情况的报告"], title


@needs_poppler
def test_the_colophon_sits_at_the_foot_of_the_letters_last_page(clerk, tmp_path: Path) -> None:
    """版记 (§7.4): 抄送 when set, then 印发机关 左 and 印发日期 右 on one line, just above the type
    area's bottom edge (35 mm from the paper's), on the page that ends the letter."""
    from fupin_desktop.services.letterhead import set_letter_settings

    admin = clerk.as_user(login(clerk.db, "admin", "demo"))
    set_letter_settings(admin, {"copy_to": "晋江市人民政府"})
    reviewer = clerk.as_user(login(clerk.db, "reviewer", "demo"))
    month = Period.of_date(clock.today()).previous().previous()
    _, path = submissions.submit(reviewer, "monthly", month, tmp_path / "usb", "demo")
    with zipfile.ZipFile(path) as zf:
        (tmp_path / "r.pdf").write_bytes(zf.read("report.pdf"))
    boxes = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                           check=True).stdout
    pages = boxes.split("<page ")[1:]
    letter_end = next(n for n, page in enumerate(pages) if "特此报告" in page)

    def word(page: str, pattern: str) -> tuple[float, float, float, float]:
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">' + pattern, page)
        assert m, pattern
        return tuple(float(v) for v in m.groups())  # type: ignore[return-value]

    page = pages[letter_end]
    printer, printed = word(page, "晋江市民政局办公室<"), word(page, rf"{clock.today().year}年\d+月\d+日印发<")
    copy = word(page, "抄送：晋江市人民政府。<")
    bottom = 842 - 35 / 25.4 * 72  # the type area's bottom edge, from the top
    assert printer[1] == printed[1] and bottom - 29 < printer[3] < bottom  # one line, on the last line
    assert copy[3] < printer[1] and printer[0] < printed[0]  # 抄送 above, 印发机关 left of the date


@needs_poppler
def test_the_closing_block_never_starts_a_page_without_two_lines_of_body(package, tmp_path: Path) -> None:
    """§7.3.5.5: 特此报告, 附件, 署名 and the seal go to a new page only with body text above them."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(package["report.pdf"])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    n = next(i for i, page in enumerate(pages) if "特此报告" in page)
    if n > 0:  # not all on the first page
        above = [row for row in pages[n].split("特此报告")[0].splitlines() if row.strip()]
        assert len(above) >= 1, pages[n][:300]  # with 特此报告 itself: two lines of body


@needs_poppler
def test_table_headers_keep_units_whole_and_the_period_is_said_once(package, tmp_path: Path) -> None:
    """Issue 11: 培训（人次） breaks before its unit, never inside it; 序号 (and 合计) on one line;
    the table title carries the period, so no subtitle repeats it."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(package["report.pdf"])
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    page = next(p for p in boxes.split("<page ")[1:] if "统计表" in p and "序号" in p)
    words = re.findall(r">([^<]+)</word>", page)
    assert "序号" in words and "（人次）" in words and "（万元）" in words
    assert not [w for w in words if w in ("（人", "次）", "（万", "元）", "序", "号")], words[:40]
    month = Period.of_date(clock.today()).previous().previous()
    assert sum(w.count(month.label_zh) for w in words) == 1  # in the title only


@needs_poppler
def test_the_seal_leaves_the_text_under_it_black(package, tmp_path: Path) -> None:
    """§7.3.5.1 and issue 11: the seal presses the 署名 and the date like red ink, it does not
    paint over them. Every pixel that is black text without the seal (-hide-annotations) is
    still dark with it, not red."""
    from PIL import Image

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(package["report.pdf"])
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    page = next(n for n, p in enumerate(text.split("\f"), start=1) if "特此报告" in p)
    for flags, name in (([], "with"), (["-hide-annotations"], "without")):
        subprocess.run(["pdftoppm", "-r", "100", "-png", "-f", str(page), "-l", str(page), *flags, str(pdf),
                        str(tmp_path / name)], check=True)
    with_seal = Image.open(next(tmp_path.glob("with-*.png"))).convert("RGB")
    without = Image.open(next(tmp_path.glob("without-*.png"))).convert("RGB")
    changed = [(x, y) for x in range(without.width) for y in range(without.height)
               if with_seal.getpixel((x, y)) != without.getpixel((x, y))]
    assert changed  # the seal is there
    under = [xy for xy in changed if max(without.getpixel(xy)) < 90]  # black text the seal covers
    assert len(under) > 50
    still_dark = [xy for xy in under if with_seal.getpixel(xy)[0] < 120]
    assert len(still_dark) >= 0.95 * len(under), (len(still_dark), len(under))


@needs_poppler
def test_the_table_pages_are_marked_as_the_attachment(package, tmp_path: Path) -> None:
    """§7.3.7: "附件" 顶格 on the first line of the attachment's first page, above its title."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(package["report.pdf"])
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    first = next(p for p in pages if "统计表" in p and "序号" in p)
    lines = [row for row in first.splitlines() if row.strip()]
    assert lines[0].strip() == "附件" and "统计表" in lines[1]
    assert sum(row.strip() == "附件" for p in pages for row in p.splitlines()) == 1  # the first table page only
