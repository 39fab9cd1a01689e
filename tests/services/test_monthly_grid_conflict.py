"""The monthly grid and no lost update: two clerks with the same township-month open, the second
save is refused naming who saved first and when; the first clerk's figures stay."""

from __future__ import annotations

import pytest

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import EditConflict
from fupin_desktop.services import monthly, places, users


def _rows(view, funds: str):  # type: ignore[no-untyped-def]
    return [{"pairing_id": r.pairing_id, "content": "入户走访", "progress": "已完成", "funds_fen": funds,
             "materials_fen": "0", "households": "1", "beneficiaries": "2", "jobs": "0", "trainees": "0",
             "volunteers": "1", "projects_landed": "0"} for r in view.rows]


def test_a_second_save_of_the_same_township_month_is_refused_naming_the_first(clerk, admin) -> None:
    users.create_user(admin, "wangfang", "demo", "clerk", "王芳")
    wangfang = clerk.as_user(users.login(clerk.db, "wangfang", "demo"))
    month = Period.month(clock.today().year + 1, 6)  # no demo data
    tid = next(t.id for t in places.list_townships(clerk) if t.values["name"] == "青阳街道")
    mine, hers = monthly.get_month(clerk, tid, month), monthly.get_month(wangfang, tid, month)  # both open it
    saved = monthly.save_entry(wangfang, tid, month, _rows(hers, "3"), expected_stamp=hers.stamp)  # 王芳 first
    with pytest.raises(EditConflict) as caught:
        monthly.save_entry(clerk, tid, month, _rows(mine, "7"), expected_stamp=mine.stamp)
    assert f"青阳街道 {month.label_zh} 的月报在您打开之后已被 王芳（填报员）于" in str(caught.value)
    stored = monthly.get_month(clerk, tid, month)
    assert stored.totals()["funds_fen"] == saved.totals()["funds_fen"] == 3_000_000 * len(mine.rows)
    # Reloaded, the clerk's next save goes through (and is the newest now).
    again = monthly.save_entry(clerk, tid, month, _rows(stored, "7"), expected_stamp=stored.stamp)
    assert again.totals()["funds_fen"] == 7_000_000 * len(mine.rows) and again.stamp > stored.stamp
