"""The seed's own five-column table (晋政民〔2020〕28号 附件), in Excel or typed in Word: its
figures are stored as not reported, not as zero, so no "突然为 0" flags and the summaries say so."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook

from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.intake.workbook import read_workbook
from fupin_desktop.services import monthly, monthly_import, places, summaries


def _month(today) -> Period:  # type: ignore[no-untyped-def]
    return Period.month(today.year, today.month)  # after the demo's twelve months of figures


def _tid(ctx) -> int:  # type: ignore[no-untyped-def]
    return next(t.id for t in places.list_townships(ctx) if t.values["name"] == "青阳街道")


def _rows(ctx, month: Period) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    return [(r.village, r.organization, "走访慰问", "已完成") for r in monthly.get_month(ctx, _tid(ctx), month).rows]


def _seed_xlsx(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["合作村社帮扶工作开展情况统计表"])
    ws.append(["填报单位：青阳街道社会事务办"])
    ws.append(["序号", "合作村社", None, "具体帮扶内容", "进展情况"])
    ws.append([None, "村（社区）", "社会组织名称", None, None])
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row])
    wb.save(path)
    return path


def _cell(text: str, merge: str = "", span: int = 1) -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        f'<w:vMerge w:val="{merge}"/>' if merge == "restart" else "<w:vMerge/>" if merge else "")
    return (f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p></w:tc>")


def _seed_docx(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """A Word document as Word writes one: title and 填报单位 as paragraphs, then the table, the
    合作村社 header merged across two columns and 序号 merged down two rows."""
    para = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>".format
    table = ["<w:tbl>",
             "<w:tr>" + _cell("序号", "restart") + _cell("合作村社", span=2) + _cell("具体帮扶内容")
             + _cell("进展情况") + "</w:tr>",
             "<w:tr>" + _cell("", "continue") + _cell("村（社区）") + _cell("社会组织名称") + _cell("") + _cell("")
             + "</w:tr>"]
    for n, (village, org, content, progress) in enumerate(rows, start=1):
        table.append("<w:tr>" + "".join(_cell(t) for t in (str(n), village, org, content, progress)) + "</w:tr>")
    table.append("</w:tbl>")
    body = para("合作村社帮扶工作开展情况统计表") + para("填报单位：青阳街道社会事务办") + "".join(table)
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f"<w:body>{body}</w:body></w:document>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", document)
    return path


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_the_seed_table_imports_with_figures_not_reported(clerk, reviewer, tmp_path: Path, today,  # type: ignore[no-untyped-def]
                                                          kind: str) -> None:
    month, tid = _month(today), _tid(clerk)
    earlier = monthly.get_month(clerk, tid, month.previous().previous())
    assert earlier.status == "approved" and any(r.values["funds_fen"] > 0 for r in earlier.rows)
    rows = _rows(clerk, month)
    path = (_seed_xlsx if kind == "xlsx" else _seed_docx)(tmp_path / f"青阳.{kind}", rows)

    view = monthly_import.import_monthly(clerk, path, township="青阳街道", period=month)
    assert len(view.rows) == len(rows)
    assert all(not r.figures_reported for r in view.rows)
    assert not any(f["code"] == "sudden_zero" for r in view.rows for f in r.flags)  # months of figures before
    assert [r.values["content"] for r in view.rows] == ["走访慰问"] * len(rows)

    monthly.submit(clerk, tid, month)
    monthly.approve(reviewer, tid, month)
    summary = summaries.summarize(clerk, month, "township")
    assert summary.not_reported == len(rows)
    assert all(r.figures["funds_fen"] == 0 for r in summary.rows if r.label == "青阳街道")


def test_a_row_with_figures_is_reported_and_a_later_zero_is_still_flagged(clerk, tmp_path: Path, today) -> None:  # type: ignore[no-untyped-def]
    month, tid = _month(today), _tid(clerk)
    rows = [{"pairing_id": r.pairing_id, "content": "走访", "progress": "完成", "funds_fen": "0"}
            for r in monthly.get_month(clerk, tid, month).rows]
    view = monthly.save_entry(clerk, tid, month, rows)
    assert all(r.figures_reported for r in view.rows)  # a figure typed, even 0, is reported
    history = {r.pairing_id for r in monthly.get_month(clerk, tid, month.previous().previous()).rows
               if r.values["funds_fen"]}
    flagged = {r.pairing_id for r in view.rows if any(f["code"] == "sudden_zero" for f in r.flags)}
    assert flagged and flagged <= history


def test_a_docx_with_a_doctype_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "恶意.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><w:document/>')
    with pytest.raises(KnownError, match="恶意.docx.*DOCTYPE"):
        read_workbook(path)
