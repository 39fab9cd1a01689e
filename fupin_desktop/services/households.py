"""帮扶对象（户）. ID numbers are masked everywhere except the household's own form, and
shown in full there only to roles allowed to see personal data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fupin_desktop.domain.formspec import FormSpec
from fupin_desktop.domain.id_number import mask_id_number
from fupin_desktop.domain.records import CheckedRecord, check_record
from fupin_desktop.domain.text import match_key
from fupin_desktop.errors import AuthError, KnownError, NotFound
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.places import find_township, find_villages
from fupin_desktop.services.records import (
    RecordView,
    SaveResult,
    apply_values,
    changed,
    refuse_if_errors,
    snapshot,
)
from fupin_desktop.services.versions import check_version, refusing_stale
from fupin_desktop.store import audit, key_slots
from fupin_desktop.store.models import Household, Village
from fupin_desktop.store.personal_key import PersonalDataLocked

FORM = "household"
_IN_CHUNK = 500  # bound parameters per IN (…) query


def _view(h: Household, *, reveal: bool) -> RecordView:
    values = {
        "head_name": h.head_name,
        "id_number": h.id_number if reveal else mask_id_number(h.id_number),
        "village": h.village.name, "size": h.size, "groups": list(h.groups or []),
        "registered_poor": h.registered_poor,
    }
    return RecordView(h.id, values, {"village_id": h.village_id, "township": h.village.township.name,
                                     "masked": not reveal}, version=h.version)


def require_login(ctx: ServiceContext) -> None:
    """Households hold personal data: a signed-in user whose key slot opened the data key."""
    if ctx.user.id == 0:
        raise AuthError("帮扶对象名单含个人信息，需要登录后查看（命令行请加 --user 用户名）。")
    if ctx.db.personal_key is None:  # an account made before key slots, not yet given one
        raise KnownError(f"帮扶对象的姓名和身份证号已加密保存，账户“{ctx.user.username}”还没有解密钥匙："
                         "请管理员在“系统 → 用户管理”为你重设密码后再登录。")


def list_households(ctx: ServiceContext, query: str = "", village_id: int | None = None) -> list[RecordView]:
    """Always masked: lists are seen over shoulders and printed; only for a signed-in user.

    By the head's name or the village; by ID number only when the whole number is typed (its
    keyed hash is looked up): a search by its last characters told the masked digits back one
    at a time (issue 10, case 5).
    """
    require_login(ctx)
    q = match_key(query)
    whole_id = query.strip().upper()
    with ctx.db.reading() as s:
        stmt = select(Household).order_by(Household.village_id, Household.id)
        if village_id is not None:
            stmt = stmt.where(Household.village_id == village_id)
        by_id = find_by_id_number(s, whole_id) if len(whole_id) == 18 else None
        if by_id is not None:
            return [_view(by_id, reveal=False)] if village_id in (None, by_id.village_id) else []
        return [
            _view(h, reveal=False) for h in s.scalars(stmt)
            if not q or q in match_key(h.head_name) or q in match_key(h.village.name)
        ]


def count_households(ctx: ServiceContext) -> tuple[int, int]:
    """How many households and people are registered (nothing personal, nothing to open)."""
    with ctx.db.reading() as s:
        count, people = s.execute(select(func.count(), func.coalesce(func.sum(Household.size), 0))).one()
        return int(count), int(people)


def find_by_id_number(session: Session, id_number: str) -> Household | None:
    """The household with this whole ID number, by its keyed hash."""
    key = key_slots.open_key(session)
    if key is None:
        raise PersonalDataLocked()
    return session.scalar(select(Household).where(Household.id_lookup == key.lookup(id_number)))


def find_by_id_numbers(session: Session, id_numbers: list[str]) -> dict[str, Household]:
    """The households with these whole ID numbers (number → household), by their keyed hashes:
    the clear numbers never reach SQL."""
    key = key_slots.open_key(session)
    if key is None:
        raise PersonalDataLocked()
    by_lookup = {key.lookup(n): n for n in id_numbers}
    found: dict[str, Household] = {}
    lookups = list(by_lookup)
    for start in range(0, len(lookups), _IN_CHUNK):
        chunk = lookups[start:start + _IN_CHUNK]
        for h in session.scalars(select(Household).where(Household.id_lookup.in_(chunk))):
            found[by_lookup[str(h.id_lookup)]] = h
    return found


def get_household(ctx: ServiceContext, household_id: int, why: str = "打开帮扶对象表单") -> RecordView:
    """For the household's own form: the full ID number if this role may see it.

    Every full number shown is audited: who, which household, and ``why`` it was shown.
    """
    require_login(ctx)
    reveal = ctx.can(Permission.VIEW_PERSONAL_DATA)
    with ctx.db.transaction() as s:
        h = s.get(Household, household_id)
        if h is None:
            raise NotFound("找不到这户帮扶对象。")
        if reveal:
            audit.append(s, username=ctx.user.username, action="view_personal", entity=FORM, entity_id=h.id,
                         summary=f"查看完整身份证号（{h.village.name}，{why}）")
        return _view(h, reveal=reveal)


def resolve_village(session: Session, spec: FormSpec, checked: CheckedRecord, township_text: str = "") -> Village | None:
    """The village ``checked`` names (its name or 12-digit code); ``township_text`` tells two of the
    same name apart (an import's 镇（街道） column). Every reason it cannot be found is added to ``checked``."""
    text = checked.values.get("village")
    if not text:
        return None
    township = None
    if township_text:
        township = find_township(session, township_text)
        if township is None:
            checked.add(spec, "township", f"本县没有名为“{township_text}”的镇（街道）")
            return None
    found = find_villages(session, text, township)
    if not found:
        checked.add(spec, "village", f"{township.name if township else '本县'}没有名为（或代码为）“{text}”的村（社区）")
    elif len(found) > 1:
        names = "、".join(f"{v.township.name}{v.name}" for v in found)
        hint = "请填“镇（街道）”或改填 12 位区划代码" if spec.has_field("township") else "请改填 12 位区划代码"
        checked.add(spec, "village", f"“{text}”有重名：{names}，{hint}")
    elif township is not None and found[0].township_id != township.id:  # a code from another township
        checked.add(spec, "township", f"“{found[0].name}”在{found[0].township.name}，不在{township.name}")
    else:
        return found[0]
    return None


def write_household(session: Session, username: str, spec: FormSpec, values: dict[str, Any], village: Village,
                    target: Household | None) -> tuple[int, bool]:
    created = target is None
    target = target or Household()
    before = {} if created else {**snapshot(target, spec), "village": target.village.name}
    session.add(target)  # first: the sealed fields take the key of the session's database
    apply_values(target, spec, values)
    target.village_id = village.id
    session.flush()
    b, a = changed(before, {**snapshot(target, spec), "village": village.name})
    audit.append(session, username=username, action="create" if created else "update", entity=FORM,
                 entity_id=target.id, summary=f"{'新增' if created else '修改'}帮扶对象（{village.name}）", before=b, after=a)
    return target.id, created


def save_household(ctx: ServiceContext, raw: dict[str, Any], household_id: int | None = None, *,
                   expected_version: int | None = None) -> SaveResult:
    """``expected_version``: as in ``save_organization`` (someone else's save since is refused)."""
    ctx.require(Permission.EDIT_HOUSEHOLDS)
    spec = ctx.forms[FORM]
    checked = check_record(spec, raw)
    with refusing_stale(ctx, Household, household_id), ctx.db.transaction() as s:
        if household_id:  # first: the other problems may be those of a stale copy
            stored = s.get(Household, household_id)
            if stored is None:
                raise NotFound("找不到这户帮扶对象。")
            check_version(s, stored, expected_version, ctx.user.username)
        village = resolve_village(s, spec, checked) if checked.ok else None
        if checked.ok:
            clash = find_by_id_number(s, checked.values["id_number"])
            if clash is not None and clash.id != household_id:
                checked.add(spec, "id_number", f"这个身份证号已登记（{clash.village.name}）")
        refuse_if_errors(checked, "帮扶对象")
        assert village is not None
        target = s.get(Household, household_id) if household_id else None
        if household_id and target is None:
            raise NotFound("找不到这户帮扶对象。")
        new_id, created = write_household(s, ctx.user.username, spec, checked.values, village, target)
    return SaveResult(new_id, created, checked.warnings)
