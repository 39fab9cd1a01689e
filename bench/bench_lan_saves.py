"""Saves per second with 1, 3 and 5 clerks saving at once, on PostgreSQL and on SQLite.

    python bench/bench_lan_saves.py [--saves 60] [--floor-rows 1000]

Why: a county bureau has 2–5 clerks typing in the register at the same time, on PCs sharing a
LAN server (PostgreSQL) or, in a small office, one file (SQLite). Each save is its own transaction
(the duplicate check, the row, the audit chain entry), and the audit chain serializes writers; this
shows how throughput holds up as clerks are added.

For each backend the demo county is built once (FUPIN_TODAY=2026-11-18). Then, for N in 1, 3, 5,
on a fresh copy of it (SQLite: the folder copied; PostgreSQL: ``CREATE DATABASE … TEMPLATE``),
N worker processes (this file with ``--worker``) start together: each opens the database, logs
in as "clerk" and reports ready (imports and the Argon2id login are not timed); once all are
ready they are told to go, and each calls ``organizations.save_organization`` ``--saves`` times
with distinct credit codes. Figure: N × saves / (last finish − first start), in saves/s, and as a
ratio to the floor. Every save must be acknowledged and found in the database afterwards;
otherwise the errors are printed and the exit status is 1.

The floor, measured in the same run on its own fresh copy: one client of the plain driver
(sqlite3 with WAL and synchronous=FULL as the program sets them; psycopg) inserting
``--floor-rows`` single rows into a scratch table, each INSERT followed by its COMMIT.

The PostgreSQL cluster is the tests' private one (tests/pg_server.py): a Unix socket, no network
round trip, and fsync=off, so its figures are a best case for a real LAN server. Here every
client runs on the same machine as the database (a clerk has a PC of their own): with few CPUs
the N-client figures also measure the clients competing with each other for the processor.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
os.environ["FUPIN_TODAY"] = "2026-11-18"  # the demo's day, for this process and the workers

CLIENTS = (1, 3, 5)
SCRATCH = "CREATE TABLE bench_scratch (id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT NOT NULL)"


def worker(folder: Path, n: int, saves: int) -> None:
    """One clerk's PC: ``ok CODE`` per acknowledged save, ``error …`` per refusal, then the times."""
    from fupin_desktop.domain.credit_code import make_credit_code
    from fupin_desktop.errors import KnownError
    from fupin_desktop.services import organizations
    from fupin_desktop.services.context import Forms, ServiceContext
    from fupin_desktop.services.users import login
    from fupin_desktop.store.db import Database

    db = Database.open(folder, create=False)
    ctx = ServiceContext(db, Forms(), login(db, "clerk", "demo"), folder)
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.time()
    for i in range(saves):
        code = make_credit_code("5", "1", "350582", f"B{n}C{i:05d}")
        try:
            organizations.save_organization(ctx, {"name": f"晋江市测速{n}号{i}协会", "credit_code": code,
                                                  "kind": "social_group"})
            print(f"ok {code}")
        except KnownError as exc:
            print(f"error {exc}")
    print(f"time {start} {time.time()}", flush=True)
    db.dispose()


def floor_rate(conn, rows: int, mark: str) -> float:  # type: ignore[no-untyped-def]
    """Rows/s of single-row INSERT + COMMIT on a plain driver connection (sqlite3 or psycopg)."""
    conn.execute(SCRATCH.replace("INTEGER", "SERIAL") if mark == "%s" else SCRATCH)
    conn.commit()
    start = time.perf_counter()
    for i in range(rows):
        conn.execute(f"INSERT INTO bench_scratch (name, code) VALUES ({mark}, {mark})", (f"测速{i}", f"C{i:08d}"))
        conn.commit()
    rate = rows / (time.perf_counter() - start)
    conn.close()
    return rate


def sqlite_floor(folder: Path, rows: int) -> float:
    conn = sqlite3.connect(folder / "fupin.sqlite3")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")  # as fupin_desktop.store.db._sqlite_pragmas
    return floor_rate(conn, rows, "?")


def pg_floor(server, database: str, rows: int) -> float:  # type: ignore[no-untyped-def]
    import psycopg
    from pg_server import USER

    return floor_rate(psycopg.connect(host=str(server.root), port=server.port, user=USER, dbname=database), rows, "%s")


def run_clients(folder: Path, clients: int, saves: int) -> tuple[float, list[str]]:
    """Saves/s of ``clients`` workers started together, and every problem found."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, __file__, "--worker", str(folder)]
    procs = [subprocess.Popen([*cmd, str(n), str(saves)], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, encoding="utf-8") for n in range(clients)]
    for p in procs:  # all logged in before any saves
        line = p.stdout.readline()  # type: ignore[union-attr]
        if line.strip() != "ready":
            for q in procs:
                q.kill()
            raise SystemExit(f"worker did not start: {line}{p.communicate()[1][-2000:]}")
    for p in procs:
        p.stdin.write("go\n")  # type: ignore[union-attr]
        p.stdin.flush()  # type: ignore[union-attr]
    starts, ends, acked, problems = [], [], set(), []
    for n, p in enumerate(procs):
        out, err = p.communicate(timeout=600)
        if p.returncode != 0:
            problems.append(f"worker {n} exited {p.returncode}: {err[-2000:]}")
        for kind, _, rest in (line.partition(" ") for line in out.splitlines()):
            if kind == "ok":
                acked.add(rest)
            elif kind == "error":
                problems.append(f"worker {n}: {rest}")
            elif kind == "time":
                start, end = map(float, rest.split())
                starts.append(start)
                ends.append(end)
    if len(acked) != clients * saves:
        problems.append(f"{len(acked)} saves acknowledged, {clients * saves} expected")
    missing = acked - saved_codes(folder)
    if missing:
        problems.append(f"{len(missing)} acknowledged saves not in the database, e.g. {sorted(missing)[:3]}")
    wall = max(ends) - min(starts) if ends else float("nan")
    return len(acked) / wall, problems


def saved_codes(folder: Path) -> set[str]:
    from sqlalchemy import select

    from fupin_desktop.store.db import Database
    from fupin_desktop.store.models import Organization

    db = Database.open(folder, create=False)
    with db.reading() as s:
        codes = set(s.scalars(select(Organization.credit_code)))
    db.dispose()
    return codes


def bench_backend(backend: str, work: Path, saves: int, floor_rows: int) -> list[str]:
    from fupin_desktop.intake.division_table import load_division_table
    from fupin_desktop.services.demo import build_demo
    from fupin_desktop.store.db import Database, set_server_url

    server = None
    if backend == "postgresql":
        from pg_server import PgServer

        server = PgServer(Path(tempfile.mkdtemp(prefix="fupin-pg-"))).start()
    try:
        demo = work / f"{backend}-demo"
        if server is not None:
            set_server_url(demo, server.create("demo_template"))
        db = Database.open(demo)
        build_demo(db, load_division_table())
        db.dispose()

        def fresh(name: str) -> Path:
            folder = work / f"{backend}-{name}"
            shutil.copytree(demo, folder)
            if server is not None:
                set_server_url(folder, server.create(name, template="demo_template"))
            return folder

        floor_dir = fresh("floor")
        floor = pg_floor(server, "floor", floor_rows) if server is not None else sqlite_floor(floor_dir, floor_rows)
        print(f"{backend}: floor (plain driver, one client, INSERT + COMMIT per row, {floor_rows} rows):"
              f" {floor:.0f} rows/s", flush=True)
        problems = []
        for clients in CLIENTS:
            rate, found = run_clients(fresh(f"n{clients}"), clients, saves)
            problems += [f"{backend}, {clients} clients: {p}" for p in found]
            print(f"{backend}: {clients} client{'s' if clients > 1 else ' '} × {saves} saves: {rate:6.1f} saves/s"
                  f" = {rate / floor:.3f}× the floor", flush=True)
            if server is not None:
                server.drop(f"n{clients}")
        return problems
    finally:
        if server is not None:
            server.stop()
            shutil.rmtree(server.root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=60, help="organizations each client saves")
    parser.add_argument("--floor-rows", type=int, default=1000, help="rows the floor inserts")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(Path(args.worker[0]), int(args.worker[1]), int(args.worker[2]))
        return
    problems = []
    with tempfile.TemporaryDirectory(prefix="fupin-bench-") as tmp:
        for backend in ("postgresql", "sqlite"):
            problems += bench_backend(backend, Path(tmp), args.saves, args.floor_rows)
    for problem in problems:
        print("PROBLEM:", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
