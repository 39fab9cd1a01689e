"""统一社会信用代码 (GB 32100-2015) and the organization code inside it (GB 11714-1997).

Layout: position 1 registration department (5 = 民政), 2 type, 3–8 the registering
authority's area code, 9–17 the organization code, 18 the check character.
"""

from __future__ import annotations

from .errors import CodeError
from .text import clean_text, to_halfwidth_digits

__all__ = [
    "CHARSET",
    "WEIGHTS",
    "check_char",
    "civil_affairs_type_digit",
    "make_credit_code",
    "normalize_credit_code",
    "org_code_check_char",
    "org_code_warning",
    "parse_credit_code",
]

# The standard leaves out I, O, S, V, Z because they are easily confused with 1, 0, 5, U, 2.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18

_VALUE = {ch: i for i, ch in enumerate(CHARSET)}

# GB 11714: the 9-character organization code has its own MOD 11 check.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NAME = "统一社会信用代码"


def check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters (already upper-case)."""
    if len(first17) != LENGTH - 1:
        raise ValueError(f"check_char needs 17 characters, got {len(first17)}")
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """The GB 11714 check character for the first 8 characters of an organization code."""
    if len(body8) != 8:
        raise ValueError(f"org_code_check_char needs 8 characters, got {len(body8)}")
    total = sum(_ORG_BODY_CHARS.index(ch) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def normalize_credit_code(s: str | None) -> str:
    """The code as it should be stored: half-width, no spaces, upper-case."""
    return to_halfwidth_digits(clean_text(s)).replace(" ", "").upper()


def parse_credit_code(s: str | None) -> str:
    """The normalized code, or :class:`CodeError` saying exactly what is wrong with it."""
    code = normalize_credit_code(s)
    if not code:
        raise CodeError(f"{_NAME}不能为空")
    if len(code) != LENGTH:
        raise CodeError(f"{_NAME}应为18位，现为{len(code)}位：{code}")
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            raise CodeError(
                f"{_NAME}第{pos}位的“{ch}”不是允许的字符（只用数字和大写字母，不用 I、O、S、V、Z）：{code}"
            )
    expected = check_char(code[:17])
    if code[17] != expected:
        raise CodeError(
            f"{_NAME}校验位（第18位）应为“{expected}”，现为“{code[17]}”，请逐位核对是否抄错：{code}"
        )
    return code


def org_code_warning(code: str) -> str | None:
    """A Chinese warning when positions 9–17 fail the GB 11714 check, else None.

    Some older certificates carry such codes, so this is reported, never refused.
    Anything that is not an 18-character code gets None: :func:`parse_credit_code` says why.
    """
    code = normalize_credit_code(code)
    if len(code) != LENGTH or any(ch not in _ORG_BODY_CHARS for ch in code[8:16]):
        return None
    expected = org_code_check_char(code[8:16])
    if code[16] == expected:
        return None
    return (
        f"统一社会信用代码第9–17位（组织机构代码 {code[8:17]}）的校验位应为“{expected}”，"
        f"现为“{code[16]}”；老证照可能如此，请与登记证书核对"
    )


def civil_affairs_type_digit(code: str) -> str | None:
    """Position 2 (1 社会团体, 2 社会服务机构, 3 基金会, 9 其他) for codes issued by 民政, else None."""
    code = normalize_credit_code(code)
    if len(code) < 2 or code[0] != "5":
        return None
    return code[1]


def make_credit_code(dept: str, type_digit: str, area6: str, org9_without_check: str) -> str:
    """A valid code from its parts; ``org9_without_check`` is the 8-character organization code body.

    Computes the GB 11714 check of the organization code, then the GB 32100 check.
    For generating demo and test data; raises ValueError for parts of the wrong shape.
    """
    body = org9_without_check.upper()
    if len(dept) != 1 or len(type_digit) != 1:
        raise ValueError("dept and type_digit are one character each")
    if len(area6) != 6 or not area6.isascii() or not area6.isdigit():
        raise ValueError(f"area6 must be 6 digits, got {area6!r}")
    if len(body) != 8:
        raise ValueError(f"org9_without_check must be 8 characters, got {org9_without_check!r}")
    first16 = (dept + type_digit + area6 + body).upper()
    bad = [ch for ch in first16 if ch not in _VALUE]
    if bad:
        raise ValueError(f"characters not allowed in a credit code: {''.join(bad)!r}")
    # CHARSET is a subset of the GB 11714 characters, so the body is a valid org code body.
    first17 = first16 + org_code_check_char(body)
    return first17 + check_char(first17)
