"""Long jobs in a worker with progress; every problem of a refused file in one table."""

from __future__ import annotations

import threading
import time
from collections.abc import Generator
from dataclasses import dataclass

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from fupin_desktop.errors import BUSY_MESSAGE, DatabaseBusy, FieldProblem, KnownError, ValidationFailed
from fupin_desktop.ui.common.operations import ProblemsDialog, run_job, run_op, show_error


@dataclass
class Progress:
    done: int
    total: int
    message: str


def counting(n: int, threads: list[str]) -> Generator[Progress, None, str]:
    for i in range(n):
        threads.append(threading.current_thread().name)
        yield Progress(i + 1, n, f"第 {i + 1} 行")
    return f"done {n}"


def test_a_job_runs_off_the_ui_thread_and_reports_its_result(qtbot) -> None:
    results: list[str] = []
    threads: list[str] = []
    handle = run_job(None, lambda: counting(5, threads), results.append, "导入")
    qtbot.waitUntil(lambda: handle.finished)
    assert results == ["done 5"]
    assert threads and threading.main_thread().name not in threads


def refusing() -> Generator[Progress, None, None]:
    yield Progress(1, 2, "读取")
    raise ValidationFailed([FieldProblem("credit_code", "统一社会信用代码", "校验位不对", row=3, sheet="社会组织名册"),
                            FieldProblem("name", "组织名称", "必须填写", row=5, sheet="社会组织名册")])


def test_a_refused_file_lists_every_problem_with_sheet_row_and_column(qtbot) -> None:
    results: list[object] = []
    handle = run_job(None, refusing, results.append, "导入社会组织名册")
    qtbot.waitUntil(lambda: handle.finished)
    assert results == [] and isinstance(handle.error, ValidationFailed)
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ProblemsDialog) and w.isVisible())
    table = dialog.table
    assert table.rowCount() == 2
    assert [table.item(0, c).text() for c in range(4)] == ["社会组织名册", "3", "统一社会信用代码", "校验位不对"]
    dialog.copy()
    assert QApplication.clipboard().text().splitlines()[2] == "社会组织名册\t5\t组织名称\t必须填写"
    dialog.close()


def slow(started: threading.Event) -> Generator[Progress, None, str]:
    for i in range(2000):
        if i == 1:
            started.set()
        time.sleep(0.002)
        yield Progress(i, 2000, "")
    return "never"


def test_cancel_stops_a_job_between_steps(qtbot) -> None:
    started = threading.Event()
    results: list[str] = []
    handle = run_job(None, lambda: slow(started), results.append, "导入")
    started.wait(5)
    handle.dialog.findChild(QPushButton).click()  # 取消
    qtbot.waitUntil(lambda: handle.finished)
    assert handle.cancelled and results == []


def test_other_known_errors_become_a_message_box(qtbot) -> None:
    assert not run_op(None, lambda: (_ for _ in ()).throw(KnownError("数据库被占用。")))
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert box.text() == "数据库被占用。"
    box.close()
    dialog = show_error(None, ValidationFailed([FieldProblem("", "", "合作项目应为 1–2 个")]))
    assert isinstance(dialog, ProblemsDialog) and dialog.table.rowCount() == 1
    dialog.close()


def test_a_busy_database_offers_retry_and_retrying_finishes_the_call(qtbot, monkeypatch) -> None:
    calls: list[int] = []
    done: list[object] = []

    def write() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise DatabaseBusy()
        return "saved"

    seen: list[list[str]] = []
    replies: list[str] = []

    def press(box: QMessageBox) -> int:  # the real box, answered without a nested event loop
        seen.append(sorted(b.text() for b in box.buttons()) + [box.text()])
        reply = replies.pop(0)
        next(b for b in box.buttons() if b.text() == reply).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", press)
    replies[:] = ["重试", "重试"]
    assert run_op(None, write, done.append)
    assert len(calls) == 3 and done == ["saved"] and replies == []
    assert seen[0] == ["取消", "重试", BUSY_MESSAGE] and "SQL" not in seen[0][2]

    calls.clear()
    replies[:] = ["取消"]
    assert not run_op(None, write, done.append)
    assert len(calls) == 1 and done == ["saved"]


def test_the_crash_dialog_never_shows_sql(tmp_path, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    from fupin_desktop.ui.app import CrashHandler

    exc = OperationalError("SELECT * FROM household WHERE id_number = ?", ("350582194001221033",),
                           Exception("disk I/O error"))
    message = CrashHandler(tmp_path / "fupin.log").message(exc)
    assert "数据库操作出错" in message and str(tmp_path / "fupin.log") in message
    assert "SELECT" not in message and "350582194001221033" not in message
