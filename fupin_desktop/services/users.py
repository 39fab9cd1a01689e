"""Users, roles and logging in. Passwords are hashed with argon2id; never stored or logged plain."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin_desktop.domain import clock, login_policy
from fupin_desktop.domain.enums import Role
from fupin_desktop.domain.text import clean_text
from fupin_desktop.errors import AuthError, KnownError, NotFound
from fupin_desktop.services.context import CurrentUser, ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.settings import get_setting, put_settings
from fupin_desktop.store import audit, key_slots
from fupin_desktop.store.db import Database
from fupin_desktop.store.models import User
from fupin_desktop.store.personal_key import PersonalKey

_hasher = PasswordHasher()
MIN_PASSWORD = 4


def _to_current(user: User) -> CurrentUser:
    return CurrentUser(user.id, user.username, user.display_name, user.role)


def add_user_unchecked(session: Session, actor: str, username: str, password: str, role: str,
                       display_name: str = "") -> User:
    """Create a user inside an open transaction (used by init, demo and ``create_user``)."""
    username = clean_text(username)
    if not username or not username.isascii() or " " in username:
        raise KnownError("用户名只能用字母、数字和下划线，不能有空格。")
    if len(password) < MIN_PASSWORD:
        raise KnownError(f"密码至少 {MIN_PASSWORD} 位。")
    role = Role(role).value
    if session.scalar(select(User.id).where(User.username == username)):
        raise KnownError(f"用户名“{username}”已存在。")
    user = User(username=username, display_name=display_name or username, role=role,
                password_hash=_hasher.hash(password), active=True, created_at=clock.now())
    session.add(user)
    session.flush()
    key_slots.give_slot(session, user.id, password)
    audit.append(session, username=actor, action="create", entity="user", entity_id=user.id,
                 summary=f"新建用户 {username}（{Role(role).label}）",
                 after={"username": username, "role": role, "display_name": user.display_name})
    return user


def create_user(ctx: ServiceContext, username: str, password: str, role: str, display_name: str = "") -> CurrentUser:
    ctx.require(Permission.MANAGE_USERS)
    with ctx.db.transaction() as s:
        return _to_current(add_user_unchecked(s, ctx.user.username, username, password, role, display_name))


def list_users(ctx: ServiceContext) -> list[CurrentUser]:
    ctx.require(Permission.MANAGE_USERS)
    with ctx.db.reading() as s:
        return [_to_current(u) for u in s.scalars(select(User).order_by(User.id))]


def login(db: Database, username: str, password: str) -> CurrentUser:
    """The user for these credentials, or AuthError with one message for every wrong password.

    Wrong passwords in a row are counted and audited: from the third one each next try waits
    longer (``domain.login_policy``), and the tenth locks the account until an admin unlocks it.
    """
    name = clean_text(username)
    current, sealed = None, 0
    with db.transaction() as s:
        user = s.scalar(select(User).where(User.username == name))
        if user is not None and user.locked_at is not None:
            raise AuthError(f"账户“{name}”因连续 {login_policy.LOCK_AFTER} 次密码错误已被锁定，请管理员解锁。")
        wait = login_policy.seconds_left(user.failed_logins, user.last_failed_at, clock.now()) if user else 0
        if wait:
            raise AuthError(f"密码错误次数较多，请 {wait} 秒后再试。")
        if user is not None and user.active and _password_opens(s, user, password):
            if user.failed_logins or user.last_failed_at is not None:
                user.failed_logins, user.last_failed_at = 0, None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            sealed = key_slots.seal_plain_rows(s) if key_slots.open_key(s) else 0
            if sealed:
                audit.append(s, username=user.username, action="encrypt", entity="household", entity_id="-",
                             summary=f"加密保存帮扶对象的姓名和身份证号（{sealed} 户，升级后首次登录）")
            current = _to_current(user)
    if current is not None:
        if sealed:
            db.scrub()  # the plain text the rows held leaves the file's free pages too
        return current
    _record_failure(db, name)
    raise AuthError("用户名或密码不正确。")


def _password_opens(s: Session, user: User, password: str) -> bool:
    """Whether ``password`` is the user's; opens the database's data key when it is.

    A user with a key slot is checked by opening it (one Argon2id, like the hash check); a user
    without (made before slots existed) by the hash, and the first such login of a database
    that has no slot at all makes the key.
    """
    slot = key_slots.slot_of(s, user.id)
    if slot is not None:
        key = PersonalKey.from_slot(slot, password)
        if key is not None:
            key_slots.set_open_key(s, key)
        return key is not None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if not key_slots.has_slots(s):
        key_slots.give_slot(s, user.id, password)
    return True


def _record_failure(db: Database, name: str) -> None:
    """Count and audit one wrong password (its own transaction: the login's was rolled back)."""
    with db.transaction() as s:
        user = s.scalar(select(User).where(User.username == name))
        if user is None:
            audit.append(s, username=name[:40] or "?", action="login_failed", entity="user", entity_id="-",
                         summary="登录失败：没有这个用户名")
            return
        user.failed_logins += 1
        user.last_failed_at = clock.now()
        summary = f"登录失败：密码错误（连续第 {user.failed_logins} 次）"
        if login_policy.locks_now(user.failed_logins):
            user.locked_at = user.last_failed_at
            summary += "，账户已锁定"
        audit.append(s, username=user.username, action="login_failed", entity="user", entity_id=user.id,
                     summary=summary)


def unlock_user(ctx: ServiceContext, username: str) -> None:
    """An admin lets a locked account log in again (the count starts over)."""
    ctx.require(Permission.MANAGE_USERS)
    name = clean_text(username)
    with ctx.db.transaction() as s:
        user = s.scalar(select(User).where(User.username == name))
        if user is None:
            raise NotFound(f"没有用户名为“{name}”的用户。")
        if user.locked_at is None and not user.failed_logins:
            raise KnownError(f"用户“{name}”没有被锁定。")
        user.locked_at, user.failed_logins, user.last_failed_at = None, 0, None
        audit.append(s, username=ctx.user.username, action="unlock", entity="user", entity_id=user.id,
                     summary=f"解锁用户 {name}")


def reset_password(ctx: ServiceContext, username: str, new: str) -> bool:
    """An admin sets a new password for a user who forgot theirs (the lock and count start over).

    Also how an account made before key slots existed gets one: the admin's login has the data
    key open. True if the user can now open personal data.
    """
    ctx.require(Permission.MANAGE_USERS)
    name = clean_text(username)
    if len(new) < MIN_PASSWORD:
        raise KnownError(f"密码至少 {MIN_PASSWORD} 位。")
    with ctx.db.transaction() as s:
        user = s.scalar(select(User).where(User.username == name))
        if user is None:
            raise NotFound(f"没有用户名为“{name}”的用户。")
        user.password_hash = _hasher.hash(new)
        user.locked_at, user.failed_logins, user.last_failed_at = None, 0, None
        slotted = key_slots.give_slot(s, user.id, new)
        audit.append(s, username=ctx.user.username, action="update", entity="user", entity_id=user.id,
                     summary=f"重设用户 {name} 的密码")
    return slotted


def locked_usernames(ctx: ServiceContext) -> set[str]:
    """Accounts that wait for an admin's unlock."""
    ctx.require(Permission.MANAGE_USERS)
    with ctx.db.reading() as s:
        return set(s.scalars(select(User.username).where(User.locked_at.is_not(None))))


def change_password(ctx: ServiceContext, old: str, new: str) -> None:
    login(ctx.db, ctx.user.username, old)
    if len(new) < MIN_PASSWORD:
        raise KnownError(f"密码至少 {MIN_PASSWORD} 位。")
    with ctx.db.transaction() as s:
        user = s.get(User, ctx.user.id)
        assert user is not None
        user.password_hash = _hasher.hash(new)
        key_slots.give_slot(s, user.id, new)
        audit.append(s, username=ctx.user.username, action="update", entity="user", entity_id=user.id,
                     summary="修改密码")


IDLE_LOCK_SETTING = "idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 15
MAX_IDLE_LOCK_MINUTES = 240


def idle_lock_minutes(db: Database) -> int:
    """After how many minutes without a key or a click the window locks itself (0: never)."""
    text = get_setting(db, IDLE_LOCK_SETTING)
    return int(text) if text and text.isdigit() else DEFAULT_IDLE_LOCK_MINUTES


def set_idle_lock_minutes(ctx: ServiceContext, minutes: int) -> None:
    ctx.require(Permission.MANAGE_USERS)
    if not 0 <= minutes <= MAX_IDLE_LOCK_MINUTES:
        raise KnownError(f"自动锁定时间应为 0（不锁定）到 {MAX_IDLE_LOCK_MINUTES} 分钟，而不是 {minutes}。")
    with ctx.db.transaction() as s:
        before = put_settings(s, {IDLE_LOCK_SETTING: str(minutes)})
        audit.append(s, username=ctx.user.username, action="update", entity="setting", entity_id=IDLE_LOCK_SETTING,
                     summary=f"无操作自动锁定：{f'{minutes} 分钟' if minutes else '不锁定'}",
                     before={"minutes": before.get(IDLE_LOCK_SETTING)}, after={"minutes": minutes})


def inactive_usernames(ctx: ServiceContext) -> set[str]:
    """Accounts an admin has disabled (never deleted: the audit log names them)."""
    ctx.require(Permission.MANAGE_USERS)
    with ctx.db.reading() as s:
        return set(s.scalars(select(User.username).where(User.active.is_(False))))


def _other_admins(s: Session, user: User) -> int:
    return len(list(s.scalars(select(User.id).where(User.role == Role.ADMIN.value, User.active.is_(True),
                                                    User.id != user.id))))


def set_active(ctx: ServiceContext, username: str, active: bool) -> None:
    """Disable an account (it can no longer log in) or enable it again; a user is never deleted."""
    ctx.require(Permission.MANAGE_USERS)
    name = clean_text(username)
    with ctx.db.transaction() as s:
        user = s.scalar(select(User).where(User.username == name))
        if user is None:
            raise NotFound(f"没有用户名为“{name}”的用户。")
        if user.active == active:
            raise KnownError(f"用户“{name}”已经是{'启用' if active else '停用'}状态。")
        if not active and user.username == ctx.user.username:
            raise KnownError("不能停用自己正在使用的账户。")
        if not active and user.role == Role.ADMIN.value and not _other_admins(s, user):
            raise KnownError("这是唯一的管理员，停用后就没有人能管理用户了；请先把另一个用户设为管理员。")
        user.active = active
        audit.append(s, username=ctx.user.username, action="update", entity="user", entity_id=user.id,
                     summary=f"{'启用' if active else '停用'}用户 {name}", before={"active": not active},
                     after={"active": active})


def set_role(ctx: ServiceContext, username: str, role: str) -> None:
    """Make a user 填报员, 审核人 or 管理员 (the last active admin stays one)."""
    ctx.require(Permission.MANAGE_USERS)
    name, new = clean_text(username), Role(role)
    with ctx.db.transaction() as s:
        user = s.scalar(select(User).where(User.username == name))
        if user is None:
            raise NotFound(f"没有用户名为“{name}”的用户。")
        if user.role == new.value:
            raise KnownError(f"用户“{name}”已经是{new.label}。")
        if user.role == Role.ADMIN.value and user.active and not _other_admins(s, user):
            raise KnownError("这是唯一的管理员；请先把另一个用户设为管理员。")
        before = user.role
        user.role = new.value
        audit.append(s, username=ctx.user.username, action="update", entity="user", entity_id=user.id,
                     summary=f"用户 {name} 的角色：{Role(before).label} → {new.label}", before={"role": before},
                     after={"role": new.value})
