"""Starting the program: one program per data folder (a second start brings the first to the
front), a lock left by a killed program does not lock the clerk out, a restore prepared in the
window closes it, and a killed program's typing is offered again at the next start (the
first-run wizard: test_ui_first_run.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from monthly_helpers import future_month, township_id
from PySide6.QtWidgets import QMessageBox

from fupin_desktop.services import drafts
from fupin_desktop.store.folder import DB_FILE
from fupin_desktop.ui.admin.single_instance import SingleInstance
from fupin_desktop.ui.common import unsaved
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.monthly.monthly_page import MonthlyPage

HERE = Path(__file__).parent


def program_env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(HERE.parents[1])}


def test_a_second_start_on_the_same_folder_brings_the_first_to_the_front(qtbot, tmp_path) -> None:
    first = SingleInstance(tmp_path / "data")
    assert first.acquire()
    try:
        other = SingleInstance(tmp_path / "other")  # another folder: another program may run
        assert other.acquire()
        other.release()
        with qtbot.waitSignal(first.activate, timeout=20_000):
            second = subprocess.Popen([sys.executable, "-m", "fupin_desktop", "--data-dir", str(tmp_path / "data")],
                                      env=program_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0 and "Traceback" not in out + err
        assert not (tmp_path / "data" / DB_FILE).exists()  # it opened nothing: the first one has the folder
    finally:
        first.release()


def test_a_lock_left_by_a_killed_program_is_taken_over(tmp_path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from PySide6.QtCore import QCoreApplication;"
         "from fupin_desktop.ui.admin.single_instance import SingleInstance;"
         "app = QCoreApplication([]); s = SingleInstance(sys.argv[1]);"
         "print('locked' if s.acquire() else 'busy', flush=True); app.exec()", str(tmp_path)],
        env=program_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert not SingleInstance(tmp_path).lock.tryLock(0)  # held while it runs
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    again = SingleInstance(tmp_path)
    assert again.acquire()  # the power cut left a lock naming a dead process
    again.release()


def test_a_restore_prepared_in_the_window_closes_it(qtbot, monkeypatch, admin_ctx) -> None:
    window = MainWindow(admin_ctx)
    qtbot.addWidget(window)
    window.show()
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _p, _t, text: told.append(text)))
    monkeypatch.setattr(window, "automatic_backup", lambda: None)
    page = window.show_page("系统")
    page.backup.restart_required.emit()  # type: ignore[attr-defined]
    assert not window.isVisible() and "重新打开" in told[0]


@pytest.mark.slow
def test_a_killed_program_offers_the_typing_at_the_next_start(qtbot, monkeypatch, clerk_ctx) -> None:
    month = str(future_month(7))
    township = township_id(clerk_ctx, "青阳街道")
    program = subprocess.Popen([sys.executable, str(HERE / "typing_program.py"), str(clerk_ctx.data_dir),
                                str(township), month, "46"], env=program_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert program.stdout is not None and program.stdout.readline().strip() == "typed"
    finally:
        program.send_signal(signal.SIGKILL)  # a power cut: no closing, no question, no save
        program.wait(timeout=30)
    assert len(drafts.list_drafts(clerk_ctx.data_dir, "clerk")) == 1

    asked: list[str] = []
    monkeypatch.setattr(unsaved, "ask_draft", lambda _p, text: asked.append(text) or unsaved.RESTORE)
    window = MainWindow(clerk_ctx)  # the next start, the same clerk
    qtbot.addWidget(window)
    window.show()
    assert window.offer_drafts() == 1
    assert "青阳街道" in asked[0]
    page = window.pages["月度统计"]
    assert isinstance(page, MonthlyPage) and page.view is not None
    assert (page.view.township_id, page.view.period) == (township, month)
    assert page.grid.model.text(0, "funds_fen") == "46" and page.grid.model.dirty  # back, still to be saved
    assert page.bar.isVisible() and window.windowTitle().startswith("*")
