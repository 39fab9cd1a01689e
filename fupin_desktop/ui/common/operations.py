"""Running service calls from the UI: errors shown in one way, long jobs off the UI thread.

* ``show_error(parent, exc)``: a ``ValidationFailed`` becomes a table of every problem
  (工作表/行/列/问题, with 复制); any other ``KnownError`` a message box with its sentence.
* ``run_op(parent, fn, on_success)``: a short call on the UI thread, errors shown as above.
* ``run_job(parent, generator_factory, on_done, title)``: a service generator that yields
  ``Progress(done, total, message)`` and returns its result, run in a ``QThreadPool``
  worker with a ``QProgressDialog`` (取消 stops it between steps: the generator is closed, so the
  service rolls back what it has not committed); ``on_cancelled()`` then runs on the UI thread,
  to tell the user what a cancel left (the service's stages say where it stood). The worker gets
  the generator factory and nothing else; results and errors come back by queued events.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRunnable, Qt, QThreadPool
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.errors import DatabaseBusy, FieldProblem, KnownError, ValidationFailed


class ProblemsDialog(QDialog):
    """Every problem of a refused file or record, one per row, copyable as tab-separated text."""

    HEADERS = ("工作表", "行", "列", "问题")

    def __init__(self, summary_text: str, problems: Iterable[object], parent: QWidget | None = None,
                 title: str = "未能保存", color: str = "#c62828") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.problems = list(problems)
        layout = QVBoxLayout(self)
        summary = QLabel(summary_text)
        summary.setWordWrap(True)
        summary.setStyleSheet(f"color: {color}; font-weight: bold;")
        layout.addWidget(summary)
        self.table = QTableWidget(len(self.problems), len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        for n, p in enumerate(self.problems):
            for column, text in enumerate(self.cells(p)):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(n, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        copy = QPushButton("复制")
        copy.setToolTip("把全部问题复制为表格文字，可粘贴到 Excel 或微信")
        copy.clicked.connect(self.copy)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons.addWidget(copy)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(820, 460)

    @staticmethod
    def cells(p: object) -> tuple[str, str, str, str]:
        """A FieldProblem by its parts; anything else (a plain warning) as its text."""
        if not isinstance(p, FieldProblem):
            return "", "", str(getattr(p, "label", "")), str(getattr(p, "message", p))
        sheet = p.sheet or p.file
        return sheet, "" if p.row is None else str(p.row), p.label, p.message

    def as_text(self) -> str:
        lines = ["\t".join(self.HEADERS)]
        lines += ["\t".join(self.cells(p)) for p in self.problems]
        return "\n".join(lines)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.as_text())


def _open(dialog: QDialog) -> QDialog:
    # Window-modal but not blocking: nothing waits on the answer, and tests can look at it.
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if dialog.parent() is None:
        # Nothing else holds a parentless dialog: the connection keeps it until it closes.
        dialog.finished.connect(lambda _code, keep=dialog: keep)
    dialog.open()
    return dialog


def inform(parent: QWidget | None, title: str, text: str) -> QDialog:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    return _open(box)


def show_error(parent: QWidget | None, exc: KnownError, title: str = "") -> QDialog:
    """How every expected failure reaches the user."""
    if isinstance(exc, ValidationFailed) and exc.problems:
        return _open(ProblemsDialog(exc.summary, exc.problems, parent, title or "有问题需要改正"))
    box = QMessageBox(QMessageBox.Icon.Warning, title or "无法完成", str(exc), QMessageBox.StandardButton.Ok, parent)
    return _open(box)


def ask_retry_busy(parent: QWidget | None, exc: DatabaseBusy) -> bool:
    """数据库正忙: 重试 (True) or 取消."""
    box = QMessageBox(QMessageBox.Icon.Warning, "数据库正忙", str(exc), QMessageBox.StandardButton.NoButton, parent)
    retry = box.addButton("重试", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(retry)
    box.exec()
    return box.clickedButton() is retry


def run_op(parent: QWidget | None, fn: Callable[[], Any], on_success: Callable[[Any], None] | None = None) -> bool:
    """A short service call on the UI thread; a KnownError is shown, anything else is a bug.
    A database another writer kept busy past the timeout offers 重试 (the call changed nothing)."""
    while True:
        try:
            result = fn()
            break
        except DatabaseBusy as exc:
            if not ask_retry_busy(parent, exc):
                return False
        except KnownError as exc:
            show_error(parent, exc)
            return False
    if on_success is not None:
        on_success(result)
    return True


# The worker puts its reports in the handle's queue and posts this event type to wake the UI
# thread. Posting events rather than emitting Python signals: PySide6 6.12.0's ``Signal.emit``
# drops a reference to ``True`` on every call (a few hundred emits abort Python 3.11).
_WAKE = QEvent.Type(QEvent.registerEventType())
_PROGRESS_EVERY = 0.05  # seconds between progress reports; the last one always goes


class JobHandle(QObject):
    """A running job: its progress dialog, the means to stop it, and where its end is reported.

    It lives on the UI thread; the worker queues reports and wakes it with a posted event.
    """

    def __init__(self, parent: QWidget | None, title: str, on_done: Callable[[Any], None],
                 on_cancelled: Callable[[], None] | None = None) -> None:
        super().__init__()  # no parent: the worker holds it until the job ends
        self.parent_widget, self.title, self.on_done = parent, title, on_done
        self.on_cancelled = on_cancelled
        self.last_message = ""  # the stage the job last reported
        self.stop = threading.Event()
        self.reports: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self.dialog = QProgressDialog(title, "取消", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self._cancel)
        self.result: Any = None
        self.error: BaseException | None = None
        self.finished = False
        self.cancelled = False

    def post(self, kind: str, payload: Any = None) -> None:
        """Called from the worker thread."""
        self.reports.put((kind, payload))
        QCoreApplication.postEvent(self, QEvent(_WAKE))

    def event(self, event: QEvent) -> bool:
        if event.type() != _WAKE:
            return super().event(event)
        while not self.finished:
            try:
                kind, payload = self.reports.get_nowait()
            except queue.Empty:
                break
            if kind == "progress":
                self._progress(*payload)
            elif kind == "finished":
                self._finished(payload)
            elif kind == "failed":
                self._failed(payload)
            else:
                self.cancelled = True
                self._end()
                if self.on_cancelled is not None:
                    self.on_cancelled()
        return True

    def _cancel(self) -> None:
        self.stop.set()
        self.dialog.setLabelText("正在取消……")

    def _progress(self, done: int, total: int, message: str) -> None:
        if self.finished:
            return
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total > 0 else 0)
        if message:
            self.last_message = message
            if not self.stop.is_set():
                self.dialog.setLabelText(message)

    def _end(self) -> None:
        self.finished = True
        self.dialog.hide()
        self.dialog.deleteLater()

    def _finished(self, result: Any) -> None:
        self.result = result
        self._end()
        self.on_done(result)

    def _failed(self, exc: BaseException) -> None:
        self.error = exc
        self._end()
        if isinstance(exc, KnownError):
            show_error(self.parent_widget, exc, self.title)
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)


class _Job(QRunnable):
    """Drives one generator to its end in a pool thread, posting reports to the handle."""

    def __init__(self, factory: Callable[[], Generator[Any, None, Any]], handle: JobHandle) -> None:
        super().__init__()
        self.factory, self.handle = factory, handle
        self.setAutoDelete(True)

    def run(self) -> None:
        handle = self.handle
        last = 0.0
        try:
            generator = self.factory()
            while True:
                if handle.stop.is_set():
                    generator.close()  # GeneratorExit inside: the service rolls its transaction back
                    handle.post("cancelled")
                    return
                try:
                    step = next(generator)
                except StopIteration as done:
                    handle.post("finished", done.value)
                    return
                done, total = int(getattr(step, "done", 0)), int(getattr(step, "total", 0))
                now = time.monotonic()
                if now - last >= _PROGRESS_EVERY or done >= total:
                    last = now
                    handle.post("progress", (done, total, str(getattr(step, "message", ""))))
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread, which decides
            handle.post("failed", exc)


def run_job(parent: QWidget | None, generator_factory: Callable[[], Generator[Any, None, Any]],
            on_done: Callable[[Any], None], title: str, *, pool: QThreadPool | None = None,
            on_cancelled: Callable[[], None] | None = None) -> JobHandle:
    """Run a service generator in a worker; ``on_done(result)`` on the UI thread when it ends,
    ``on_cancelled()`` instead when 取消 stopped it."""
    handle = JobHandle(parent, title, on_done, on_cancelled)
    (pool or QThreadPool.globalInstance()).start(_Job(generator_factory, handle))
    return handle


@dataclass(frozen=True)
class Step:
    """How far a job has come (n of total, and what it is doing), shown in its progress dialog."""

    done: int
    total: int
    message: str


def staged(factory: Callable[[], Generator[Any, None, Any]]) -> Callable[[], Generator[Any, None, Any]]:
    """A service generator as a job for ``run_job``; an expected failure comes back as its result."""
    def generator() -> Generator[Any, None, Any]:
        try:
            return (yield from factory())
        except KnownError as exc:
            return exc
    return generator


def as_job(call: Callable[[], Any], message: str) -> Callable[[], Generator[Step, None, Any]]:
    """A plain service call as a job for ``run_job``; an expected failure comes back as its result,
    so that the flow goes on to the next file after showing it."""
    def generator() -> Generator[Step, None, Any]:
        yield Step(0, 1, message)
        try:
            return call()
        except KnownError as exc:
            return exc
    return generator
