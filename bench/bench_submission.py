"""Sealed submission speed figures (printed, never asserted).

    python bench/bench_submission.py

1. A county monthly package with 3,000 rows: PDF + Excel + signatures + package, and `verify`.
2. A city bureau receiving and aggregating 100 county packages.
"""

from __future__ import annotations

import io
import json
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.pdfgen import canvas  # noqa: E402

from fupin_desktop.documents.package import build_manifest, manifest_bytes, package_bytes  # noqa: E402
from fupin_desktop.documents.seal_key import (  # noqa: E402
    cert_fingerprint,
    create_seal_key,
    load_certificate,
    load_seal_key,
)
from fupin_desktop.documents.signing import sign_detached, sign_pdf  # noqa: E402
from fupin_desktop.domain.monthly_checks import FIGURES  # noqa: E402
from fupin_desktop.domain.periods import Period  # noqa: E402
from fupin_desktop.intake.division_table import load_division_table  # noqa: E402
from fupin_desktop.services import receiving, seal, submissions  # noqa: E402
from fupin_desktop.services.context import Forms, ServiceContext  # noqa: E402
from fupin_desktop.services.demo import build_demo, give_demo_seal  # noqa: E402
from fupin_desktop.services.setup import initialize  # noqa: E402
from fupin_desktop.services.users import login  # noqa: E402
from fupin_desktop.store.db import Database  # noqa: E402


def county_package() -> tuple[Path, ServiceContext]:
    folder = Path(tempfile.mkdtemp(prefix="fupin-bench-sub-"))
    db = Database.open(folder)
    year = date.today().year
    build_demo(db, load_division_table(), organizations=1000, pairings=3000, today=date(year + 1, 1, 15))
    give_demo_seal(db, folder)
    ctx = ServiceContext(db, Forms(), login(db, "reviewer", "demo"), folder)
    month = Period.month(year, 10)  # approved for every township in this bench county
    times = []
    for _ in range(2):
        t = time.perf_counter()
        view, path = submissions.submit(ctx, "monthly", month, folder / "usb", "demo", allow_incomplete=True)
        times.append(time.perf_counter() - t)
    rows = json.loads(__import__("zipfile").ZipFile(path).read("data.json"))["rows"]
    print(f"county monthly package, {len(rows)} rows: {min(times):.2f} s (best of 2; {path.stat().st_size // 1024} KB, "
          f"v{view.version})")
    return path, ctx


def bench_verify(path: Path, county: ServiceContext) -> None:
    city_dir = Path(tempfile.mkdtemp(prefix="fupin-bench-city-"))
    db = Database.open(city_dir)
    initialize(db, bureau="泉州市民政局", division="350500", admin="admin", password="demo")
    city = ServiceContext(db, Forms(), login(db, "admin", "demo"), city_dir)
    pem, _, fingerprint = seal.export_certificate(county, city_dir / "county.pem")
    receiving.trust_add(city, pem, "350582", confirmed_fingerprint=fingerprint)
    times = []
    for _ in range(5):
        t = time.perf_counter()
        verdict = receiving.verify(city, path)
        times.append(time.perf_counter() - t)
    print(f"verify that package: {sorted(times)[2]:.3f} s (median of 5; ok={verdict.ok})")


def _small_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(100, 700, "report")
    c.showPage()
    c.save()
    return buf.getvalue()


def bench_aggregate(count: int = 100) -> None:
    folder = Path(tempfile.mkdtemp(prefix="fupin-bench-agg-"))
    db = Database.open(folder / "city")
    initialize(db, bureau="福建省民政厅", division="350000", admin="admin", password="demo")
    city = ServiceContext(db, Forms(), login(db, "admin", "demo"), folder / "city")
    rng = random.Random(7)
    pdf = _small_pdf()
    packages = []
    t_make = time.perf_counter()
    for i in range(count):
        division = f"35{i // 10 + 1:02d}{i % 10 + 1:02d}"
        made = create_seal_key(f"第{i + 1}县民政局", division, "审核人", "secret-passphrase")
        key = load_seal_key(made.p12, "secret-passphrase")
        (folder / f"{division}.pem").write_bytes(made.cert_pem)
        receiving.trust_add(city, folder / f"{division}.pem", division,
                            confirmed_fingerprint=cert_fingerprint(load_certificate(made.cert_pem)))
        totals = {k: rng.randrange(0, 10_000_000) for k in FIGURES}
        files = {"report.pdf": sign_pdf(pdf, key, page=0, box=(400, 100, 520, 220), seal_png=_seal()),
                 "report.xlsx": b"PK\x03\x04 placeholder workbook",
                 "data.json": json.dumps({"rows": [], "totals": totals}).encode()}
        manifest = build_manifest(files, bureau=f"第{i + 1}县民政局", division=division, report="monthly",
                                  report_label="月报", period="2026-09", version=1, created_at="2026-10-05T10:00:00",
                                  corrects=None, audit_head={"seq": 1, "hash": "0" * 64})
        path = folder / f"{division}.zip"
        path.write_bytes(package_bytes(files, manifest, sign_detached(manifest_bytes(manifest), key), made.cert_pem))
        packages.append(path)
    print(f"made {count} county packages in {time.perf_counter() - t_make:.1f} s (set-up, not measured)")
    t = time.perf_counter()
    results = receiving.receive(city, packages)
    t_receive = time.perf_counter() - t
    result = receiving.aggregate(city, "monthly", Period.parse("2026-09"), folder / "out")
    total = time.perf_counter() - t
    print(f"receive (verify + store) {count} packages: {t_receive:.2f} s; with the aggregate PDF and Excel: {total:.2f} s "
          f"({sum(r.accepted for r in results)} accepted, {len(result.counties)} counties, {len(result.missing)} missing)")


_SEAL: bytes | None = None


def _seal() -> bytes:
    global _SEAL
    if _SEAL is None:
        from fupin_desktop.documents.seal_image import placeholder_seal_png

        _SEAL = placeholder_seal_png("测试县民政局", size_px=300)
    return _SEAL


if __name__ == "__main__":
    path, county = county_package()
    bench_verify(path, county)
    bench_aggregate()
