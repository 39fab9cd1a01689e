"""统计用区划代码: province 2, city 2, county 2, township 3, village 3 digits.

A code is kept at the length of its level (35, 3505, 350582, 350582100, 350582100201).
Trailing all-zero segments mean a higher level, so the padded forms 350582000000 and
350582000 are the county 350582, and the GB/T 2260 style 350500 is the city 3505.
Zero segments in the middle stay: 东莞 and 中山 have no counties, so their townships
look like 441900003.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .errors import CodeError
from .text import clean_text, to_halfwidth_digits

__all__ = ["LEVEL_LENGTHS", "DivisionCode", "DivisionLevel", "is_within", "parse_division_code"]

DivisionLevel = Literal["province", "city", "county", "township", "village"]

LEVEL_LENGTHS: dict[DivisionLevel, int] = {
    "province": 2,
    "city": 4,
    "county": 6,
    "township": 9,
    "village": 12,
}
_LEVEL_OF_LENGTH: dict[int, DivisionLevel] = {n: level for level, n in LEVEL_LENGTHS.items()}
_SEGMENT_ENDS = (2, 4, 6, 9, 12)
_NAME = "区划代码"


@dataclass(frozen=True)
class DivisionCode:
    code: str
    level: DivisionLevel

    def _prefix(self, level: DivisionLevel) -> str | None:
        n = LEVEL_LENGTHS[level]
        return self.code[:n] if len(self.code) >= n else None

    @property
    def province(self) -> str | None:
        return self._prefix("province")

    @property
    def city(self) -> str | None:
        return self._prefix("city")

    @property
    def county(self) -> str | None:
        return self._prefix("county")

    @property
    def township(self) -> str | None:
        return self._prefix("township")

    @property
    def township_kind(self) -> str | None:
        """街道 / 镇 / 乡 / 开发区等 / 其他 from the township digits; None above township level."""
        if self.township is None:
            return None
        n = int(self.code[6:9])
        if 1 <= n <= 99:
            return "街道"
        if 100 <= n <= 199:
            return "镇"
        if 200 <= n <= 399:
            return "乡"
        if 400 <= n <= 599:
            return "开发区等"
        return "其他"

    @property
    def village_kind(self) -> str | None:
        """社区 (1xx, 居委会) / 村 (2xx, 村委会) / 其他; None above village level."""
        if self.level != "village":
            return None
        return {"1": "社区", "2": "村"}.get(self.code[9], "其他")

    def __str__(self) -> str:
        return self.code


def parse_division_code(s: str | None) -> DivisionCode:
    """The code at its own level's length, or :class:`CodeError`."""
    code = to_halfwidth_digits(clean_text(s)).replace(" ", "")
    if not code:
        raise CodeError(f"{_NAME}不能为空")
    if not (code.isascii() and code.isdigit()):
        bad = next(ch for ch in code if not ("0" <= ch <= "9"))
        raise CodeError(f"{_NAME}只能由数字组成，其中有“{bad}”：{code}")
    if len(code) not in _LEVEL_OF_LENGTH:
        raise CodeError(f"{_NAME}应为2、4、6、9或12位数字，现为{len(code)}位：{code}")
    if code[0] in "09" or code[:2] == "00":
        raise CodeError(f"{_NAME}的前两位“{code[:2]}”不是省级代码：{code}")
    # Drop trailing all-zero segments: they stand for "this level is not given".
    while len(code) > 2:
        start = _SEGMENT_ENDS[_SEGMENT_ENDS.index(len(code)) - 1]
        if set(code[start:]) != {"0"}:
            break
        code = code[:start]
    return DivisionCode(code=code, level=_LEVEL_OF_LENGTH[len(code)])


def is_within(code: str, ancestor: str) -> bool:
    """True when ``code`` lies inside ``ancestor`` or is the same unit; both are parsed first."""
    inner = parse_division_code(code).code
    outer = parse_division_code(ancestor).code
    return inner.startswith(outer)
