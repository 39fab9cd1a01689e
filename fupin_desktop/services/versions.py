"""No lost update: a save made on a copy someone else has changed since is refused, naming who and when.

Organizations, pairings, villages, institutions and households carry a version that SQLAlchemy
bumps on every UPDATE. The window and the CLI keep the version they showed and pass it back as
``expected_version``; another stored version means someone saved in between, and the save is
refused (``check_version``). Two saves racing past that check at the same moment meet
SQLAlchemy's own one (``UPDATE … WHERE version = <read>``, a PostgreSQL server lets both read
first), which ``refusing_stale`` turns into the same message once the transaction rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from fupin_desktop.domain.enums import Role
from fupin_desktop.errors import EditConflict, NotFound
from fupin_desktop.services.context import SYSTEM_USER, ServiceContext
from fupin_desktop.store.models import (
    AuditRecord,
    Household,
    Institution,
    Organization,
    Pairing,
    User,
    Village,
)

Versioned = Organization | Pairing | Village | Institution | Household

ENTITIES: dict[type, str] = {Organization: "organization", Pairing: "pairing", Village: "village",
                             Institution: "institution", Household: "household"}
# Logged against a record without being the change that moved its version on.
_NOT_EDITS = ("create", "view_personal")


def describe(record: Versioned) -> str:
    """The record as the message names it (a household by its village: no personal data)."""
    if isinstance(record, Pairing):
        return f"结对协议「{record.agreement_no}」"
    if isinstance(record, Household):
        return f"{record.village.name}的这户帮扶对象"
    if isinstance(record, Institution):
        return f"福利机构「{record.name}」"
    return f"「{record.name}」"


def who_text(session: Session, username: str, me: str) -> str:
    if username == me:
        return "您本人（在另一个窗口或另一台电脑上）"
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        return SYSTEM_USER.display_name if username == SYSTEM_USER.username else username
    try:
        role = Role(user.role).label
    except ValueError:
        role = user.role
    return f"{user.display_name or user.username}（{role}）"


def conflict(session: Session, record: Versioned, me: str) -> EditConflict:
    """The refusal of a stale save of ``record``: who changed it last and when, from the audit log."""
    entity = ENTITIES[type(record)]
    last = session.scalar(
        select(AuditRecord)
        .where(AuditRecord.entity == entity, AuditRecord.entity_id == str(record.id),
               AuditRecord.action.not_in(_NOT_EDITS))
        .order_by(AuditRecord.seq.desc()).limit(1))
    # A change the log does not name one by one (a new division table renames villages in bulk).
    by = "已被别人修改" if last is None else f"已被 {who_text(session, last.username, me)}于 {last.at:%Y-%m-%d %H:%M} 修改"
    return EditConflict(f"{describe(record)}在您打开之后{by}。为避免覆盖别人的修改，这次没有保存。请重新载入后再改。",
                        entity=entity, entity_id=record.id)


def check_version(session: Session, record: Versioned, expected: int | None, me: str) -> None:
    """Refuse the save when ``record`` is no longer at the version the user opened (None: no check)."""
    if expected is not None and record.version != expected:
        raise conflict(session, record, me)


@contextmanager
def refusing_stale(ctx: ServiceContext, model: type[Versioned], record_id: int | None) -> Iterator[None]:
    """Put this outside ``ctx.db.transaction()``: a save that lost the race to another one at the
    same moment is rolled back by then, and becomes the conflict message read afresh."""
    try:
        yield
    except StaleDataError:
        if record_id is None:
            raise
        with ctx.db.reading() as s:
            record = s.get(model, record_id)
            if record is None:
                raise NotFound("这条记录已被别人删除，这次没有保存。") from None
            raise conflict(s, cast(Versioned, record), ctx.user.username) from None
