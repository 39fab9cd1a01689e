"""The sealed-report PDF: 公文 cover letter (GB/T 9704-2012) and the landscape table pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from fupin_desktop.documents.gongwen import (
    CoverLetter,
    ReportTable,
    SealBox,
    TableColumn,
    write_report_pdf,
)
from fupin_desktop.documents.gongwen_date import gongwen_date
from fupin_desktop.documents.pdf_fonts import has_glyph, mark_fallback, register_fonts, resolve_fonts

MM = 72 / 25.4
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

TOWNS = ["安海镇", "磁灶镇", "陈埭镇", "池店镇", "内坑镇", "东石镇", "英林镇", "金井镇"]
ORGS = ["晋江市慈善总会", "晋江市青年志愿者协会", "晋江市老年人体育协会", "晋江市陶瓷商会", "晋江市红十字会"]
LONG = ("组织志愿者开展入户走访，了解留守儿童、空巢老人的实际困难；协调企业提供就业岗位，"
        "举办技能培训两期，帮助贫困户发展特色种养殖产业，落实消费扶贫采购农产品。")


def sample_cover(**changes: object) -> CoverLetter:
    """A short report letter: with the standard's 版头 it fits on the first page with its seal."""
    cover = CoverLetter(
        issuer="晋江市民政局",
        doc_number="晋民〔2026〕12号",
        title="关于报送2026年10月帮扶情况统计表的报告",
        recipient="泉州市民政局",
        paragraphs=[
            "现将我市2026年10月社会组织合作村社帮扶工作开展情况统计表报送你局。帮扶对象王𠮷、陈堃等"
            "已落实结对帮扶措施。",
            "特此报告。",
        ],
        signed_on=date(2026, 11, 25),
    )
    for key, value in changes.items():
        setattr(cover, key, value)
    return cover


LONG_LETTER = [
    "根据《关于开展社会组织参与脱贫攻坚专项行动的通知》要求，现将我市2026年10月社会组织"
    "合作村社帮扶工作开展情况统计表报送你局，请审阅。",
    "本月全市共有社会组织结对帮扶村（社区）三百个，投入资金、物资折款、受益人数等情况详见附表。"
    "帮扶对象中王𠮷、陈堃等困难群众已落实结对帮扶措施，各镇（街道）社会事务办均已按时报送月报。",
    "特此报告。",
]


COLUMNS = [
    TableColumn("seq", "序号", weight=0.5),
    TableColumn("town", "镇（街道）", weight=0.9),
    TableColumn("village", "村（社区）", group="合作村社", weight=1.0),
    TableColumn("org", "社会组织名称", group="合作村社", weight=1.5),
    TableColumn("content", "具体帮扶内容", weight=3.2),
    TableColumn("progress", "进展情况", weight=1.6),
    TableColumn("funds", "投入资金（万元）", kind="money", weight=0.9),
    TableColumn("goods", "物资折款（万元）", kind="money", weight=0.9),
    TableColumn("households", "帮扶贫困户（户）", kind="count", weight=0.8),
    TableColumn("people", "受益人数（人次）", kind="count", weight=0.8),
    TableColumn("contact", "联系人", weight=0.7),
]


def sample_table(n_rows: int = 300) -> ReportTable:
    rows = []
    for i in range(n_rows):
        rows.append({
            "seq": str(i + 1),
            "town": TOWNS[i % len(TOWNS)],
            "village": f"第{i % 40 + 1}村委会" if i % 7 else "社区居委会",
            "org": ORGS[i % len(ORGS)],
            "content": LONG if i % 3 == 0 else LONG[: 20 + i % 30],
            "progress": "已完成，群众满意" if i % 2 else "进行中，预计年底完成",
            "funds": 123_456_78 + i * 1_000,
            "goods": (i % 9) * 35_000,
            "households": i % 13,
            "people": 40 + i,
            "contact": "王𠮷" if i % 10 == 0 else ("陈堃" if i % 10 == 1 else "李明"),
        })
    totals = {
        "funds": sum(r["funds"] for r in rows),
        "goods": sum(r["goods"] for r in rows),
        "households": sum(r["households"] for r in rows),
        "people": sum(r["people"] for r in rows),
    }
    return ReportTable(
        title="合作村社帮扶工作开展情况统计表",
        unit_name="晋江市民政局",
        filled_on=date(2026, 11, 5),
        period_label="2026年10月",
        columns=COLUMNS,
        rows=rows,
        totals=totals,
        preparer="陈堃",
        reviewer="王𠮷",
        phone="0595-85612345",
        notes=["投入资金、物资折款以万元计，保留两位小数。", "本表由镇（街道）社会事务办于每月5日前报送。"],
    )


def _run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def _pages(pdf: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", pdf), re.M)
    assert match
    return int(match.group(1))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SealBox]:
    path = tmp_path_factory.mktemp("gongwen") / "report.pdf"
    return path, write_report_pdf(path, sample_cover(), sample_table())


# -- the date and the fonts ----------------------------------------------------------


@pytest.mark.parametrize(("d", "text"), [
    (date(2020, 6, 3), "2020年6月3日"),
    (date(2026, 11, 25), "2026年11月25日"),
    (date(2026, 10, 10), "2026年10月10日"),
    (date(2026, 12, 2), "2026年12月2日"),  # GB/T 9704-2012 §7.3.5: Arabic numerals, no leading zero
    (date(2000, 1, 20), "2000年1月20日"),
])
def test_the_date_is_written_in_arabic_numerals(d: date, text: str) -> None:
    assert gongwen_date(d) == text


def test_fonts_register_once_and_resolve_the_shipped_files() -> None:
    fonts = register_fonts()
    assert register_fonts() is fonts
    names = {c.name: c.path.name for c in resolve_fonts(None)}
    assert names == {"HeiTi": "NotoSansSC-Regular.ttf", "Kai": "LXGWWenKai-Regular.ttf"}
    assert all(c.path.is_file() for c in resolve_fonts(None))
    if not names.keys() - {c.name for c in fonts.choices}:  # not on a Windows with simfang
        assert (fonts.body, fonts.title, fonts.fallbacks) == ("Kai", "HeiTi", ("Kai", "HeiTi"))


def test_windows_fonts_are_preferred_and_the_shipped_ones_stay_as_fallbacks(tmp_path: Path) -> None:
    for name in ("SIMFANG.TTF", "simhei.ttf", "simsun.ttc", "simkai.ttf"):  # Windows writes either case
        (tmp_path / name).write_bytes(b"")
    names = {c.name: c.path for c in resolve_fonts(tmp_path)}
    assert names["FangSong"] == tmp_path / "SIMFANG.TTF" and names["HeiTi"] == tmp_path / "simhei.ttf"
    assert names["SongTi"] == tmp_path / "simsun.ttc" and names["KaiTi"] == tmp_path / "simkai.ttf"
    assert names["NotoSansSC"].name == "NotoSansSC-Regular.ttf" and names["Kai"].name == "LXGWWenKai-Regular.ttf"
    assert "XiaoBiaoSong" not in names


def test_the_office_fonts_of_the_standard_win_over_windows_own(tmp_path: Path) -> None:
    """方正小标宋简体 for titles and 仿宋_GB2312 for the body (§7.5), found in a 麒麟/统信-style
    subfolder of the user's fonts, before simfang; the shipped fonts stay the fallbacks."""
    office = tmp_path / "fonts" / "founder"
    office.mkdir(parents=True)
    for name in ("方正小标宋简体.ttf", "仿宋_GB2312.ttf", "楷体_GB2312.ttf"):
        (office / name).write_bytes(b"")
    (tmp_path / "win").mkdir()
    (tmp_path / "win" / "simfang.ttf").write_bytes(b"")
    names = {c.name: c.path for c in resolve_fonts([tmp_path / "fonts", tmp_path / "win"])}
    assert names["XiaoBiaoSong"].name == "方正小标宋简体.ttf" and names["FangSong"].name == "仿宋_GB2312.ttf"
    assert names["KaiTi"].name == "楷体_GB2312.ttf"
    assert names["HeiTi"].name == "NotoSansSC-Regular.ttf" and names["Kai"].name == "LXGWWenKai-Regular.ttf"


def test_mark_fallback_wraps_what_the_face_lacks_and_escapes() -> None:
    assert not has_glyph("HeiTi", "𠮷") and has_glyph("Kai", "𠮷") and has_glyph("HeiTi", "堃")
    assert mark_fallback("王𠮷与陈堃") == '王<font name="Kai">𠮷</font>与陈堃'
    assert mark_fallback("𠮷𠮷<b>&") == '<font name="Kai">𠮷𠮷</font>&lt;b&gt;&amp;'
    assert mark_fallback("甲\n乙\r\t丙") == "甲<br/>乙 丙"
    assert mark_fallback("王𠮷", font="Kai") == "王𠮷"  # Kai has it itself
    # WenKai has only part of Ext-A: 㐀 comes from Noto Sans SC in Kai text.
    assert not has_glyph("Kai", "㐀")
    assert mark_fallback("刘㐀", font="Kai") == '刘<font name="HeiTi">㐀</font>'


# -- the document ------------------------------------------------------------------------


@needs_poppler
def test_every_font_is_embedded_and_no_helvetica(report: tuple[Path, SealBox]) -> None:
    lines = _run("pdffonts", report[0]).splitlines()[2:]
    assert lines, "no fonts listed"
    for line in lines:
        assert "Helvetica" not in line
        emb = line.split()[-5]  # name type encoding emb sub uni object ID
        assert emb == "yes", line


@needs_poppler
def test_text_comes_back_including_ext_b(report: tuple[Path, SealBox]) -> None:
    cover = _run("pdftotext", "-f", "1", "-l", "1", report[0], "-")
    for text in ("晋江市民政局", "晋民〔2026〕12号", "泉州市民政局：", "特此报告。",
                 "2026年11月25日", "王𠮷", "陈堃"):
        assert text in cover.replace("\n", ""), text
    everything = _run("pdftotext", report[0], "-")
    for text in ("合作村社帮扶工作开展情况统计表", "填报单位：晋江市民政局（盖章）", "填报时间：2026年11月5日",
                 "合作村社", "社会组织名称", "村（社区）", "合计", "填表人：陈堃", "审核人：王𠮷", "王𠮷", "陈堃",
                 "12.35", "联系电话：0595-85612345"):
        assert text in everything, text


@needs_poppler
def test_every_page_is_numbered(report: tuple[Path, SealBox]) -> None:
    pages = _pages(report[0])
    assert pages > 1
    for n in range(1, pages + 1):
        # pdftotext drops the narrow spaces around the number.
        assert re.search(rf"—\s?{n}\s?—", _run("pdftotext", "-f", str(n), "-l", str(n), report[0], "-")), n


def test_seal_box_sits_over_the_signature_inside_the_type_area(report: tuple[Path, SealBox]) -> None:
    seal = report[1]
    x1, y1, x2, y2 = seal.box
    assert seal.page == 0
    assert abs((x2 - x1) - 42 * MM) < 0.5 and abs((y2 - y1) - 42 * MM) < 0.5
    assert 28 * MM <= x1 < x2 <= (28 + 156) * MM
    assert 35 * MM <= y1 < y2 <= (297 - 37) * MM


@needs_poppler
def test_seal_box_sits_centred_over_the_issuer_and_the_date(report: tuple[Path, SealBox]) -> None:
    x1, y1, x2, y2 = report[1].box
    words = _bbox_words(report[0], page=1)
    date_box = next(w for w in words if w[4] == "2026年11月25日")
    name_box = min((w for w in words if w[4] == "晋江市民政局"), key=lambda w: w[1])  # the 署名, not the 版头
    # 右空四字: the date ends four characters in from the right edge of the type area.
    assert abs(((28 + 156) * MM - date_box[2]) - 4 * 156 * MM / 28) < 2
    # The issuer is centred over the date, the seal over both (horizontally) …
    centre = (date_box[0] + date_box[2]) / 2
    assert abs((name_box[0] + name_box[2]) / 2 - centre) < 1
    assert abs((x1 + x2) / 2 - centre) < 1
    # … and covers both lines, which sit a little below its centre.
    assert y1 < date_box[1] < name_box[3] < y2
    assert (date_box[1] + name_box[3]) / 2 < (y1 + y2) / 2
    # The seal's top is within one line (225 mm / 22) of the text above it.
    above = min((w for w in words if w[1] > y2 and w[0] < (28 + 156) * MM), key=lambda w: w[1])
    assert 0 <= above[1] - y2 <= 225 * MM / 22


def _bbox_words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """pdftotext -bbox words of one page in PDF coordinates (origin bottom left)."""
    html = _run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), pdf, "-")
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))  # type: ignore[union-attr]
    out = []
    for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', html):
        a, b, c, d = (float(v) for v in m.groups()[:4])
        out.append((a, height - d, c, height - b, m.group(5)))
    return out


@needs_poppler
def test_no_wrapped_line_starts_with_closing_punctuation(tmp_path: Path) -> None:
    # Body lines are 28 characters (26 after the indent): put punctuation right where each
    # line would break.
    chunk = "帮扶工作开展情况统计表报送你局请审阅本月全市共有社会组织"  # 28 characters
    assert len(chunk) == 28
    para = chunk[:26] + "".join(p + chunk for p in "，：；！？。、》")
    cover = sample_cover(paragraphs=[para, "特此报告。"])
    table = sample_table(12)
    for row in table.rows:  # the narrow columns wrap often
        row["progress"] = "已完成，群众满意，" * 3
        row["village"] = "第一村委会，第二村委会，第三村委会"
    pdf = tmp_path / "punct.pdf"
    write_report_pdf(pdf, cover, table)
    text = _run("pdftotext", "-layout", pdf, "-")
    bad = [line for line in text.splitlines() if re.search(r"(^|\s{2,})[，：；！？。、》]", line)]
    assert bad == []
    letter = _run("pdftotext", "-f", "1", "-l", "2", pdf, "-")
    assert letter.count("帮扶工作开展情况统计表") == 9  # all nine chunks are there
    # … and those marks hang at the end of the lines instead.
    assert re.findall(r"(?:社会|组织)([，：；！？。、》])\n", letter) == list("，：；！？。、》")


def test_a_long_issuer_and_no_doc_number_still_fit(tmp_path: Path) -> None:
    cover = sample_cover(issuer="晋江市民政局晋江市乡村振兴局晋江市慈善总会", doc_number="")
    seal = write_report_pdf(tmp_path / "long.pdf", cover, sample_table(3))
    assert seal.page == 0
    assert seal.box[0] >= 28 * MM and seal.box[2] <= (28 + 156) * MM


@needs_poppler
def test_a_long_letter_carries_its_last_lines_onto_the_seal_page(tmp_path: Path) -> None:
    cover = sample_cover(
        title="晋江市民政局关于报送2026年10月社会组织合作村社帮扶工作开展情况统计表的报告",
        paragraphs=LONG_LETTER,
        attachments=["晋江市社会组织合作村社帮扶工作开展情况统计表（2026年10月）", "帮扶对象名单"],
    )
    pdf = tmp_path / "letter.pdf"
    seal = write_report_pdf(pdf, cover, sample_table(3))
    assert seal.page == 1
    assert seal.box[1] >= 35 * MM and seal.box[3] <= (297 - 37) * MM
    page2 = _run("pdftotext", "-f", "2", "-l", "2", pdf, "-")
    # No seal on a blank page: the closing words and the attachments come with it.
    for text in ("特此报告。", "附件：1. 晋江市社会组织", "2. 帮扶对象名单", "2026年11月25日"):
        assert text in page2, text


@needs_poppler
def test_only_the_last_lines_of_a_long_paragraph_go_over_with_the_seal(tmp_path: Path) -> None:
    long_last = "各镇（街道）社会事务办均已按时报送月报，帮扶资金已全部落实到位。" * 8  # about ten lines
    cover = sample_cover(paragraphs=["现将统计表报送你局。", long_last])
    pdf = tmp_path / "widow.pdf"
    seal = write_report_pdf(pdf, cover, sample_table(3))
    assert seal.page == 1
    page1 = _run("pdftotext", "-f", "1", "-l", "1", pdf, "-").replace("\n", "")
    page2 = _run("pdftotext", "-f", "2", "-l", "2", pdf, "-").replace("\n", "")
    assert page1.count("社会事务办") >= 5  # the page is filled, not left blank
    assert 1 <= page2.count("社会事务办") <= 2 and "2026年11月25日" in page2


def test_a_number_stays_with_its_unit_at_every_line_width() -> None:
    """Issue 11: 168.58万元 and 3223人次 are never split across lines, whatever the width."""
    from fupin_desktop.documents.pdf_fonts import CJKParagraph, cjk_style

    fonts = register_fonts()
    text = "投入资金168.58万元，物资折款21.96万元，帮扶贫困户33户，受益3223人次，提供就业岗位66个，培训801人次。"
    style = cjk_style("b", fonts.body, 16, 29)
    for width in range(80, 400, 3):
        lines = ["".join(w.text for w in line.words) for line in CJKParagraph(text, style).breakLinesCJK(width).lines]
        assert "".join(lines) == text
        for this, after in zip(lines, lines[1:], strict=False):
            assert not (this[-1].isdigit() and not after[0].isascii()), (width, this, after)


def test_running_text_has_no_spaces_around_numbers() -> None:
    from fupin_desktop.documents.gongwen import tight_numbers

    assert tight_numbers("本月共有 20 个镇（街道）的 112 对，投入资金 214.86 万元。") == \
        "本月共有20个镇（街道）的112对，投入资金214.86万元。"
    assert tight_numbers("GB/T 9704-2012 的 2 号") == "GB/T 9704-2012的2号"  # Latin keeps its own space
