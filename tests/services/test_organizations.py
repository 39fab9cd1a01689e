"""Organizations: saving checks every field, the credit code is the key, search works as clerks type."""

from __future__ import annotations

import pytest

from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.errors import ValidationFailed
from fupin_desktop.services import audit_log, organizations

GOOD = make_credit_code("5", "1", "350582", "MA2Y0000")


def _org(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {"name": "晋江市某某商会", "credit_code": GOOD, "kind": "社会团体",
                                 "contact_phone": "0595-85661234"}
    values.update(overrides)
    return values


def test_saved_organization_is_listed_and_found_by_pinyin_initials(clerk) -> None:
    result = organizations.save_organization(clerk, _org())
    assert result.created and not result.warnings
    found = organizations.list_organizations(clerk, "jjsmmsh")
    assert [v.values["name"] for v in found][:1] == ["晋江市某某商会"]
    # An initial left out still finds it (jjsmsh), and so do a part of the name and of the code.
    assert "晋江市某某商会" in [v.values["name"] for v in organizations.list_organizations(clerk, "jjsmsh")]
    assert organizations.list_organizations(clerk, "某某商")[0].id == result.id
    assert organizations.list_organizations(clerk, GOOD[4:12].lower())[0].id == result.id


def test_bad_credit_code_is_refused_with_the_field_named(clerk) -> None:
    bad = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")
    before = len(organizations.list_organizations(clerk))
    with pytest.raises(ValidationFailed) as caught:
        organizations.save_organization(clerk, _org(credit_code=bad))
    assert [p.field for p in caught.value.problems] == ["credit_code"]
    assert "校验" in caught.value.problems[0].message or "应为" in caught.value.problems[0].message
    assert len(organizations.list_organizations(clerk)) == before


def test_older_kind_name_is_accepted_and_a_kind_mismatch_is_flagged_not_refused(clerk) -> None:
    result = organizations.save_organization(clerk, _org(kind="民办非企业单位"))
    assert organizations.get_organization(clerk, result.id).values["kind"] == "social_service_agency"
    # GOOD is 51… (社会团体) but the kind says 社会服务机构: the clerk is warned, the record is kept.
    assert any(w.field == "kind" and "51" in w.message for w in result.warnings)


def test_full_width_characters_and_spaces_are_normalized(clerk) -> None:
    wide = GOOD.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    result = organizations.save_organization(clerk, _org(name="\u3000晋江市 某某商会 ", credit_code=wide.lower()))
    stored = organizations.get_organization(clerk, result.id).values
    assert stored["name"] == "晋江市某某商会"
    assert stored["credit_code"] == GOOD


def test_same_credit_code_twice_is_refused(clerk) -> None:
    organizations.save_organization(clerk, _org())
    with pytest.raises(ValidationFailed) as caught:
        organizations.save_organization(clerk, _org(name="另一个名字"))
    assert caught.value.problems[0].field == "credit_code"


def test_every_change_is_audited_with_before_and_after(clerk, reviewer) -> None:
    result = organizations.save_organization(clerk, _org())
    organizations.save_organization(clerk, _org(contact_phone="13800000000"), org_id=result.id)
    entries = audit_log.list_records(reviewer, entity="organization", entity_id=result.id)
    update, create = entries[0], entries[1]
    assert (create.action, create.username, create.after["name"]) == ("create", "clerk", "晋江市某某商会")
    assert update.before == {"contact_phone": "0595-85661234"}
    assert update.after == {"contact_phone": "13800000000"}
    assert audit_log.verify(clerk.db) == []
