"""发文字号 (GB/T 9704-2012 §7.2.4): 机关代字, the year in 六角括号 〔〕, the number without
leading zeros and 号: 晋民〔2026〕15号. Numbers run per year and per 机关代字."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"^(?P<agency>.+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")


def doc_number(agency: str, year: int, seq: int) -> str:
    if not agency.strip() or seq < 1:
        raise ValueError("a 发文字号 needs a 机关代字 and a number from 1")
    return f"{agency.strip()}〔{year}〕{seq}号"


def doc_seq(number: str, agency: str, year: int) -> int | None:
    """The running number of ``number`` if it is ``agency``'s of ``year``, else None."""
    m = _NUMBER.match(number)
    if m is None or m["agency"] != agency.strip() or int(m["year"]) != year:
        return None
    return int(m["seq"])


def next_doc_number(agency: str, year: int, taken: list[str]) -> str:
    """The next number of the year after every one already ``taken``."""
    seqs = [s for s in (doc_seq(n, agency, year) for n in taken) if s is not None]
    return doc_number(agency, year, max(seqs, default=0) + 1)
