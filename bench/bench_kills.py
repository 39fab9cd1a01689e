"""Kill harness: SIGKILL the real ``fupin`` process at random moments and check what is left.

    python bench/bench_kills.py [--kills 1000] [--seed 1] [--scenarios import,register,submit,backup]
                                [--cli-audit-every 0]

Scenarios, each on its own copy of the demo county (one copy reused for all its kills):

* ``import``: ``fupin monthly import FILE --township 青阳街道 --period P --user clerk`` of a workbook
  written by ``fupin monthly template`` and filled with openpyxl (P: March of next year, inside every
  demo pairing's term, no demo data).
* ``register``: a small driver process calling the services in a loop (``save_organization`` then
  ``save_pairing``) and printing each credit code / agreement number after its commit: the
  acknowledged writes.
* ``submit``: ``fupin submit monthly --period P -o STICK --user reviewer`` (P: two months back).
* ``backup``: ``fupin backup -o DIR --user admin``.

The kill delay is drawn (seeded) uniformly over the command's measured duration. After each kill:
``PRAGMA integrity_check`` ok, ``PRAGMA foreign_key_check`` empty, the audit chain verifies (the
service ``fupin audit verify`` runs, in this process; the CLI itself every ``--cli-audit-every``
kills and once at the end of each scenario), every acknowledged write present, the interrupted
import run again leaves the newest revision with exactly the template's rows, every file on the
stick with a final package name verifies with the county's own certificate trusted, a killed
submit left either nothing or a recorded submission that ``resend`` writes out and that verifies,
and every ``*.fupinbak`` under a final name verifies.

Figures are printed, never asserted; timings are ratios to a floor measured in the same run (the
time of ``fupin --version`` as a process). ``tests/test_kill_harness.py`` runs the same code with
about 30 kills and asserts the figures are zero.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TOWNSHIP = "青阳街道"
DB_FILE = "fupin.sqlite3"
SCENARIOS = ("import", "register", "submit", "backup")

DRIVER = textwrap.dedent('''
    """Acknowledged writes: each credit code / agreement number is printed after its commit."""
    import sys
    from pathlib import Path

    from fupin_desktop.domain.credit_code import make_credit_code
    from fupin_desktop.services import organizations, pairings
    from fupin_desktop.services.context import Forms, ServiceContext
    from fupin_desktop.services.users import login
    from fupin_desktop.store.db import Database

    data_dir, run, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    db = Database.open(data_dir, create=False)
    ctx = ServiceContext(db, Forms(), login(db, "clerk", "demo"), data_dir)
    project = {"name": "助学圆梦", "domain": "教育", "method": "直接捐赠", "budget_fen": "3.5",
               "indicators": "资助 10 名学生"}
    for i in range(count):
        code = make_credit_code("5", "1", "350582", f"{run % 1000:03d}{i:05d}")
        organizations.save_organization(ctx, {"name": f"晋江市断电测试商会{run}号{i}", "credit_code": code,
                                              "kind": "社会团体", "contact_phone": "0595-85661234"})
        print("ORG", code, flush=True)
        agreement = f"KH{run}-{i:04d}"
        pairings.save_pairing(ctx, {"organization": code, "target_kind": "村（社区）", "township": "青阳街道",
                                    "target": "莲屿社区", "campaign": "百社解千难", "signed_on": "2020年5月20日",
                                    "term_start": "2020-05-20", "term_end": "2021-12-31",
                                    "agreement_no": agreement}, [project])
        print("PAIR", agreement, flush=True)
''')


@dataclass
class Tally:
    scenario: str
    runs: int = 0  # commands started with a kill planned
    kills: int = 0  # killed while still running
    finished: int = 0  # ended on their own before the kill
    acknowledged: int = 0
    lost: int = 0  # acknowledged writes not in the database
    duplicates: int = 0  # the re-run import did not leave exactly one set of rows
    integrity: int = 0  # integrity_check or foreign_key_check failures
    audit: int = 0  # audit chain failures
    bad_files: int = 0  # a file with a final name that does not verify
    outcomes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # the command's own duration, measured unkilled

    def fail(self, what: str, text: str) -> None:
        setattr(self, what, getattr(self, what) + 1)
        if len(self.problems) < 20:
            self.problems.append(text)

    @property
    def failures(self) -> int:
        return self.lost + self.duplicates + self.integrity + self.audit + self.bad_files


def base_env() -> dict[str, str]:
    env = dict(os.environ)  # FUPIN_TODAY (tests' fixed date) passes through
    env.update(FUPIN_PASSWORD="demo", FUPIN_SEAL_PASSPHRASE="demo", PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    env.pop("FUPIN_DATABASE_URL", None)
    return env


def fupin(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "fupin_desktop", *args, "--data-dir", str(data_dir)]


def run(cmd: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=base_env(), cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    t = time.perf_counter()
    done = run(cmd)
    return time.perf_counter() - t, done


def run_and_kill(cmd: list[str], delay: float) -> tuple[bool, str, str]:
    """Start ``cmd``, SIGKILL it after ``delay`` seconds unless it ended; (killed, stdout, stderr)."""
    proc = subprocess.Popen(cmd, env=base_env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=delay)
        return False, out, err
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)  # only the process this harness started
        out, err = proc.communicate()
        return True, out, err


def floor_seconds(repeat: int = 3) -> float:
    """What starting the program costs: ``fupin --version`` as a process (best of ``repeat``)."""
    return min(timed([sys.executable, "-m", "fupin_desktop", "--version"])[0] for _ in range(repeat))


# --- the checks after every kill ---------------------------------------------------------------------

def check_database(data_dir: Path, tally: Tally, *, cli_audit: bool = False) -> None:
    con = sqlite3.connect(data_dir / DB_FILE, timeout=30)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchall()
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        con.close()
    if integrity != [("ok",)]:
        tally.fail("integrity", f"integrity_check: {integrity[:3]}")
    if fk:
        tally.fail("integrity", f"foreign_key_check: {fk[:3]}")
    if cli_audit:
        done = run(fupin(data_dir, "audit", "verify"))
        if done.returncode != 0:
            tally.fail("audit", f"fupin audit verify exit {done.returncode}: {done.stdout[-300:]}{done.stderr[-300:]}")
        return
    from fupin_desktop.services import audit_log
    from fupin_desktop.store.db import Database

    db = Database.open(data_dir, create=False)
    try:
        breaks = audit_log.verify(db)
    finally:
        db.dispose()
    if breaks:
        tally.fail("audit", f"audit chain: {[(b.seq, b.reason) for b in breaks[:3]]}")


def _scalar(data_dir: Path, sql: str, *params: object) -> object:
    con = sqlite3.connect(data_dir / DB_FILE, timeout=30)
    try:
        return con.execute(sql, params).fetchone()[0]
    finally:
        con.close()


def _context(data_dir: Path, username: str):  # type: ignore[no-untyped-def]
    from fupin_desktop.services.context import Forms, ServiceContext
    from fupin_desktop.services.users import login
    from fupin_desktop.store.db import Database

    db = Database.open(data_dir, create=False)
    return ServiceContext(db, Forms(), login(db, username, "demo"), data_dir)


def trusted_lookup(data_dir: Path):  # type: ignore[no-untyped-def]
    """The county's own seal certificate, trusted (what its city would have registered)."""
    from fupin_desktop.documents.seal_key import cert_bureau, load_certificate
    from fupin_desktop.intake.package_reader import TrustedCert

    con = sqlite3.connect(data_dir / DB_FILE)
    try:
        pems = [row[0] for row in con.execute("SELECT cert_pem FROM seal_certificate")]
    finally:
        con.close()
    # Registered under the bureau its certificate names, as a city registers it (trust_add).
    certs = [TrustedCert(cert, cert_bureau(cert)) for cert in map(load_certificate, pems)]
    return lambda division: certs


def check_stick(stick: Path, data_dir: Path, tally: Tally) -> None:
    """Every file with a final package name verifies; a ``.part`` file is the only thing a kill may leave."""
    from fupin_desktop.intake.package_reader import verify_package

    lookup = trusted_lookup(data_dir)
    for path in sorted(stick.glob("*.zip")):
        verdict = verify_package(path, lookup)
        if not verdict.ok:
            tally.fail("bad_files", f"{path.name}: {verdict.problems[:2]}")


def check_backups(folder: Path, tally: Tally) -> None:
    """Every ``*.fupinbak`` under its final name opens as a zip and its manifest's hashes hold."""
    try:
        from fupin_desktop.services.backup_archive import verify_archive
    except ImportError:  # the archive module changed: fall back to opening the zip
        verify_archive = None  # type: ignore[assignment]
    for path in sorted(folder.rglob("*.fupinbak")):
        try:
            if verify_archive is not None:
                verify_archive(path)
            else:
                with zipfile.ZipFile(path) as zf:
                    if zf.testzip() is not None:
                        raise ValueError("bad member")
        except Exception as exc:  # noqa: BLE001 - any failure is a bad file under a good name
            tally.fail("bad_files", f"{path.name}: {exc}")


# --- scenarios -----------------------------------------------------------------------------------------

@dataclass
class Plan:
    kills: int
    rng: random.Random
    floor: float
    cli_audit_every: int = 0  # 0: the CLI audit verify only at the end of the scenario
    kill_from: float = 0.0  # fraction of the floor below which no kill is planned (startup)
    on_kill: Callable[[Tally], None] | None = None

    def delay(self, duration: float) -> float:
        return self.rng.uniform(self.kill_from * self.floor, max(duration, self.kill_from * self.floor + 0.05))

    def cli_audit(self, n: int) -> bool:
        return self.cli_audit_every > 0 and n % self.cli_audit_every == 0


def _import_period():  # type: ignore[no-untyped-def]
    from fupin_desktop.domain import clock
    from fupin_desktop.domain.periods import Period

    return Period.month(clock.today().year + 1, 3)


def _submit_period():  # type: ignore[no-untyped-def]
    from fupin_desktop.domain import clock
    from fupin_desktop.domain.periods import Period

    return Period.of_date(clock.today()).previous().previous()


FIGURE_VALUES = {"投入资金": "1.5", "物资折款": "0.25", "帮扶贫困户": "0", "受益人数": "20", "提供就业岗位": "1",
                 "培训": "5", "志愿服务": "4", "落地项目": "0"}


def fill_template(path: Path) -> int:
    """Fill every pre-filled row of a township template as a clerk would; the number of rows."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers: dict[str, int] = {}
    for col in range(1, ws.max_column + 1):
        for row in (3, 4):
            text = str(ws.cell(row, col).value or "")
            for label in ("具体帮扶内容", "进展情况", *FIGURE_VALUES):
                if text.startswith(label):
                    headers[label] = col
    n = 0
    for row in range(5, ws.max_row + 1):
        if isinstance(ws.cell(row, 1).value, int):
            n += 1
            for label, value in {"具体帮扶内容": f"第{n}行：入户走访", "进展情况": "已完成", **FIGURE_VALUES}.items():
                ws.cell(row, headers[label], value)
    wb.save(path)
    return n


def _newest_revision(data_dir: Path, period: str) -> tuple[int, int]:
    """(newest revision, its rows) of 青阳街道 in ``period``."""
    con = sqlite3.connect(data_dir / DB_FILE, timeout=30)
    try:
        row = con.execute(
            "SELECT r.id, r.revision FROM monthly_report r JOIN township t ON t.id = r.township_id "
            "WHERE t.name = ? AND r.period = ? ORDER BY r.revision DESC LIMIT 1", (TOWNSHIP, period)).fetchone()
        if row is None:
            return 0, 0
        return int(row[1]), int(con.execute("SELECT count(*) FROM monthly_row WHERE report_id = ?", (row[0],)).fetchone()[0])
    finally:
        con.close()


def scenario_import(data_dir: Path, work: Path, plan: Plan) -> Tally:
    tally = Tally("import")
    period = _import_period()
    made = run(fupin(data_dir, "monthly", "template", "--township", TOWNSHIP, "--period", str(period), "-o",
                     str(work), "--user", "clerk"))
    if made.returncode != 0:
        raise RuntimeError(f"fupin monthly template failed: {made.stdout}{made.stderr}")
    book = Path(made.stdout.strip().splitlines()[-1])
    expected = fill_template(book)
    cmd = fupin(data_dir, "monthly", "import", str(book), "--township", TOWNSHIP, "--period", str(period),
                "--user", "clerk")
    seconds, done = timed(cmd)
    if done.returncode != 0:
        raise RuntimeError(f"fupin monthly import failed: {done.stdout}{done.stderr}")
    tally.seconds.append(seconds)
    n = 0
    while tally.kills < plan.kills:
        tally.runs += 1
        before = _newest_revision(data_dir, str(period))[0]
        killed, out, _err = run_and_kill(cmd, plan.delay(seconds))
        if not killed:
            tally.finished += 1
            continue
        n += 1
        tally.kills += 1
        check_database(data_dir, tally, cli_audit=plan.cli_audit(n))
        after, rows = _newest_revision(data_dir, str(period))
        tally.outcomes["committed before the kill" if after > before else "nothing committed"] += 1
        if after > before and rows != expected:
            tally.fail("duplicates", f"killed import left revision {after} with {rows} rows, not {expected}")
        # The clerk imports the file again: exactly one set of rows in the newest revision.
        from fupin_desktop.services.monthly_import import import_monthly

        ctx = _context(data_dir, "clerk")
        try:
            view = import_monthly(ctx, book, township=TOWNSHIP, period=period)
        finally:
            ctx.db.dispose()
        newest, rows = _newest_revision(data_dir, str(period))
        if newest != view.revision or rows != expected or len(view.rows) != expected:
            tally.fail("duplicates", f"re-run import: revision {newest} has {rows} rows, expected {expected}")
        if plan.on_kill:
            plan.on_kill(tally)
    check_database(data_dir, tally, cli_audit=True)
    return tally


def scenario_register(data_dir: Path, work: Path, plan: Plan, *, per_run: int = 40) -> Tally:
    tally = Tally("register")
    driver = work / "register_driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    runs = iter(range(1, 10**6))

    def cmd() -> list[str]:
        return [sys.executable, str(driver), str(data_dir), str(next(runs)), str(per_run)]

    seconds, done = timed(cmd())
    if done.returncode != 0:
        raise RuntimeError(f"register driver failed: {done.stdout[-500:]}{done.stderr[-2000:]}")
    tally.seconds.append(seconds)
    acknowledged_orgs: list[str] = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("ORG ")]
    acknowledged_pairs: list[str] = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("PAIR ")]
    n = 0
    while tally.kills < plan.kills:
        tally.runs += 1
        killed, out, _err = run_and_kill(cmd(), plan.delay(seconds))
        acknowledged_orgs += [line.split()[1] for line in out.splitlines() if line.startswith("ORG ")]
        acknowledged_pairs += [line.split()[1] for line in out.splitlines() if line.startswith("PAIR ")]
        if not killed:
            tally.finished += 1
            continue
        n += 1
        tally.kills += 1
        check_database(data_dir, tally, cli_audit=plan.cli_audit(n))
        con = sqlite3.connect(data_dir / DB_FILE, timeout=30)
        try:
            orgs = {r[0] for r in con.execute("SELECT credit_code FROM organization")}
            pairs = {r[0] for r in con.execute("SELECT agreement_no FROM pairing")}
            dup = con.execute("SELECT count(*) - count(DISTINCT credit_code) FROM organization").fetchone()[0]
        finally:
            con.close()
        for code in acknowledged_orgs:
            if code not in orgs:
                tally.fail("lost", f"acknowledged organization {code} missing")
        for agreement in acknowledged_pairs:
            if agreement not in pairs:
                tally.fail("lost", f"acknowledged pairing {agreement} missing")
        if dup:
            tally.fail("duplicates", f"{dup} duplicate credit codes")
        if plan.on_kill:
            plan.on_kill(tally)
    tally.acknowledged = len(acknowledged_orgs) + len(acknowledged_pairs)
    check_database(data_dir, tally, cli_audit=True)
    return tally


def _submissions(data_dir: Path) -> list[tuple[int, int, str, str, str | None]]:
    """(id, version, file name, manifest hash, corrects) of the monthly submissions of the period."""
    con = sqlite3.connect(data_dir / DB_FILE, timeout=30)
    try:
        return [(int(a), int(b), c, d, e) for a, b, c, d, e in con.execute(
            "SELECT id, version, file_name, manifest_sha256, corrects FROM submission "
            "WHERE report = 'monthly' AND period = ? ORDER BY version", (str(_submit_period()),))]
    finally:
        con.close()


def scenario_submit(data_dir: Path, work: Path, plan: Plan) -> Tally:
    tally = Tally("submit")
    stick = work / "usb"
    stick.mkdir(parents=True, exist_ok=True)
    cmd = fupin(data_dir, "submit", "monthly", "--period", str(_submit_period()), "-o", str(stick), "--user", "reviewer")
    seconds, done = timed(cmd)
    if done.returncode != 0:
        raise RuntimeError(f"fupin submit failed: {done.stdout}{done.stderr}")
    tally.seconds.append(seconds)
    from fupin_desktop.intake.package_reader import verify_package
    from fupin_desktop.services import submissions

    n = 0
    while tally.kills < plan.kills:
        tally.runs += 1
        before = _submissions(data_dir)
        finals_before = {p.name for p in stick.glob("*.zip")}
        killed, _out, _err = run_and_kill(cmd, plan.delay(seconds))
        if not killed:
            tally.finished += 1
            continue
        n += 1
        tally.kills += 1
        check_database(data_dir, tally, cli_audit=plan.cli_audit(n))
        check_stick(stick, data_dir, tally)
        after = _submissions(data_dir)
        new = after[len(before):]
        finals = {p.name for p in stick.glob("*.zip")} - finals_before
        if not new:
            tally.outcomes["nothing recorded"] += 1
            if finals:
                tally.fail("bad_files", f"killed submit left unrecorded package(s) {sorted(finals)}")
        else:
            (sid, version, name, _m, _c), = new
            if name in finals:
                tally.outcomes["recorded and written"] += 1
            else:
                tally.outcomes["recorded, not written: resent"] += 1
                ctx = _context(data_dir, "reviewer")
                try:
                    path = submissions.resend(ctx, sid, stick)
                finally:
                    ctx.db.dispose()
                verdict = verify_package(path, trusted_lookup(data_dir))
                if not verdict.ok or verdict.version != version:
                    tally.fail("bad_files", f"resent {name} does not verify: {verdict.problems[:2]}")
        # The chain of versions stays whole: 1, 2, 3 … each correcting the one before.
        versions = _submissions(data_dir)
        for k, (_sid, version, _name, _manifest, corrects) in enumerate(versions):
            if version != k + 1 or corrects != (versions[k - 1][3] if k else None):
                tally.fail("duplicates", f"submission chain broken at version {version}")
                break
        if plan.on_kill:
            plan.on_kill(tally)
    check_database(data_dir, tally, cli_audit=True)
    check_stick(stick, data_dir, tally)
    return tally


def scenario_backup(data_dir: Path, work: Path, plan: Plan) -> Tally:
    tally = Tally("backup")
    target = work / "backups"
    target.mkdir(parents=True, exist_ok=True)
    cmd = fupin(data_dir, "backup", "-o", str(target), "--user", "admin")
    seconds, done = timed(cmd)
    if done.returncode != 0:
        raise RuntimeError(f"fupin backup failed: {done.stdout}{done.stderr}")
    tally.seconds.append(seconds)
    n = 0
    while tally.kills < plan.kills:
        tally.runs += 1
        killed, _out, _err = run_and_kill(cmd, plan.delay(seconds))
        if not killed:
            tally.finished += 1
            continue
        n += 1
        tally.kills += 1
        check_database(data_dir, tally, cli_audit=plan.cli_audit(n))
        check_backups(target, tally)
        check_backups(data_dir, tally)
        if plan.on_kill:
            plan.on_kill(tally)
    check_database(data_dir, tally, cli_audit=True)
    return tally


RUNNERS = {"import": scenario_import, "register": scenario_register, "submit": scenario_submit,
           "backup": scenario_backup}


# --- the bench ---------------------------------------------------------------------------------------------

def build_demo_template(folder: Path) -> Path:
    from fupin_desktop.intake.division_table import load_division_table
    from fupin_desktop.services.demo import build_demo, give_demo_seal
    from fupin_desktop.store.db import Database

    db = Database.open(folder)
    build_demo(db, load_division_table())
    give_demo_seal(db, folder)
    db.dispose()
    return folder


def report(tallies: list[Tally], floor: float, elapsed: float) -> str:
    lines = [f"floor (fupin --version as a process): {floor:.2f} s; whole run {elapsed:.0f} s = {elapsed / floor:.0f}× floor",
             f"{'scenario':<10}{'kills':>7}{'ended':>7}{'acked':>7}{'lost':>6}{'dupl':>6}{'integ':>7}{'audit':>7}"
             f"{'badfile':>9}  command time / floor"]
    for t in tallies:
        ratio = f"{statistics.median(t.seconds) / floor:.1f}×" if t.seconds else "-"
        lines.append(f"{t.scenario:<10}{t.kills:>7}{t.finished:>7}{t.acknowledged:>7}{t.lost:>6}{t.duplicates:>6}"
                     f"{t.integrity:>7}{t.audit:>7}{t.bad_files:>9}  {ratio}")
        if t.outcomes:
            lines.append("           " + "; ".join(f"{k}: {v}" for k, v in sorted(t.outcomes.items())))
        for p in t.problems[:5]:
            lines.append(f"           ! {p}")
    total = Tally("total", kills=sum(t.kills for t in tallies), finished=sum(t.finished for t in tallies),
                  acknowledged=sum(t.acknowledged for t in tallies), lost=sum(t.lost for t in tallies),
                  duplicates=sum(t.duplicates for t in tallies), integrity=sum(t.integrity for t in tallies),
                  audit=sum(t.audit for t in tallies), bad_files=sum(t.bad_files for t in tallies))
    lines.append(f"{'total':<10}{total.kills:>7}{total.finished:>7}{total.acknowledged:>7}{total.lost:>6}"
                 f"{total.duplicates:>6}{total.integrity:>7}{total.audit:>7}{total.bad_files:>9}")
    return "\n".join(lines)


def run_all(template: Path, work: Path, kills_per: dict[str, int], *, seed: int, floor: float,
            cli_audit_every: int = 0, kill_from: float = 0.0, progress: bool = False) -> list[Tally]:
    tallies = []
    for i, (name, kills) in enumerate(kills_per.items()):
        if kills <= 0:
            continue
        data_dir = work / name / "data"
        shutil.copytree(template, data_dir)
        scratch = work / name / "work"
        scratch.mkdir(parents=True)

        def tick(t: Tally) -> None:
            if t.kills % 25 == 0:
                print(f"  {t.scenario}: {t.kills} kills, {t.failures} failures", flush=True)

        plan = Plan(kills, random.Random(seed * 1000 + i), floor, cli_audit_every, kill_from,
                    tick if progress else None)
        tallies.append(RUNNERS[name](data_dir, scratch, plan))
    return tallies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=1000, help="kills in all, shared by the scenarios")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--cli-audit-every", type=int, default=10,
                        help="run the fupin audit verify command every N kills (the service runs after each)")
    parser.add_argument("--kill-from", type=float, default=0.0,
                        help="no kill before this fraction of the startup floor (0: spread over the whole run)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    floor = floor_seconds()
    work = Path(tempfile.mkdtemp(prefix="fupin-bench-kills-"))
    try:
        template = build_demo_template(work / "template")
        names = [n for n in args.scenarios.split(",") if n]
        share, extra = divmod(args.kills, len(names))
        kills_per = {n: share + (1 if k < extra else 0) for k, n in enumerate(names)}
        print(f"{args.kills} kills, seed {args.seed}: " + ", ".join(f"{n} {k}" for n, k in kills_per.items()), flush=True)
        tallies = run_all(template, work, kills_per, seed=args.seed, floor=floor,
                          cli_audit_every=args.cli_audit_every, kill_from=args.kill_from, progress=True)
        print(report(tallies, floor, time.perf_counter() - started))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
