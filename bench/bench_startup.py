"""Start-up: process start to a usable main window on the demo county, as a ratio to a bare window.

    python bench/bench_startup.py [--runs 5]

The floor is a new Python process that creates a QApplication, registers the same two shipped
fonts, shows a 20 × 8 table of Chinese text and quits once the event loop has painted it (a
grab, since the offscreen platform paints nothing by itself). The program is
``python -m fupin_desktop --data-dir DEMO --user clerk`` (password from FUPIN_PASSWORD) with
FUPIN_QUIT_WHEN_SHOWN set, which paints the main window the same way and quits. Both run on
Qt's offscreen platform, alternately, ``--runs`` times; the medians are printed with their ratio
(the goal in issue 12: at most 2×). Wall time of the whole process, imports included.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem
app = QApplication(sys.argv[:1])
families = []
for name in ("NotoSansSC-Regular.ttf", "LXGWWenKai-Regular.ttf"):
    families += QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(sys.argv[1] + "/" + name))
font = QFont(app.font()); font.setFamilies(families); app.setFont(font)
table = QTableWidget(20, 8)
for r in range(20):
    for c in range(8):
        table.setItem(r, c, QTableWidgetItem(f"晋江市社会组织 {r}-{c}"))
table.showMaximized()
assert len(families) == 2, families
QTimer.singleShot(0, lambda: (table.grab(), app.quit()))  # painted once, glyphs and all
app.exec()
"""


def _timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{args[:3]} failed: {done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FUPIN_PASSWORD": "demo", "PYTHONPATH": str(ROOT)}
    env.pop("FUPIN_QUIT_WHEN_SHOWN", None)
    fonts = str(ROOT / "resources" / "fonts")
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        subprocess.run([sys.executable, "-m", "fupin_desktop", "--data-dir", str(demo), "demo"], env=env,
                       check=True, capture_output=True, timeout=600)
        program_env = {**env, "FUPIN_QUIT_WHEN_SHOWN": "1"}
        program = [sys.executable, "-m", "fupin_desktop", "--data-dir", str(demo), "--user", "clerk"]
        _timed(program, program_env)  # one run to warm the disk cache and compile the bytecode
        bare, full = [], []
        for _ in range(args.runs):
            bare.append(_timed([sys.executable, "-c", BARE, fonts], env))
            full.append(_timed(program, program_env))
    floor, measured = statistics.median(bare), statistics.median(full)
    print(f"bare window (floor), median of {args.runs}: {floor:.2f} s")
    print(f"main window on the demo county, median of {args.runs}: {measured:.2f} s")
    print(f"start-up ratio: {measured / floor:.2f}× the floor (goal ≤ 2×)")


if __name__ == "__main__":
    main()
