"""Register speed figures on a large county (printed, never asserted).

    python bench/bench_register.py [--orgs 1000] [--pairings 3000]

Prints: time to create the county, `fupin org list` time (in-process service call and the
whole command as a new process), time from process start to the main window shown
(offscreen), and peak memory of each.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STARTUP_PROBE = r"""
import sys, time, resource
from pathlib import Path
t_start = float(sys.argv[2])
from PySide6.QtWidgets import QApplication
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database
from fupin_desktop.ui.common.fonts import install_fonts
from fupin_desktop.ui.main_window import MainWindow
app = QApplication([])
install_fonts(app)
db = Database.open(Path(sys.argv[1]), create=False)
window = MainWindow(ServiceContext(db, Forms(), login(db, "clerk", "demo"), Path(sys.argv[1])))
window.resize(1366, 768)
window.show()
app.processEvents()
print(f"{time.time() - t_start:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
"""

def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--pairings", type=int, default=3000)
    parser.add_argument("--households", type=int, default=1000)
    args = parser.parse_args()

    from sqlalchemy import select

    from fupin_desktop.intake.division_table import load_division_table
    from fupin_desktop.services import households, organizations, pairings
    from fupin_desktop.services.context import Forms, ServiceContext
    from fupin_desktop.services.demo import build_demo
    from fupin_desktop.services.users import login
    from fupin_desktop.store.db import Database
    from fupin_desktop.store.models import Household

    folder = Path(tempfile.mkdtemp(prefix="fupin-bench-"))
    t0 = time.perf_counter()
    table = load_division_table()
    t_table = time.perf_counter() - t0
    db = Database.open(folder)
    build_demo(db, table, organizations=args.orgs, pairings=args.pairings, households=args.households, monthly=False)
    t_create = time.perf_counter() - t0
    ctx = ServiceContext(db, Forms(), login(db, "clerk", "demo"), folder)
    n_villages = len(__import__("fupin_desktop.services.places", fromlist=["x"]).list_villages(ctx))
    print(f"county: {args.orgs} organizations, {n_villages} villages, {args.pairings} pairings, "
          f"{args.households} households in {folder}")
    print(f"create county:            {t_create:7.2f} s   (of which loading the division table {t_table:.2f} s)")

    with db.reading() as s:  # names and ID numbers are sealed: each list opens them all
        whole_id = next(iter(s.scalars(select(Household)))).id_number
    for label, fn in (("org list (service)", lambda: organizations.list_organizations(ctx)),
                      ("org search 'jjs'", lambda: organizations.list_organizations(ctx, "jjs")),
                      ("pairing list (service)", lambda: pairings.list_pairings(ctx)),
                      ("household list (sealed)", lambda: households.list_households(ctx)),
                      ("household by whole ID", lambda: households.list_households(ctx, whole_id))):
        times = []
        for _ in range(5):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        print(f"{label + ':':26}{sorted(times)[2]:7.3f} s   (median of 5)")
    db.dispose()
    print(f"peak memory (this process): {_peak_mb():.0f} MB")

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "fupin_desktop", "--data-dir", str(folder), "org", "list", "--json"],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - t)
    print(f"`fupin org list --json`:  {sorted(times)[1]:7.2f} s   (new process, median of 3)")

    results = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", STARTUP_PROBE, str(folder), str(time.time())], check=True,
                             capture_output=True, text=True, env=env).stdout.split()
        results.append((float(out[0]), float(out[1])))
    results.sort()
    print(f"process start → main window shown (offscreen): {results[1][0]:.2f} s, peak {results[1][1]:.0f} MB "
          "(median of 3)")


if __name__ == "__main__":
    main()
