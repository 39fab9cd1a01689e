"""Reading a township's monthly 合作村社帮扶工作开展情况统计表 as the township sent it.

What arrives is our own template filled in, or the seed's table (晋政民〔2020〕28号 附件)
typed by hand: a title, 填报单位 / 填报时间 written as text, a header of one or two rows
(合作村社 merged over 村（社区）/ 社会组织名称), merged village cells, blank, 小计 and
note rows, extra columns, on any sheet of the workbook. This module finds the sheet and the
header, maps columns to the form's fields and returns every data row with its cells as
read; the form's ``coerce`` and the service's checks judge the values. Structural problems
are returned, never raised.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.formspec import FieldSpec, FormSpec
from fupin_desktop.domain.periods import Period, parse_loose_date
from fupin_desktop.domain.text import clean_text, match_key, to_halfwidth_digits
from fupin_desktop.errors import FieldProblem
from fupin_desktop.intake.workbook import Sheet, Workbook, WorkbookError, filled_rows

__all__ = ["HEADER_SCAN_ROWS", "TEXT_FIELDS", "MonthlySheet", "MonthlySheetRow", "read_monthly_sheet"]

HEADER_SCAN_ROWS = 30
TEXT_FIELDS = ("village", "organization", "content", "progress")  # the seed's own columns, required
_MARKS = "*＊※ \u3000\t\r\n"
_TRAILING_BRACKET = re.compile(r"[（(【\[]([^（()）【】\[\]]*)[）)】\]]$")
_NOTE = re.compile(r"^(备注|说明|填表说明|注[:：]|注\d|注意)")
_SIGN = re.compile(r"^(填表人|填报人|制表人|联系人|联系电话|审核人|负责人|单位负责人)")
_TOTAL_WORDS = "合计|小计|总计|共计"
_TOTAL_EXACT = re.compile(rf"^({_TOTAL_WORDS})[:：]?$")
_TOTAL_LABEL = re.compile(rf"^.{{0,10}}?({_TOTAL_WORDS})([:：]|[（(][^）)]{{0,16}}[）)])?$")
_UNIT_LABEL = re.compile(r"填报单位(?:名称)?\s*(?:[（(]\s*(?:盖章|公章|章)\s*[）)])?\s*[:：]?")
_TIME_LABEL = re.compile(r"填报(?:时间|日期)\s*[:：]?")
_ANY_LABEL = re.compile(r"填报单位|填报时间|填报日期|填表人|填报人|制表人|联系人|联系电话|审核人|单位负责人")
_SEAL = re.compile(r"[（(]\s*(?:盖章|公章|章)\s*[）)]")
_DATE_IN_TEXT = re.compile(r"\d{4}\s*[年.\-/]\s*\d{1,2}\s*[月.\-/]\s*\d{1,2}\s*[日号]?")
_MONTH_IN_TEXT = re.compile(r"\d{4}\s*(?:年\s*\d{1,2}\s*月|[.\-/]\s*\d{1,2})")
_ANNEX = re.compile(r"^附件\s*\d*[:：]?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class MonthlySheetRow:
    row: int  # 1-based sheet row
    values: dict[str, Any]  # field name → raw cell value as read (not coerced); only fields with a column


@dataclass
class MonthlySheet:
    file_name: str
    sheet: str
    unit_text: str | None  # 填报单位 as written (a trailing （盖章） removed)
    filled_text: str | None  # 填报时间 as written
    filled_on: dt.date | Period | None  # 填报时间 parsed; a Period when only a month is written
    columns: dict[str, int]  # field name → 0-based column
    rows: list[MonthlySheetRow]
    skipped: list[tuple[int, str]]  # (1-based row, why): blank / 合计 / 小计 / note rows
    problems: list[FieldProblem]
    title_text: str | None = None  # the title row as written
    title_period: Period | None = None  # a month named in the title: …统计表（2020年5月）
    header_row: int = 0  # 1-based last header row; 0 when no header was found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _title(value: Any) -> str:
    """A header cell as text without required markers; line breaks go with ``match_key``."""
    return _text(value).replace("*", "").strip(_MARKS)


def _variants(text: str) -> list[tuple[str, str]]:
    """(key, unit written in a trailing bracket) for a title as written and without the bracket."""
    out = [(match_key(text), "")]
    m = _TRAILING_BRACKET.search(text)
    if m and text[: m.start()].strip():
        unit = re.sub(r"单位|[:：\s]", "", m.group(1))
        out.append((match_key(text[: m.start()]), unit))
    return [(k, u) for k, u in out if k]


@dataclass
class _Header:
    row: int  # 0-based last header row
    first: int  # 0-based first header row
    columns: dict[str, int]
    units: dict[str, str]  # field → unit written in its header bracket
    own: int  # matches found in the last header row itself

    @property
    def score(self) -> tuple[int, int]:
        return sum(1 for f in TEXT_FIELDS if f in self.columns), len(self.columns)


class _Matcher:
    def __init__(self, spec: FormSpec) -> None:
        self.fields = {f.name: f for f in spec.fields}
        self.groups = {match_key(f.group) for f in spec.fields if f.group}
        self.index: dict[str, list[tuple[int, str]]] = {}
        for f in spec.fields:
            headers = list(f.headers) + [f.group + h for h in f.headers if f.group]
            for h_rank, header in enumerate(headers):
                for v_rank, (key, _unit) in enumerate(_variants(_title(header))):
                    self.index.setdefault(key, []).append((h_rank * 2 + v_rank, f.name))

    def best(self, text: str) -> tuple[int, str, str] | None:
        """(score, field, unit in brackets) for a column title; lower scores are closer."""
        found = [
            (rank * 2 + penalty, name, unit)
            for penalty, (key, unit) in enumerate(_variants(text))
            for rank, name in self.index.get(key, ())
        ]
        return min(found) if found else None

    def header_at(self, rows: list[list[Any]], r: int) -> _Header:
        row, above = rows[r], (rows[r - 1] if r > 0 else [])
        per_field: dict[str, tuple[int, int, str, bool]] = {}  # field → (score, column, unit, own)
        used_above = False
        for c in range(max(len(row), len(above))):
            text = _title(row[c]) if c < len(row) else ""
            parent = _title(above[c]) if c < len(above) else ""
            options = [(text, True)] if text else [(parent, False)] if parent else []
            if text and parent and parent != text:
                options.append((parent + text, True))
            for option, own in options:
                hit = self.best(option)
                if hit is None:
                    continue
                score, name, unit = hit
                if name not in per_field or (score, c) < per_field[name][:2]:
                    per_field[name] = (score, c, unit, own)
                    used_above = used_above or not own
        columns = {name: c for name, (_, c, _, _) in per_field.items()}
        units = {name: unit for name, (_, _, unit, _) in per_field.items() if unit}
        own = sum(1 for *_, o in per_field.values() if o)
        first = r
        if r > 0 and (used_above or any(match_key(_title(v)) in self.groups for v in above)):
            first = r - 1
        return _Header(r, first, columns, units, own)

    def find_header(self, rows: list[list[Any]]) -> _Header | None:
        best: _Header | None = None
        for r in range(min(HEADER_SCAN_ROWS, len(rows))):
            header = self.header_at(rows, r)
            if header.own and len(header.columns) >= 2 and (best is None or header.score > best.score):
                best = header
        return best


def _pick_sheet(workbook: Workbook, spec: FormSpec, matcher: _Matcher) -> tuple[Sheet, list[list[Any]], _Header] | None:
    wanted = {match_key(spec.sheet), match_key(spec.title)}
    best: tuple[tuple[int, int, bool, bool], Sheet, list[list[Any]], _Header] | None = None
    for sheet in workbook.sheets:
        if sheet.hidden:
            continue
        try:
            rows = filled_rows(sheet)
        except WorkbookError:
            rows = [list(r) for r in sheet.rows]
        header = matcher.find_header(rows)
        if header is None:
            continue
        rank = (*header.score, "说明" not in sheet.name, match_key(sheet.name) in wanted)
        if best is None or rank > best[0]:
            best = (rank, sheet, rows, header)
    return None if best is None else best[1:]


def _cells(row: list[Any], columns: dict[str, int]) -> dict[str, Any]:
    return {name: (row[c] if c < len(row) else None) for name, c in columns.items()}


def _classify(row: list[Any], cells: dict[str, Any], matcher: _Matcher) -> str:
    """Why a row is not data ("" when it is). Runs for every row, so text is cleaned only when needed."""
    first = next((v for v in row if not _blank(v)), None)
    if first is None:
        return "空行"
    if isinstance(first, str):
        lead = _text(first).replace(" ", "")
        if _NOTE.match(lead):
            return "备注/说明行"
        if _SIGN.match(lead):
            return "填表人/联系电话行"
    for name, value in cells.items():
        if not (isinstance(value, str) and "计" in value):  # 合计 小计 总计 共计
            continue
        pattern = _TOTAL_EXACT if name in ("content", "progress") else _TOTAL_LABEL
        m = pattern.match(_text(value).replace(" ", ""))
        if m:
            return f"{m.group(1)}行"
    if all(_blank(v) for v in cells.values()):
        return "空行"
    numbered = isinstance(cells.get("seq"), int | float)  # a numbered row is data, not a repeated header
    if not numbered and sum(1 for v in cells.values() if isinstance(v, str) and matcher.best(_title(v))) >= 2:
        return "重复的表头行"
    if all(_blank(v) for k, v in cells.items() if k != "seq"):
        return "只有序号，其余为空"
    return ""


# --- 填报单位 / 填报时间 / title ------------------------------------------------------------------


def _pieces(row: list[Any]) -> list[tuple[int, Any]]:
    """(column, text line or date) for each non-blank cell of a row, multi-line cells split."""
    out: list[tuple[int, Any]] = []
    for c, value in enumerate(row):
        if isinstance(value, dt.date | int | float) and not isinstance(value, bool):
            out.append((c, value))
        elif not _blank(value):
            out += [(c, line) for line in str(value).splitlines() if line.strip()]
    return out


def _after_label(pieces: list[tuple[int, Any]], i: int, m: re.Match[str], below: list[tuple[int, Any]]) -> Any:
    text = pieces[i][1]
    rest = text[m.end():]
    stop = _ANY_LABEL.search(rest)
    value = clean_text(rest[: stop.start()] if stop else rest).strip(" :：")
    if value or stop:
        return value
    column = pieces[i][0]
    for candidate in (pieces[i + 1: i + 2], [p for p in below if p[0] >= column][:1]):
        for _c, nxt in candidate:
            if isinstance(nxt, dt.date | int | float) or not _ANY_LABEL.search(str(nxt)):
                return nxt
    return ""


def _find_labels(rows: list[list[Any]]) -> tuple[Any, Any]:
    unit: Any = None
    time: Any = None
    for r, row in enumerate(rows):
        pieces = _pieces(row)
        below = _pieces(rows[r + 1]) if r + 1 < len(rows) else []
        for i, (_c, piece) in enumerate(pieces):
            if not isinstance(piece, str):
                continue
            m = _UNIT_LABEL.search(piece)
            if m and unit is None:
                unit = _after_label(pieces, i, m, below) or None
            m = _TIME_LABEL.search(piece)
            if m and time is None:
                time = _after_label(pieces, i, m, below) or None
    return unit, time


def _unit_text(value: Any) -> str | None:
    text = _SEAL.sub("", _text(value)).strip(" :：") if value is not None else ""
    return text or None


def _filled(value: Any) -> tuple[str | None, dt.date | Period | None, str]:
    """(text as written, parsed, why not parsed) for a 填报时间 value."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), value.date(), ""
    if isinstance(value, dt.date):
        return value.isoformat(), value, ""
    if isinstance(value, float | int) and 20000 < value < 80000:  # an Excel serial day number
        day = _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return day.isoformat(), day, ""
    text = _text(value)
    if not re.sub(r"[年月日号\s._/-]", "", text):
        return None, None, ""  # blank or the printed placeholder "    年  月  日"
    plain = to_halfwidth_digits(text)
    m = _DATE_IN_TEXT.search(plain) or _MONTH_IN_TEXT.search(plain)
    try:
        return text, parse_loose_date(m.group(0) if m else plain), ""
    except CodeError as err:
        return text, None, str(err)


def _title_of(rows: list[list[Any]]) -> tuple[str | None, Period | None]:
    for row in rows:
        pieces = [p for _c, p in _pieces(row) if isinstance(p, str) and not _ANNEX.match(clean_text(p))]
        if not pieces or any(_ANY_LABEL.search(p) for p in pieces):
            continue
        title = clean_text(pieces[0])
        m = re.search(r"(\d{4})\s*(?:年\s*(\d{1,2})\s*月|[-.](\d{1,2})(?!\d))", to_halfwidth_digits(title))
        period = None
        if m:
            try:
                period = Period.month(int(m.group(1)), int(m.group(2) or m.group(3)))
            except CodeError:
                period = None
        return title, period
    return None, None


# --- the sheet -------------------------------------------------------------------------------


def _column_problems(
    spec: FormSpec, header: _Header, sheet: Sheet, file_name: str
) -> tuple[dict[str, int], list[FieldProblem]]:
    problems: list[FieldProblem] = []
    columns = dict(header.columns)
    for name, unit in header.units.items():
        f: FieldSpec = spec.field(name)
        if f.type == "money_wan" and "元" in unit and unit not in ("万元", "万"):
            problems.append(FieldProblem(
                name, f.label, f"「{f.label}」列的单位写的是“{unit}”，本表要求以{f.unit}为单位。"
                f"请把这一列换算成{f.unit}、表头改为「{f.label}（{f.unit}）」后再导入。",
                header.row + 1, sheet.name, file_name))
            columns.pop(name, None)
    for name in TEXT_FIELDS:
        if name in columns or not spec.has_field(name):
            continue
        f = spec.field(name)
        where = f"「{f.group}」下的" if f.group else ""
        problems.append(FieldProblem(
            name, f.label, f"表头中找不到{where}「{f.label}」列。请在表头补上「{f.label}」列并填写，"
            f"或改用本程序导出的{spec.title}模板填写后再导入。", header.row + 1, sheet.name, file_name))
    return columns, problems


def read_monthly_sheet(workbook: Workbook, spec: FormSpec) -> MonthlySheet:
    """The township's rows, 填报单位 and 填报时间 from the best-matching sheet of ``workbook``."""
    matcher = _Matcher(spec)
    found = _pick_sheet(workbook, spec, matcher)
    if found is None:
        labels = "」「".join(spec.field(n).label for n in TEXT_FIELDS if spec.has_field(n))
        message = (f"没有哪个工作表的前 {HEADER_SCAN_ROWS} 行含有「{labels}」等列名，"
                   f"不像是{spec.title}。请使用本程序导出的模板或按通知附件的表格填写。")
        return MonthlySheet(workbook.file_name, "", None, None, None, {}, [], [],
                            [FieldProblem("", "", message, file=workbook.file_name)])
    sheet, rows, header = found
    columns, problems = _column_problems(spec, header, sheet, workbook.file_name)
    data: list[MonthlySheetRow] = []
    skipped: list[tuple[int, str]] = []
    top = [list(r) for r in sheet.rows[: header.first]]
    bottom: list[list[Any]] = []
    seq_label = spec.field("seq").label if spec.has_field("seq") else "序号"
    for r in range(header.row + 1, len(rows)):
        cells = _cells(rows[r], columns)
        why = _classify(rows[r], cells, matcher)
        if why in ("备注/说明行", "填表人/联系电话行"):
            bottom.append(list(sheet.rows[r]) if r < len(sheet.rows) else [])
        if why:
            skipped.append((r + 1, why))
            continue
        if _blank(cells.get("village")) and _blank(cells.get("organization")):
            seq = _text(cells.get("seq"))
            what = f"有{seq_label}“{seq}”" if seq else "填了内容"
            problems.append(FieldProblem(
                "", "", f"这一行{what}，但村（社区）和社会组织名称都是空的，不知道是哪一对结对。"
                "请补上村（社区）和社会组织名称，或删去这一行。", r + 1, sheet.name, workbook.file_name))
            continue
        data.append(MonthlySheetRow(r + 1, cells))
    last_data = max((row.row for row in data), default=0)  # blank rows below the data are not worth a line
    skipped = [(r, why) for r, why in skipped if why != "空行" or r < last_data]

    unit_raw, time_raw = _find_labels(top)
    if unit_raw is None or time_raw is None:  # some write them under the table, by 填表人
        for row in bottom:
            below_unit, below_time = _find_labels([row])
            unit_raw = below_unit if unit_raw is None else unit_raw
            time_raw = below_time if time_raw is None else time_raw
    filled_text, filled_on, why_not = _filled(time_raw) if time_raw is not None else (None, None, "")
    if why_not:
        problems.append(FieldProblem("filled_on", "填报时间", f"填报时间“{filled_text}”无法识别（{why_not}）。",
                                     None, sheet.name, workbook.file_name))
    title, title_period = _title_of(top)
    return MonthlySheet(
        workbook.file_name, sheet.name, _unit_text(unit_raw), filled_text, filled_on, columns, data, skipped,
        problems, title, title_period, header.row + 1,
    )
