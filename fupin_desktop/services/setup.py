"""Setting up a bureau's database: its name, its county and the county's places."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin_desktop.domain.division_code import parse_division_code
from fupin_desktop.domain.text import clean_text
from fupin_desktop.errors import KnownError
from fupin_desktop.intake.division_table import DivisionTable, load_division_table
from fupin_desktop.services.users import add_user_unchecked
from fupin_desktop.store import audit
from fupin_desktop.store.db import Database
from fupin_desktop.store.models import Setting, Township, Village


def _set(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def sync_places(session: Session, table: DivisionTable, county: str) -> tuple[int, int, int]:
    """Add or rename the county's townships and villages from a division table.

    Units missing from a newer table are kept (pairings may point at them). Returns
    (added, renamed, kept-missing) counts.
    """
    townships, villages = table.county_units(county)
    if not townships:
        raise KnownError(f"区划代码表（{table.meta.data_year} 年）里没有代码为 {county} 的县级单位。")
    added = renamed = 0
    by_code = {t.code: t for t in session.scalars(select(Township))}
    for unit in townships:
        row = by_code.get(unit.code)
        if row is None:
            row = Township(code=unit.code, name=unit.name)
            session.add(row)
            by_code[unit.code] = row
            added += 1
        elif row.name != unit.name:
            row.name, renamed = unit.name, renamed + 1
    session.flush()
    existing = {v.code: v for v in session.scalars(select(Village))}
    for unit in villages:
        row = existing.pop(unit.code, None)
        if row is None:
            session.add(Village(code=unit.code, name=unit.name, township_id=by_code[unit.code[:9]].id, flags=[]))
            added += 1
        elif row.name != unit.name:
            row.name, renamed = unit.name, renamed + 1
    session.flush()
    return added, renamed, len(existing)


def initialize(db: Database, *, bureau: str, division: str, admin: str, password: str,
               table: DivisionTable | None = None) -> None:
    """First start of a bureau: name, county code, places, and the first administrator."""
    code = parse_division_code(division)
    if code.level not in ("county", "city", "province"):
        raise KnownError(f"区划代码应为县级（如 350582）或市级、省级（如 350500、350000）代码，而不是 {division}。")
    # A city or provincial bureau receives and adds up the counties' submissions; it keeps no
    # village register of its own, so only a county loads its townships and villages.
    six = code.code.ljust(6, "0")
    table = table or load_division_table()
    with db.transaction() as s:
        if s.get(Setting, "bureau_name") is not None:
            raise KnownError("这个数据库已经初始化过了。")
        name = clean_text(bureau)
        if not name:
            raise KnownError("请填写单位名称，如“晋江市民政局”。")
        _set(s, "bureau_name", name)
        _set(s, "division_code", six)
        _set(s, "division_year", str(table.meta.data_year))
        added = sync_places(s, table, code.code)[0] if code.level == "county" else 0
        audit.append(s, username="system", action="init", entity="setting", entity_id=six,
                     summary=f"初始化：{name}（{six}），载入 {table.meta.data_year} 年区划 {added} 个单位",
                     after={"bureau_name": name, "division_code": six,
                            "division_year": table.meta.data_year})
        add_user_unchecked(s, "system", admin, password, "admin", "管理员")


def mark_demo(db: Database) -> None:
    with db.transaction() as s:
        _set(s, "demo", "1")
