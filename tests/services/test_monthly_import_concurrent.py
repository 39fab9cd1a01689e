"""Two imports of the same township-month at once (two clerks, two processes, a double click): each
ends as its own new revision or as a plain Chinese “正在由他人导入”, never an IntegrityError."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.services import monthly, monthly_documents, monthly_import, places
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database
from fupin_desktop.store.models_monthly import MonthlyReport, MonthlyRow

FIGURES = {"投入资金": "1.5", "物资折款": "0.25", "帮扶贫困户": "0", "受益人数": "20", "提供就业岗位": "1",
           "培训": "5", "志愿服务": "4", "落地项目": "0"}


def _month() -> Period:
    return Period.month(clock.today().year + 1, 3)  # in every demo pairing's term, no demo data


def _tid(ctx) -> int:  # type: ignore[no-untyped-def]
    return next(t.id for t in places.list_townships(ctx) if t.values["name"] == "青阳街道")


def _context(data_dir: Path) -> ServiceContext:
    db = Database.open(data_dir, create=False)
    return ServiceContext(db, Forms(), login(db, "clerk", "demo"), data_dir)


def _fill_template(path: Path) -> int:
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = {}
    for col in range(1, ws.max_column + 1):
        for row in (3, 4):
            text = str(ws.cell(row, col).value or "")
            for label in ("具体帮扶内容", "进展情况", *FIGURES):
                if text.startswith(label):
                    headers[label] = col
    n = 0
    for row in range(5, ws.max_row + 1):
        if isinstance(ws.cell(row, 1).value, int):
            n += 1
            for label, value in {"具体帮扶内容": f"第{n}行：入户走访", "进展情况": "已完成", **FIGURES}.items():
                ws.cell(row, headers[label], value)
    wb.save(path)
    return n


def _revisions(ctx, tid: int) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return [(r, n) for r, n in s.execute(
            select(MonthlyReport.revision, func.count(MonthlyRow.id))
            .join(MonthlyRow, MonthlyRow.report_id == MonthlyReport.id)
            .where(MonthlyReport.township_id == tid, MonthlyReport.period == str(_month()))
            .group_by(MonthlyReport.revision).order_by(MonthlyReport.revision))]


def test_two_engines_importing_the_same_month_at_once_each_get_a_revision(demo_dir: Path, tmp_path: Path) -> None:
    rounds = 3
    contexts = [_context(demo_dir) for _ in range(2)]  # two engines on one file
    try:
        tid = _tid(contexts[0])
        path = monthly_documents.write_township_template(contexts[0], tid, _month(), tmp_path)
        n = _fill_template(path)
        plans = [monthly_import.plan_monthly_import(c, path, township="青阳街道", period=_month()) for c in contexts]
        for _ in range(rounds):
            barrier = threading.Barrier(2)
            outcomes: list[object] = []

            def go(i: int, barrier: threading.Barrier = barrier, outcomes: list[object] = outcomes) -> None:
                barrier.wait()
                try:
                    outcomes.append(monthly_import.commit_monthly_import(contexts[i], plans[i]).revision)
                except KnownError as exc:
                    outcomes.append(str(exc))
                except BaseException as exc:  # noqa: BLE001 - the test's point: nothing else escapes
                    outcomes.append(exc)

            threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert len(outcomes) == 2
            for o in outcomes:
                assert isinstance(o, int) or (isinstance(o, str) and "正在由他人导入" in o), o
        revisions = _revisions(contexts[0], tid)
        assert [r for r, _ in revisions] == list(range(1, len(revisions) + 1))
        assert all(count == n for _, count in revisions)
    finally:
        for c in contexts:
            c.db.dispose()


def test_a_race_on_the_revision_number_becomes_a_chinese_message(clerk, tmp_path: Path) -> None:
    """Should the write lock not serialize them (another database), the unique revision still holds."""
    tid = _tid(clerk)
    path = monthly_documents.write_township_template(clerk, tid, _month(), tmp_path)
    _fill_template(path)
    plan = monthly_import.plan_monthly_import(clerk, path, township="青阳街道", period=_month())
    monthly_import.commit_monthly_import(clerk, plan)

    real = monthly.current_report
    stale = {"on": True}

    def stale_newest(session, township_id, period):  # type: ignore[no-untyped-def]
        # What the other writer saw before this one committed: no revision yet.
        return None if stale["on"] and period == _month() else real(session, township_id, period)

    try:
        monthly.current_report = stale_newest  # type: ignore[assignment]
        with pytest.raises(KnownError, match="「青阳街道」.*的月报正在由他人导入，请稍后重试。"):
            monthly_import.commit_monthly_import(clerk, plan)
    finally:
        monthly.current_report = real  # type: ignore[assignment]
    assert [r for r, _ in _revisions(clerk, tid)] == [1]
