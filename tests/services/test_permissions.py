"""Roles: clerks cannot create users; full ID numbers only in the household's own form, for allowed roles."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from fupin_desktop.errors import PermissionDenied
from fupin_desktop.services import audit_log, households, users


def test_clerk_cannot_create_users_but_admin_can(clerk, admin) -> None:
    with pytest.raises(PermissionDenied):
        users.create_user(clerk, "newclerk", "secret1", "clerk")
    users.create_user(admin, "newclerk", "secret1", "clerk")
    assert users.login(admin.db, "newclerk", "secret1").role == "clerk"


def test_full_id_number_only_in_own_form_and_only_for_allowed_roles(clerk, reviewer, admin) -> None:
    listed = households.list_households(reviewer)[0]
    assert "********" in listed.values["id_number"]  # lists are masked for everyone
    assert "*" not in households.get_household(reviewer, listed.id).values["id_number"]
    assert "*" not in households.get_household(clerk, listed.id).values["id_number"]
    # The administrator keeps the system, not the case files.
    assert "********" in households.get_household(admin, listed.id).values["id_number"]


def test_clerk_cannot_read_the_audit_log(clerk) -> None:
    with pytest.raises(PermissionDenied):
        audit_log.list_records(clerk)


def test_audit_log_refuses_update_and_delete(clerk) -> None:
    with clerk.db.engine.connect() as conn:
        for sql in ("UPDATE audit_log SET summary = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 1"):
            with pytest.raises(Exception, match="append-only"):
                conn.execute(text(sql))


def test_audit_hash_chain_catches_a_rewritten_record(clerk) -> None:
    with clerk.db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))  # what someone rewriting history would do
        conn.execute(text("UPDATE audit_log SET summary = '改过' WHERE seq = 3"))
    breaks = audit_log.verify(clerk.db)
    assert [b.seq for b in breaks] == [3]


def test_household_ids_are_masked_in_the_audit_log(clerk, reviewer) -> None:
    listed = households.list_households(clerk)[0]
    full = households.get_household(clerk, listed.id).values
    households.save_household(clerk, dict(full, size=9),
                              household_id=listed.id)
    entry = audit_log.list_records(reviewer, entity="household", entity_id=listed.id)[0]
    assert entry.after == {"size": 9}
    dump = str(audit_log.list_records(reviewer, limit=10_000))
    assert full["id_number"] not in dump


def test_the_id_number_is_found_whole_and_never_by_its_last_digits(reviewer) -> None:
    full = households.get_household(reviewer, households.list_households(reviewer)[0].id).values["id_number"]
    found = households.list_households(reviewer, full)
    assert [h.values["id_number"] for h in found] == [households.list_households(reviewer)[0].values["id_number"]]
    assert "*" in found[0].values["id_number"]  # still masked in the list
    for tail in (full[-4:], full[-8:], full[1:]):
        assert households.list_households(reviewer, tail) == []  # no oracle for the masked digits
