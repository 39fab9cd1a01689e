"""Pairings: one organization ↔ one target, 1–2 projects; names resolved against the register."""

from __future__ import annotations

import pytest

from fupin_desktop.errors import ValidationFailed
from fupin_desktop.services import households, organizations, pairings

PROJECT = {"name": "助学圆梦", "domain": "教育", "method": "直接捐赠", "budget_fen": "3.5", "indicators": "资助 10 名学生"}


def _raw(clerk, **overrides: object) -> dict[str, object]:
    org = organizations.list_organizations(clerk)[0]
    values: dict[str, object] = {"organization": org.values["credit_code"], "target_kind": "村（社区）",
                                 "township": "青阳街道", "target": "莲屿社区", "campaign": "百社解千难",
                                 "signed_on": "2020年5月20日", "term_start": "2020-05-20", "term_end": "2021-12-31"}
    values.update(overrides)
    return values


def test_pairing_with_one_project_is_saved_with_exact_budget(clerk) -> None:
    result = pairings.save_pairing(clerk, _raw(clerk), [PROJECT])
    view = pairings.get_pairing(clerk, result.id)
    assert view.values["township"] == "青阳街道"
    assert view.values["target"].startswith("莲屿")
    assert view.extra["projects"][0]["budget_fen"] == 3_500_000  # 3.5 万元 = 35,000.00 元
    assert view.values["agreement_no"].startswith("JD2020-")


@pytest.mark.parametrize("count", [0, 3])
def test_zero_or_three_projects_cannot_be_saved(clerk, count: int) -> None:
    before = len(pairings.list_pairings(clerk))
    with pytest.raises(ValidationFailed) as caught:
        pairings.save_pairing(clerk, _raw(clerk), [dict(PROJECT)] * count)
    assert any(p.field == "projects" and "1–2" in p.message for p in caught.value.problems)
    assert len(pairings.list_pairings(clerk)) == before


def test_unknown_village_and_unknown_organization_are_named(clerk) -> None:
    with pytest.raises(ValidationFailed) as caught:
        pairings.save_pairing(clerk, _raw(clerk, target="不存在村", organization="查无此会"), [PROJECT])
    fields = {p.field for p in caught.value.problems}
    assert fields == {"target", "organization"}


def test_bad_project_field_is_reported_under_that_project(clerk) -> None:
    with pytest.raises(ValidationFailed) as caught:
        pairings.save_pairing(clerk, _raw(clerk), [PROJECT, dict(PROJECT, budget_fen="-2")])
    assert [p.field for p in caught.value.problems] == ["project2.budget_fen"]


def test_household_target_by_id_number(clerk) -> None:
    home = households.get_household(clerk, households.list_households(clerk)[0].id)
    result = pairings.save_pairing(
        clerk, _raw(clerk, target_kind="帮扶对象", township="", target=home.values["id_number"].lower()), [PROJECT])
    view = pairings.get_pairing(clerk, result.id)
    assert view.extra["household_id"] == home.id
    assert "*" in view.values["target"]  # the head's name is masked in lists


def test_term_end_before_start_is_refused(clerk) -> None:
    with pytest.raises(ValidationFailed) as caught:
        pairings.save_pairing(clerk, _raw(clerk, term_end="2019-01-01"), [PROJECT])
    assert caught.value.problems[0].field == "term_end"


def test_editing_a_pairing_replaces_its_projects_and_audits_only_real_changes(clerk, reviewer) -> None:
    from fupin_desktop.services import audit_log

    result = pairings.save_pairing(clerk, _raw(clerk), [PROJECT, dict(PROJECT, name="健康义诊", domain="健康")])
    values, stored = pairings.editable_values(pairings.get_pairing(clerk, result.id))
    spec = clerk.forms["project"]
    projects = [{k: spec.field(k).display(v) for k, v in item.items()} for item in stored]  # as the dialog shows them
    pairings.save_pairing(clerk, values, projects, pairing_id=result.id)  # nothing changed
    pairings.save_pairing(clerk, values, projects[:1], pairing_id=result.id)  # one project dropped
    entries = audit_log.list_records(reviewer, entity="pairing", entity_id=result.id)
    assert [e.action for e in entries] == ["update", "create"]
    assert len(entries[0].before["projects"]) == 2 and len(entries[0].after["projects"]) == 1
    assert len(pairings.get_pairing(clerk, result.id).extra["projects"]) == 1
