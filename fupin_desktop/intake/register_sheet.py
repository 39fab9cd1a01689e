"""Mapping a register sheet (社会组织名册, 结对帮扶名单) to raw form records.

The sheet is found by the form's ``sheet`` name, else as the first visible sheet with a
header row; the header row is looked for in the first rows, each cell compared by
:func:`match_key` with every title a field accepts (its label and aliases), also without
a required marker (``*``) or a note in brackets (``（必填）``). A two-row header, such as
``项目1`` merged over ``名称 / 帮扶领域 …``, is read as ``项目1名称``. Nothing is coerced
here: the values go to the form's checks as the cells hold them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fupin_desktop.domain.formspec import FormSpec, RepeatSpec
from fupin_desktop.domain.text import clean_text, match_key
from fupin_desktop.errors import FieldProblem
from fupin_desktop.intake.workbook import Sheet, Workbook, filled_rows

__all__ = ["HEADER_SCAN_ROWS", "SheetRecords", "SheetRow", "read_records", "repeat_key"]

HEADER_SCAN_ROWS = 20
_NOTE_PREFIXES = ("说明", "填表说明", "注：", "注:", "备注：", "备注:")
_BRACKETED = re.compile(r"[（(【\[][^（()）【】\[\]]*[）)】\]]")
_MARKS = "*＊※ \u3000\t\r\n"
_CN_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class SheetRow:
    row: int  # 1-based Excel row number
    raw: dict[str, Any]  # field name → cell value, for the fields the sheet has a column for
    repeats: list[dict[str, Any]] = field(default_factory=list)  # filled repeat groups, in order
    repeat_slots: list[int] = field(default_factory=list)  # the group number (1, 2 …) of each repeat


@dataclass
class SheetRecords:
    sheet: str
    rows: list[SheetRow]
    problems: list[FieldProblem]
    header_row: int = 0  # 1-based; 0 when no header row was found
    columns: dict[str, str] = field(default_factory=dict)  # field key → column title as written in the file


def repeat_key(sub: FormSpec, n: int, field_name: str) -> str:
    """Key of a repeated sub-field (``project2.budget_fen``), as the pairing checks name them."""
    return f"{sub.name}{n}.{field_name}"


@dataclass(frozen=True)
class _Target:
    key: str  # field name, or repeat_key(...) for a repeated sub-field
    field: str  # the field's name in its own form
    slot: int  # 0 for the main form, n for repeat group n
    label: str  # the column title the template uses
    required: bool  # a column the sheet must have
    headers: tuple[str, ...]


def _prefixes(repeat: RepeatSpec, n: int) -> list[str]:
    out = [repeat.prefix.format(n=n), f"{repeat.title}{n}"]
    if n <= len(_CN_NUMERALS):
        out.append(repeat.prefix.format(n=_CN_NUMERALS[n - 1]))
    return list(dict.fromkeys(out))


def _targets(spec: FormSpec, sub: FormSpec | None) -> list[_Target]:
    targets = [
        _Target(f.name, f.name, 0, f.label, f.required and f.default is None, f.headers) for f in spec.fields
    ]
    if spec.repeat is not None and sub is not None:
        for n in range(1, spec.repeat.max + 1):
            prefixes = _prefixes(spec.repeat, n)
            for f in sub.fields:
                headers = tuple(p + h for h in f.headers for p in prefixes)
                required = f.required and f.default is None and n <= spec.repeat.min
                targets.append(_Target(repeat_key(sub, n, f.name), f.name, n, prefixes[0] + f.label, required, headers))
    return targets


def _title(value: Any) -> str:
    """A header cell as text without required markers around it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value)).strip(_MARKS)


def _keys(text: str) -> list[str]:
    """Comparison keys of a title: as written, then without bracketed notes."""
    keys = [match_key(text), match_key(_BRACKETED.sub("", text))]
    return [k for k in dict.fromkeys(keys) if k]


class _Matcher:
    def __init__(self, targets: list[_Target]) -> None:
        self.targets = targets
        self.index: dict[str, list[tuple[int, int]]] = {}  # key → [(rank, target index)]
        for t_index, target in enumerate(targets):
            for h_index, header in enumerate(target.headers):
                for k_index, key in enumerate(_keys(header)):
                    self.index.setdefault(key, []).append((h_index * 2 + k_index, t_index))

    def best(self, text: str) -> tuple[int, int] | None:
        """(score, target index) for a column title; lower scores are closer matches."""
        found = []
        for penalty, key in enumerate(_keys(text)):
            found += [(rank * 2 + penalty, t) for rank, t in self.index.get(key, ())]
        return min(found) if found else None

    def header(self, rows: list[list[Any]], r: int) -> tuple[dict[str, int], dict[str, str]]:
        """Columns of header row ``r``: target key → column index, and → title as written."""
        per_column: dict[int, tuple[int, int, str]] = {}
        above = rows[r - 1] if r > 0 else []
        for c, cell in enumerate(rows[r]):
            text = _title(cell)
            if not text:
                continue
            options = [text]
            parent = _title(above[c]) if c < len(above) else ""
            if parent and parent != text:
                options.append(parent + text)
            for option in options:
                hit = self.best(option)
                if hit and (c not in per_column or hit < per_column[c][:2]):
                    per_column[c] = (*hit, option)
        chosen: dict[int, tuple[int, int, str]] = {}  # target → (score, column, title)
        for c, (score, t, title) in per_column.items():
            if t not in chosen or (score, c) < chosen[t][:2]:
                chosen[t] = (score, c, title)
        columns = {self.targets[t].key: c for t, (_, c, _) in chosen.items()}
        titles = {self.targets[t].key: title for t, (_, _, title) in chosen.items()}
        return columns, titles


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_note(row: list[Any]) -> bool:
    first = next((v for v in row if not _blank(v)), None)
    return isinstance(first, str) and clean_text(first).startswith(_NOTE_PREFIXES)


def _is_header_again(matcher: _Matcher, cells: dict[str, Any]) -> bool:
    """A header row repeated below the first (sheets pasted one under another)."""
    hits = 0
    for key, value in cells.items():
        hit = matcher.best(_title(value)) if isinstance(value, str) and value.strip() else None
        if hit is not None and matcher.targets[hit[1]].key == key:
            hits += 1
    return hits >= max(2, (len(cells) + 1) // 2)


def _find_header(matcher: _Matcher, rows: list[list[Any]]) -> tuple[int, dict[str, int], dict[str, str]] | None:
    best: tuple[int, dict[str, int], dict[str, str]] | None = None
    needed = min(2, len(matcher.targets))
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        columns, titles = matcher.header(rows, r)
        if len(columns) >= needed and (best is None or len(columns) > len(best[1])):
            best = (r, columns, titles)
    return best


def read_records(workbook: Workbook, spec: FormSpec, sub: FormSpec | None = None) -> SheetRecords:
    """The data rows of the sheet holding ``spec``'s records; ``problems`` when its columns will not do."""
    targets = _targets(spec, sub)
    matcher = _Matcher(targets)
    wanted = match_key(spec.sheet or spec.title)
    named = [s for s in workbook.sheets if match_key(s.name) == wanted]
    others = [s for s in workbook.sheets if s not in named and not s.hidden]
    found: tuple[Sheet, list[list[Any]], int, dict[str, int], dict[str, str]] | None = None
    for sheet in named + others:
        rows = filled_rows(sheet)
        header = _find_header(matcher, rows)
        if header is not None:
            found = (sheet, rows, *header)
            break
    if found is None:
        labels = [t.label for t in targets if t.required][:3] or [t.label for t in targets[:3]]
        examples = "」「".join(labels)
        message = (f"找不到「{spec.sheet}」工作表，也没有哪个工作表的前 {HEADER_SCAN_ROWS} 行含有"
                   f"「{examples}」等列名。请使用本程序导出的{spec.title}模板填写。")
        return SheetRecords("", [], [FieldProblem("", "", message, file=workbook.file_name)])
    sheet, rows, header_index, columns, titles = found
    problems = [
        FieldProblem(t.key, t.label, f"缺少「{t.label}」列（必填），请按模板补上这一列", header_index + 1, sheet.name,
                     workbook.file_name)
        for t in targets if t.required and t.key not in columns
    ]
    by_key = {t.key: t for t in targets}
    slots = sorted({t.slot for t in targets if t.slot})
    records: list[SheetRow] = []
    for r in range(header_index + 1, len(rows)):
        row = rows[r]
        cells = {key: (row[c] if c < len(row) else None) for key, c in columns.items()}
        if all(_blank(v) for v in cells.values()) or _is_note(row) or _is_header_again(matcher, cells):
            continue
        raw = {by_key[k].field: v for k, v in cells.items() if by_key[k].slot == 0}
        repeats, used = [], []
        for n in slots:
            group = {by_key[k].field: v for k, v in cells.items() if by_key[k].slot == n}
            if any(not _blank(v) for v in group.values()):
                repeats.append(group)
                used.append(n)
        records.append(SheetRow(r + 1, raw, repeats, used))
    return SheetRecords(sheet.name, records, problems, header_index + 1, titles)
