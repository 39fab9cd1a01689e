"""统计用区划代码."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin_desktop.domain.division_code import DivisionCode, is_within, parse_division_code
from fupin_desktop.domain.errors import CodeError


@pytest.mark.parametrize(
    ("raw", "code", "level"),
    [
        ("35", "35", "province"),
        ("3505", "3505", "city"),
        ("350582", "350582", "county"),
        ("350582000000", "350582", "county"),
        ("350582000", "350582", "county"),
        ("350500", "3505", "city"),
        ("350000000000", "35", "province"),
        ("350582100", "350582100", "township"),
        ("350582100000", "350582100", "township"),
        ("350582100201", "350582100201", "village"),
        ("３５０５８２ １００ ２０１", "350582100201", "village"),
        ("441900003000", "441900003", "township"),  # 东莞: towns directly under the city
    ],
)
def test_levels_and_padding(raw: str, code: str, level: str) -> None:
    parsed = parse_division_code(raw)
    assert parsed == DivisionCode(code=code, level=level)  # type: ignore[arg-type]
    assert str(parsed) == code


def test_prefixes() -> None:
    village = parse_division_code("350582100201")
    assert (village.province, village.city, village.county, village.township) == (
        "35",
        "3505",
        "350582",
        "350582100",
    )
    county = parse_division_code("350582")
    assert (county.province, county.city, county.county, county.township) == ("35", "3505", "350582", None)
    assert parse_division_code("35").city is None


@pytest.mark.parametrize(
    ("township", "kind"),
    [("001", "街道"), ("099", "街道"), ("100", "镇"), ("199", "镇"), ("200", "乡"), ("399", "乡")]
    + [("400", "开发区等"), ("599", "开发区等"), ("600", "其他"), ("999", "其他")],
)
def test_township_kind(township: str, kind: str) -> None:
    assert parse_division_code(f"350582{township}").township_kind == kind
    assert parse_division_code(f"350582{township}201").township_kind == kind


def test_village_kind() -> None:
    assert parse_division_code("350582100101").village_kind == "社区"
    assert parse_division_code("350582100201").village_kind == "村"
    assert parse_division_code("350582100301").village_kind == "其他"
    assert parse_division_code("350582100").village_kind is None
    assert parse_division_code("350582").township_kind is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "不能为空"),
        ("3505821", "应为2、4、6、9或12位数字，现为7位"),
        ("35a5", "只能由数字组成"),
        ("003505", "不是省级代码"),
        ("000000000000", "不是省级代码"),
    ],
)
def test_rejections(raw: str, message: str) -> None:
    with pytest.raises(CodeError, match=message):
        parse_division_code(raw)


def test_is_within() -> None:
    assert is_within("350582100201", "350582")
    assert is_within("350582100201", "350582000000")
    assert is_within("350582100201", "35")
    assert is_within("350582", "350582")  # a unit lies within itself
    assert not is_within("350581", "350582")
    assert not is_within("35", "350582")
    assert is_within("441900003000", "441900000000")
    with pytest.raises(CodeError):
        is_within("12345", "35")


_full_codes = st.builds(
    lambda p, rest: p + rest,
    st.integers(min_value=11, max_value=82).map(str),
    st.text(alphabet="0123456789", min_size=10, max_size=10),
)


@given(_full_codes)
def test_parsing_is_stable_and_lies_within_its_prefixes(raw: str) -> None:
    parsed = parse_division_code(raw)
    assert raw.startswith(parsed.code)
    assert set(raw[len(parsed.code) :]) <= {"0"}
    assert parse_division_code(parsed.code) == parsed
    assert parse_division_code(parsed.code.ljust(12, "0")) == parsed
    for prefix in (parsed.province, parsed.city, parsed.county, parsed.township):
        if prefix is not None:
            assert is_within(raw, prefix)
            assert is_within(prefix, raw) == (parse_division_code(prefix) == parsed)
