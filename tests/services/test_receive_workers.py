"""Many packages at once: verified by worker processes, stored here, with the same verdicts as one
by one (issue 15: a province's month of county packages)."""

from __future__ import annotations

import os
import shutil
import signal
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import String, select
from test_submissions import CASES, _month, _submit, _tampered, _trust

from fupin_desktop.documents.seal_key import create_seal_key, load_seal_key
from fupin_desktop.intake import verify_pool
from fupin_desktop.services import receiving
from fupin_desktop.store.models_submission import ReceivedPackage


def _batch(clerk, tmp_path: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    """Ten files: v1 and v2 of a month, four copies of v1 under other names, two tampered, a
    package signed by an unregistered key, and a file that is no package."""
    from fupin_desktop.documents.package import manifest_bytes, package_bytes
    from fupin_desktop.documents.signing import sign_detached

    v1 = _submit(clerk, tmp_path / "usb")
    v2 = _submit(clerk, tmp_path / "usb")
    copies = []
    for n in range(4):
        copies.append(tmp_path / "usb" / f"copy{n}.zip")
        shutil.copy(v1, copies[-1])
    data_flip, _ = CASES["data_byte"]
    pdf_flip, _ = CASES["pdf_byte"]
    stranger = create_seal_key("晋江市民政局", "350582", "新审核人", "passphrase-123")
    with zipfile.ZipFile(v1) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    import json

    manifest = json.loads(files["manifest.json"])
    unknown = tmp_path / "usb" / "new_key.zip"
    unknown.write_bytes(package_bytes({n: files[n] for n in ("report.pdf", "report.xlsx", "data.json")}, manifest,
                                      sign_detached(manifest_bytes(manifest), load_seal_key(stranger.p12,
                                                                                            "passphrase-123")),
                                      stranger.cert_pem))
    junk = tmp_path / "usb" / "junk.zip"
    junk.write_text("不是压缩包", encoding="utf-8")
    return [v1, *copies[:2], _tampered(v1, tmp_path / "data.zip", data_flip), v2, unknown,
            _tampered(v2, tmp_path / "pdf.zip", pdf_flip), *copies[2:], junk]


def _verdicts(results: list[receiving.Received]) -> list[tuple[str, bool, str]]:
    return [(r.file, r.accepted, r.message) for r in results]


def test_workers_give_the_same_verdicts_and_store_the_data_as_signed(clerk, city, tmp_path: Path) -> None:
    paths = _batch(clerk, tmp_path)
    assert len(paths) >= verify_pool.POOL_FROM
    _trust(city, clerk, tmp_path)
    one_by_one = [(p.name, receiving.verify(city, p)) for p in paths]
    pooled = list(verify_pool.verify_all(paths, receiving.trusted_for(city), workers=2))
    assert [c.path.name for c in pooled] == [p.name for p in paths]  # in the order given
    for (name, alone), checked in zip(one_by_one, pooled, strict=True):
        together = checked.verification
        assert (together.ok, together.problems, together.sha256) == (alone.ok, alone.problems, alone.sha256), name
        assert (checked.sums is not None) == alone.ok

    results = receiving.receive(city, paths, workers=2)
    verdicts = _verdicts(results)
    assert [accepted for _f, accepted, _m in verdicts] == [True, False, False, False, True, False, False, False,
                                                            False, False]
    assert "已经接收过" in verdicts[1][2] and "替代第 1 版" in verdicts[4][2]
    assert "data.json" in verdicts[3][2] and "report.pdf" in verdicts[6][2] and "不是报送包" in verdicts[9][2]
    assert "已暂存" in verdicts[5][2]  # the new key's package waits for its certificate
    with zipfile.ZipFile(paths[4]) as zf:
        signed = zf.read("data.json").decode("utf-8")
    with city.db.reading() as s:
        kept = s.scalar(select(ReceivedPackage).where(ReceivedPackage.version == 2))
        raw = s.execute(select(ReceivedPackage.data.cast(String()))
                        .where(ReceivedPackage.version == 2)).scalar()
        assert kept is not None and kept.data["totals"] == {k: int(v) for k, v in kept.totals.items()}
    assert raw == signed  # the data file exactly as the county signed it, not encoded again
    assert all(r.verification.data is None for r in results)  # nothing of a thousand packages' rows kept


def test_a_killed_worker_costs_time_not_packages(clerk, city, tmp_path: Path) -> None:
    paths = _batch(clerk, tmp_path)
    _trust(city, clerk, tmp_path)
    pool = verify_pool._executor(2)
    pool.submit(int).result()  # the workers are up
    for pid in list(pool._processes):
        os.kill(pid, signal.SIGKILL)
    results = receiving.receive(city, paths, workers=2)
    assert [(r.file, r.accepted) for r in results] == [(p.name, i in (0, 4)) for i, p in enumerate(paths)]
    assert verify_pool._pool is not pool  # a fresh pool next time


@pytest.mark.parametrize("count", [1, verify_pool.POOL_FROM - 1])
def test_a_few_packages_are_verified_here(clerk, city, tmp_path: Path, monkeypatch, count: int) -> None:
    monkeypatch.setattr(verify_pool, "_executor", lambda _n: pytest.fail("workers started for a few packages"))
    paths = _batch(clerk, tmp_path)[:count]
    _trust(city, clerk, tmp_path)
    assert receiving.receive(city, paths, workers=2)[0].accepted
    assert str(_month()) in paths[0].name



def test_idle_workers_stop_and_the_next_batch_starts_them_again(clerk, city, tmp_path: Path, monkeypatch) -> None:
    paths = _batch(clerk, tmp_path)
    _trust(city, clerk, tmp_path)
    monkeypatch.setattr(verify_pool, "IDLE_SECONDS", 0.2)
    assert receiving.receive(city, paths, workers=2)[0].accepted
    first = verify_pool._pool
    assert first is not None
    deadline = time.monotonic() + 10
    while verify_pool._pool is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert verify_pool._pool is None  # stopped: their memory given back
    again = receiving.receive(city, paths[:verify_pool.POOL_FROM], workers=2)
    assert [r.accepted for r in again] == [False] * verify_pool.POOL_FROM  # all held already, or refused
    assert verify_pool._pool is not None and verify_pool._pool is not first


def test_a_worker_that_does_not_stop_is_killed_so_the_program_can_exit(monkeypatch) -> None:
    """A worker blocked for good (here: stopped) once its pool is discarded would keep the program
    from exiting: multiprocessing waits for every worker at exit. It is killed after REAP_SECONDS."""
    monkeypatch.setattr(verify_pool, "REAP_SECONDS", 0.5)
    pool = verify_pool._executor(2)
    for f in [pool.submit(time.sleep, 0.3) for _ in range(2)]:
        f.result()
    workers = list(pool._processes.values())
    assert len(workers) == 2
    os.kill(workers[0].pid, signal.SIGSTOP)  # deaf to the pool's request to stop
    verify_pool._discard(pool)
    deadline = time.monotonic() + 30
    while any(w.is_alive() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(w.is_alive() for w in workers)
