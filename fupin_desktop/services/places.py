"""镇/街道, 村/社区 and 福利机构: the places pairings point at."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fupin_desktop.domain.division_code import parse_division_code
from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.records import check_record
from fupin_desktop.domain.text import match_key
from fupin_desktop.errors import NotFound
from fupin_desktop.intake.division_table import DivisionTable, load_division_table
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.records import (
    RecordView,
    SaveResult,
    apply_values,
    changed,
    refuse_if_errors,
    snapshot,
)
from fupin_desktop.services.versions import check_version, refusing_stale
from fupin_desktop.store import audit
from fupin_desktop.store.models import Household, Institution, Pairing, Setting, Township, Village

_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村")


def place_key(name: str) -> str:
    """Compare village names without their 村委会/社区 suffix: 梅岭社区居委会 ≈ 梅岭社区 ≈ 梅岭."""
    key = match_key(name)
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key[: -len(suffix)]
            break
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key


def list_townships(ctx: ServiceContext) -> list[RecordView]:
    with ctx.db.reading() as s:
        counts = dict(s.execute(select(Village.township_id, func.count()).group_by(Village.township_id)).all())
        return [
            RecordView(t.id, {"code": t.code, "name": t.name},
                       {"villages": counts.get(t.id, 0), "kind": parse_division_code(t.code).township_kind})
            for t in s.scalars(select(Township).order_by(Township.code))
        ]


def _village_view(v: Village) -> RecordView:
    return RecordView(v.id, {"code": v.code, "name": v.name, "flags": list(v.flags or [])},
                      {"township": v.township.name, "township_id": v.township_id,
                       "kind": parse_division_code(v.code).village_kind}, version=v.version)


def get_village(ctx: ServiceContext, village_id: int) -> RecordView:
    with ctx.db.reading() as s:
        village = s.get(Village, village_id)
        if village is None:
            raise NotFound("找不到这个村（社区）。")
        return _village_view(village)


def list_villages(ctx: ServiceContext, township_id: int | None = None, query: str = "") -> list[RecordView]:
    q = match_key(query)
    with ctx.db.reading() as s:
        stmt = select(Village).order_by(Village.code)
        if township_id is not None:
            stmt = stmt.where(Village.township_id == township_id)
        rows = []
        for v in s.scalars(stmt):
            if q and q not in match_key(v.name) and not v.code.startswith(q) and q not in match_key(v.township.name):
                continue
            rows.append(_village_view(v))
        return rows


def set_village_flags(ctx: ServiceContext, village_id: int, flags: list[str], *,
                      expected_version: int | None = None) -> None:
    """``expected_version``: as in ``save_organization`` (someone else's save since is refused)."""
    ctx.require(Permission.SET_VILLAGE_FLAGS)
    checked = check_record(ctx.forms["village"], {"flags": flags}, partial=True)
    refuse_if_errors(checked, "村情标识")
    with refusing_stale(ctx, Village, village_id), ctx.db.transaction() as s:
        village = s.get(Village, village_id)
        if village is None:
            raise NotFound("找不到这个村（社区）。")
        check_version(s, village, expected_version, ctx.user.username)
        before = list(village.flags or [])
        village.flags = checked.values["flags"]
        if before != village.flags:
            audit.append(s, username=ctx.user.username, action="update", entity="village", entity_id=village.id,
                         summary=f"设置 {village.name} 村情标识", before={"flags": before},
                         after={"flags": village.flags})


@lru_cache(maxsize=1)
def division_table() -> DivisionTable:
    """The shipped national table (loaded once, ~0.3 s): 对口支援 targets anywhere in China."""
    return load_division_table()


def bureau_county(session: Session) -> str:
    """The bureau's own 6-digit county code ('' before set-up)."""
    row = session.get(Setting, "division_code")
    return row.value if row is not None else ""


def remote_places(ctx: ServiceContext, text: str, limit: int = 30) -> list[tuple[str, str]]:
    """(full name, code) of counties, townships and villages outside the bureau's county whose
    name contains ``text`` or whose code starts with it: the targets of 对口支援 (000: 三区三州)."""
    table = division_table()
    with ctx.db.reading() as s:
        own = bureau_county(s)
    found = [u for u in table.search(text, limit=limit * 3) if len(u.code) >= 6 and not (own and u.code.startswith(own))]
    return [(table.full_name(u.code), u.code) for u in found[:limit]]


def find_township(session: Session, text: str) -> Township | None:
    key = match_key(text)
    if not key:
        return None
    for t in session.scalars(select(Township)):
        if key in (t.code, match_key(t.name)) or place_key(t.name) == place_key(text):
            return t
    return None


def find_villages(session: Session, text: str, township: Township | None = None) -> list[Village]:
    """Villages meant by a name or a code (several when a name repeats across townships)."""
    try:
        code = parse_division_code(str(text)).code
    except CodeError:
        code = ""
    if len(code) == 12:
        village = session.scalar(select(Village).where(Village.code == code))
        return [village] if village else []
    key = place_key(text)
    stmt = select(Village)
    if township is not None:
        stmt = stmt.where(Village.township_id == township.id)
    return [v for v in session.scalars(stmt) if place_key(v.name) == key]


def reload_division_table(ctx: ServiceContext, path: Path, data_year: int | None = None) -> tuple[int, int, int]:
    """Load a newer year's 统计用区划代码 table: adds new units, renames changed ones, keeps the rest.
    Returns (added, renamed, no longer in the table); the preview and apply steps are in
    ``services.division_update``."""
    from fupin_desktop.services.division_update import apply_division_table, preview_division_table

    done = apply_division_table(ctx, preview_division_table(ctx, path, data_year))
    return done.added, done.renamed, done.retired


# --- 福利机构 -----------------------------------------------------------------------------

INSTITUTION = "institution"


def _institution_view(ctx: ServiceContext, i: Institution) -> RecordView:
    return RecordView(i.id, {**snapshot(i, ctx.forms[INSTITUTION]), "township": i.township.name}, version=i.version)


def list_institutions(ctx: ServiceContext) -> list[RecordView]:
    with ctx.db.reading() as s:
        return [_institution_view(ctx, i) for i in s.scalars(select(Institution).order_by(Institution.name))]


def get_institution(ctx: ServiceContext, institution_id: int) -> RecordView:
    with ctx.db.reading() as s:
        institution = s.get(Institution, institution_id)
        if institution is None:
            raise NotFound("找不到这个福利机构。")
        return _institution_view(ctx, institution)


def save_institution(ctx: ServiceContext, raw: dict[str, Any], institution_id: int | None = None, *,
                     expected_version: int | None = None) -> SaveResult:
    """``expected_version``: as in ``save_organization`` (someone else's save since is refused)."""
    ctx.require(Permission.EDIT_REGISTER)
    spec = ctx.forms[INSTITUTION]
    checked = check_record(spec, raw)
    with refusing_stale(ctx, Institution, institution_id), ctx.db.transaction() as s:
        if institution_id:  # first: the other problems may be those of a stale copy
            stored = s.get(Institution, institution_id)
            if stored is None:
                raise NotFound("找不到这个福利机构。")
            check_version(s, stored, expected_version, ctx.user.username)
        township = find_township(s, checked.values.get("township") or "")
        if checked.ok and township is None:
            checked.add(spec, "township", f"本县没有名为“{checked.values.get('township')}”的镇（街道）")
        refuse_if_errors(checked, "福利机构")
        assert township is not None
        clash = s.scalar(select(Institution).where(Institution.name == checked.values["name"]))
        if clash is not None and clash.id != institution_id:
            checked.add(spec, "name", "已有同名的福利机构")
            refuse_if_errors(checked, "福利机构")
        target = s.get(Institution, institution_id) if institution_id else Institution()
        if target is None:
            raise NotFound("找不到这个福利机构。")
        before = {**snapshot(target, spec), "township": target.township.name} if institution_id else {}
        apply_values(target, spec, checked.values)
        target.township_id = township.id
        s.add(target)
        s.flush()
        b, a = changed(before, {**snapshot(target, spec), "township": township.name})
        audit.append(s, username=ctx.user.username, action="update" if institution_id else "create",
                     entity=INSTITUTION, entity_id=target.id, summary=f"保存福利机构 {target.name}", before=b, after=a)
        return SaveResult(target.id, institution_id is None, checked.warnings)


def village_stats(ctx: ServiceContext) -> dict[int, dict[str, int]]:
    """Per village: households and pairings (for the places page)."""
    with ctx.db.reading() as s:
        households = dict(s.execute(select(Household.village_id, func.count()).group_by(Household.village_id)).all())
        pairings = dict(s.execute(
            select(Pairing.village_id, func.count()).where(Pairing.village_id.is_not(None)).group_by(Pairing.village_id)
        ).all())
    return {vid: {"households": households.get(vid, 0), "pairings": pairings.get(vid, 0)}
            for vid in set(households) | set(pairings)}

