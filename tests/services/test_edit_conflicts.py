"""No lost update (issue 13): a save made on a copy someone else changed since it was opened is
refused with who changed it and when, and nothing of it is stored; a save at the current version
goes through and moves the version on."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import text

from fupin_desktop.errors import EditConflict
from fupin_desktop.services import audit_log, households, organizations, pairings, places, users


@pytest.fixture
def wangfang(clerk, admin):  # type: ignore[no-untyped-def]
    """A second clerk of the bureau, at another PC."""
    users.create_user(admin, "wangfang", "demo", "clerk", "王芳")
    return clerk.as_user(users.login(clerk.db, "wangfang", "demo"))


def _last_change_at(reviewer, entity: str, entity_id: int) -> str:  # type: ignore[no-untyped-def]
    """When the audit log says the record was last changed, to the minute (as the message says it)."""
    return audit_log.list_records(reviewer, entity=entity, entity_id=entity_id)[0].at[:16]


def _org_raw(view: Any, **changes: object) -> dict[str, Any]:
    return {**view.values, **changes}


def test_stale_organization_save_is_refused_naming_who_changed_it_and_when(clerk, wangfang, reviewer) -> None:
    org_id = organizations.list_organizations(clerk)[0].id
    opened = organizations.get_organization(clerk, org_id)  # 林晓华 opens the dialog …
    mine = organizations.get_organization(wangfang, org_id)
    organizations.save_organization(wangfang, _org_raw(mine, contact_person="王芳改"), org_id,
                                    expected_version=mine.version)  # … 王芳 saves first
    entries_before = len(audit_log.list_records(reviewer, entity="organization", entity_id=org_id))
    with pytest.raises(EditConflict) as caught:
        organizations.save_organization(clerk, _org_raw(opened, contact_person="林改", address="青阳街道"), org_id,
                                        expected_version=opened.version)
    at = _last_change_at(reviewer, "organization", org_id)
    assert str(caught.value) == (f"「{opened.values['name']}」在您打开之后已被 王芳（填报员）于 {at} 修改。"
                                 "为避免覆盖别人的修改，这次没有保存。请重新载入后再改。")
    assert caught.value.entity == "organization" and caught.value.entity_id == org_id
    stored = organizations.get_organization(clerk, org_id)
    assert stored.values["contact_person"] == "王芳改" and stored.values["address"] == opened.values["address"]
    assert stored.version == opened.version + 1
    assert len(audit_log.list_records(reviewer, entity="organization", entity_id=org_id)) == entries_before


def test_save_at_the_current_version_goes_through_and_moves_the_version_on(clerk, wangfang) -> None:
    org_id = organizations.list_organizations(clerk)[0].id
    opened = organizations.get_organization(clerk, org_id)
    organizations.save_organization(clerk, _org_raw(opened, contact_person="林改"), org_id,
                                    expected_version=opened.version)
    reloaded = organizations.get_organization(wangfang, org_id)
    assert reloaded.version == opened.version + 1 and reloaded.values["contact_person"] == "林改"
    organizations.save_organization(wangfang, _org_raw(reloaded, contact_person="王改"), org_id,
                                    expected_version=reloaded.version)
    assert organizations.get_organization(clerk, org_id).version == opened.version + 2
    # Saving what is already stored writes nothing, so the version stays: a reopened dialog still saves.
    same = organizations.get_organization(clerk, org_id)
    organizations.save_organization(clerk, _org_raw(same), org_id, expected_version=same.version)
    assert organizations.get_organization(clerk, org_id).version == same.version


def test_the_same_user_in_two_windows_is_told_it_was_their_own_other_save(clerk) -> None:
    org_id = organizations.list_organizations(clerk)[0].id
    opened = organizations.get_organization(clerk, org_id)
    organizations.save_organization(clerk, _org_raw(opened, contact_person="第一个窗口"), org_id,
                                    expected_version=opened.version)
    with pytest.raises(EditConflict, match="已被 您本人（在另一个窗口或另一台电脑上）于"):
        organizations.save_organization(clerk, _org_raw(opened, contact_person="第二个窗口"), org_id,
                                        expected_version=opened.version)


def test_two_saves_racing_past_the_check_give_the_same_conflict_and_store_nothing(
        clerk, wangfang, monkeypatch: pytest.MonkeyPatch) -> None:
    org_id = organizations.list_organizations(clerk)[0].id
    first = organizations.get_organization(wangfang, org_id)
    organizations.save_organization(wangfang, _org_raw(first, contact_person="王芳改"), org_id,
                                    expected_version=first.version)
    opened = organizations.get_organization(clerk, org_id)
    real_check = organizations.check_version

    def other_save_meanwhile(session, record, expected, me):  # type: ignore[no-untyped-def]
        real_check(session, record, expected, me)
        # What a second PC's save does on the server between this save's read and its UPDATE.
        session.execute(text("UPDATE organization SET version = version + 1 WHERE id = :id"), {"id": org_id})

    monkeypatch.setattr(organizations, "check_version", other_save_meanwhile)
    with pytest.raises(EditConflict, match="已被 王芳（填报员）于"):
        organizations.save_organization(clerk, _org_raw(opened, contact_person="林改"), org_id,
                                        expected_version=opened.version)
    stored = organizations.get_organization(clerk, org_id)
    assert stored.values["contact_person"] == "王芳改" and stored.version == opened.version  # rolled back


@pytest.mark.postgresql_only
def test_on_a_server_two_saves_at_the_same_moment_do_not_both_win(clerk, wangfang, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Both PCs read version v and pass the check; 王芳's commits first, so 林晓华's UPDATE … WHERE
    version = v finds nothing: the same conflict, not a silent overwrite."""
    org_id = organizations.list_organizations(clerk)[0].id
    mine, theirs = organizations.get_organization(clerk, org_id), organizations.get_organization(wangfang, org_id)
    real_check = organizations.check_version
    failures: list[BaseException] = []

    def their_save() -> None:
        try:
            organizations.save_organization(wangfang, _org_raw(theirs, contact_person="王芳改"), org_id,
                                            expected_version=theirs.version)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    def theirs_commits_meanwhile(session, record, expected, me):  # type: ignore[no-untyped-def]
        real_check(session, record, expected, me)
        monkeypatch.setattr(organizations, "check_version", real_check)
        other = threading.Thread(target=their_save)  # another PC, its own connection
        other.start()
        other.join(60)

    monkeypatch.setattr(organizations, "check_version", theirs_commits_meanwhile)
    with pytest.raises(EditConflict, match="已被 王芳（填报员）于"):
        organizations.save_organization(clerk, _org_raw(mine, contact_person="林改"), org_id,
                                        expected_version=mine.version)
    assert failures == []
    stored = organizations.get_organization(clerk, org_id)
    assert stored.values["contact_person"] == "王芳改" and stored.version == mine.version + 1


def _pairing_form(view: Any) -> tuple[dict[str, Any], list[dict[str, Any]], Any]:
    values, stored = pairings.editable_values(view)
    return values, stored, view.version


def _as_typed(clerk, projects: list[dict[str, Any]]) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    spec = clerk.forms["project"]
    return [{k: spec.field(k).display(v) for k, v in item.items()} for item in projects]


def test_stale_pairing_save_is_refused_and_a_change_of_projects_alone_counts(clerk, wangfang, reviewer) -> None:
    pairing_id = pairings.list_pairings(clerk)[0].id
    opened = pairings.get_pairing(clerk, pairing_id)
    values, projects, version = _pairing_form(opened)
    # 王芳 changes only a project's target: the pairing's version moves on all the same.
    theirs = pairings.get_pairing(wangfang, pairing_id)
    their_values, their_projects, their_version = _pairing_form(theirs)
    changed = _as_typed(wangfang, their_projects)
    changed[0]["indicators"] = "王芳改的目标指标"
    pairings.save_pairing(wangfang, their_values, changed, pairing_id, expected_version=their_version)
    assert pairings.get_pairing(clerk, pairing_id).version == version + 1

    with pytest.raises(EditConflict) as caught:
        pairings.save_pairing(clerk, {**values, "commitments": "林晓华的承诺"}, _as_typed(clerk, projects), pairing_id,
                              expected_version=version)
    at = _last_change_at(reviewer, "pairing", pairing_id)
    assert str(caught.value) == (f"结对协议「{opened.values['agreement_no']}」在您打开之后已被 王芳（填报员）于 {at} 修改。"
                                 "为避免覆盖别人的修改，这次没有保存。请重新载入后再改。")
    stored = pairings.get_pairing(clerk, pairing_id)
    assert stored.values["commitments"] == opened.values["commitments"]
    assert stored.extra["projects"][0]["indicators"] == "王芳改的目标指标"

    # Reloaded at the current version, the same edit is saved.
    values, projects, version = _pairing_form(stored)
    pairings.save_pairing(clerk, {**values, "commitments": "林晓华的承诺"}, _as_typed(clerk, projects), pairing_id,
                          expected_version=version)
    saved = pairings.get_pairing(clerk, pairing_id)
    assert saved.values["commitments"] == "林晓华的承诺" and saved.version == version + 1
    assert saved.extra["projects"][0]["indicators"] == "王芳改的目标指标"


def test_villages_institutions_and_households_refuse_a_stale_save_too(clerk, wangfang) -> None:
    village = places.list_villages(clerk)[0]
    places.set_village_flags(wangfang, village.id, ["old_revolutionary"], expected_version=village.version)
    with pytest.raises(EditConflict, match=f"「{village.values['name']}」在您打开之后已被 王芳（填报员）"):
        places.set_village_flags(clerk, village.id, ["deep_poverty"], expected_version=village.version)
    assert places.get_village(clerk, village.id).values["flags"] == ["old_revolutionary"]

    institution = places.list_institutions(clerk)[0]
    places.save_institution(wangfang, {**institution.values, "address": "王芳改的地址"}, institution.id,
                            expected_version=institution.version)
    with pytest.raises(EditConflict, match=f"福利机构「{institution.values['name']}」在您打开之后已被 王芳"):
        places.save_institution(clerk, {**institution.values, "address": "林改的地址"}, institution.id,
                                expected_version=institution.version)
    assert places.get_institution(clerk, institution.id).values["address"] == "王芳改的地址"

    home = households.get_household(clerk, households.list_households(clerk)[0].id)
    households.save_household(wangfang, {**home.values, "size": home.values["size"] + 1}, home.id,
                              expected_version=home.version)
    with pytest.raises(EditConflict, match=f"{home.values['village']}的这户帮扶对象在您打开之后已被 王芳"):
        households.save_household(clerk, {**home.values, "size": 1}, home.id, expected_version=home.version)
    assert households.get_household(clerk, home.id).values["size"] == home.values["size"] + 1
