"""How many wrong passwords a login allows: a growing wait from the third failure in a row, and
the account locked after ten until an administrator unlocks it (pure rules; ``services.users``
keeps the counts)."""

from __future__ import annotations

from datetime import datetime

LOCK_AFTER = 10  # failures in a row
FREE_TRIES = 2  # typos cost nothing
MAX_WAIT_SECONDS = 60


def wait_after(failures: int) -> int:
    """Seconds to wait after ``failures`` wrong passwords in a row before the next try: 0, 0, 1, 2, 4 … 60."""
    if failures <= FREE_TRIES:
        return 0
    return min(1 << (failures - FREE_TRIES - 1), MAX_WAIT_SECONDS)


def seconds_left(failures: int, last_failed_at: datetime | None, now: datetime) -> int:
    """How long the next try must still wait (0: it may go ahead)."""
    if last_failed_at is None:
        return 0
    elapsed = max(0.0, (now - last_failed_at).total_seconds())
    return max(0, int(wait_after(failures) - elapsed + 0.999))


def locks_now(failures: int) -> bool:
    return failures >= LOCK_AFTER
