"""Declarative form definitions (``forms/*.toml``) and the one place values are checked.

A form lists its fields once; the GUI dialog, the Excel template, the import checks and
the list columns are all renderers of the same ``FormSpec``. The loader is strict: an
unknown key, a missing label or an unknown choice list is an error at load time.
"""

from __future__ import annotations

import builtins
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fupin_desktop.domain import credit_code, division_code, id_number, money, periods
from fupin_desktop.domain.enums import ENUMS, LabeledEnum
from fupin_desktop.domain.errors import CodeError
from fupin_desktop.domain.text import clean_text

FIELD_TYPES = frozenset({
    "text", "longtext", "choice", "multichoice", "bool", "int", "money_wan", "date", "year",
    "credit_code", "id_number", "phone", "division_code", "ref",
})
_FIELD_KEYS = frozenset({
    "name", "label", "type", "required", "help", "max_length", "min", "max", "choices",
    "aliases", "list", "width", "ref", "personal", "default", "readonly", "placeholder", "group", "unit",
})
_FORM_KEYS = frozenset({"name", "title", "key", "checks", "repeat", "sheet", "help", "params"})
_REPEAT_KEYS = frozenset({"form", "min", "max", "prefix", "title"})

_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "已认定", "具备"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", "", "未认定", "不具备"}
_SPLIT = str.maketrans({c: "、" for c in ",，;；/ "})


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str
    required: bool = False
    help: str = ""
    max_length: int | None = None
    min: int | None = None
    max: int | None = None
    choices: builtins.type[LabeledEnum] | None = None  # builtins: the field ``type`` shadows it here
    aliases: tuple[str, ...] = ()
    list: bool = False
    width: int = 14
    ref: str = ""
    personal: bool = False
    default: Any = None
    readonly: bool = False
    placeholder: str = ""
    group: str = ""  # a merged header above several columns (合作村社 → 村（社区）/ 社会组织名称)
    unit: str = ""  # 万元, 户, 人次 … shown in headers and used to read "3.5万元"

    @property
    def headers(self) -> tuple[str, ...]:
        """Every column title an imported sheet may use for this field."""
        return (self.label, *self.aliases)

    def choice_labels(self) -> builtins.list[str]:
        return [m.label for m in self.choices] if self.choices else []

    def coerce(self, raw: Any) -> Any:
        """The stored value for ``raw`` (text typed or read from a cell); CodeError if wrong.

        Empty input gives None (or [] for multichoice); ``required`` is checked by the caller
        so that it can say which record is incomplete.
        """
        if isinstance(raw, str):
            raw = raw.strip()
        if raw is None or raw == "":
            return [] if self.type == "multichoice" else None
        converter = _CONVERTERS[self.type]
        return converter(self, raw)

    def display(self, value: Any) -> str:
        """How a stored value is shown in lists, templates and reports."""
        if value is None:
            return ""
        if self.type == "choice" and self.choices:
            member = self.choices.from_text(str(value))
            return member.label if member else str(value)
        if self.type == "multichoice" and self.choices:
            labels = []
            for item in value:
                member = self.choices.from_text(str(item))
                labels.append(member.label if member else str(item))
            return "、".join(labels)
        if self.type == "bool":
            return "是" if value else "否"
        if self.type == "money_wan":
            return money.format_wan_exact(int(value))
        if self.type == "id_number":
            return id_number.mask_id_number(str(value))
        if isinstance(value, date):
            return value.isoformat()
        return str(value)


def _text(spec: FieldSpec, raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a spreadsheet reader gives 12.0 for a cell showing 12
    value = clean_text(str(raw)) if spec.type != "longtext" else str(raw).strip()
    if spec.max_length and len(value) > spec.max_length:
        raise CodeError(f"不能超过 {spec.max_length} 个字（现有 {len(value)} 个）")
    return value


def _choice(spec: FieldSpec, raw: Any) -> str:
    assert spec.choices is not None
    text = clean_text(str(raw))
    member = spec.choices.from_text(text) or spec.choices.from_text(text.upper())
    if member is None:
        raise CodeError(f"「{text}」不是可选的值，应为：{'、'.join(spec.choice_labels())}")
    return member.value


def _multichoice(spec: FieldSpec, raw: Any) -> list[str]:
    items = raw if isinstance(raw, list | tuple) else clean_text(str(raw)).translate(_SPLIT).split("、")
    values: list[str] = []
    for item in items:
        if str(item).strip():
            value = _choice(spec, item)
            if value not in values:
                values.append(value)
    return values


def _bool(spec: FieldSpec, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = clean_text(str(raw)).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CodeError(f"「{raw}」应填“是”或“否”")


def _int(spec: FieldSpec, raw: Any) -> int:
    value = money.parse_count(raw, field=spec.label)
    if spec.min is not None and value < spec.min:
        raise CodeError(f"不能小于 {spec.min}")
    if spec.max is not None and value > spec.max:
        raise CodeError(f"不能大于 {spec.max}")
    return value


def _money(spec: FieldSpec, raw: Any) -> int:
    return money.parse_wan_yuan(raw, field=spec.label)


def _date(spec: FieldSpec, raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    parsed = periods.parse_loose_date(str(raw))
    if not isinstance(parsed, date):
        raise CodeError(f"「{raw}」缺少日，应写成 2020-06-03 或 2020年6月3日")
    return parsed


def _year(spec: FieldSpec, raw: Any) -> int:
    text = clean_text(str(raw)).removesuffix("年").removesuffix("度")
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if not (text.isdigit() and 1949 <= int(text) <= 2100):
        raise CodeError(f"「{raw}」不是年份，应写成四位数字，如 2020")
    return int(text)


def _credit_code(spec: FieldSpec, raw: Any) -> str:
    return credit_code.parse_credit_code(str(raw))


def _id_number(spec: FieldSpec, raw: Any) -> str:
    return id_number.parse_id_number(str(raw)).value


def _phone(spec: FieldSpec, raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = clean_text(str(raw)).replace(" ", "")
    digits = [c for c in text if c.isdigit()]
    if not (7 <= len(digits) <= 20) or any(not (c.isdigit() or c in "-+()（）转") for c in text):
        raise CodeError(f"「{raw}」不像电话号码（应为 7–20 位数字，可带区号和“-”）")
    return text


def _division(spec: FieldSpec, raw: Any) -> str:
    if isinstance(raw, float | int | Decimal):
        raw = str(int(raw))
    return division_code.parse_division_code(str(raw)).code


_CONVERTERS: dict[str, Callable[[FieldSpec, Any], Any]] = {
    "text": _text, "longtext": _text, "ref": _text, "choice": _choice, "multichoice": _multichoice,
    "bool": _bool, "int": _int, "money_wan": _money, "date": _date, "year": _year,
    "credit_code": _credit_code, "id_number": _id_number, "phone": _phone, "division_code": _division,
}


@dataclass(frozen=True)
class RepeatSpec:
    """A sub-form repeated min..max times inside a record (a pairing's 合作项目)."""

    form: str
    min: int
    max: int
    prefix: str  # column prefix in spreadsheets, "{n}" replaced by 1, 2 …
    title: str


@dataclass(frozen=True)
class FormSpec:
    name: str
    title: str
    fields: tuple[FieldSpec, ...]
    key: str = ""
    checks: tuple[str, ...] = ()
    repeat: RepeatSpec | None = None
    sheet: str = ""
    help: str = ""
    params: dict[str, Any] = field(default_factory=dict)  # thresholds of the form's checks
    _by_name: dict[str, FieldSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({f.name: f for f in self.fields})

    def field(self, name: str) -> FieldSpec:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"form {self.name!r} has no field {name!r}") from None

    def has_field(self, name: str) -> bool:
        return name in self._by_name

    @property
    def list_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.list]


class FormDefinitionError(Exception):
    """A form file is malformed: a developer's or an administrator's mistake, caught at load."""


def _field_from(form_name: str, data: dict[str, Any]) -> FieldSpec:
    unknown = set(data) - _FIELD_KEYS
    where = f"form {form_name!r}, field {data.get('name', '?')!r}"
    if unknown:
        raise FormDefinitionError(f"{where}: unknown keys {sorted(unknown)}")
    for required in ("name", "label", "type"):
        if not data.get(required):
            raise FormDefinitionError(f"{where}: missing {required!r}")
    if data["type"] not in FIELD_TYPES:
        raise FormDefinitionError(f"{where}: unknown type {data['type']!r}")
    choices = None
    if data["type"] in ("choice", "multichoice"):
        choices = ENUMS.get(data.get("choices", ""))
        if choices is None:
            raise FormDefinitionError(f"{where}: choices must name one of {sorted(ENUMS)}")
    elif "choices" in data:
        raise FormDefinitionError(f"{where}: choices given for a {data['type']} field")
    if data["type"] == "ref" and not data.get("ref"):
        raise FormDefinitionError(f"{where}: a ref field needs ref = <what it refers to>")
    values = dict(data, choices=choices, aliases=tuple(data.get("aliases", ())))
    return FieldSpec(**values)


def parse_form(text: str, source: str = "<form>") -> FormSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FormDefinitionError(f"{source}: {exc}") from exc
    unknown = set(data) - {"form", "fields"}
    if unknown:
        raise FormDefinitionError(f"{source}: unknown tables {sorted(unknown)}")
    head = data.get("form", {})
    if set(head) - _FORM_KEYS:
        raise FormDefinitionError(f"{source}: unknown [form] keys {sorted(set(head) - _FORM_KEYS)}")
    if not head.get("name") or not head.get("title"):
        raise FormDefinitionError(f"{source}: [form] needs name and title")
    fields = tuple(_field_from(head["name"], f) for f in data.get("fields", []))
    if not fields:
        raise FormDefinitionError(f"{source}: no [[fields]]")
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise FormDefinitionError(f"{source}: duplicate field names")
    repeat = None
    if "repeat" in head:
        if set(head["repeat"]) - _REPEAT_KEYS:
            raise FormDefinitionError(f"{source}: unknown [form.repeat] keys")
        repeat = RepeatSpec(**head["repeat"])
    key = head.get("key", "")
    if key and key not in names:
        raise FormDefinitionError(f"{source}: key {key!r} is not a field")
    return FormSpec(
        name=head["name"], title=head["title"], fields=fields, key=key,
        checks=tuple(head.get("checks", ())), repeat=repeat, sheet=head.get("sheet", head["title"]),
        help=head.get("help", ""), params=dict(head.get("params", {})),
    )


def load_forms(folder: Path) -> dict[str, FormSpec]:
    forms: dict[str, FormSpec] = {}
    for path in sorted(folder.glob("*.toml")):
        spec = parse_form(path.read_text(encoding="utf-8"), source=str(path))
        if spec.name in forms:
            raise FormDefinitionError(f"{path}: form {spec.name!r} defined twice")
        forms[spec.name] = spec
    for spec in forms.values():
        if spec.repeat and spec.repeat.form not in forms:
            raise FormDefinitionError(f"form {spec.name!r} repeats unknown form {spec.repeat.form!r}")
    return forms
