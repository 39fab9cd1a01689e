"""Pinyin initials so that people can find 晋江市某某商会 by typing ``jjsmmsh``."""

from __future__ import annotations

import unicodedata

from .text import match_key

__all__ = ["initials", "search_key"]


def _keep_ascii(chunk: str) -> list[str]:
    # pypinyin hands over everything it has no reading for; only ASCII letters/digits count.
    return [ch.lower() for ch in chunk if ch.isascii() and ch.isalnum()]


def initials(s: str) -> str:
    """Lower-case pinyin initials of the Chinese characters; ASCII letters and digits kept.

    The whole string goes to pypinyin at once so that its phrase table picks the reading
    of a heteronym in context (银行 → yh); otherwise the default reading is used.
    """
    if not s:
        return ""
    # NFKC turns full-width letters and compatibility ideographs into the ordinary ones.
    text = unicodedata.normalize("NFKC", s)
    # Imported here: its phrase table takes half a second to load, which the window's start
    # should not wait for (only typing a search or saving a name needs it).
    from pypinyin import Style, lazy_pinyin

    # pypinyin's annotation says str, but it documents (and calls) a callable returning a list.
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=_keep_ascii)  # type: ignore[arg-type]
    return "".join(item.lower() for item in letters if item.isascii() and item.isalnum())


def search_key(name: str) -> str:
    """What to search in: the name's match key, a space, its pinyin initials."""
    return f"{match_key(name)} {initials(name)}"
