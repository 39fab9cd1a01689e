"""Cancel means cancel: sealing, the monthly import and aggregation are generators of stages; closing
one at any stage before its write leaves nothing recorded and nothing written."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.intake.package_reader import TrustedCert, verify_package
from fupin_desktop.services import monthly_documents, monthly_import, places, receiving, seal, submissions
from fupin_desktop.services.register_import import run_import as drain
from fupin_desktop.store.models_monthly import MonthlyReport

FIGURES = {"投入资金": "1.5", "物资折款": "0.25", "帮扶贫困户": "0", "受益人数": "20", "提供就业岗位": "1",
           "培训": "5", "志愿服务": "4", "落地项目": "0"}


def _close_after(gen, steps: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Run ``steps`` stages, then close the generator as 取消 does; the stage messages seen."""
    seen = [next(gen).message for _ in range(steps)]
    gen.close()
    return seen


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def test_sealing_cancelled_at_each_stage_before_the_record_leaves_nothing(reviewer, tmp_path: Path) -> None:
    month = Period.of_date(clock.today()).previous().previous()
    stick = tmp_path / "usb"
    for steps in range(1, submissions.SEAL_STAGES):  # stages 0–4: the recording is in the step after stage 4
        seen = _close_after(submissions.sealing(reviewer, "monthly", month, stick, "demo"), steps)
        assert len(seen) == steps
        assert submissions.list_submissions(reviewer) == [], seen[-1]
        assert _files(stick) == [], seen[-1]


def test_sealing_cancelled_while_writing_leaves_it_recorded_for_resend(reviewer, tmp_path: Path) -> None:
    month = Period.of_date(clock.today()).previous().previous()
    stick = tmp_path / "usb"
    seen = _close_after(submissions.sealing(reviewer, "monthly", month, stick, "demo"), submissions.SEAL_STAGES)
    assert "已记录第 1 版" in seen[-1]
    [view] = submissions.list_submissions(reviewer)
    assert view.sent_to == [] and not list(stick.glob("*.zip"))
    assert "重新写出" in submissions.not_written_message(view.file_name)
    path = submissions.resend(reviewer, view.id, stick)
    key = seal.unlock_seal(reviewer, "demo")
    assert verify_package(path, lambda d: [TrustedCert(key.certificate, key.bureau)]).ok
    # Drained to its end the generator is the old submit: the next version, written and recorded.
    view2, path2 = drain(submissions.sealing(reviewer, "monthly", month, stick, "demo"))
    assert view2.version == 2 and path2.exists() and view2.sent_to


def _workbook(clerk, folder: Path) -> tuple[Path, int, Period]:  # type: ignore[no-untyped-def]
    month = Period.month(clock.today().year + 1, 3)
    tid = next(t.id for t in places.list_townships(clerk) if t.values["name"] == "青阳街道")
    path = monthly_documents.write_township_template(clerk, tid, month, folder)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = {}
    for col in range(1, ws.max_column + 1):
        for row in (3, 4):
            for label in ("具体帮扶内容", "进展情况", *FIGURES):
                if str(ws.cell(row, col).value or "").startswith(label):
                    headers[label] = col
    for row in range(5, ws.max_row + 1):
        if isinstance(ws.cell(row, 1).value, int):
            for label, value in {"具体帮扶内容": "入户走访", "进展情况": "已完成", **FIGURES}.items():
                ws.cell(row, headers[label], value)
    wb.save(path)
    return path, tid, month


def _revisions(ctx, tid: int, month: Period) -> int:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(MonthlyReport).where(
            MonthlyReport.township_id == tid, MonthlyReport.period == str(month))) or 0)


def test_the_monthly_import_cancelled_at_each_stage_stores_nothing(clerk, tmp_path: Path) -> None:
    path, tid, month = _workbook(clerk, tmp_path)
    stages = monthly_import.PLAN_STAGES + monthly_import.COMMIT_STAGES - 1  # stages yielded by ``importing``
    for steps in range(1, stages + 1):
        seen = _close_after(monthly_import.importing(clerk, path, township="青阳街道", period=month), steps)
        assert _revisions(clerk, tid, month) == 0, seen[-1]
    assert "正在保存" in seen[-1]  # the last stage before the store was reached, and cancelled
    view = drain(monthly_import.importing(clerk, path, township="青阳街道", period=month))
    assert view.revision == 1 and _revisions(clerk, tid, month) == 1


def test_aggregation_cancelled_at_each_stage_writes_nothing(admin, tmp_path: Path) -> None:
    month = Period.of_date(clock.today()).previous().previous()
    out = tmp_path / "out"
    for steps in range(1, receiving.AGGREGATE_STAGES + 1):
        seen = _close_after(receiving.aggregating(admin, "monthly", month, out), steps)
        assert _files(out) == [], seen[-1]
    result = drain(receiving.aggregating(admin, "monthly", month, out))
    assert result.pdf.exists() and result.xlsx.exists()
