"""GUI test set-up: each test its own copy of the demo county (copying the file is cheap), so
no test sees another's changes and any order gives the same result."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from fupin_desktop.services.context import Forms, ServiceContext  # noqa: E402
from fupin_desktop.services.users import login  # noqa: E402
from fupin_desktop.store.db import Database  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _pyside_refcount_guard() -> None:
    """The program guards against PySide6 6.12.0's reference-count bug when it starts
    (``ui.compat``); the GUI tests run under the same guard or abort after enough calls."""
    from fupin_desktop.ui.common.compat import guard_singleton_refcounts

    guard_singleton_refcounts()


@pytest.fixture
def ui_dir(demo_dir: Path) -> Path:
    return demo_dir


@pytest.fixture
def ui_db(ui_dir: Path) -> Iterator[Database]:
    db = Database.open(ui_dir, create=False)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def ui_forms() -> Forms:
    return Forms()


def context_for(db: Database, forms: Forms, data_dir: Path, username: str) -> ServiceContext:
    return ServiceContext(db, forms, login(db, username, "demo"), data_dir)


@pytest.fixture
def clerk_ctx(ui_db: Database, ui_forms: Forms, ui_dir: Path) -> ServiceContext:
    return context_for(ui_db, ui_forms, ui_dir, "clerk")


@pytest.fixture
def admin_ctx(ui_db: Database, ui_forms: Forms, ui_dir: Path) -> ServiceContext:
    return context_for(ui_db, ui_forms, ui_dir, "admin")


@pytest.fixture
def reviewer_ctx(ui_db: Database, ui_forms: Forms, ui_dir: Path) -> ServiceContext:
    return context_for(ui_db, ui_forms, ui_dir, "reviewer")


@pytest.fixture(autouse=True)
def _closing_a_dialog_gives_up_its_typing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that closes a dialog it typed into means 放弃: answer 放弃已填写的内容？ so (a real box
    would wait for a click). Tests of the question itself patch it again or use ``real_questions``."""
    if request.node.get_closest_marker("real_questions") is None:
        from fupin_desktop.ui.common import unsaved

        monkeypatch.setattr(unsaved, "ask_discard_typed", lambda _parent: True)


@pytest.fixture(autouse=True)
def _no_window_left_open() -> Iterator[None]:
    """A dialog a test leaves open would still be on screen in the next one (the idle lock veils
    every open window, for one): each test ends with every window closed, in any order."""
    yield
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None:
        for w in QApplication.topLevelWidgets():
            if w.isVisible():
                w.close()


# The offscreen platform says this when a window's size limits change or a popup (the
# completer's list) raises itself and grabs the keyboard; none of it is our bug.
_OFFSCREEN_NOISE = r"This plugin does not support (propagateSizeHints|raise|grabbing the (keyboard|mouse))"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(_OFFSCREEN_NOISE))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item):  # type: ignore[no-untyped-def]
    """pytest-qt closes the test's windows here; a test that failed half-way may leave typing
    behind, and the real 保存/不保存/取消 box would wait for a click forever: answer 不保存.
    (Put back by hand: the test's own monkeypatch is undone in between and must win.)"""
    from fupin_desktop.ui.common import unsaved

    quiet = {"ask_unsaved": lambda *_a: unsaved.DISCARD, "ask_discard_typed": lambda *_a: True}
    before = {name: getattr(unsaved, name) for name in quiet}
    for name, answer in quiet.items():
        setattr(unsaved, name, answer)
    try:
        return (yield)
    finally:
        for name, answer in quiet.items():
            if getattr(unsaved, name) is answer:
                setattr(unsaved, name, before[name])


@pytest.fixture(autouse=True)
def _ui_state_unbound() -> Iterator[None]:
    """A window binds what it remembers to its test's data folder; the next test starts unbound."""
    yield
    from fupin_desktop.ui.common import ui_state

    ui_state.unbind()
