"""Installation facts kept in the database (bureau name, division code, demo flag)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin_desktop.errors import KnownError
from fupin_desktop.store.db import Database
from fupin_desktop.store.models import Setting


@dataclass(frozen=True)
class Bureau:
    name: str
    division_code: str  # 6-digit county code
    division_year: int


AGENCY_CODE = "agency_code"  # 机关代字 of the 发文字号, e.g. 晋民


def get_setting(db: Database, key: str) -> str | None:
    with db.reading() as s:
        return s.scalar(select(Setting.value).where(Setting.key == key))


def get_settings(db: Database, prefix: str) -> dict[str, str]:
    """Every setting whose key starts with ``prefix``."""
    with db.reading() as s:
        return dict(s.execute(select(Setting.key, Setting.value).where(Setting.key.startswith(prefix))).all())


def put_settings(session: Session, values: dict[str, str | None]) -> dict[str, str | None]:
    """Set (or with None remove) settings inside an open transaction; returns the values before."""
    before: dict[str, str | None] = {}
    for key, value in values.items():
        row = session.get(Setting, key)
        before[key] = row.value if row is not None else None
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
    session.flush()
    return before


def bureau(db: Database) -> Bureau:
    with db.reading() as s:
        values = dict(s.execute(select(Setting.key, Setting.value)).all())
    if "bureau_name" not in values:
        raise KnownError("数据库尚未初始化：请先运行 fupin init（或 fupin demo 生成演示数据）。")
    return Bureau(values["bureau_name"], values["division_code"], int(values.get("division_year", "0")))
