"""年初部署、年中检查、年终验收 (issue 14): visits, their 整改, and the overdue 整改 of visits and spot checks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from fupin_desktop.domain import clock
from fupin_desktop.errors import KnownError, PermissionDenied, ValidationFailed
from fupin_desktop.services import spotcheck, visits
from fupin_desktop.services.places import list_townships
from fupin_desktop.services.users import login
from fupin_desktop.store.models import AuditRecord, Pairing
from fupin_desktop.store.models_supervision import InspectionVisit


def counts(ctx) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return (s.scalar(select(func.count()).select_from(InspectionVisit)),
                s.scalar(select(func.count()).select_from(AuditRecord)))


def last_audit(ctx) -> AuditRecord:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return s.scalar(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1))


@pytest.fixture
def visited(today: date) -> date:
    """A day some weeks back (the visit's year is that day's)."""
    return today - timedelta(days=40)


@pytest.fixture
def pairing(reviewer, visited: date) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(agreement number, its township) of a village pairing in term in the visit's year."""
    with reviewer.db.reading() as s:
        p = s.scalar(select(Pairing).where(Pairing.target_kind == "village", Pairing.township_id.is_not(None),
                                           Pairing.term_start <= date(visited.year, 12, 31),
                                           Pairing.term_end >= date(visited.year, 1, 1)).order_by(Pairing.agreement_no))
        return p.agreement_no, p.township.name


def test_record_a_midyear_visit_to_a_pairing_and_list_it(reviewer, pairing, visited: date) -> None:
    number, town = pairing
    visits_before, audit_before = counts(reviewer)
    v = visits.record_visit(reviewer, kind="年中检查", year=visited.year, pairing=number.lower(), visited_on=visited,
                            inspectors="张连侨、王芳", findings="  帮扶台账齐全，村民满意 ", problems="项目进度滞后",
                            rectification="10日内补齐培训记录", rectify_by=visited + timedelta(days=10))
    assert (v.kind, v.kind_label, v.agreement_no, v.township, v.pairing_id is not None) == (
        "midyear", "年中检查", number, town, True)
    assert v.findings == "帮扶台账齐全，村民满意" and v.subject.startswith(number) and v.rectify_open
    assert v.created_by == "reviewer" and v.township_id is not None
    assert counts(reviewer) == (visits_before + 1, audit_before + 1)
    record = last_audit(reviewer)
    assert (record.entity, record.entity_id, record.action) == ("inspection_visit", str(v.id), "create")
    assert number in record.summary and "年中检查" in record.summary
    assert record.after["problems"] == "项目进度滞后"

    listed = visits.list_visits(reviewer, visited.year)
    assert [x.id for x in listed] == [v.id]
    assert [x.id for x in visits.list_visits(reviewer, visited.year, kind="midyear", township=town)] == [v.id]
    assert visits.list_visits(reviewer, visited.year, kind="年终验收") == []
    assert visits.list_visits(reviewer, visited.year - 1) == []
    with pytest.raises(KnownError, match="检查类别应为 年初部署、年中检查、年终验收 之一"):
        visits.list_visits(reviewer, visited.year, kind="抽查")
    with pytest.raises(KnownError, match="本县没有名为“火星镇”的镇（街道）"):
        visits.list_visits(reviewer, visited.year, township="火星镇")
    assert visits.get_visit(reviewer, v.id) == v
    assert v.rectify_state(visited + timedelta(days=5)).startswith("整改中（期限")
    assert v.rectify_state(visited + timedelta(days=12)) == "逾期 2 天"


def test_a_township_visit_is_listed_under_that_township(reviewer, pairing, visited: date) -> None:
    _number, town = pairing
    v = visits.record_visit(reviewer, kind="deployment", year=visited.year, township=town, visited_on=visited,
                            inspectors="吴丽婷")
    assert (v.pairing_id, v.township, v.subject, v.agreement_no) == (None, town, town, "")
    assert v.rectify_state(visited) == "无需整改" and not v.rectify_open
    assert [x.id for x in visits.list_visits(reviewer, visited.year, township=town)] == [v.id]
    other = next(t.values["name"] for t in list_townships(reviewer) if t.values["name"] != town)
    assert visits.list_visits(reviewer, visited.year, township=other) == []


def test_every_problem_is_named_in_chinese_and_nothing_is_stored(reviewer, pairing, today: date, visited: date) -> None:
    number, town = pairing
    before = counts(reviewer)
    with pytest.raises(ValidationFailed) as caught:
        visits.record_visit(reviewer, kind="年中检查", year=today.year, pairing="JD1999-9999",
                            visited_on=today + timedelta(days=1), inspectors=" ")
    text = str(caught.value)
    assert "检查记录未保存" in text
    assert "「结对协议编号」：没有协议编号为“JD1999-9999”的结对" in text
    assert f"「检查日期」：{today + timedelta(days=1)} 还没到" in text
    assert "「检查人员」：不能为空" in text

    with pytest.raises(ValidationFailed) as caught:
        visits.record_visit(reviewer, kind="验收", year=visited.year, township="火星镇", visited_on=visited,
                            inspectors="王芳", rectification="补台账", rectify_by=visited - timedelta(days=1))
    text = str(caught.value)
    assert "「镇（街道）」：本县没有名为“火星镇”的镇（街道）" in text
    assert "「检查类别」：应为 年初部署、年中检查、年终验收 之一，而不是“验收”" in text
    assert f"「整改期限」：{visited - timedelta(days=1)} 早于检查日期 {visited}" in text

    with pytest.raises(ValidationFailed, match="结对协议编号和镇（街道）只写一个"):
        visits.record_visit(reviewer, kind="年中检查", year=visited.year, pairing=number, township=town,
                            visited_on=visited, inspectors="王芳")
    with pytest.raises(ValidationFailed, match="请写检查的结对（协议编号）或镇（街道）名称"):
        visits.record_visit(reviewer, kind="年中检查", year=visited.year, visited_on=visited, inspectors="王芳")
    with pytest.raises(ValidationFailed, match="没有整改要求，不需要整改期限"):
        visits.record_visit(reviewer, kind="年中检查", year=visited.year, township=town, visited_on=visited,
                            inspectors="王芳", rectify_by=visited)
    with pytest.raises(ValidationFailed, match=f"不在 {visited.year - 1} 年度内"):
        visits.record_visit(reviewer, kind="年中检查", year=visited.year - 1, township=town, visited_on=visited,
                            inspectors="王芳")
    with pytest.raises(ValidationFailed, match=f"{today.year + 1} 年还没到"):
        visits.record_visit(reviewer, kind="年初部署", year=today.year + 1, township=town, visited_on=visited,
                            inspectors="王芳")
    assert counts(reviewer) == before


def test_a_year_end_acceptance_may_fall_early_the_next_year(reviewer, pairing) -> None:
    _number, town = pairing
    day = clock.today()
    if day.month > 3:  # the next year's first quarter has to be in the past: take this year's January
        day = date(day.year, 1, 15)
    v = visits.record_visit(reviewer, kind="年终验收", year=day.year - 1, township=town, visited_on=day, inspectors="王芳")
    assert (v.year, v.kind) == (day.year - 1, "year_end")


def test_only_the_reviewer_records(clerk, pairing, visited: date) -> None:
    with pytest.raises(PermissionDenied, match="年终评估"):
        visits.record_visit(clerk, kind="年中检查", year=visited.year, pairing=pairing[0], visited_on=visited,
                            inspectors="王芳")


def test_edit_and_mark_rectified_are_audited(reviewer, pairing, today: date, visited: date) -> None:
    number, town = pairing
    v = visits.record_visit(reviewer, kind="年中检查", year=visited.year, pairing=number, visited_on=visited,
                            inspectors="王芳", problems="台账不全")
    with pytest.raises(KnownError, match="没有整改要求，无需登记整改完成"):
        visits.mark_rectified(reviewer, v.id, today, "已补齐")
    _, audit_before = counts(reviewer)
    assert visits.edit_visit(reviewer, v.id, problems="台账不全") == v  # nothing changed: no audit record
    assert counts(reviewer)[1] == audit_before
    edited = visits.edit_visit(reviewer, v.id, rectification="补齐台账", rectify_by=visited + timedelta(days=7))
    assert (edited.rectification, edited.rectify_by, edited.updated_by) == ("补齐台账", visited + timedelta(days=7),
                                                                            "reviewer")
    record = last_audit(reviewer)
    assert record.action == "update" and record.before == {"rectification": "", "rectify_by": None}
    moved = visits.edit_visit(reviewer, v.id, township=town, pairing=None)
    assert (moved.pairing_id, moved.subject) == (None, town)
    assert last_audit(reviewer).after["township"] == town

    with pytest.raises(ValidationFailed) as caught:
        visits.mark_rectified(reviewer, v.id, visited - timedelta(days=1), " ")
    assert f"「整改完成日期」：{visited - timedelta(days=1)} 早于检查日期 {visited}" in str(caught.value)
    assert "「整改情况」：不能为空" in str(caught.value)
    with pytest.raises(ValidationFailed, match="「整改完成日期」.*还没到"):
        visits.mark_rectified(reviewer, v.id, today + timedelta(days=1), "已补齐")
    done = visits.mark_rectified(reviewer, v.id, today, "已补齐台账，镇社会事务办复核")
    assert (done.rectified_on, done.rectify_note, done.rectify_open) == (today, "已补齐台账，镇社会事务办复核", False)
    assert done.rectify_state(today) == f"已整改（{today}）"
    record = last_audit(reviewer)
    assert record.before == {"rectified_on": None, "rectify_note": ""} and record.after["rectify_note"].startswith("已补齐")
    with pytest.raises(PermissionDenied):
        visits.mark_rectified(reviewer.as_user(login(reviewer.db, "clerk", "demo")), v.id, today, "x")


def test_overdue_rectifications_come_from_visits_and_spot_checks(reviewer, pairing, today: date,
                                                                 visited: date) -> None:
    number, town = pairing
    late = visits.record_visit(reviewer, kind="年中检查", year=visited.year, pairing=number, visited_on=visited,
                               inspectors="王芳", rectification="补齐培训记录", rectify_by=visited + timedelta(days=10))
    visits.record_visit(reviewer, kind="年中检查", year=visited.year, township=town, visited_on=visited,
                        inspectors="王芳", rectification="按期报送月报", rectify_by=today)  # due today: not late yet
    visits.record_visit(reviewer, kind="年初部署", year=visited.year, township=town, visited_on=visited,
                        inspectors="王芳", problems="无")  # no 整改
    done = visits.record_visit(reviewer, kind="年中检查", year=visited.year, township=town, visited_on=visited,
                               inspectors="王芳", rectification="补台账", rectify_by=visited + timedelta(days=1))
    visits.mark_rectified(reviewer, done.id, visited + timedelta(days=1), "已补")

    overdue = visits.overdue_rectifications(reviewer, today)
    assert [(o.source, o.id, o.days_overdue) for o in overdue] == [("visit", late.id, 30)]
    o = overdue[0]
    assert o.where == f"{town}·{number} {late.organization}" and o.township == town
    assert o.line == f"{town}·{number} {late.organization}：年中检查的整改已逾期 30 天（期限 {visited + timedelta(days=10)}）"

    # A spot check's 整改 is open while its 跟进情况 is empty; it can only be checked from today on,
    # so ask about a later day.
    sample = spotcheck.draw(reviewer, today.year, 3, "visits")
    check = sample.checks[0]
    spotcheck.record(reviewer, sample.summary.id, check.agreement_no, checked_on=today, method="电话", truthful=False,
                     rectification="更正月报数字", rectify_by=today + timedelta(days=5))
    later = today + timedelta(days=12)
    overdue = visits.overdue_rectifications(reviewer, later)
    assert [(o.source, o.days_overdue) for o in overdue] == [("visit", 42), ("visit", 12), ("spot_check", 7)]
    spot = overdue[-1]
    assert spot.source_label == f"第 {sample.summary.id} 号抽查" and spot.requirement == "更正月报数字"
    assert spot.where.endswith(f"·{check.agreement_no} {check.organization}")
    spotcheck.record(reviewer, sample.summary.id, check.agreement_no, checked_on=today, method="电话",
                     follow_up="已更正")
    assert [o.source for o in visits.overdue_rectifications(reviewer, later)] == ["visit", "visit"]


def test_pairing_choices_are_the_years_pairings(reviewer, pairing, visited: date) -> None:
    choices = visits.pairing_choices(reviewer, visited.year)
    assert pairing[0] in [no for no, _label in choices]
    label = dict(choices)[pairing[0]]
    assert label.startswith(pairing[0]) and label.endswith(f"（{pairing[1]}）")
