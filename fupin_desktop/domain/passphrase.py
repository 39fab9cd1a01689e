"""How hard a seal passphrase is to guess, said in a word and a hint while it is typed.

A rough estimate in bits, not a promise: each character is worth log2 of the alphabet the
passphrase draws on (digits 10, small and capital letters 26 each, symbols 33, Chinese about
3,500 common characters), and a run of one character or of consecutive digits counts once.
Words from a dictionary are worth less than this says, which is why the hint asks for length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_LENGTH = 8


@dataclass(frozen=True)
class Strength:
    level: int  # 0 too short, 1 weak, 2 fair, 3 strong
    label: str
    hint: str


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003134f"


def _effective(text: str) -> int:
    """Characters that count: a repeated or ascending/descending run counts once."""
    count, previous = 0, ""
    for ch in text:
        same = ch == previous
        step = previous.isdigit() and ch.isdigit() and abs(ord(ch) - ord(previous)) == 1
        if not (same or step):
            count += 1
        previous = ch
    return count


def _alphabet(text: str) -> int:
    return (10 * any(c.isdigit() for c in text) + 26 * any(c.islower() for c in text)
            + 26 * any(c.isupper() for c in text) + 3500 * any(_is_cjk(c) for c in text)
            + 33 * any(not c.isalnum() and not _is_cjk(c) for c in text)) or 1


def estimated_bits(text: str) -> float:
    return _effective(text) * math.log2(_alphabet(text))


def passphrase_strength(text: str) -> Strength:
    if len(text) < MIN_LENGTH:
        return Strength(0, "太短", f"至少 {MIN_LENGTH} 个字符。")
    bits = estimated_bits(text)
    if bits >= 70:
        return Strength(3, "强", "好口令：请牢记，像实物公章一样保管。")
    if bits >= 55:
        return Strength(2, "一般", "再长一些更好，例如一句只有你知道的话（可用汉字）。")
    return Strength(1, "弱", "容易被猜到：请用更长的一句话，混用汉字、字母和数字。")
