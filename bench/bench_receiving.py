"""Receiving at provincial scale: N sealed county packages verified and stored, against bare pyHanko.

    python bench/bench_receiving.py [--counties 1000] [--rows 300] [--profile]

Why (issue 15): a provincial bureau receives the month's packages of every county it hears from
at once, off a USB stick or a shared folder, then adds them up. This shows what the program's
checks and bookkeeping cost on top of the cryptography itself, and what the aggregate costs.

Set-up (a child process, not timed, so its memory does not count): a demo county of ``--rows``
pairings (services/demo.py) gives the month's approved rows, through the monthly report kind
(services/report_kinds.py), the report PDF (documents/gongwen.write_report_pdf, made once: a
``--rows`` table takes about a second to lay out, so N of them would take minutes) and the
sealed workbook (documents/bureau_excel.workbook_bytes, made once). Then, for each of N real
county-level divisions (四川 first, then the other provinces in code order), a seal key of its
own (documents/seal_key.create_seal_key; the PKCS#12 file's KDF rounds are lowered in the child
only, since that file never leaves the county and the receiver never opens it: 600,000 rounds
would make 1,000 keys take a quarter of an hour), the PDF signed with that key
(signing.sign_pdf, the seal image shown), data.json with the rows' figures drawn afresh for the
county, and the package as services/submissions.py assembles it (package.build_manifest,
signing.sign_detached, package.package_bytes), written out as ``{division}_…_v1.zip``.

Measured in this process, on a new provincial bureau (四川省民政厅, 510000, SQLite) that has
registered the N certificates (receiving.trust_add):

- the FLOOR: the cryptography that intake/package_reader.py relies on and nothing else: for each
  package, read manifest.json, manifest.sig and report.pdf from the zip; pyHanko's
  async_validate_detached_cms over manifest.json and async_validate_pdf_signature of the PDF
  (whole file covered), with one ValidationContext trusting that county's certificate
  (allow_fetching off), one event loop for the whole run;
- ``receiving.receive``: every check of the package reader, then each package stored (its own
  transaction and audit record). With 8 packages or more the checks run in worker processes
  (intake/verify_pool.py, one per core, started by the first chunk and counted in its time) while
  this process stores; the floor is one process, as pyHanko is used alone. Floor and receive take the N packages in turns, 50 at a time
  (``receive(ctx, 50 paths)``; which goes first alternates), so that other work on the machine
  slows both alike; their totals are compared, and the spread of the 50-package ratios shown;
- ``receiving.aggregate`` of the N counties (the consolidated PDF and workbook written out),
  twice: the first in this process also loads the national division table (0.3 s) and the CJK
  fonts, as the window does when it starts; the second, the one compared with the goal, is what
  a bureau waits for with the program open (an aggregate again after a correction). Against its
  own floor: plain sqlite3 reading the N stored data columns, json.loads, the totals added up
  (timed before and after, the mean);
- the peak resident memory (``ru_maxrss``) of this process before, after receive (its results
  kept until the end, as one call for all N keeps them) and after the aggregate; and each
  verification worker's peak (VmHWM).

Printed: packages/s of the floor and of receive, their ratio (the issue's goal: receive ≤ 1.5×
the floor), the aggregate's seconds (goal: ≤ 2 s for 1,000 counties) and the memory. With
``--profile``, or when receive is above 1.5× the floor, receive again on fresh bureaus with the
first 200 packages: once with its steps timed by wrapping them (milliseconds a package, each as
a ratio to the floor's), once under cProfile (top 15 by cumulative time); and, when the aggregate
takes over 2 s, the aggregate of all N under cProfile. Every package must be accepted and
counted, else the problems are printed and the exit status is 1. The temporary folder is
removed at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RECEIVER = ("四川省民政厅", "510000")
PASSPHRASE = "bench-passphrase"
PROFILE_PACKAGES = 200
CHUNK = 50  # floor and receive alternate on chunks this size
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def _maxrss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return kb / 1024


def _workers_mb() -> list[float]:
    """Peak resident memory of each verification worker still running (VmHWM, Linux)."""
    from fupin_desktop.intake import verify_pool

    pool = verify_pool._pool
    peaks = []
    for pid in list(getattr(pool, "_processes", None) or {}):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        peaks += [int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")]
    return peaks


def county_divisions(table: Any, count: int) -> list[tuple[str, str]]:
    """``count`` real county-level units: the receiver's province first, then the others in order."""
    provinces = [p.code for p in table.children("")]
    first = RECEIVER[1][:2]
    out: list[tuple[str, str]] = []
    for province in [first, *(p for p in provinces if p != first)]:
        for city in table.children(province):
            out += [(u.code, u.name) for u in table.children(city.code) if u.name not in _PLACEHOLDERS]
            if len(out) >= count:
                return out[:count]
    if len(out) < count:
        raise SystemExit(f"the division table has {len(out)} county-level units, fewer than {count}")
    return out


def make_packages(folder: Path, count: int, rows: int) -> None:
    """The child process: N county packages, their certificates and an index (see the module doc)."""
    from fupin_desktop import __version__
    from fupin_desktop.documents import seal_key
    from fupin_desktop.documents.bureau_excel import workbook_bytes
    from fupin_desktop.documents.gongwen import write_report_pdf
    from fupin_desktop.documents.package import build_manifest, manifest_bytes, package_bytes
    from fupin_desktop.documents.seal_image import placeholder_seal_png
    from fupin_desktop.documents.signing import sign_detached, sign_pdf
    from fupin_desktop.domain.monthly_checks import FIGURES
    from fupin_desktop.domain.periods import Period
    from fupin_desktop.intake.division_table import load_division_table
    from fupin_desktop.services.context import Forms, ServiceContext
    from fupin_desktop.services.demo import build_demo
    from fupin_desktop.services.report_kinds import report_kind
    from fupin_desktop.services.submissions import DATA_FORMAT
    from fupin_desktop.services.users import login
    from fupin_desktop.store.db import Database

    started = time.perf_counter()
    table = load_division_table()
    year = date.today().year
    county = folder / "county"
    db = Database.open(county)
    build_demo(db, table, organizations=max(30, rows // 3), pairings=rows, today=date(year + 1, 1, 15))
    ctx = ServiceContext(db, Forms(), login(db, "reviewer", "demo"), county)
    period = Period.month(year, 10)
    content = report_kind("monthly").build(ctx, period, date(year, 11, 5))
    db.dispose()
    t = time.perf_counter()
    write_report_pdf(folder / "report.pdf", content.cover, content.table)
    box = write_report_pdf(folder / "report.pdf", content.cover, content.table)  # the second is warm
    t_pdf = (time.perf_counter() - t) / 2
    pdf = (folder / "report.pdf").read_bytes()
    seal_png = placeholder_seal_png(content.cover.issuer)
    t = time.perf_counter()
    xlsx = workbook_bytes(content.table, seal_png=seal_png)
    t_xlsx = time.perf_counter() - t

    seal_key.KDF_ROUNDS = 2048  # the receiver never opens the key file (see the module doc)
    rng = random.Random(15)
    out = folder / "packages"
    certs = folder / "certs"
    out.mkdir()
    certs.mkdir()
    index = []
    t_sign = 0.0
    for division, name in county_divisions(table, count):
        bureau = f"{name}民政局"
        made = seal_key.create_seal_key(bureau, division, "审核人", PASSPHRASE)
        key = seal_key.load_seal_key(made.p12, PASSPHRASE)
        county_rows = [{**r, **{k: rng.choice((0, 0, rng.randrange(1, 50), rng.randrange(1, 5_000_000)))
                                if k.endswith("_fen") else rng.choice((0, rng.randrange(1, 80))) for k in FIGURES}}
                       for r in content.data["rows"]]
        totals = {k: sum(int(r[k]) for r in county_rows) for k in FIGURES}
        data = {"format": DATA_FORMAT, "report": "monthly", "period": str(period), "division": division,
                "bureau": bureau, "money": "fen", **content.data, "rows": county_rows, "totals": totals}
        t = time.perf_counter()
        files = {
            "report.pdf": sign_pdf(pdf, key, page=box.page, box=box.box, seal_png=seal_png, reason="月报盖章报送",
                                   location=bureau),
            "report.xlsx": xlsx,
            "data.json": json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"),
        }
        manifest = build_manifest(
            files, bureau=bureau, division=division, report="monthly", report_label="月报", period=str(period),
            period_label=period.label_zh, version=1, created_at=f"{year}-11-05T10:00:00",
            program=f"fupin-desktop {__version__}", corrects=None, audit_head={"seq": 1000, "hash": "0" * 64},
            incomplete=[], seal_image_placeholder=True, signer_fingerprint=key.fingerprint, recipient=RECEIVER[0])
        package = package_bytes(files, manifest, sign_detached(manifest_bytes(manifest), key), made.cert_pem)
        t_sign += time.perf_counter() - t
        path = out / f"{division}_{bureau}_月报_{period}_v1.zip"
        path.write_bytes(package)
        (certs / f"{division}.pem").write_bytes(made.cert_pem)
        index.append({"division": division, "bureau": bureau, "file": str(path), "pem": str(certs / f"{division}.pem"),
                      "fingerprint": key.fingerprint})
    (folder / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(county)
    sizes = [Path(i["file"]).stat().st_size for i in index]
    with zipfile.ZipFile(index[0]["file"]) as zf:
        entries = {i.filename: i.file_size for i in zf.infolist()}
    print(json.dumps({"rows": len(content.data["rows"]), "period": str(period), "pdf_s": t_pdf, "xlsx_s": t_xlsx,
                      "sign_s": t_sign, "total_s": time.perf_counter() - started, "package_kb": sum(sizes) / len(sizes) / 1024,
                      "entries": entries}))


class Floor:
    """Bare pyHanko: the detached CMS over manifest.json and the PDF signature of each package."""

    def __init__(self) -> None:
        import asyncio

        self.loop = asyncio.new_event_loop()

    def close(self) -> None:
        self.loop.close()

    def verify(self, path: Path, cert: Any) -> bool:
        from asn1crypto import cms
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import (
            SignatureCoverageLevel,
            async_validate_detached_cms,
            async_validate_pdf_signature,
        )
        from pyhanko_certvalidator import ValidationContext

        with zipfile.ZipFile(path) as zf:
            manifest, signature, pdf = zf.read("manifest.json"), zf.read("manifest.sig"), zf.read("report.pdf")
        context = ValidationContext(trust_roots=[cert], allow_fetching=False)
        signed_data = cms.ContentInfo.load(signature)["content"]
        detached = self.loop.run_until_complete(
            async_validate_detached_cms(manifest, signed_data, signer_validation_context=context))
        embedded = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
        status = self.loop.run_until_complete(async_validate_pdf_signature(embedded[0], context))
        return bool(detached.bottom_line and status.bottom_line and len(embedded) == 1
                    and status.coverage == SignatureCoverageLevel.ENTIRE_FILE)

    def run(self, items: list[tuple[Path, Any]]) -> tuple[float, int]:
        start = time.perf_counter()
        good = sum(self.verify(path, cert) for path, cert in items)
        return time.perf_counter() - start, good


def aggregate_floor(database: Path, period: str) -> float:
    """Seconds for plain sqlite3 to read the month's stored data columns and add up their totals."""
    import sqlite3

    start = time.perf_counter()
    conn = sqlite3.connect(database)
    sums: dict[str, int] = {}
    for (data,) in conn.execute("SELECT data FROM received_package WHERE report = 'monthly' AND period = ?"
                                " AND superseded = 0 AND waiting = 0", (period,)):
        for key, value in json.loads(data)["totals"].items():
            sums[key] = sums.get(key, 0) + int(value)
    conn.close()
    return time.perf_counter() - start


def _city(folder: Path):  # type: ignore[no-untyped-def]
    from fupin_desktop.services.context import Forms, ServiceContext
    from fupin_desktop.services.setup import initialize
    from fupin_desktop.services.users import login
    from fupin_desktop.store.db import Database

    db = Database.open(folder)
    initialize(db, bureau=RECEIVER[0], division=RECEIVER[1], admin="admin", password="demo")
    return ServiceContext(db, Forms(), login(db, "admin", "demo"), folder)


def _trust_all(ctx, index: list[dict[str, str]]) -> None:  # type: ignore[no-untyped-def]
    from fupin_desktop.services import receiving

    for item in index:
        receiving.trust_add(ctx, Path(item["pem"]), item["division"], confirmed_fingerprint=item["fingerprint"])


def breakdown(folder: Path, index: list[dict[str, str]], floor_each: float) -> None:
    """Where receive's time goes, per package: its steps timed by wrapping them (no profiler)."""
    from fupin_desktop.documents import signing
    from fupin_desktop.intake import package_reader
    from fupin_desktop.services import receiving

    ctx = _city(folder)
    _trust_all(ctx, index)
    paths = [Path(i["file"]) for i in index]
    receiving.verify(ctx, paths[0])
    spent: dict[str, float] = dict.fromkeys(("open", "detached", "pdf", "verify", "store", "commit"), 0.0)
    dialect = ctx.db.engine.dialect
    patched = [(package_reader, "open_package", "open"), (signing, "verify_detached", "detached"),
               (signing, "verify_pdf", "pdf"), (receiving, "verify_package", "verify"), (receiving, "_store", "store"),
               (dialect, "do_commit", "commit")]
    keeper = getattr(receiving, "attachment_files", None)  # receive keeps each package's file, if it does
    if keeper is not None:
        patched.append((keeper, "put", "keep"))
    spent["keep"] = 0.0
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in patched]

    def timed(function: Any, key: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - start
        return call

    for owner, name, key in patched:
        setattr(owner, name, timed(getattr(owner, name), key))
    try:
        start = time.perf_counter()
        receiving.receive(ctx, paths, workers=1)  # in this process, where the wrappers can see each step
        total = time.perf_counter() - start
    finally:
        for owner, name, original in originals:
            if owner is dialect:
                delattr(owner, name)  # back to the class's method
            else:
                setattr(owner, name, original)
    ctx.db.dispose()
    each = {k: v / len(paths) * 1000 for k, v in spent.items()}
    other = each["verify"] - each["open"] - each["detached"] - each["pdf"]
    rest = total / len(paths) * 1000 - each["verify"] - each["store"] - each["keep"]
    floor_ms = floor_each * 1000
    print(f"\nwhere receive's time goes, per package ({len(paths)} packages on a fresh bureau, one process (workers=1),"
          f" steps timed by wrapping them; the floor: {floor_ms:.1f} ms a package):")
    for label, ms in (("reading the zip and hashing every file (package_reader.open_package)", each["open"]),
                      ("manifest signature (signing.verify_detached)", each["detached"]),
                      ("PDF signature (signing.verify_pdf)", each["pdf"]),
                      ("the reader's other checks (names, hashes, data.json parsed)", other),
                      ("storing it (receiving._store: queries, JSON, audit record)", each["store"] - each["commit"]),
                      ("   its commit (SQLite WAL, synchronous=FULL)", each["commit"]),
                      ("keeping the package file (attachment_files.put)", each["keep"]),
                      ("the rest of receive (trust lookup, results)", rest)):
        if label.startswith("keeping") and keeper is None:
            continue
        print(f"   {label:72} {ms:6.2f} ms = {ms / floor_ms:.2f}× the floor")


def _print_profile(profile: cProfile.Profile, what: str) -> None:
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(15)
    lines = text.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    print(f"\n{what}, top 15 by cumulative time (under the profiler, so slower than above):")
    for line in lines[start:]:
        if line.strip():
            print("   " + line.replace(str(ROOT) + "/", "").replace(sys.prefix, "<venv>"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=1000, help="packages (distinct county divisions)")
    parser.add_argument("--rows", type=int, default=300, help="pairings (table rows) in each county's month")
    parser.add_argument("--profile", action="store_true", help="profile receive and the aggregate in any case")
    parser.add_argument("--make", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make_packages(Path(args.make), args.counties, args.rows)
        return

    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fupin-bench-receiving-") as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        made = subprocess.run([sys.executable, __file__, "--make", str(work / "made"), "--counties", str(args.counties),
                               "--rows", str(args.rows)], env={**os.environ, "PYTHONPATH": str(ROOT)},
                              capture_output=True, text=True, encoding="utf-8", check=False)
        if made.returncode != 0:
            raise SystemExit(f"making the packages failed:\n{made.stderr[-3000:]}")
        info = json.loads(made.stdout.strip().splitlines()[-1])
        print(f"set-up (not measured): {args.counties} county packages of {info['rows']} rows ({info['period']}), "
              f"{info['package_kb']:.0f} KB each on average, in {time.perf_counter() - t:.0f} s: the report PDF laid out "
              f"once ({info['pdf_s']:.2f} s) and the workbook made once ({info['xlsx_s']:.2f} s), reused by every county; "
              f"per county its own key, PDF signature, data.json and manifest signature ({info['sign_s']:.1f} s in all)")
        print("   entries of a package (bytes): " + ", ".join(f"{k} {v:,}" for k, v in info["entries"].items()), flush=True)

        from asn1crypto import x509 as asn1_x509
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import Encoding

        from fupin_desktop.domain.periods import Period
        from fupin_desktop.services import receiving

        index = json.loads((work / "made" / "index.json").read_text(encoding="utf-8"))
        paths = [Path(i["file"]) for i in index]
        items = [(Path(i["file"]), asn1_x509.Certificate.load(
            x509.load_pem_x509_certificate(Path(i["pem"]).read_bytes()).public_bytes(Encoding.DER))) for i in index]
        ctx = _city(work / "city")
        t = time.perf_counter()
        _trust_all(ctx, index)
        print(f"{RECEIVER[0]} registered the {len(index)} certificates (trust_add) in {time.perf_counter() - t:.1f} s"
              " (set-up, not measured)")
        floor = Floor()
        floor.verify(*items[0])  # imports and first-call costs out of the timings, for both
        receiving.verify(ctx, paths[0])
        rss_start = _maxrss_mb()
        print(f"peak memory before the measurements: {rss_start:.0f} MB", flush=True)

        n = len(paths)
        t_floor = t_receive = 0.0
        good = accepted = 0
        chunk_ratios = []
        results = []  # kept, as one receive of all N keeps them, so the memory figure is the same
        for k, first in enumerate(range(0, n, CHUNK)):
            for step in (("floor", "receive") if k % 2 == 0 else ("receive", "floor")):
                t = time.perf_counter()
                if step == "floor":
                    good += floor.run(items[first:first + CHUNK])[1]
                    spent_floor = time.perf_counter() - t
                else:
                    results += receiving.receive(ctx, paths[first:first + CHUNK])
                    spent_receive = time.perf_counter() - t
            t_floor += spent_floor
            t_receive += spent_receive
            chunk_ratios.append(spent_receive / spent_floor)
        rss_receive = _maxrss_mb()
        rss_workers = _workers_mb()
        accepted = sum(r.accepted for r in results)
        del results
        t_sum1 = aggregate_floor(ctx.db.path, info["period"])
        t = time.perf_counter()
        receiving.aggregate(ctx, "monthly", Period.parse(info["period"]), work / "out-first")
        t_cold = time.perf_counter() - t
        t = time.perf_counter()
        result = receiving.aggregate(ctx, "monthly", Period.parse(info["period"]), work / "out")
        t_aggregate = time.perf_counter() - t
        rss_aggregate = _maxrss_mb()
        t_sum2 = aggregate_floor(ctx.db.path, info["period"])
        counted = len(result.counties)
        aggregate_kb = (result.pdf.stat().st_size + result.xlsx.stat().st_size) / 1024

        floor_s = t_floor
        sum_s = (t_sum1 + t_sum2) / 2
        ratio = t_receive / floor_s
        chunk_ratios.sort()
        print(f"floor (bare pyHanko: detached CMS + PDF signature), {n} packages: {t_floor:.2f} s"
              f" → {n / floor_s:.1f} packages/s")
        print(f"receive (receiving.receive: every check, then stored), {n} packages: {t_receive:.2f} s"
              f" → {n / t_receive:.1f} packages/s = {ratio:.2f}× the floor's time (goal ≤ 1.5×; the {len(chunk_ratios)}"
              f" chunks of {CHUNK} gave {chunk_ratios[0]:.2f}× to {chunk_ratios[-1]:.2f}×,"
              f" median {chunk_ratios[len(chunk_ratios) // 2]:.2f}×)")
        print(f"aggregate floor (plain sqlite3: the {n} stored data columns read, json.loads, totals added up):"
              f" {t_sum1:.2f} s and {t_sum2:.2f} s (before and after the aggregate)")
        print(f"aggregate (receiving.aggregate) of {counted} counties, PDF + workbook written ({aggregate_kb:.0f} KB):"
              f" {t_aggregate:.2f} s = {t_aggregate / sum_s:.1f}× the aggregate floor (goal ≤ 2 s for 1,000 counties;"
              f" {len(result.missing)} expected units of {RECEIVER[0]} listed as missing); the first aggregate of"
              f" this process took {t_cold:.2f} s: it also loads the national division table and the CJK fonts,"
              " which the window has done by then (its 首页 lists the expected units)")
        print(f"peak memory of this process (ru_maxrss): {rss_start:.0f} MB before (what the floor needs: it keeps"
              f" nothing); after the floor and receive {rss_receive:.0f} MB = {rss_receive / rss_start:.2f}× that;"
              f" after the aggregate {rss_aggregate:.0f} MB = {rss_aggregate / rss_start:.2f}×")
        if rss_workers:
            print(f"   and its {len(rss_workers)} verification workers (intake/verify_pool.py), peak each: "
                  + ", ".join(f"{mb:.0f} MB" for mb in rss_workers))
        if good != n:
            problems.append(f"the floor verified {good} of {n} packages")
        if accepted != n:
            problems.append(f"receive accepted {accepted} of {n} packages")
        if counted != n:
            problems.append(f"the aggregate counted {counted} of {n} counties")
        floor.close()
        if args.profile or t_aggregate > 2.0:
            profile = cProfile.Profile()
            profile.enable()
            receiving.aggregate(ctx, "monthly", Period.parse(info["period"]), work / "out2")
            profile.disable()
            _print_profile(profile, f"aggregate of {counted} counties")
        ctx.db.dispose()

        if args.profile or ratio > 1.5:
            some = index[:PROFILE_PACKAGES]
            breakdown(work / "parts", some, floor_s / n)
            city = _city(work / "profiled")
            _trust_all(city, some)
            receiving.verify(city, paths[0])
            profile = cProfile.Profile()
            profile.enable()
            receiving.receive(city, [Path(i["file"]) for i in some])
            profile.disable()
            _print_profile(profile, f"receive of {len(some)} packages on a fresh bureau")
            city.db.dispose()
    for problem in problems:
        print("PROBLEM:", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
