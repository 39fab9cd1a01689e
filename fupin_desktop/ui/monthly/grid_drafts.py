"""Autosave of the monthly grid's unsaved typing as a draft file (``services.drafts``).

A committed cell edit writes the draft at once unless one was written less than ``MIN_GAP_S``
ago; then it is written when that gap is over. A repeating timer (``INTERVAL_MS``) writes
whatever is still pending, so a kill or a power cut loses at most a few seconds of typing and
never more than 30. The page says what a draft is (``snapshot``); this class only decides when.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from fupin_desktop.services import drafts
from fupin_desktop.services.drafts import Draft

log = logging.getLogger(__name__)

INTERVAL_MS = 30_000
MIN_GAP_S = 5.0


class DraftKeeper(QObject):
    written = Signal(object)  # the draft's Path

    def __init__(self, data_dir: Path | None, username: str, snapshot: Callable[[], Draft | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir, self.username, self.snapshot = data_dir, username, snapshot
        self.pending = False
        self.last_written: datetime | None = None  # when the draft of the typing now shown was written
        self._last = float("-inf")
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.write_now)
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.timeout.connect(self.write_now)

    @property
    def enabled(self) -> bool:
        return self.data_dir is not None

    def edited(self) -> None:
        """The grid holds a new unsaved change."""
        if not self.enabled:
            return
        self.pending = True
        if not self.timer.isActive():
            self.timer.start()
        wait = MIN_GAP_S - (time.monotonic() - self._last)
        if wait <= 0:
            self.write_now()
        elif not self.soon.isActive():
            self.soon.start(int(wait * 1000) + 1)

    def write_now(self) -> Path | None:
        """Write the pending typing (nothing when all is written or saved)."""
        if not self.pending or self.data_dir is None:
            return None
        draft = self.snapshot()
        if draft is None:
            self.stop()
            return None
        try:
            path = drafts.save_draft(self.data_dir, draft)
        except OSError as exc:  # a full or read-only disk: typing goes on, the next tick tries again
            log.warning("草稿没有写成：%s", exc)
            return None
        self.pending = False
        self.last_written = draft.saved_at
        self._last = time.monotonic()
        self.written.emit(path)
        return path

    def stop(self) -> None:
        self.pending = False
        self.last_written = None
        self._last = float("-inf")  # nothing on disk now: the next typing's first draft goes at once
        self.timer.stop()
        self.soon.stop()

    def discard(self, township_code: str, period: str) -> None:
        """The typing was saved properly or thrown away: no draft of it stays."""
        self.stop()
        if self.data_dir is None or not township_code:
            return
        try:
            drafts.discard_draft(self.data_dir, self.username, township_code, period)
        except OSError as exc:
            log.warning("草稿没有删掉：%s", exc)

    def find(self, township_code: str, period: str) -> Draft | None:
        if self.data_dir is None or not township_code:
            return None
        return drafts.find_draft(self.data_dir, self.username, township_code, period)

    def all(self) -> list[Draft]:
        return drafts.list_drafts(self.data_dir, self.username) if self.data_dir is not None else []
