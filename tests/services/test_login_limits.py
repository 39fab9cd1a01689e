"""Logging in without limits no more: a growing wait from the third wrong password in a row, the
account locked after ten until an admin unlocks it, every failure and unlock audited."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from fupin_desktop.domain import clock, login_policy
from fupin_desktop.errors import AuthError, PermissionDenied
from fupin_desktop.services import audit_log, users
from fupin_desktop.store.models import User


class Clock:
    """Moves ``clock.now`` by hand: the waits are seconds, the test does not sleep."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at = datetime.combine(clock.today(), datetime.min.time()).replace(hour=9)
        monkeypatch.setattr(clock, "now", lambda: self.at)

    def later(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def wrong(db, name: str = "clerk") -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(AuthError) as refused:
        users.login(db, name, "not-the-password")
    return str(refused.value)


def test_the_waits_grow_from_the_third_failure_and_cap_at_a_minute() -> None:
    assert [login_policy.wait_after(n) for n in range(1, 11)] == [0, 0, 1, 2, 4, 8, 16, 32, 60, 60]


def test_wrong_passwords_wait_then_lock_and_only_an_admin_unlocks(clerk, admin, monkeypatch) -> None:
    now = Clock(monkeypatch)
    db = clerk.db
    assert wrong(db) == wrong(db) == "用户名或密码不正确。"  # two typos: no wait
    assert wrong(db) == "用户名或密码不正确。"
    assert "请 1 秒后再试" in wrong(db)  # the third failure's wait, not counted as a try
    with pytest.raises(AuthError):
        users.login(db, "clerk", "demo")  # even the right password waits
    now.later(1)
    for n in range(4, 10):
        assert wrong(db) == "用户名或密码不正确。"
        now.later(login_policy.wait_after(n))
    assert wrong(db) == "用户名或密码不正确。"  # the tenth
    now.later(3600)
    assert "已被锁定" in wrong(db)
    with pytest.raises(AuthError, match="已被锁定"):
        users.login(db, "clerk", "demo")

    with pytest.raises(PermissionDenied):
        users.unlock_user(clerk, "clerk")
    users.unlock_user(admin, "clerk")
    assert users.login(db, "clerk", "demo").username == "clerk"
    assert wrong(db) == "用户名或密码不正确。"  # the count started over

    summaries = [r.summary for r in audit_log.list_records(admin, limit=30)]
    assert "登录失败：密码错误（连续第 10 次），账户已锁定" in summaries
    assert "解锁用户 clerk" in summaries
    assert sum("登录失败" in s for s in summaries) == 11  # ten, then one after the unlock


def test_a_right_password_resets_the_count_and_unknown_names_are_audited(clerk, admin, monkeypatch) -> None:
    now = Clock(monkeypatch)
    for _ in range(3):
        wrong(clerk.db)
    now.later(5)
    users.login(clerk.db, "clerk", "demo")
    assert wrong(clerk.db) == wrong(clerk.db) == "用户名或密码不正确。"  # free typos again
    assert wrong(clerk.db, "nobody") == "用户名或密码不正确。"  # the same words: no name oracle
    summaries = [r.summary for r in audit_log.list_records(admin, limit=5)]
    assert "登录失败：没有这个用户名" in summaries


def test_the_admin_unlocks_from_the_command_line(clerk, demo_dir) -> None:
    with clerk.db.transaction() as s:  # locked, as ten wrong passwords leave it
        s.get(User, clerk.user.id).locked_at = clock.now()
    clerk.db.dispose()
    env = {**os.environ, "FUPIN_PASSWORD": "demo"}

    def fupin(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "fupin_desktop", *argv, "--data-dir", str(demo_dir)],
                              env=env, capture_output=True, text=True, timeout=300)

    locked = fupin("user", "list", "--user", "clerk")
    assert locked.returncode == 1 and "已被锁定" in locked.stderr and "Traceback" not in locked.stderr
    done = fupin("user", "unlock", "--username", "clerk", "--user", "admin")
    assert done.returncode == 0 and "已解锁用户 clerk" in done.stdout, done.stderr
    again = fupin("user", "unlock", "--username", "clerk", "--user", "admin")
    assert again.returncode == 1 and "没有被锁定" in again.stderr
