"""The real clock, on purpose: the program run as a user runs it (no FUPIN_TODAY) with the
system date moved by libfaketime across a month end and a year end.

Every other test runs on the one fixed day of ``conftest.py``; these check that the program
itself reads the machine's date where no day is fixed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The library itself, not the ``faketime`` wrapper: the wrapper computes its offset from the
# clock it sees, so under a faked date (CI runs the suite under faketime too) it would land
# elsewhere. "@<moment>" starts the program's clock at the moment, whatever the machine says.
LIBFAKETIME = next(iter(sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"))), None)
pytestmark = pytest.mark.skipif(LIBFAKETIME is None, reason="needs libfaketime (apt-get install faketime)")


def fupin_at(moment: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FUPIN_TODAY" and not k.startswith("FAKETIME")}
    env.update(PYTHONDONTWRITEBYTECODE="1", LD_PRELOAD=str(LIBFAKETIME), FAKETIME=f"@{moment}")
    return subprocess.run([sys.executable, "-m", "fupin_desktop", *args],
                          env=env, capture_output=True, text=True, timeout=300)


def monthly_deadline(data_dir: Path, moment: str, year: int, month: str) -> dict[str, object]:
    done = fupin_at(moment, "calendar", "--year", str(year), "--json", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    return next(v for v in json.loads(done.stdout) if v["key"] == "monthly" and v["period"] == month)


def test_the_monthly_deadline_follows_the_machine_date_across_a_month_end(demo_dir: Path) -> None:
    # October's table is due on 5 November: due in 6 days on 30 October, 1 day late on 6 November.
    before = monthly_deadline(demo_dir, "2026-10-30 23:59:00", 2026, "2026-10")
    assert before["state"] in {"upcoming", "due_in_n"} and before["days"] == 6
    after = monthly_deadline(demo_dir, "2026-11-06 00:01:00", 2026, "2026-10")
    assert (after["state"], after["days"]) == ("late", 1)


def test_december_is_due_in_january_of_the_next_year_by_the_machine_date(demo_dir: Path) -> None:
    on_new_year = monthly_deadline(demo_dir, "2027-01-01 00:00:30", 2026, "2026-12")
    assert on_new_year["due"] == "2027-01-05" and on_new_year["days"] == 4
    assert on_new_year["state"] in {"due_in_n", "upcoming"}
    late = monthly_deadline(demo_dir, "2027-01-08 09:00:00", 2026, "2026-12")
    assert (late["state"], late["days"]) == ("late", 3)


def test_a_demo_made_on_new_years_day_ends_with_december(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    made = fupin_at("2027-01-01 08:00:00", "demo", "--data-dir", str(folder))
    assert made.returncode == 0, made.stderr
    status = fupin_at("2027-01-01 08:00:00", "monthly", "status", "--period", "2026-12", "--json",
                      "--data-dir", str(folder))
    assert status.returncode == 0, status.stderr
    board = json.loads(status.stdout)
    rows = board["townships"] if isinstance(board, dict) else board
    # December is the demo's last month, still coming in on 1 January: some reported, none late yet.
    assert len(rows) >= 20 and any(r["status"] in ("submitted", "draft", "approved") for r in rows)
    assert all(r["timeliness"] != "overdue" for r in rows)
