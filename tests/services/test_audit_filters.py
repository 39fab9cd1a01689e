"""The audit log filtered in the database: by user, by action, by day (both ends included);
people shown by 姓名; only 审核人 and 管理员 may read it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fupin_desktop.errors import KnownError, PermissionDenied
from fupin_desktop.services import audit_log
from fupin_desktop.services.users import login, set_idle_lock_minutes


def test_the_log_is_filtered_by_user_and_action_and_names_people(reviewer) -> None:
    everything = audit_log.list_records(reviewer, limit=10_000)
    by_reviewer = audit_log.list_records(reviewer, username="reviewer", limit=10_000)
    assert by_reviewer and all(e.username == "reviewer" for e in by_reviewer)
    assert len(by_reviewer) == sum(e.username == "reviewer" for e in everything)
    assert {e.display_name for e in by_reviewer} == {"陈志明"} and by_reviewer[0].who == "陈志明"
    system = [e for e in everything if e.username == "system"]
    assert system and {e.who for e in system} == {"系统"}

    demo = audit_log.list_records(reviewer, action="demo")
    assert [e.action for e in demo] == ["demo"]
    assert audit_log.list_records(reviewer, username="reviewer", action="demo") == []
    created = audit_log.list_records(reviewer, username="system", action="create", limit=10_000)
    assert created and {(e.username, e.action) for e in created} == {("system", "create")}
    assert len(audit_log.list_records(reviewer, action="create", limit=3)) == 3  # the limit still holds


def test_the_log_is_filtered_by_day_both_ends_included(admin, monkeypatch, today: date) -> None:
    day, later_day = today.isoformat(), (today + timedelta(days=2)).isoformat()  # the demo was made today
    monkeypatch.setenv("FUPIN_TODAY", later_day)
    set_idle_lock_minutes(admin, 7)  # one record two days after the demo's
    monkeypatch.setenv("FUPIN_TODAY", day)
    later = audit_log.list_records(admin, since=today + timedelta(days=1))
    assert [e.summary for e in later] == ["无操作自动锁定：7 分钟"] and later[0].at.startswith(later_day)
    assert audit_log.list_records(admin, since=today + timedelta(days=2), until=today + timedelta(days=2)) == later
    before = audit_log.list_records(admin, until=today, limit=10_000)
    assert before and all(e.at.startswith(day) for e in before)
    assert len(before) + 1 == len(audit_log.list_records(admin, limit=10_000))
    assert audit_log.list_records(admin, since=today + timedelta(days=1), until=today + timedelta(days=1)) == []
    assert audit_log.list_records(admin, username="admin", since=today + timedelta(days=2)) == later
    with pytest.raises(KnownError, match=f"起始日期 {later_day} 晚于结束日期 {day}"):
        audit_log.list_records(admin, since=today + timedelta(days=2), until=today)


def test_the_users_to_filter_by_are_the_accounts_then_system_and_mistyped_names(reviewer) -> None:
    with pytest.raises(KnownError):
        login(reviewer.db, "nobody", "demo")  # a name that is no account, recorded as typed
    users = audit_log.log_users(reviewer)
    assert [(u.username, u.display_name) for u in users] == [
        ("admin", "管理员"), ("clerk", "林晓华"), ("reviewer", "陈志明"), ("system", "系统"), ("nobody", "")]
    assert [u.label for u in users][1:] == ["林晓华（clerk）", "陈志明（reviewer）", "系统（system）", "nobody"]
    failed = audit_log.list_records(reviewer, username="nobody")
    assert [(e.action, e.display_name, e.who) for e in failed] == [("login_failed", "", "nobody")]
    assert {"create", "demo", "init", "login_failed"} <= set(audit_log.logged_actions(reviewer))


def test_a_clerk_may_not_read_or_filter_the_log(clerk) -> None:
    for call in (lambda: audit_log.list_records(clerk, username="clerk"), lambda: audit_log.log_users(clerk),
                 lambda: audit_log.logged_actions(clerk)):
        with pytest.raises(PermissionDenied):
            call()
