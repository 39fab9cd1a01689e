"""Crash safety, proven: the real ``fupin`` process SIGKILLed at random moments (seeded) during a monthly
import, a loop of organization/pairing writes, a sealed submission and a backup; after each kill the
database is intact, the audit chain holds, no acknowledged write is lost, a re-run import adds no
duplicates, and no file under a final name (package or backup) is incomplete. The checks live in
``bench/bench_kills.py``, which runs a thousand kills and prints the figures."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KILLS = {"import": 10, "register": 8, "submit": 10, "backup": 4}


def _harness():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_kills", ROOT / "bench" / "bench_kills.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_kills"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_random_sigkills_lose_nothing_and_leave_no_complete_looking_file(demo_template: Path,
                                                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    started = time.perf_counter()
    harness = _harness()
    work = tmp_path_factory.mktemp("kills")
    floor = harness.floor_seconds(repeat=2)
    kills = dict(KILLS)  # each scenario works on its own copy: the template stays as built
    # Kills spread over each command's measured run, from half the program's start-up onwards.
    tallies = harness.run_all(demo_template, work, kills, seed=20261118, floor=floor, kill_from=0.5)
    print("\n" + harness.report(tallies, floor, time.perf_counter() - started))
    assert sum(t.kills for t in tallies) >= 30
    for t in tallies:
        assert t.kills == kills[t.scenario]
        assert (t.lost, t.duplicates, t.integrity, t.audit, t.bad_files) == (0, 0, 0, 0, 0), t.problems
    register = next(t for t in tallies if t.scenario == "register")
    assert register.acknowledged > 0
