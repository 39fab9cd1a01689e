"""Verifying many packages at once on every core (issue 15: a province receives about 100 county
packages a month, a national roll-up about 2,800).

The checks of one package are pure Python and CPU-bound (pyHanko, asn1crypto), so threads would
take turns; worker processes verify side by side while the receiving process stores what they
have verified. Workers are started with ``spawn`` on every platform (never ``fork``: the window
and the database pool have threads) and kept while batches keep coming: on Windows a worker takes
about a second to import pyHanko, so the rest of a USB stick must not pay that again; after two
idle minutes they stop (some 100 MB each). Each task carries only the certificates registered for
the division its manifest names (read here first, cheaply); the worker still checks everything
itself, and a package whose manifest names another division than the one peeked at finds no
certificate and fails closed. A worker that dies (killed, out of memory) costs nothing but time:
that package and the rest are verified in this process.
Frozen programs call ``multiprocessing.freeze_support()`` first (installer/launch.py).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
import time
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from fupin_desktop.documents.package import MANIFEST
from fupin_desktop.domain.package_sums import Breakdown, package_sums
from fupin_desktop.intake.package_reader import MAX_PACKAGE_BYTES, TrustedCert, Verification, verify_package

log = logging.getLogger(__name__)

POOL_FROM = 8  # fewer packages are verified in this process: starting the workers costs more
MAX_WORKERS = 4
# A certificate as a task carries it: (DER, bureau, retired from, package hashes received before that).
TrustRow = tuple[bytes, str, date | None, frozenset[str]]
Sums = tuple[dict[str, int] | None, Breakdown]

IDLE_SECONDS = 120.0
# A stopped pool's workers get this long to exit by themselves before they are killed: an idle
# worker waits for work holding the task queue's lock, so one killed there (out of memory, by
# hand) leaves the others blocked on that lock for ever, and the program would wait for them at exit.
REAP_SECONDS = 10.0
_pool: ProcessPoolExecutor | None = None
_idle: threading.Timer | None = None
_pool_lock = threading.Lock()


@dataclass(frozen=True)
class Checked:
    path: Path
    verification: Verification
    # (totals, breakdown) of the data file when the package verified: worked out beside the checks.
    sums: Sums | None


def worker_count() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def verify_all(paths: list[Path], trusted_for: Callable[[str], list[TrustedCert]], *,
               workers: int | None = None) -> Iterator[Checked]:
    """Each package verified, in the order given; on several cores when there are enough of them."""
    count = worker_count() if workers is None else workers
    if count < 2 or len(paths) < POOL_FROM:
        yield from (_here(Path(p), trusted_for) for p in paths)
        return
    pool = _executor(count)
    queue = [Path(p) for p in paths]
    waiting: deque[Future[tuple[Verification, Sums | None]]] = deque()
    submitted = done = 0
    in_flight = 4 * count  # enough to keep every worker busy, few enough that results do not pile up

    def submit() -> None:
        nonlocal submitted
        if submitted < len(queue):
            path = queue[submitted]
            division = peek_division(path)
            rows = [(c.certificate.public_bytes(Encoding.DER), c.bureau, c.retired_from, c.received_before_retirement)
                    for c in trusted_for(division)]
            waiting.append(pool.submit(verify_one, str(path), division, rows))
            submitted += 1

    try:
        while submitted < min(in_flight, len(queue)):
            submit()
        while waiting:
            verification, sums = waiting[0].result()
            waiting.popleft()
            submit()
            done += 1
            yield Checked(queue[done - 1], verification, sums)
    except Exception:  # noqa: BLE001 — a broken pool (a worker killed): the rest verified here
        log.warning("verification workers failed; verifying in this process", exc_info=True)
        _discard(pool)
        yield from (_here(p, trusted_for) for p in queue[done:])
    finally:
        _idle_from_now(pool)


def verify_one(path: str, division: str, rows: list[TrustRow]) -> tuple[Verification, Sums | None]:
    """In a worker: every check of the package reader, and the sums of a package that passed.
    The parsed data stays here (only its bytes, as signed, go back): half the copying."""
    certs = [TrustedCert(x509.load_der_x509_certificate(der), bureau, retired, before)
             for der, bureau, retired, before in rows]
    v = verify_package(Path(path), lambda wanted: certs if wanted == division else [])
    sums = package_sums(v.data) if v.ok and v.data is not None else None
    v.data = None
    return v, sums


def peek_division(path: Path) -> str:
    """The division a package's manifest names, or "" (the worker then says what is wrong)."""
    try:
        if path.stat().st_size > MAX_PACKAGE_BYTES:
            return ""
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(MANIFEST)
            if info.file_size > 1024 * 1024:
                return ""
            with zf.open(info) as f:
                manifest = json.loads(f.read(1024 * 1024).decode("utf-8"))
        return str(manifest.get("division", "")) if isinstance(manifest, dict) else ""
    except Exception:  # noqa: BLE001 — anything unreadable is the worker's to report
        return ""


def _here(path: Path, trusted_for: Callable[[str], list[TrustedCert]]) -> Checked:
    v = verify_package(path, trusted_for)
    return Checked(path, v, package_sums(v.data) if v.ok and v.data is not None else None)


def _executor(count: int) -> ProcessPoolExecutor:
    global _pool, _idle
    with _pool_lock:
        if _idle is not None:
            _idle.cancel()
            _idle = None
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))
            log.info("started %d package verification workers", count)
        return _pool


def _idle_from_now(pool: ProcessPoolExecutor) -> None:
    """Workers unused for ``IDLE_SECONDS`` are stopped: they hold some 100 MB each, and an old office
    PC has little; the next batch within that time (the rest of a USB stick) finds them ready."""
    global _idle
    with _pool_lock:
        if _pool is pool:
            _idle = threading.Timer(IDLE_SECONDS, _discard, (pool,))
            _idle.daemon = True
            _idle.start()


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    workers = list(pool._processes.values()) if pool._processes else []  # before shutdown forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    threading.Thread(target=_reap, args=(workers,), name="reap-verify-workers", daemon=True).start()


def _reap(workers: list[multiprocessing.process.BaseProcess]) -> None:
    deadline = time.monotonic() + REAP_SECONDS
    for w in workers:
        w.join(max(0.0, deadline - time.monotonic()))
        if w.is_alive():
            log.warning("verification worker %s did not stop; killed", w.pid)
            w.kill()
