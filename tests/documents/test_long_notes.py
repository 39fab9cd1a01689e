"""Notes under a table longer than half a page (a province's aggregate after a round of
corrections): the PDF is still written, every note printed, the signature lines after the table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber

from fupin_desktop.documents.gongwen import CoverLetter, write_report_pdf
from fupin_desktop.documents.report_table import ReportTable, TableColumn
from fupin_desktop.services.aggregate_reports import CHANGED_IN_NOTE, changed_note


def _table(rows: int) -> ReportTable:
    return ReportTable("汇总表", "四川省民政厅", date(2026, 11, 5), "2026年10月",
                       [TableColumn("seq", "序号", kind="count", weight=0.3), TableColumn("bureau", "单位", weight=2),
                        TableColumn("funds_fen", "投入资金（万元）", kind="money")],
                       [{"seq": i, "bureau": f"第{i}县民政局", "funds_fen": i * 100} for i in range(1, rows + 1)],
                       {"bureau": "合计", "funds_fen": sum(i * 100 for i in range(1, rows + 1))})


def _text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages).replace(" ", "")


def _write(table: ReportTable, tmp_path: Path) -> Path:
    cover = CoverLetter("四川省民政厅", "", "关于报送汇总的报告", "民政部", ["现将汇总表报上。"], date(2026, 11, 5))
    write_report_pdf(tmp_path / "a.pdf", cover, table)
    return tmp_path / "a.pdf"


def test_a_page_of_notes_under_the_last_rows_is_printed_not_refused(tmp_path: Path) -> None:
    table = _table(40)
    table.notes = [f"第{i}县：第 1 版 → 第 2 版，" + "投入资金、受益人数有变化。" * 6 for i in range(1, 41)]
    text = _text(_write(table, tmp_path))
    assert "第40县：第1版→第2版" in text and "填表人" in text


def test_many_changed_units_get_a_table_after_the_aggregate(tmp_path: Path) -> None:
    few, many = _table(3), _table(3)
    changed_note(few, ["甲县民政局（新收到第 1 版）"])
    assert few.notes == ["与上次汇总相比有变化的：甲县民政局（新收到第 1 版）"] and not few.sections
    changed = [f"第{i}县民政局（第 1 版 → 第 2 版：投入资金）" for i in range(1, 801)]
    changed_note(many, changed)
    assert len(changed) > CHANGED_IN_NOTE
    assert many.notes == ["与上次汇总相比有 800 个单位有变化，见表后“与上次汇总相比有变化的单位”。"]
    text = _text(_write(many, tmp_path))
    assert "与上次汇总相比有变化的单位" in text and "第800县民政局（第1版→第2版：投入资金）" in text
