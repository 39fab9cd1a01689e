"""The program's one clock: every "today" and "now" a user could notice comes from here.

``FUPIN_TODAY=YYYY-MM-DD`` fixes the date (the time of day stays real), so the tests, the
demo of a given day and a clerk reproducing a deadline problem see the same calendar in
the window, the CLI and any subprocess. Timestamps inside signatures and certificates use
the real clock on purpose: they must agree with the verifier's.
"""

from __future__ import annotations

import os
from datetime import date, datetime

TODAY_ENV = "FUPIN_TODAY"


def fixed_today() -> date | None:
    """The date ``FUPIN_TODAY`` fixes, or None; a malformed value is ignored, never fatal."""
    raw = os.environ.get(TODAY_ENV, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def today() -> date:
    return fixed_today() or date.today()


def now() -> datetime:
    """Local wall time to the second, on the fixed date when there is one."""
    real = datetime.now().replace(microsecond=0)
    fixed = fixed_today()
    return datetime.combine(fixed, real.time()) if fixed else real
