"""Autosaved grid drafts: per user, written atomically, and a SIGKILL never leaves half a file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from fupin_desktop.services import drafts
from fupin_desktop.services.drafts import Draft

CELLS = [{"pairing_id": 1, "content": "入户走访", "funds_fen": "1.5"}, {"pairing_id": 2, "funds_fen": "abc"}]


def draft(username: str = "clerk", period: str = "2026-10", **kw) -> Draft:  # type: ignore[no-untyped-def]
    return Draft(username=username, township_id=3, township_code="350582001000", township="青阳街道", period=period,
                 base_revision=kw.pop("base_revision", 2), cells=kw.pop("cells", CELLS),
                 saved_at=kw.pop("saved_at", datetime(2026, 12, 2, 15, 31, 5)))


def test_save_load_list_and_discard_per_user(tmp_path: Path) -> None:
    path = drafts.save_draft(tmp_path, draft())
    assert path == tmp_path / "drafts" / "clerk" / "350582001000_2026-10.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["township"] == "青阳街道" and data["period"] == "2026-10" and data["base_revision"] == 2
    assert data["cells"] == CELLS and data["saved_at"] == "2026-12-02T15:31:05"
    assert drafts.load_draft(path) == draft()

    drafts.save_draft(tmp_path, draft(period="2026-09", saved_at=datetime(2026, 12, 1, 9, 0)))
    drafts.save_draft(tmp_path, draft(username="other"))
    assert [d.period for d in drafts.list_drafts(tmp_path, "clerk")] == ["2026-09", "2026-10"]  # oldest first
    assert [d.username for d in drafts.list_drafts(tmp_path, "other")] == ["other"]
    assert drafts.list_drafts(tmp_path, "nobody") == []

    newer = draft(cells=[{"pairing_id": 1, "funds_fen": "2"}], base_revision=None)
    drafts.save_draft(tmp_path, newer)  # replaces, leaves no temporary file behind
    assert drafts.find_draft(tmp_path, "clerk", "350582001000", "2026-10") == newer
    assert sorted(p.name for p in path.parent.iterdir()) == ["350582001000_2026-09.json", "350582001000_2026-10.json"]

    assert drafts.discard_draft(tmp_path, "clerk", "350582001000", "2026-10")
    assert not drafts.discard_draft(tmp_path, "clerk", "350582001000", "2026-10")
    assert [d.period for d in drafts.list_drafts(tmp_path, "clerk")] == ["2026-09"]


def test_a_damaged_draft_or_a_leftover_temporary_file_is_skipped(tmp_path: Path) -> None:
    drafts.save_draft(tmp_path, draft())
    folder = drafts.user_folder(tmp_path, "clerk")
    (folder / "350582002000_2026-10.json").write_text('{"format": 1, "cells": [', encoding="utf-8")
    (folder / ".350582001000_2026-10.abc.tmp").write_text("{", encoding="utf-8")
    assert [d.township_code for d in drafts.list_drafts(tmp_path, "clerk")] == ["350582001000"]


def test_user_names_cannot_leave_the_drafts_folder(tmp_path: Path) -> None:
    path = drafts.save_draft(tmp_path, draft(username="../../evil"))
    assert path.parent.parent == tmp_path / "drafts"


WRITER = """
import sys
from datetime import datetime
from pathlib import Path
from fupin_desktop.services.drafts import Draft, save_draft
n = 0
print("ready", flush=True)
while True:
    n += 1
    cells = [{"pairing_id": r, "funds_fen": str(n), "content": "入户走访" * 50} for r in range(200)]
    save_draft(Path(sys.argv[1]), Draft("clerk", 3, "350582001000", "青阳街道", "2026-10", n, cells,
                                        datetime(2026, 12, 2, 15, 31)))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX kill")
def test_a_sigkill_while_writing_drafts_leaves_the_last_complete_draft(tmp_path: Path) -> None:
    """The grid's timer calls ``save_draft``; killing a process that writes drafts in a tight loop
    at varied moments always leaves a complete draft (the one before or the one being written)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    revisions = []
    for attempt in range(8):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, env=env)
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(0.15 + 0.037 * attempt)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        found = drafts.list_drafts(tmp_path, "clerk")
        assert len(found) == 1, "the draft is gone or a second one appeared"
        d = found[0]
        assert len(d.cells) == 200 and {c["funds_fen"] for c in d.cells} == {str(d.base_revision)}
        revisions.append(d.base_revision)
    assert all(r and r > 0 for r in revisions)
