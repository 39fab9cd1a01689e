"""取消 in the 报送 page's progress dialog: before the recording stage nothing is recorded or written;
during the write the recorded submission stays for 重新写出 and the reviewer is told so."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from monthly_helpers import close_boxes
from PySide6.QtWidgets import QPushButton

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.services import submissions
from fupin_desktop.ui.sealed import submission_page
from fupin_desktop.ui.sealed.submission_page import SubmissionPage

APPROVED_MONTH = Period.of_date(clock.today()).previous().previous()


@pytest.fixture(autouse=True)
def _no_boxes_left() -> Iterator[None]:
    yield
    close_boxes()


def _held_at(stage: int, reached: threading.Event, gate: threading.Event):  # type: ignore[no-untyped-def]
    """``sealing`` that stops before handing on ``stage`` until the test has pressed 取消."""
    real = submissions.sealing

    def sealing(*args, **kwargs):  # type: ignore[no-untyped-def]
        inner = real(*args, **kwargs)
        n = 0
        while True:
            try:
                step = next(inner)
            except StopIteration as stop:
                return stop.value
            if n == stage:
                reached.set()
                gate.wait(30)
            n += 1
            try:
                yield step
            except GeneratorExit:
                inner.close()
                raise
    return sealing


def _cancel_at(qtbot, monkeypatch, ctx, folder: Path, stage: int) -> SubmissionPage:  # type: ignore[no-untyped-def]
    reached, gate = threading.Event(), threading.Event()
    monkeypatch.setattr(submission_page, "sealing", _held_at(stage, reached, gate))
    page = SubmissionPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.out.set_folder(folder)
    page.picker.set_choice("monthly", APPROVED_MONTH)
    handle = page.submit_with("demo")
    assert handle is not None
    qtbot.waitUntil(reached.is_set, timeout=60_000)
    cancel = handle.dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "取消"
    cancel.click()
    gate.set()
    qtbot.waitUntil(lambda: handle.finished, timeout=60_000)
    assert handle.cancelled and handle.result is None
    return page


def test_cancel_while_sealing_records_nothing_and_writes_nothing(qtbot, monkeypatch, reviewer_ctx,
                                                                 tmp_path: Path) -> None:
    page = _cancel_at(qtbot, monkeypatch, reviewer_ctx, tmp_path, stage=3)  # while signing
    assert submissions.list_submissions(reviewer_ctx) == []
    assert list(tmp_path.iterdir()) == []
    assert page.table.rowCount() == 0
    texts = close_boxes()
    assert any("没有记录这次报送" in t and "没有写出任何文件" in t for t in texts), texts


def test_cancel_while_writing_keeps_the_recorded_submission_for_resend(qtbot, monkeypatch, reviewer_ctx,
                                                                       tmp_path: Path) -> None:
    page = _cancel_at(qtbot, monkeypatch, reviewer_ctx, tmp_path, stage=submissions.SEAL_STAGES - 1)
    [view] = submissions.list_submissions(reviewer_ctx)
    assert not list(tmp_path.glob("*.zip"))
    assert page.table.rowCount() == 1 and page.selected() is not None and page.selected().id == view.id
    texts = close_boxes()
    assert any("重新写出" in t and view.file_name in t for t in texts), texts
    assert page.resend_to(tmp_path) == tmp_path / view.file_name
