"""An admin disables and enables accounts and changes roles; nobody is deleted, the last admin
stays one, and every change is in the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fupin_desktop.errors import AuthError, KnownError, PermissionDenied
from fupin_desktop.services.users import (
    create_user,
    inactive_usernames,
    list_users,
    login,
    set_active,
    set_role,
)
from fupin_desktop.store.models import AuditRecord


def _last_summary(ctx) -> str:  # type: ignore[no-untyped-def]
    with ctx.db.reading() as s:
        return s.scalars(select(AuditRecord.summary).order_by(AuditRecord.seq.desc())).first()


def test_a_disabled_user_cannot_log_in_is_kept_and_can_be_enabled_again(admin) -> None:
    set_active(admin, "clerk", False)
    assert _last_summary(admin) == "停用用户 clerk" and inactive_usernames(admin) == {"clerk"}
    with pytest.raises(AuthError):
        login(admin.db, "clerk", "demo")
    assert "clerk" in [u.username for u in list_users(admin)]  # never deleted
    with pytest.raises(KnownError, match="已经是停用"):
        set_active(admin, "clerk", False)
    set_active(admin, "clerk", True)
    assert login(admin.db, "clerk", "demo").username == "clerk"


def test_roles_change_and_the_last_admin_stays_one(admin) -> None:
    set_role(admin, "clerk", "reviewer")
    assert login(admin.db, "clerk", "demo").role == "reviewer"
    assert _last_summary(admin) == "用户 clerk 的角色：填报员 → 审核人"
    with pytest.raises(KnownError, match="唯一的管理员"):
        set_role(admin, "admin", "clerk")
    with pytest.raises(KnownError, match="不能停用自己"):
        set_active(admin, "admin", False)
    create_user(admin, "lin", "pass1", "admin", "林")
    set_role(admin, "admin", "clerk")  # another admin now exists
    assert login(admin.db, "admin", "demo").role == "clerk"


def test_only_an_admin_manages_accounts(clerk) -> None:
    with pytest.raises(PermissionDenied):
        set_active(clerk, "reviewer", False)
    with pytest.raises(PermissionDenied):
        set_role(clerk, "clerk", "admin")
