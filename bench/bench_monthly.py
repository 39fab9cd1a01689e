"""Monthly statistics speed figures (printed, never asserted).

    python bench/bench_monthly.py

1. Import a township workbook of 500 and of 10,000 rows (read, checks, matching, store),
   with where the time goes (reading the file vs. the rest).
2. Year summary over 3,000 pairings × 12 approved months, by each dimension.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from fupin_desktop.domain.credit_code import make_credit_code  # noqa: E402
from fupin_desktop.domain.periods import Period  # noqa: E402
from fupin_desktop.intake.division_table import load_division_table  # noqa: E402
from fupin_desktop.intake.workbook import read_workbook  # noqa: E402
from fupin_desktop.services import monthly_documents, monthly_import, summaries  # noqa: E402
from fupin_desktop.services.context import Forms, ServiceContext  # noqa: E402
from fupin_desktop.services.demo import build_demo  # noqa: E402
from fupin_desktop.services.users import login  # noqa: E402
from fupin_desktop.store.db import Database  # noqa: E402
from fupin_desktop.store.models import Organization, Pairing, Project, Township, Village  # noqa: E402


def _big_township(db: Database, name: str, rows: int) -> int:
    """Give a township ``rows`` pairings (organizations × its villages), inserted in bulk."""
    with db.transaction() as s:
        township = s.scalar(select(Township).where(Township.name == name))
        villages = list(s.scalars(select(Village).where(Village.township_id == township.id)))
        n_orgs = -(-rows // len(villages))
        org_rows = [{"name": f"晋江市{name}压测第{i:05d}号协会",
                     "credit_code": make_credit_code("5", "1", "350582", f"{township.id:02d}{i:06d}"),
                     "kind": "social_group", "status": "active", "search_key": ""} for i in range(n_orgs)]
        s.execute(insert(Organization), org_rows)
        orgs = list(s.scalars(select(Organization.id).where(Organization.name.like(f"晋江市{name}压测%"))))
        start = date.today().replace(day=1) - timedelta(days=400)
        pairings = []
        for i in range(rows):
            pairings.append({"agreement_no": f"BENCH-{township.id}-{i:06d}", "organization_id": orgs[i // len(villages)],
                             "target_kind": "village", "township_id": township.id,
                             "village_id": villages[i % len(villages)].id, "signed_on": start, "term_start": start,
                             "term_end": date(date.today().year + 2, 12, 31), "status": "active"})
        s.execute(insert(Pairing), pairings)
        ids = list(s.scalars(select(Pairing.id).where(Pairing.agreement_no.like(f"BENCH-{township.id}-%"))))
        s.execute(insert(Project), [{"pairing_id": pid, "seq": 1, "name": "压测项目", "domain": "education",
                                     "method": "donation", "budget_fen": 100} for pid in ids])
        return township.id


def _filled_workbook(ctx: ServiceContext, tid: int, period: Period, folder: Path, limit: int) -> Path:
    path = monthly_documents.write_township_template(ctx, tid, period, folder)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    last = 4
    for row in range(5, ws.max_row + 1):
        if not isinstance(ws.cell(row, 1).value, int):
            break
        last = row
    ws.protection.sheet = False
    if last - 4 > limit:
        ws.delete_rows(5 + limit, last - 4 - limit)
    for row in range(5, 5 + limit):
        for col, value in zip(range(4, 14), ["入户走访", "已完成", 1.5, 0.25, 0, 20, 1, 5, 4, 0], strict=True):
            ws.cell(row, col, value)
    wb.save(path)
    return path


def bench_import(table) -> None:  # type: ignore[no-untyped-def]
    folder = Path(tempfile.mkdtemp(prefix="fupin-bench-monthly-"))
    db = Database.open(folder)
    build_demo(db, table, monthly=False)
    towns = {500: _big_township(db, "梅岭街道", 500), 10_000: _big_township(db, "青阳街道", 10_000)}
    ctx = ServiceContext(db, Forms(), login(db, "clerk", "demo"), folder)
    period = Period.of_date(date.today()).previous()
    for rows, tid in towns.items():
        path = _filled_workbook(ctx, tid, period, folder / str(rows), rows)
        t = time.perf_counter()
        read_workbook(path)
        t_read = time.perf_counter() - t
        t = time.perf_counter()
        plan = monthly_import.plan_monthly_import(ctx, path, period=period)
        t_plan = time.perf_counter() - t
        view = monthly_import.commit_monthly_import(ctx, plan)
        total = time.perf_counter() - t
        print(f"import {rows:>6}-row workbook ({len(view.rows)} rows stored): {total:5.2f} s — reading the file with "
              f"calamine {t_read:.2f} s, sheet mapping + matching + checks {t_plan - t_read:.2f} s, "
              f"storing + reading back {total - t_plan:.2f} s")
        profile = cProfile.Profile()
        profile.enable()
        monthly_import.import_monthly(ctx, path, period=period)
        profile.disable()
        stats = pstats.Stats(profile)
        top = [(f"{func[0].split('/')[-1]}:{func[2]}", tt) for func, (_, _, tt, _, _) in stats.stats.items()
               if "site-packages" not in func[0]]
        top.sort(key=lambda x: -x[1])
        print("   own time under the profiler: " + ", ".join(f"{name} {tt:.2f}s" for name, tt in top[:6]))
    db.dispose()


def bench_summary(table) -> None:  # type: ignore[no-untyped-def]
    folder = Path(tempfile.mkdtemp(prefix="fupin-bench-summary-"))
    db = Database.open(folder)
    year = date.today().year
    t = time.perf_counter()
    build_demo(db, table, organizations=1000, pairings=3000, today=date(year + 1, 1, 15))
    print(f"county with 3,000 pairings and 12 months of monthly data built in {time.perf_counter() - t:.1f} s")
    ctx = ServiceContext(db, Forms(), login(db, "clerk", "demo"), folder)
    for dim in summaries.DIMENSIONS:
        times = []
        for _ in range(5):
            t = time.perf_counter()
            summary = summaries.summarize(ctx, Period.annual(year), dim)  # type: ignore[arg-type]
            times.append(time.perf_counter() - t)
        print(f"year summary by {dim:12}: {sorted(times)[2]:.3f} s (median of 5; {len(summary.rows)} rows, "
              f"total funds {summary.total.figures['funds_fen'] / 1_000_000:.2f} 万元)")
    db.dispose()


if __name__ == "__main__":
    table = load_division_table()
    bench_import(table)
    bench_summary(table)
