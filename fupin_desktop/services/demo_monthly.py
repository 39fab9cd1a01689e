"""Twelve months of monthly statistics for the demo county, up to last month.

Most months approved, some townships late, one month returned with a reason, a few
outliers flagged, and last month still coming in, so the 首页 dashboard is alive.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select

from fupin_desktop.domain.monthly_checks import FIGURES, RowHistory, row_flags
from fupin_desktop.domain.periods import Period, monthly_deadline
from fupin_desktop.services.context import Forms
from fupin_desktop.store import audit
from fupin_desktop.store.db import Database
from fupin_desktop.store.models import Pairing, Township
from fupin_desktop.store.models_monthly import MonthlyReport, MonthlyRow

_PROGRESS = ["已完成本月计划", "按计划推进", "正在落实，下月完成", "已入户走访 {n} 户", "已发放物资，群众反响良好"]


def _months(today: date, count: int = 12) -> list[Period]:
    months = [Period.of_date(today).previous()]
    while len(months) < count:
        months.append(months[-1].previous())
    return list(reversed(months))


def _figures(rng: random.Random, base: dict[str, int], spike: bool) -> dict[str, int]:
    values = {}
    for name in FIGURES:
        level = base[name]
        value = max(0, int(level * rng.uniform(0.6, 1.4))) if level else 0
        if name.endswith("_fen"):
            value -= value % 10_000  # whole hundreds of yuan, as people report them
        values[name] = value * 6 if spike and name == "funds_fen" else value
    values["households"] = min(values["households"], 1)  # demo villages register few households
    return values


def build_demo_months(db: Database, forms: Forms, today: date, *, seed: int) -> None:
    rng = random.Random(seed + 1)
    spec = forms["monthly"]
    months = _months(today)
    with db.transaction() as s:
        pairings = list(s.scalars(select(Pairing).order_by(Pairing.id)))
        townships = {t.id: t for t in s.scalars(select(Township))}
        by_township: dict[int, list[Pairing]] = {}
        for p in pairings:
            by_township.setdefault(p.township_id, []).append(p)
        base = {p.id: {
            "funds_fen": rng.choice([0, 5, 10, 20, 50]) * 10_000 * 100 // 10,  # 0–5 万元 a month
            "materials_fen": rng.choice([0, 0, 2, 5]) * 100_000,
            "households": rng.choice([0, 1]), "beneficiaries": rng.randrange(0, 60),
            "jobs": rng.choice([0, 0, 1, 2]), "trainees": rng.choice([0, 0, 10, 20]),
            "volunteers": rng.randrange(0, 30), "projects_landed": rng.choice([0, 0, 1]),
        } for p in pairings}
        history: dict[int, list[dict]] = {p.id: [] for p in pairings}
        late = set(rng.sample(sorted(by_township), 3))
        returned_month = months[-4]
        returned_township = sorted(by_township)[2]
        for index, month in enumerate(months):
            deadline = monthly_deadline(month)
            newest = index == len(months) - 1
            for tid, items in sorted(by_township.items()):
                active = [p for p in items if p.term_start <= month.last_day and p.term_end >= month.first_day]
                if not active:
                    continue
                if newest and tid % 5 == 0:
                    continue  # a few townships have not sent last month yet
                received = deadline - timedelta(days=rng.randrange(0, 5))
                if tid in late and index % 3 == 0:
                    received = deadline + timedelta(days=rng.randrange(2, 12))
                received = min(received, today)
                if newest:
                    status = "submitted" if tid % 3 else "draft"
                elif month == returned_month and tid == returned_township:
                    status = "returned"
                else:
                    status = "approved"
                report = MonthlyReport(
                    township_id=tid, period=str(month), revision=1, status=status, source="import",
                    file_name=f"{townships[tid].name}{month.year}年{month.index}月统计表.xlsx", received_on=received,
                    filled_on=received, created_at=datetime.combine(received, datetime.min.time()), created_by="clerk",
                    submitted_at=datetime.combine(received, datetime.min.time()) if status != "draft" else None,
                    submitted_by="clerk" if status != "draft" else None)
                if status in ("approved", "returned"):
                    report.reviewed_at = report.submitted_at + timedelta(days=1)
                    report.reviewed_by = "reviewer"
                    report.review_note = "投入资金与附件凭证不一致，请核对后重报" if status == "returned" else None
                rows = []
                for seq, p in enumerate(active, start=1):
                    values = _figures(rng, base[p.id], spike=rng.random() < 0.01)
                    project = p.projects[0].name if p.projects else "结对帮扶"
                    values["content"] = f"{project}：{rng.choice(['入村走访', '发放物资', '开展培训', '资助学生', '组织义诊'])}"
                    values["progress"] = rng.choice(_PROGRESS).format(n=rng.randrange(2, 20))
                    flags = [f.as_dict() for f in row_flags(spec, values, RowHistory(history[p.id][-12:]))]
                    rows.append(MonthlyRow(pairing_id=p.id, seq=seq, flags=flags, flags_confirmed=status == "approved",
                                           **values))
                    if status == "approved":
                        history[p.id].append(values)
                report.rows = rows
                s.add(report)
        s.flush()
        audit.append(s, username="system", action="demo", entity="monthly_report", entity_id="-",
                     summary=f"演示数据：{months[0].label_zh}至{months[-1].label_zh}的月报")
