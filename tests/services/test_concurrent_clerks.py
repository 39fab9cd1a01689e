"""Three clerks saving at once (the LAN mode's reason to be): every acknowledged save is there,
agreement numbers are unique, the audit chain verifies. Runs on the --backend of the run: on
PostgreSQL it is three PCs on one server, on SQLite three programs on one file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from fupin_desktop.store.audit import verify_chain
from fupin_desktop.store.models import Organization, Pairing

pytestmark = pytest.mark.slow

CLERKS, SAVES = 3, 100
WORKER = Path(__file__).with_name("concurrent_clerk.py")


def test_three_clerks_saving_at_once_lose_nothing(clerk, demo_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    outs = [tmp_path / f"clerk{n}.txt" for n in range(CLERKS)]
    workers = [subprocess.Popen([sys.executable, str(WORKER), str(demo_dir), str(n), str(SAVES), str(out)], env=env,
                                stderr=subprocess.PIPE, text=True) for n, out in enumerate(outs)]
    for w in workers:
        _out, err = w.communicate(timeout=600)
        assert w.returncode == 0, err[-3000:]
    lines = [line.split(" ", 1) for out in outs for line in out.read_text(encoding="utf-8").splitlines()]
    assert [text for kind, text in lines if kind == "error"] == []
    saved_orgs = {text for kind, text in lines if kind == "org"}
    saved_pairings = [text for kind, text in lines if kind == "pairing"]
    assert len(saved_orgs) == CLERKS * SAVES
    assert len(saved_pairings) == len(set(saved_pairings)) == CLERKS * ((SAVES + 1) // 2)
    with clerk.db.reading() as s:
        in_db = set(s.scalars(select(Organization.credit_code)))
        numbers = set(s.scalars(select(Pairing.agreement_no)))
        assert saved_orgs <= in_db
        assert set(saved_pairings) <= numbers
        assert verify_chain(s) == []
