"""Key slots in the database: giving a user the data key, opening it at login, and sealing the
plain rows an older version left (``store.personal_key`` explains the scheme)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin_desktop.domain import clock
from fupin_desktop.store.models import Household, KeySlot
from fupin_desktop.store.personal_key import PersonalKey, SealedSlot, open_key, set_open_key

__all__ = ["give_slot", "has_slots", "open_key", "seal_plain_rows", "set_open_key", "slot_of"]


def has_slots(session: Session) -> bool:
    return session.scalar(select(KeySlot.user_id).limit(1)) is not None


def give_slot(session: Session, user_id: int, password: str) -> bool:
    """Seal the data key for this user's password; the first slot of a database makes the key.

    False when a key exists but is not open here (nobody with a slot logged in): that user then
    gets a slot when an admin sets their password.
    """
    key = open_key(session)
    if key is None:
        if has_slots(session):
            return False
        key = PersonalKey.new()
        set_open_key(session, key)
    slot = key.slot_for(password)
    session.merge(KeySlot(user_id=user_id, salt=slot.salt, time_cost=slot.time_cost, memory_kib=slot.memory_kib,
                          parallelism=slot.parallelism, sealed=slot.sealed, created_at=clock.now()))
    return True


def slot_of(session: Session, user_id: int) -> SealedSlot | None:
    row = session.get(KeySlot, user_id)
    if row is None:
        return None
    return SealedSlot(row.salt, row.time_cost, row.memory_kib, row.parallelism, row.sealed)


def seal_plain_rows(session: Session) -> int:
    """Seal the households an older version stored in plain text; how many were sealed."""
    count = 0
    plain = select(Household).where(Household.id_number_sealed.is_(None), Household.legacy_id_number.is_not(None))
    for h in session.scalars(plain):
        h.head_name, h.id_number = h.legacy_head_name or "", h.legacy_id_number or ""  # empties the plain columns
        count += 1
    return count
