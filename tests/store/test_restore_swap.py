"""The swap a restore prepared in the window: done at the next start, and what a killed swap
left behind (the replaced data, already backed up) is cleared then."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from fupin_desktop.store.folder import finish_pending_restore, pending_restore_path


def test_a_pending_restore_takes_the_folders_place_and_leftovers_go(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "fupin.sqlite3").write_text("old")
    leftover = tmp_path / ".data.replaced-20261201-093000-4242.partial"
    (leftover / "attachments").mkdir(parents=True)
    stored = leftover / "attachments" / "a.pdf"
    stored.write_text("x")
    os.chmod(stored, stat.S_IREAD)  # stored attachments are read-only
    pending = pending_restore_path(data)
    pending.mkdir()
    (pending / "fupin.sqlite3").write_text("restored")

    assert finish_pending_restore(data)
    assert (data / "fupin.sqlite3").read_text() == "restored"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    assert not finish_pending_restore(data)  # nothing waits any more
