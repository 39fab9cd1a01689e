"""年度工作日历: the deadlines file (strict, editable by the bureau) and each deadline's state."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from fupin_desktop.cli import main
from fupin_desktop.domain import clock
from fupin_desktop.domain.deadlines import DeadlineFileError, occurrences, parse_deadlines
from fupin_desktop.domain.periods import Period, monthly_deadline
from fupin_desktop.paths import forms_dir
from fupin_desktop.services import calendar, inspections, monthly, monthly_status, submissions
from fupin_desktop.services.calendar import DeadlinesInvalid, year_calendar

TODAY = clock.today()
M1 = Period.of_date(TODAY).previous()  # the demo's last month: still coming in
M2 = M1.previous()  # approved everywhere
M4 = M2.previous().previous()  # one township's table was returned
SHIPPED = forms_dir() / "calendar" / "deadlines.toml"


def _one(views: list[calendar.DeadlineView], key: str, period: str) -> calendar.DeadlineView:
    return next(v for v in views if v.key == key and v.period == period)


def test_the_shipped_file_has_every_deadline_of_the_seeds() -> None:
    specs = parse_deadlines(SHIPPED.read_text(encoding="utf-8"))
    year = occurrences(specs, 2026)
    dues = {(o.spec.key, o.period): o.due for o in year}
    assert dues[("pairing-plan", "2026")] == date(2026, 6, 15)
    assert dues[("progress", "2026")] == date(2026, 12, 20)
    assert dues[("participation", "2026")] == date(2026, 12, 31)
    assert dues[("poverty-relief-day", "2026")] == date(2026, 6, 30)  # 000/002: 广东扶贫济困日
    assert dues[("monthly", "2026-03")] == date(2026, 4, 5)
    assert dues[("monthly", "2026-12")] == date(2027, 1, 5)  # December's table is due in January
    assert sum(1 for o in year if o.spec.key == "monthly") == 12
    season = next(o for o in year if o.spec.key == "inspection")
    assert (season.opens, season.due, season.period) == (date(2026, 3, 1), date(2026, 5, 31), "2025")
    assert [o.due for o in year] == sorted(o.due for o in year)


@pytest.mark.parametrize(("text", "message"), [
    ('[[deadline]]\nkey = "x"\nname = "x"\nkind = "report"\nreport = "progress"\ndue = "12-20"\ncolour = "red"\n', "colour"),
    ('[[deadline]]\nkey = "x"\nname = "x"\nkind = "report"\nreport = "progress"\ndue = "02-30"\n', "02-30"),
    ('[[deadline]]\nkey = "x"\nname = "x"\nkind = "report"\nreport = "progress"\ndue = "12月20日"\n', "月-日"),
    ('[[deadline]]\nkey = "x"\nname = "x"\nkind = "weekly"\n', "kind"),
    ('[[deadline]]\nkey = "x"\nname = "x"\nkind = "monthly"\n', "day"),
    ('[[deadline]]\nkey = "x"\nname = "x"\nkind = "monthly"\nday = 31\n', "1–28"),
    ('[[deadline]]\nkey = "x"\nname = "x"\nkind = "season"\nopens = "06-01"\ndue = "05-31"\n', "opens"),
    ('[[deadline]]\nkey = "x"\nname = "a"\nkind = "monthly"\nday = 5\n[[deadline]]\nkey = "x"\nname = "b"\n'
     'kind = "monthly"\nday = 5\n', "重复"),
    ('[deadlines]\n', "deadlines"),
    ("", "没有"),
])
def test_the_loader_is_strict(text: str, message: str) -> None:
    with pytest.raises(DeadlineFileError, match=message):
        parse_deadlines(text, "deadlines.toml")


def test_the_bureau_edits_its_own_copy_in_the_data_folder(reviewer) -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace('due = "06-15"', 'due = "06-30"')
    (reviewer.data_dir / calendar.FILE_NAME).write_text(text, encoding="utf-8")
    plan = _one(year_calendar(reviewer, 2026, date(2026, 6, 20)), "pairing-plan", "2026")
    assert (plan.due, plan.state, plan.days) == (date(2026, 6, 30), "due_in_n", 10)
    (reviewer.data_dir / calendar.FILE_NAME).write_text(text.replace('report = "progress"', 'report = "progres"'),
                                                        encoding="utf-8")
    with pytest.raises(DeadlinesInvalid, match="progres"):
        year_calendar(reviewer, 2026, date(2026, 6, 20))
    (reviewer.data_dir / calendar.FILE_NAME).write_text("[[deadline]]\nkey = 1\n", encoding="utf-8")
    with pytest.raises(DeadlinesInvalid, match="期限文件有误"):
        year_calendar(reviewer, 2026, date(2026, 6, 20))


def test_report_states_around_15_june_and_20_december(reviewer, tmp_path: Path) -> None:
    y = M2.year

    def state(key: str, today: date) -> tuple[str, int]:
        v = _one(year_calendar(reviewer, y, today), key, str(y))
        return v.state, v.days

    assert state("pairing-plan", date(y, 5, 1)) == ("upcoming", 45)
    assert state("pairing-plan", date(y, 6, 10)) == ("due_in_n", 5)
    assert state("pairing-plan", date(y, 6, 15)) == ("due_in_n", 0)
    assert state("pairing-plan", date(y, 6, 16)) == ("late", 1)
    assert _one(year_calendar(reviewer, y, date(y, 6, 15)), "pairing-plan", str(y)).state_label == "今天截止"
    assert state("progress", date(y, 12, 18)) == ("due_in_n", 2)
    assert state("progress", date(y, 12, 21)) == ("late", 1)
    assert state("participation", date(y, 12, 20)) == ("due_in_n", 11)
    submissions.submit(reviewer, "pairing-plan", Period.annual(y), tmp_path, "demo", allow_incomplete=True)
    assert state("pairing-plan", date(y, 6, 16)) == ("done", 0)
    assert state("progress", date(y, 12, 21)) == ("late", 1)  # another kind is not done by it
    assert _one(year_calendar(reviewer, y + 1, date(y, 6, 16)), "pairing-plan", str(y + 1)).state == "upcoming"


def test_the_poverty_relief_day_is_counted_down_then_behind_us_never_overdue(reviewer) -> None:
    y = M2.year

    def day(today: date) -> calendar.DeadlineView:
        return _one(year_calendar(reviewer, y, today), "poverty-relief-day", str(y))

    assert day(date(y, 5, 1)).state == "upcoming" and "扶贫济困日" in day(date(y, 5, 1)).name
    assert (day(date(y, 6, 20)).state, day(date(y, 6, 20)).days) == ("due_in_n", 10)
    assert day(date(y, 6, 30)).state_label == "就是今天"
    assert (day(date(y, 7, 1)).state, day(date(y, 7, 1)).state_label) == ("done", "已过")  # a day, not a duty


def test_december_into_january(reviewer) -> None:
    y = M2.year
    views = year_calendar(reviewer, y, date(y + 1, 1, 3))
    december = _one(views, "monthly", f"{y}-12")
    assert (december.due, december.state, december.days) == (date(y + 1, 1, 5), "due_in_n", 2)
    assert december.missing  # nothing of December is approved in the demo
    assert (_one(views, "participation", str(y)).state, _one(views, "participation", str(y)).days) == ("late", 3)
    assert _one(views, "progress", str(y)).days == 14
    following = year_calendar(reviewer, y + 1, date(y + 1, 1, 3))
    assert _one(following, "monthly", f"{y + 1}-01").state == "upcoming"  # January has not ended
    assert _one(following, "monthly", f"{y + 1}-01").missing == []


def test_a_month_is_done_when_every_township_is_approved(clerk, reviewer) -> None:
    assert _one(year_calendar(reviewer, M2.year), "monthly", str(M2)).state == "done"
    late = monthly_deadline(M1) + timedelta(days=1)
    last = _one(year_calendar(reviewer, M1.year, late), "monthly", str(M1))
    assert (last.state, last.days) == ("late", 1) and last.missing

    returned = _one(year_calendar(reviewer, M4.year, TODAY), "monthly", str(M4))
    assert returned.state == "late" and len(returned.missing) == 1 and "退回" in returned.missing[0]
    board = next(b for b in monthly_status.status_board(reviewer, M4) if b.status == "returned")
    view = monthly.get_month(clerk, board.township_id, M4)
    rows = [{"pairing_id": r.pairing_id, "content": "入户走访", "progress": "已完成", "funds_fen": "0.5",
             "materials_fen": "0", "households": "0", "beneficiaries": "12", "jobs": "0", "trainees": "0",
             "volunteers": "3", "projects_landed": "0"} for r in view.rows]
    monthly.save_entry(clerk, board.township_id, M4, rows)
    monthly.submit(clerk, board.township_id, M4)
    assert _one(year_calendar(reviewer, M4.year, TODAY), "monthly", str(M4)).state == "late"  # submitted, not approved
    monthly.approve(reviewer, board.township_id, M4)
    fixed = _one(year_calendar(reviewer, M4.year, TODAY), "monthly", str(M4))
    assert (fixed.state, fixed.missing) == ("done", [])


def test_the_inspection_season(reviewer, monkeypatch) -> None:
    y = M2.year + 1  # the season in which the demo's pairing year is inspected

    def season(today: date) -> calendar.DeadlineView:
        return _one(year_calendar(reviewer, y, today), "inspection", str(y - 1))

    before = season(date(y, 2, 1))
    assert (before.state, before.missing) == ("upcoming", [])
    open_ = season(date(y, 4, 1))
    assert (open_.state, open_.days) == ("due_in_n", 60)
    assert len(open_.missing) == len(inspections.checklist(reviewer, y - 1)) > 100
    assert season(date(y, 6, 1)).state == "late"
    monkeypatch.setattr(inspections, "checklist", lambda ctx, year: [])
    assert season(date(y, 6, 1)).state == "done"


def test_command_line(demo_dir: Path, capsys) -> None:
    y = M2.year
    code = main(["--data-dir", str(demo_dir), "calendar", "--year", str(y), "--json", "--today", f"{y}-06-10"])
    views = json.loads(capsys.readouterr().out)
    assert code == 0
    plan = next(v for v in views if v["key"] == "pairing-plan")
    assert (plan["due"], plan["state"], plan["days"], plan["state_label"]) == (f"{y}-06-15", "due_in_n", 5, "还有 5 天")
    code = main(["--data-dir", str(demo_dir), "calendar", "--year", str(y), "--today", f"{y}-06-10"])
    out = capsys.readouterr().out
    assert code == 0 and "社会组织扶贫协作结对情况和预期效益" in out and "还有 5 天" in out and "已完成" in out


def test_the_report_names_a_deadline_may_name_are_the_registered_report_kinds() -> None:
    from fupin_desktop.services.calendar import REPORT_NAMES
    from fupin_desktop.services.report_kinds import REPORT_KINDS

    assert set(REPORT_NAMES) == set(REPORT_KINDS)
