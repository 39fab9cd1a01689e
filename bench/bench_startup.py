"""Start-up: process start to the main window on the demo county, as a ratio to a bare window.

    python bench/bench_startup.py [--runs 5]

The floor is a new Python process that creates a QApplication, registers the same two shipped
fonts, shows a 20 × 8 table of Chinese text and quits once the event loop has painted it (a
grab, since the offscreen platform paints nothing by itself). The program is
``python -m fupin_desktop --data-dir DEMO --user clerk`` (password from FUPIN_PASSWORD), timed
twice: with FUPIN_QUIT_WHEN_SHOWN=frame it quits once the main window is painted (navigation,
menus, the size the user left it at, "正在打开数据……": what the clerk sees appear), with
FUPIN_QUIT_WHEN_SHOWN=1 once the signed-in 首页 is painted with its figures (SQLAlchemy, the
Argon2id password check and the 首页's queries: usable). All run on Qt's offscreen platform,
alternately, ``--runs`` times, with bytecode caching on (as installed); the medians are printed
with their ratios (the goal in issue 12: the window appears within 2× the floor). Wall time of
the whole process, imports included.
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
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed program has its .pyc files
    fonts = str(ROOT / "resources" / "fonts")
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        subprocess.run([sys.executable, "-m", "fupin_desktop", "--data-dir", str(demo), "demo"], env=env,
                       check=True, capture_output=True, timeout=600)
        frame_env = {**env, "FUPIN_QUIT_WHEN_SHOWN": "frame"}
        ready_env = {**env, "FUPIN_QUIT_WHEN_SHOWN": "1"}
        program = [sys.executable, "-m", "fupin_desktop", "--data-dir", str(demo), "--user", "clerk"]
        _timed(program, ready_env)  # one run to warm the disk cache and compile the bytecode
        bare, frame, ready = [], [], []
        for _ in range(args.runs):
            bare.append(_timed([sys.executable, "-c", BARE, fonts], env))
            frame.append(_timed(program, frame_env))
            ready.append(_timed(program, ready_env))
    floor = statistics.median(bare)
    print(f"bare window (floor), median of {args.runs}: {floor:.2f} s")
    for what, times in (("main window appears", frame), ("首页 signed in and filled", ready)):
        print(f"{what}, median of {args.runs}: {statistics.median(times):.2f} s"
              f" = {statistics.median(times) / floor:.2f}× the floor")
    print(f"start-up ratio (the window appears): {statistics.median(frame) / floor:.2f}× the floor (goal ≤ 2×)")


if __name__ == "__main__":
    main()
