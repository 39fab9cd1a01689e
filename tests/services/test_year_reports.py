"""The year's reports: sealed packages a city bureau accepts, totals that match the monthly data,
a public edition without personal data, 年终评估 and a campaign's progress."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from fupin_desktop.cli import main
from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, NotFound, PermissionDenied
from fupin_desktop.services import (
    audit_log,
    evaluations,
    households,
    pairings,
    participation,
    receiving,
    seal,
    submissions,
    summaries,
    year_reports,
)
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.settings import bureau, get_setting
from fupin_desktop.services.users import list_users, login

YEAR = Period.of_date(clock.today()).previous().previous().year  # the year of the demo's approved months
PERIOD = Period.annual(YEAR)


def _trust(city: ServiceContext, reviewer: ServiceContext, tmp_path: Path) -> None:
    pem, _, fingerprint = seal.export_certificate(reviewer, tmp_path / "county.pem")
    receiving.trust_add(city, pem, bureau(reviewer.db).division_code, confirmed_fingerprint=fingerprint)


def _files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _texts(files: dict[str, bytes], tmp_path: Path) -> dict[str, str]:
    """Everything a reader of the package sees: the PDF's text, every workbook cell, data.json."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(files["report.pdf"])
    pdf_text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout
    book = openpyxl.load_workbook(io.BytesIO(files["report.xlsx"]))
    cells = "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                      if c.value is not None)
    return {"pdf": pdf_text, "xlsx": cells, "data": files["data.json"].decode("utf-8")}


@pytest.mark.parametrize("name", year_reports.YEAR_KINDS)
def test_each_year_report_is_sealed_and_accepted_by_the_city(reviewer, city, tmp_path: Path, name: str) -> None:
    _trust(city, reviewer, tmp_path)
    view, path = submissions.submit(reviewer, name, PERIOD, tmp_path / "usb", "demo", allow_incomplete=True)
    verdict = receiving.verify(city, path)
    assert verdict.ok, verdict.problems
    assert (verdict.report, verdict.period, verdict.version) == (name, str(YEAR), 1)
    data = json.loads(_files(path)["data.json"])
    assert data["report"] == name and data["year"] == YEAR
    with pytest.raises(KnownError, match="年度"):  # a year's report takes a year
        submissions.submit(reviewer, name, Period.month(YEAR, 6), tmp_path / "usb", "demo")


def test_the_reports_add_up_to_the_approved_monthly_data(reviewer) -> None:
    total = summaries.summarize(reviewer, PERIOD, "township").total.figures
    assert total["funds_fen"] > 0
    progress = year_reports.build_progress(reviewer, PERIOD, clock.today())
    assert progress.data["totals"] == total
    summed = {k: sum(p["figures"][k] for p in progress.data["pairings"]) for k in total}
    assert summed == total
    assert progress.table.totals is not None and progress.table.totals["funds_fen"] == total["funds_fen"]
    months = {m for p in progress.data["pairings"] for m in p["months_reported"]}
    assert months and all(m.startswith(str(YEAR)) for m in months)
    assert progress.incomplete == summaries.summarize(reviewer, PERIOD, "township").unapproved

    full = participation.build_participation(reviewer, PERIOD, clock.today()).data
    assert full["totals"] == total
    assert {k: full["how_much"][k] for k in ("funds_fen", "materials_fen", "jobs", "trainees")} == \
        {k: total[k] for k in ("funds_fen", "materials_fen", "jobs", "trainees")}
    assert full["who"]["monthly_beneficiaries"] == total["beneficiaries"]
    public = participation.build_public(reviewer, PERIOD, clock.today()).data
    assert public["how_much"]["funds_fen"] == total["funds_fen"]  # money is published exactly


def test_the_pairing_plan_lists_every_pairing_in_term_with_projects_and_budgets(reviewer) -> None:
    listed = [v for v in pairings.list_pairings(reviewer)
              if v.values["term_start"] <= PERIOD.last_day and v.values["term_end"] >= PERIOD.first_day]
    plan = year_reports.build_pairing_plan(reviewer, PERIOD, clock.today())
    assert len(plan.table.rows) == len(plan.data["pairings"]) == len(listed) > 100
    assert plan.data["totals"]["budget_fen"] == sum(v.extra["budget_fen"] for v in listed)
    assert plan.table.totals == {"seq": "合计", "budget_fen": plan.data["totals"]["budget_fen"]}
    first = next(p for p in plan.data["pairings"] if p["agreement_no"] == listed[0].values["agreement_no"])
    assert [x["indicators"] for x in first["projects"]] == [x["indicators"] for x in listed[0].extra["projects"]]
    assert sum(c["budget_fen"] for c in plan.data["by_campaign"]) == plan.data["totals"]["budget_fen"]
    assert "户（" in "".join(r["target"] for r in plan.table.rows)  # household pairings, by masked name only


def _people(reviewer: ServiceContext) -> tuple[list[str], list[str]]:
    """Every household head's name and full ID number in the demo county."""
    names, ids = [], []
    for h in households.list_households(reviewer):
        full = households.get_household(reviewer, h.id).values
        assert "*" not in full["id_number"]
        names.append(full["head_name"])
        ids.append(full["id_number"])
    return names, ids


def test_the_public_edition_has_no_personal_data_and_hides_small_counts(reviewer, tmp_path: Path) -> None:
    _, path = submissions.submit(reviewer, "participation-public", PERIOD, tmp_path / "usb", "demo",
                                 allow_incomplete=True)
    texts = _texts(_files(path), tmp_path)
    assert all("晋江市民政局" in t for t in texts.values())  # the extraction reads Chinese
    names, ids = _people(reviewer)
    # Staff names (preparer, reviewer) are printed on purpose; a household head with the same name would clash.
    staff = {u.display_name for u in list_users(reviewer.as_user(login(reviewer.db, "admin", "demo")))}
    staff.add(get_setting(reviewer.db, "preparer") or "")
    checked = [n for n in names if n not in staff]
    assert len(checked) > 100 and len(ids) == len(names)
    for where, text in texts.items():
        assert not [n for n in checked if n in text], where
        assert not [i for i in ids if i in text], where

    data = json.loads(texts["data"])
    assert data["edition"] == "public" and data["threshold"] == participation.THRESHOLD
    assert set(data["where"]) == {"townships", "flags"} and isinstance(data["pairings"], int)  # counts, no lists
    assert not any("households" in t for t in data["where"]["townships"])  # would difference out of the total
    assert "commended" not in data["effect"] and "commended_organizations" not in data["effect"]
    full = participation.build_participation(reviewer, PERIOD, clock.today()).data
    hidden = 0
    for mine, shown in zip(full["who"]["groups"], data["who"]["groups"], strict=True):
        if 0 < mine["households"] < participation.THRESHOLD:
            assert shown["households"] == participation.SUPPRESSED and shown["people"] == participation.SECONDARY
            hidden += 1
        else:
            assert shown["households"] == mine["households"]
    assert hidden >= 1  # the demo's few households do fall under the threshold
    assert participation.SUPPRESSED in texts["pdf"] and participation.SUPPRESSED in texts["xlsx"]
    assert "公开版" in texts["pdf"] and "不含任何个人信息" in texts["pdf"]
    assert participation.suppress(0) == 0 and participation.suppress(4) == "<5" and participation.suppress(5) == 5


def test_the_bureaus_own_editions_carry_no_id_numbers(reviewer, tmp_path: Path) -> None:
    _, ids = _people(reviewer)
    for name in ("pairing-plan", "progress", "participation"):
        _, path = submissions.submit(reviewer, name, PERIOD, tmp_path / name, "demo", allow_incomplete=True)
        for where, text in _texts(_files(path), tmp_path).items():
            assert not [i for i in ids if i in text], (name, where)


def _agreements(ctx: ServiceContext, campaign: str = "百社解千难") -> list[str]:
    return [v.values["agreement_no"] for v in pairings.list_pairings(ctx) if v.values["campaign"] == campaign]


def test_evaluations_reviewer_only_upserted_and_audited(clerk, reviewer) -> None:
    first, second = _agreements(reviewer)[:2]
    with pytest.raises(PermissionDenied):
        evaluations.evaluate(clerk, first, YEAR, "优秀")
    with pytest.raises(KnownError, match="等次"):
        evaluations.evaluate(reviewer, first, YEAR, "很好")
    with pytest.raises(NotFound):
        evaluations.evaluate(reviewer, "JD1999-9999", YEAR, "优秀")
    with pytest.raises(KnownError, match="不含"):
        evaluations.evaluate(reviewer, first, YEAR + 5, "优秀")
    v = evaluations.evaluate(reviewer, first, YEAR, "良好", "按计划完成")
    assert (v.grade, v.grade_label, v.remarks, v.evaluated_by) == ("good", "良好", "按计划完成", "reviewer")
    again = evaluations.evaluate(reviewer, first.lower(), YEAR, "excellent", "成效显著")
    assert again.id == v.id and again.grade_label == "优秀"
    evaluations.evaluate(reviewer, second, YEAR, "不合格")
    listed = evaluations.list_evaluations(clerk, YEAR)
    assert [(e.agreement_no, e.grade_label) for e in listed] == sorted([(first, "优秀"), (second, "不合格")])
    assert evaluations.list_evaluations(clerk, YEAR - 1) == []
    log = audit_log.list_records(reviewer, entity="evaluation", entity_id=v.id)
    assert [r.action for r in log] == ["update", "create"]
    assert log[0].before == {"grade": "good", "remarks": "按计划完成"} and log[0].after["grade"] == "excellent"
    evaluations.evaluate(reviewer, first, YEAR, "优秀", "成效显著")  # unchanged: no new record
    assert len(audit_log.list_records(reviewer, entity="evaluation", entity_id=v.id)) == 2

    effect = participation.build_participation(reviewer, PERIOD, clock.today()).data["effect"]
    assert effect["grades"] == {"优秀": 1, "良好": 0, "合格": 0, "不合格": 1}
    assert (effect["evaluated"], effect["met"]) == (2, 1)
    assert effect["commended_organizations"] == [v.organization]


def test_campaign_view_against_targets_with_evaluations(reviewer) -> None:
    numbers = _agreements(reviewer)
    evaluations.evaluate(reviewer, numbers[0], YEAR, "优秀")
    evaluations.evaluate(reviewer, numbers[1], YEAR, "合格")
    c = evaluations.campaign_view(reviewer, "百社解千难", YEAR)
    in_campaign = [v for v in pairings.list_pairings(reviewer) if v.values["campaign"] == "百社解千难"]
    assert c.pairings == len(in_campaign) == len(numbers)
    assert c.organizations == len({v.extra["organization_id"] for v in in_campaign})
    assert c.villages == len({v.extra["village_id"] for v in in_campaign if v.values["target_kind"] == "village"})
    assert (c.target_organizations, c.target_villages) == (100, 100)
    assert c.organizations_done and not c.villages_done  # the demo pairs 100+ organizations but fewer villages
    assert c.pairings_without_projects == []
    assert c.budget_fen == sum(v.extra["budget_fen"] for v in in_campaign)
    row = next(r for r in summaries.summarize(reviewer, PERIOD, "campaign").rows if r.label == "百社解千难")
    assert c.figures == row.figures
    assert (c.evaluated, c.not_evaluated, c.met) == (2, c.pairings - 2, 2)
    assert c.grades["优秀"] == 1 and [x["agreement_no"] for x in c.commended] == [numbers[0]]
    with pytest.raises(NotFound, match="百社解千难"):
        evaluations.campaign_view(reviewer, "没有这个行动", YEAR)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_command_line(clerk, demo_dir: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    county = ["--data-dir", str(demo_dir)]
    out_dir = tmp_path / "out"
    code, _, err = _run(capsys, *county, "report", "participation-public", "--period", str(YEAR), "-o", str(out_dir))
    assert code == 1 and "登录" in err and not out_dir.exists()  # a report names people: no login, no file
    code, out, _ = _run(capsys, *county, "--user", "clerk", "report", "participation-public", "--period", str(YEAR), "-o", str(out_dir))
    assert code == 0 and out.count("草稿") == 2
    assert sorted(p.suffix for p in out_dir.iterdir()) == [".pdf", ".xlsx"]  # no temporary file left
    code, _, err = _run(capsys, *county, "--user", "clerk", "report", "progress", "--period", f"{YEAR}-06", "-o", str(out_dir))
    assert code == 1 and "年份" in err
    first = _agreements(clerk)[0]
    code, _, err = _run(capsys, *county, "--user", "clerk", "evaluate", "--pairing", first, "--year", str(YEAR),
                        "--grade", "优秀")
    assert code == 1 and "权限" in err
    code, out, _ = _run(capsys, *county, "--user", "reviewer", "evaluate", "--pairing", first, "--year", str(YEAR),
                        "--grade", "优秀", "--remarks", "成效显著")
    assert code == 0 and "优秀" in out
    code, out, _ = _run(capsys, *county, "--user", "clerk", "evaluate", "list", "--year", str(YEAR))
    assert code == 0 and first in out and "共评估 1 对" in out
    code, out, _ = _run(capsys, *county, "campaign-progress", "百社解千难", "--year", str(YEAR))
    assert code == 0 and "目标 100" in out and "建议表扬" in out and first in out
    code, out, _ = _run(capsys, *county, "campaign-progress", "百社解千难", "--year", str(YEAR), "--json")
    assert code == 0 and json.loads(out)["commended"][0]["agreement_no"] == first


def test_the_participation_workbook_stores_figures_as_numbers(reviewer, tmp_path: Path) -> None:
    """Issue 11: 数量 is a number Excel can add and format, not text (rows differ in unit, so no total)."""
    _, path = submissions.submit(reviewer, "participation", PERIOD, tmp_path / "usb", "demo", allow_incomplete=True)
    ws = openpyxl.load_workbook(io.BytesIO(_files(path)["report.xlsx"])).active
    header = next(r for r in ws.iter_rows(max_row=6) if any(c.value == "数量" for c in r))
    column = next(c.column for c in header if c.value == "数量")
    values = [ws.cell(row=r, column=column) for r in range(header[0].row + 1, ws.max_row + 1)]
    figures = [c for c in values if c.value not in (None, "")]
    assert figures and all(c.data_type == "n" for c in figures), [(c.coordinate, c.value) for c in figures[:5]]
    summed = next(r for r in ws.iter_rows(values_only=True) if "月报累计帮扶贫困户" in r)
    assert summed[column] == "户次"  # 单位, right of 数量: summed over months, so 户次 (not 户)
