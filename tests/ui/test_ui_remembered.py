"""What the window remembers for each user in the data folder's ui-state.ini: its size, the
splitters, column widths and the folder each file dialog went to last."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QSplitter

from fupin_desktop.ui.common import ui_state
from fupin_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _window(qtbot, ctx) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_window_opens_at_the_size_it_was_closed_at(qtbot, clerk_ctx) -> None:
    first = _window(qtbot, clerk_ctx)
    assert (first.width(), first.height()) == (1280, 720) and not first.geometry_restored  # the start maximizes
    first.resize(780, 640)  # within the offscreen screen (800 × 800): restoreGeometry keeps a window on screen
    QApplication.processEvents()
    first.closed_cleanly = False
    first.close()
    again = _window(qtbot, clerk_ctx)
    assert (again.width(), again.height()) == (780, 640) and again.geometry_restored  # shown as left, not maximized
    assert (clerk_ctx.data_dir / ui_state.STATE_FILE).is_file()


def test_splitters_and_column_widths_come_back(qtbot, clerk_ctx) -> None:
    first = _window(qtbot, clerk_ctx)
    places = first.show_page("村社与帮扶对象")
    splitter = places.findChild(QSplitter)
    splitter.moveSplitter(300, 1)  # as a drag does: splitterMoved is emitted
    moved = splitter.sizes()[0]
    organizations = first.show_page("社会组织")
    organizations.table.horizontalHeader().resizeSection(0, 333)  # type: ignore[attr-defined]
    first.close()

    again = _window(qtbot, clerk_ctx)
    assert again.show_page("村社与帮扶对象").findChild(QSplitter).sizes()[0] == moved
    assert again.show_page("社会组织").table.columnWidth(0) == 333  # type: ignore[attr-defined]


def test_another_user_keeps_their_own_widths(qtbot, clerk_ctx, reviewer_ctx) -> None:
    first = _window(qtbot, clerk_ctx)
    first.show_page("社会组织").table.horizontalHeader().resizeSection(0, 333)  # type: ignore[attr-defined]
    first.close()
    other = _window(qtbot, reviewer_ctx)
    assert other.show_page("社会组织").table.columnWidth(0) != 333  # type: ignore[attr-defined]


def test_a_file_dialog_starts_in_the_folder_chosen_last_time(qtbot, monkeypatch, tmp_path: Path, clerk_ctx) -> None:
    window = _window(qtbot, clerk_ctx)
    page = window.show_page("接收")
    usb = tmp_path / "U盘"
    usb.mkdir()
    starts: list[str] = []

    def pick(_parent, _title, start, _filters):  # type: ignore[no-untyped-def]
        starts.append(start)
        return [], ""  # 取消

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(pick))
    page.packages.choose()  # type: ignore[attr-defined]
    assert starts[0] != str(usb)
    ui_state.set_last_folder("packages", usb / "晋江.zip")
    page.packages.choose()  # type: ignore[attr-defined]
    assert starts[1] == str(usb)
