"""Text clean-up for what people type and keys for comparing names.

Two different jobs: :func:`clean_text` keeps what a person meant and is what gets stored;
:func:`match_key` throws away everything that does not tell two names apart and is only
ever compared, never shown.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "is_cjk", "match_key", "to_halfwidth_digits"]

_FULLWIDTH_OFFSET = 0xFEE0  # U+FF01..U+FF5E minus this is U+0021..U+007E
# Chinese text keeps its own punctuation: 商会（筹）, 地址：某路，3号. Only letters, digits and the
# symbols of codes, phones and e-mail addresses are folded to half-width.
_KEEP_FULLWIDTH = frozenset("（），。：；！？、“”‘’《》【】「」『』〔〕［］｛｝～＂＇｀＾＜＞｜＼＝")

# Characters that render as nothing but break equality and searching (pasted from web pages).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

_HALFWIDTH_TABLE = {
    cp: cp - _FULLWIDTH_OFFSET for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_FULLWIDTH
}
_HALFWIDTH_DIGIT_TABLE = {
    cp: cp - _FULLWIDTH_OFFSET
    for cp in range(0xFF01, 0xFF5F)
    if chr(cp - _FULLWIDTH_OFFSET).isalnum() or chr(cp - _FULLWIDTH_OFFSET) in ".,+-"
}

# Separators that people put inside names without meaning anything by them; includes the
# look-alike middle dots (·•・‧∙) used in ethnic-minority names.
_MATCH_DROP = frozenset("()（）·.-_•・‧∙")

_WHITESPACE_RUN = re.compile(r"\s+")
_MATCH_DROP_TABLE = dict.fromkeys(map(ord, _MATCH_DROP))
_NEEDS_FOLDING = re.compile("[" + re.escape("".join(map(chr, [*_INVISIBLE, *_HALFWIDTH_TABLE]))) + "]")
_PAREN_PAIR = re.compile(r"[(（]([^()（）]*)[)）]")


def is_cjk(ch: str) -> bool:
    """True for Han ideographs and full-width/CJK punctuation, the text spaces are not wanted in."""
    cp = ord(ch)
    return (
        0x3400 <= cp <= 0x4DBF  # Ext-A
        or 0x4E00 <= cp <= 0x9FFF  # URO
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= cp <= 0x3FFFF  # Ext-B and later (names such as 𠮷)
        or 0x3001 <= cp <= 0x303F  # 、。〈〉《》「」【】〇 …
        or 0xFF01 <= cp <= 0xFF0F  # full-width punctuation still present (（）)
        or cp == 0x00B7  # · in 阿卜杜·买买提
    )


def _bracket_pairs(s: str) -> str:
    """Make a bracket pair full-width when it touches Chinese text (``商会(筹)`` → ``商会（筹）``)."""

    def fix(m: re.Match[str]) -> str:
        start, end = m.span()
        before = s[start - 1] if start > 0 else ""
        after = s[end] if end < len(s) else ""
        inner = m.group(1)
        touches_cjk = any(is_cjk(c) for c in (before, after) if c) or any(is_cjk(c) for c in inner)
        already_fullwidth = "（" in m.group(0) or "）" in m.group(0)
        if touches_cjk or already_fullwidth:
            return f"（{inner}）"
        return m.group(0)

    if "(" not in s and "（" not in s:
        return s
    return _PAREN_PAIR.sub(fix, s)


def _drop_spaces_between_cjk(s: str) -> str:
    # After collapsing there is at most one space between two characters.
    if " " not in s:
        return s  # the common case, and imports clean every cell of thousands of rows
    out: list[str] = []
    for i, ch in enumerate(s):
        if ch == " " and 0 < i < len(s) - 1 and is_cjk(s[i - 1]) and is_cjk(s[i + 1]):
            continue
        out.append(ch)
    return "".join(out)


def clean_text(s: str | None) -> str:
    """What to store for text a person typed: half-width letters and digits, single spaces.

    Full-width letters, digits and code symbols become half-width; Chinese punctuation
    (，。：；（） …) stays; half-width brackets around or next to Chinese text become
    full-width. All whitespace (U+3000, tabs, line breaks…) becomes one space, the ends
    are stripped and a space between two Chinese characters is removed.
    """
    if s is None:
        return ""
    if _NEEDS_FOLDING.search(s):  # most cells have nothing to fold: skip the per-character work
        s = s.translate(_INVISIBLE).translate(_HALFWIDTH_TABLE)
    s = _WHITESPACE_RUN.sub(" ", s).strip()
    # Each step can create work for the other ("商会 (筹)" loses its space, then 会 touches
    # the bracket; a full-width bracket then lets a neighbouring pair convert), so repeat
    # until nothing changes; both only ever remove spaces or widen brackets, so this ends.
    while True:
        new = _bracket_pairs(_drop_spaces_between_cjk(s))
        if new == s:
            return s
        s = new


def match_key(s: str | None) -> str:
    """Key for deciding that two names are the same: NFKC, casefolded, no spaces or separators.

    ``match_key("晋江市 某某商会（筹）") == match_key("晋江市某某商会(筹)")``.
    """
    if not s:
        return ""
    s = s.translate(_INVISIBLE)
    # Dropping characters can let NFKC compose again (Ａ¨ → "A ̈" → "ä"), so repeat until
    # stable; in practice the second pass changes nothing, the bound is only a guard.
    for _ in range(4):
        key = unicodedata.normalize("NFKC", s).casefold()
        key = _WHITESPACE_RUN.sub("", key).translate(_MATCH_DROP_TABLE)
        if key == s:
            break
        s = key
    return key


def to_halfwidth_digits(s: str) -> str:
    """Full-width digits, letters and ``.,+-`` to half-width; everything else unchanged."""
    return s.translate(_HALFWIDTH_DIGIT_TABLE)
