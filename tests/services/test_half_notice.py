"""半年通报 to the townships and organizations (下行文, notice 004): the 公文 PDF read back with pdftotext
and pdfplumber, its figures against the summaries of the same months, and ``fupin report notice-half``."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import select

from fupin_desktop.cli import main
from fupin_desktop.domain import clock
from fupin_desktop.domain.money import format_wan
from fupin_desktop.domain.monthly_checks import FIGURES
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.services import half_notice, summaries, visits
from fupin_desktop.services.records import RecordView
from fupin_desktop.store.models import Pairing
from fupin_desktop.store.models_supervision import SpotCheck, SpotCheckSample

TODAY = clock.today()
# The last half-year that has ended (the demo's approved months cover it).
PERIOD = Period.half(TODAY.year, 1) if TODAY.month > 6 else Period.half(TODAY.year - 1, 2)
MM = 72 / 25.4
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *options, str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def record_half_work(ctx) -> tuple[visits.VisitView, visits.VisitView]:  # type: ignore[no-untyped-def]
    """A 年中检查 of a pairing with a good practice, a township's 年初部署 with a problem and an overdue
    整改, and a spot check found untrue, all in the half."""
    day = PERIOD.first_day + timedelta(days=40)
    number, label = visits.pairing_choices(ctx, PERIOD.year)[0]
    town = label.rsplit("（", 1)[1].rstrip("）")
    good = visits.record_visit(ctx, kind="年中检查", year=PERIOD.year, pairing=number, visited_on=day,
                               inspectors="张连侨、王芳", findings="设立助学基金，资助在校学生十二名")
    bad = visits.record_visit(ctx, kind="年初部署", year=PERIOD.year, township=town, visited_on=day,
                              inspectors="吴丽婷", problems="个别村未明确联络人", rectification="明确各村联络人",
                              rectify_by=day + timedelta(days=10))
    with ctx.db.transaction() as s:  # a sample drawn during the half (the service dates it today)
        p = s.scalar(select(Pairing).where(Pairing.agreement_no != number).order_by(Pairing.agreement_no))
        sample = SpotCheckSample(year=PERIOD.year, size=1, seed="h", pairing_ids=[p.id], by_township={},
                                 created_at=datetime.combine(day, datetime.min.time()), created_by="reviewer")
        s.add(sample)
        s.flush()
        s.add(SpotCheck(sample_id=sample.id, pairing_id=p.id, checked_on=day, method="实地", truthful=False,
                        findings="受益人数与台账不符", rectification="更正月报", rectify_by=day + timedelta(days=5),
                        follow_up=""))
    return good, bad


@needs_poppler
def test_the_notice_is_a_downward_gongwen_with_the_halfs_figures(reviewer, tmp_path: Path) -> None:
    good, bad = record_half_work(reviewer)
    pdf, xlsx = half_notice.write_half_notice(reviewer, PERIOD, tmp_path, today=TODAY)
    assert pdf.name.endswith(f"_半年工作通报_{PERIOD}_草稿.pdf") and xlsx.exists()
    summary = summaries.summarize(reviewer, PERIOD, "township")
    text = pdftotext(pdf)
    everything = flat(text)
    # Title: the bureau's 通报 of the half; 主送 the townships' governments and the organizations.
    assert f"晋江市民政局关于{PERIOD.label_zh}社会组织结对帮扶工作情况的通报" in everything
    recipient = half_notice.recipients(reviewer)
    assert recipient.startswith("各镇人民政府、街道办事处，") and recipient.endswith("，各有关社会组织")
    assert flat(recipient) + "：" in everything
    # The body's figures are the summary's, and so is every township's row of the 附件.
    total = summary.total.figures
    assert (f"累计投入资金{format_wan(total['funds_fen'])}万元，物资折款{format_wan(total['materials_fen'])}万元，"
            f"帮扶贫困户{total['households']}户，受益{total['beneficiaries']}人次") in everything
    assert f"{len([r for r in summary.rows if r.pairings])}个镇（街道）的{summary.total.pairings}对结对" in everything
    table = [re.sub(r"\s+", " ", line).strip() for line in pdftotext(pdf, "-layout").splitlines()]
    for n, row in enumerate(summary.rows, start=1):
        cells = [str(n), row.label, str(row.pairings)] + [
            format_wan(row.figures[f]) if f.endswith("_fen") else str(row.figures[f]) for f in FIGURES]
        assert " ".join(cells) in table, cells
    assert " ".join(["合计", str(summary.total.pairings), format_wan(total["funds_fen"])]) in " ".join(table)
    # What the visits and the spot check found; the 要求 for the second half; the closing.
    assert flat(good.findings) in everything and "个别村未明确联络人" in everything
    assert "整改要求：明确各村联络人。整改期限" in everything and "尚未整改完成" in everything
    assert "年初部署发现：个别村未明确联络人。" in everything
    assert "结对，信息核对抽查发现帮扶情况与报送不符：受益人数与台账不符。整改要求：更正月报。" in everything
    assert "年初部署1次、年中检查1次，信息核对抽查1对结对（已核定属实0对、不属实1对）" in everything
    assert ("四、下半年工作要求" if PERIOD.index == 1 else "四、下一步工作要求") in everything
    assert "特此通报。" in everything and f"附件：{PERIOD.label_zh}各镇（街道）社会组织结对帮扶工作情况统计表" in everything
    assert "抄送：泉州市民政局。" in everything
    # Every font embedded (no boxes for Chinese on another PC).
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts


def test_title_centred_and_recipient_flush_left(reviewer, tmp_path: Path) -> None:
    pdf, _xlsx = half_notice.write_half_notice(reviewer, PERIOD, tmp_path, today=TODAY)
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        rows: dict[int, list[dict]] = {}
        for ch in page.chars:
            if ch["text"].strip():
                rows.setdefault(round(ch["bottom"]), []).append(ch)
        lines = [sorted(rows[k], key=lambda c: c["x0"]) for k in sorted(rows)]
    texts = ["".join(c["text"] for c in line) for line in lines]
    centre = page.width / 2
    title = [line for line in lines if line[0]["size"] > 20]  # 发文机关标志 and the 2号 title
    assert "".join(c["text"] for line in title for c in line) == (
        f"晋江市民政局晋江市民政局关于{PERIOD.label_zh}社会组织结对帮扶工作情况的通报")
    for line in title:  # centred on the type area (28 mm left, 26 mm right: 1 mm right of the page's centre)
        middle = (line[0]["x0"] + line[-1]["x1"]) / 2
        assert abs(middle - (centre + 1 * MM)) < 2 * MM, "".join(c["text"] for c in line)
    first = next(n for n, t in enumerate(texts) if t.startswith("各镇人民政府"))
    assert abs(lines[first][0]["x0"] - 28 * MM) < 0.5 * MM  # 主送 flush left on the type area
    body = next(n for n, t in enumerate(texts) if t.startswith("按照"))
    assert abs(lines[body][0]["x0"] - (28 + 2 * 156 / 28) * MM) < 1.5 * MM  # 空二字 on the 28-character grid


def test_the_content_matches_the_summary(reviewer) -> None:
    content = half_notice.build_half_notice(reviewer, PERIOD, TODAY)
    summary = summaries.summarize(reviewer, PERIOD, "township")
    assert content.kind == "notice-half" and content.period == PERIOD
    assert content.data["totals"] == summary.total.figures
    assert [r["township"] for r in content.data["rows"]] == [r.label for r in summary.rows]
    assert content.cover.doc_number == "" and content.cover.signer == ""  # a draft: no number, no 签发人
    assert content.cover.recipient == half_notice.recipients(reviewer)
    assert content.cover.paragraphs[-1] == "特此通报。"
    assert content.table.totals["funds_fen"] == summary.total.figures["funds_fen"]


def test_only_an_ended_half_year(reviewer) -> None:
    running = Period.half(TODAY.year, 1 if TODAY.month <= 6 else 2)
    with pytest.raises(KnownError, match="才结束：半年工作通报在半年结束后印发"):
        half_notice.build_half_notice(reviewer, running, TODAY)
    with pytest.raises(KnownError, match="期间应为半年"):
        half_notice.build_half_notice(reviewer, Period.quarter(PERIOD.year, 1), TODAY)


def test_recipients_follow_the_kinds_of_township(reviewer, monkeypatch: pytest.MonkeyPatch) -> None:
    def townships(*kinds: str) -> list[RecordView]:
        return [RecordView(n, {"name": f"甲{n}", "code": f"35058{n:04d}"}, {"kind": k}) for n, k in enumerate(kinds)]

    for kinds, expected in ((("镇", "街道"), "各镇人民政府、街道办事处，各有关社会组织"),
                            (("乡", "镇", "街道"), "各乡镇人民政府、街道办事处，各有关社会组织"),
                            (("街道",), "各街道办事处，各有关社会组织"),
                            (("镇", "开发区等"), "各镇人民政府，甲1管委会，各有关社会组织")):
        monkeypatch.setattr(half_notice, "list_townships", lambda _ctx, kinds=kinds: townships(*kinds))
        assert half_notice.recipients(reviewer) == expected


def test_fupin_report_notice_half(demo_dir: Path, capsys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    base = ["--data-dir", str(demo_dir)]
    code = main([*base, "report", "notice-half", "--period", PERIOD.label_zh, "-o", str(tmp_path / "out"),
                 "--user", "clerk"])
    out, err = capsys.readouterr()
    assert code == 0, err
    written = [Path(line) for line in out.splitlines()]
    assert [p.suffix for p in written] == [".pdf", ".xlsx"] and all(p.exists() for p in written)
    code = main([*base, "report", "notice-half", "--period", f"{PERIOD.year}-Q1", "-o", str(tmp_path / "out"),
                 "--user", "clerk"])
    _out, err = capsys.readouterr()
    assert code == 1 and "--period 应为半年" in err
    code = main([*base, "report", "notice-half", "--period", f"{PERIOD.year}-H1", "-o", str(tmp_path / "out")])
    _out, err = capsys.readouterr()
    assert code == 1 and "这个命令需要登录" in err

