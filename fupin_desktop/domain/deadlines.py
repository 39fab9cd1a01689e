"""The year's deadlines, read from ``forms/calendar/deadlines.toml`` (which the bureau may edit).

Three kinds: ``monthly`` (each month's table by a day of the next month), ``report`` (one of
the year's sealed reports by a date) and ``season`` (a window such as the 年检年报 season).
The loader is strict like the form loader: an unknown key, a missing name or a date that
does not exist is refused with a message saying where.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.periods import Period

__all__ = ["DeadlineFileError", "DeadlineSpec", "Occurrence", "load_deadlines", "occurrences", "parse_deadlines"]

Kind = Literal["monthly", "report", "season", "day"]
KINDS: tuple[str, ...] = ("monthly", "report", "season", "day")
_COMMON = {"key", "name", "kind", "source", "notice_days"}
_KEYS: dict[str, set[str]] = {"monthly": _COMMON | {"day"}, "report": _COMMON | {"report", "due"},
                              "season": _COMMON | {"opens", "due", "year_offset", "check"}, "day": _COMMON | {"due"}}
_REQUIRED: dict[str, set[str]] = {"monthly": {"day"}, "report": {"report", "due"}, "season": {"opens", "due"},
                                  "day": {"due"}}
_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})")
DEFAULT_NOTICE_DAYS = 30
CHECKS = ("", "inspections")  # how a season is known to be done: "" by nothing, "inspections" by the checklist


class DeadlineFileError(CodeError):
    """The deadlines file is malformed; the message says which entry and what is wrong."""


@dataclass(frozen=True)
class DeadlineSpec:
    key: str
    name: str
    kind: Kind
    source: str = ""
    day: int = 0  # monthly: due on this day of the next month
    due: tuple[int, int] = (0, 0)  # report, season: (month, day)
    opens: tuple[int, int] = (0, 0)  # season: (month, day) it opens
    report: str = ""  # report: the report kind's name (pairing-plan …)
    notice_days: int = DEFAULT_NOTICE_DAYS  # report: "due in N days" from this many days before
    year_offset: int = 0  # season: the work year it concerns, relative to the calendar year (年检: -1)
    check: str = ""  # season: what tells it is done ("inspections")


@dataclass(frozen=True)
class Occurrence:
    """One deadline in one year: ``opens`` is when it can be done (and starts counting down)."""

    spec: DeadlineSpec
    name: str
    due: dt.date
    opens: dt.date
    period: str  # the month ("2026-03"), or the year the work concerns ("2026")


def _month_day(text: Any, where: str) -> tuple[int, int]:
    m = _MONTH_DAY.fullmatch(str(text).strip()) if isinstance(text, str) else None
    if m is None:
        raise DeadlineFileError(f"{where}：日期应写成“月-日”，如 \"06-15\"，现为 {text!r}")
    month, day = int(m.group(1)), int(m.group(2))
    try:
        dt.date(2001, month, day)  # not a leap year: 02-29 would vanish three years in four
    except ValueError:
        raise DeadlineFileError(f"{where}：{text} 不是每年都有的日期") from None
    return month, day


def _int(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DeadlineFileError(f"{where}：应为 {low}–{high} 的整数，现为 {value!r}")
    return value


def _spec(data: Any, n: int, source: str) -> DeadlineSpec:
    where = f"{source}第 {n} 个 [[deadline]]"
    if not isinstance(data, dict):
        raise DeadlineFileError(f"{where}：应为一组 键 = 值")
    kind = data.get("kind")
    if kind not in KINDS:
        raise DeadlineFileError(f"{where}：kind 应为 {' | '.join(KINDS)}，现为 {kind!r}")
    unknown = set(data) - _KEYS[kind]
    if unknown:
        raise DeadlineFileError(f"{where}：不认识的键 {', '.join(sorted(unknown))}（{kind} 可用：{', '.join(sorted(_KEYS[kind]))}）")
    missing = ({"key", "name"} | _REQUIRED[kind]) - set(data)
    if missing:
        raise DeadlineFileError(f"{where}：缺少 {', '.join(sorted(missing))}")
    for name in ("key", "name", "source", "report", "check"):
        if name in data and (not isinstance(data[name], str) or (name != "source" and not data[name].strip())):
            raise DeadlineFileError(f"{where}：{name} 应为非空文字")
    where = f"{source}“{data['name']}”"
    values: dict[str, Any] = {"key": data["key"].strip(), "name": data["name"].strip(), "kind": kind,
                              "source": data.get("source", "")}
    if "notice_days" in data:
        values["notice_days"] = _int(data["notice_days"], f"{where} notice_days", 0, 366)
    if kind == "monthly":
        values["day"] = _int(data["day"], f"{where} day", 1, 28)
    if kind in ("report", "season", "day"):
        values["due"] = _month_day(data["due"], f"{where} due")
    if kind == "report":
        values["report"] = data["report"].strip()
    if kind == "season":
        values["opens"] = _month_day(data["opens"], f"{where} opens")
        if values["opens"] > values["due"]:
            raise DeadlineFileError(f"{where}：opens 应不晚于 due（同一年内）")
        if "year_offset" in data:
            values["year_offset"] = _int(data["year_offset"], f"{where} year_offset", -1, 0)
        values["check"] = data.get("check", "").strip()
        if values["check"] not in CHECKS:
            raise DeadlineFileError(f"{where}：check 应为 {' 或 '.join(c for c in CHECKS if c)}，现为 {data['check']!r}")
    return DeadlineSpec(**values)


def parse_deadlines(text: str, source: str = "") -> list[DeadlineSpec]:
    label = f"{source}：" if source else ""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeadlineFileError(f"{label}不是有效的 TOML：{exc}") from None
    unknown = set(data) - {"deadline"}
    if unknown:
        raise DeadlineFileError(f"{label}不认识的表 {', '.join(sorted(unknown))}（只应有 [[deadline]]）")
    entries = data.get("deadline")
    if not isinstance(entries, list) or not entries:
        raise DeadlineFileError(f"{label}没有任何 [[deadline]]")
    specs = [_spec(item, n, source) for n, item in enumerate(entries, start=1)]
    keys = [s.key for s in specs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise DeadlineFileError(f"{label}key 重复：{', '.join(repeated)}")
    return specs


def load_deadlines(path: Path) -> list[DeadlineSpec]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DeadlineFileError(f"读不出期限文件 {path}：{exc}") from None
    return parse_deadlines(text, source=Path(path).name)


def _on(year: int, month_day: tuple[int, int]) -> dt.date:
    return dt.date(year, *month_day)


def occurrences(specs: list[DeadlineSpec], year: int) -> list[Occurrence]:
    """Every deadline of the year's work, in date order.

    The monthly tables are those of January to December of ``year`` (December's is due in
    January of the next year); a season's ``period`` is the work year it concerns.
    """
    out: list[Occurrence] = []
    for spec in specs:
        if spec.kind == "monthly":
            for month in Period.annual(year).months():
                after = month.last_day + dt.timedelta(days=1)
                out.append(Occurrence(spec, f"{spec.name}（{month.label_zh}）", dt.date(after.year, after.month, spec.day),
                                      after, str(month)))
        elif spec.kind in ("report", "day"):
            due = _on(year, spec.due)
            out.append(Occurrence(spec, f"{spec.name}（{year}年）", due, due - dt.timedelta(days=spec.notice_days),
                                  str(year)))
        else:
            work = year + spec.year_offset
            out.append(Occurrence(spec, f"{spec.name}（{work}年度）", _on(year, spec.due), _on(year, spec.opens),
                                  str(work)))
    out.sort(key=lambda o: (o.due, o.spec.key))
    return out
