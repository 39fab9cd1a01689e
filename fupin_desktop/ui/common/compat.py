"""A guard against a reference-count bug of PySide6 6.12.0 on CPython 3.11.

That build returns ``None`` from every void method (``setText``, ``setEnabled`` …) and
``True`` from ``Signal.emit`` without taking a reference. On CPython 3.12+ these objects
are immortal and nothing happens; on 3.11 each call lowers their count by one, and after
some tens of thousands of calls (a few hundred ``emit``s for ``True``) Python aborts with
“Fatal Python error: none_dealloc” / “bool_dealloc”. (PySide6 6.11.3 does not have the bug.)

The real fix is to pin a PySide6 without the bug (or run on Python 3.12+). Until then,
``guard_singleton_refcounts()`` detects the bug with a harmless probe and, only if it is
there, gives ``None``, ``True`` and ``False`` a reference count that cannot run out — what
CPython 3.12 does for them anyway.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject

log = logging.getLogger(__name__)

_PLENTY = 1 << 40
_PROBES = 16


def refcount_bug_present() -> bool:
    """True when void PySide calls lower ``None``'s reference count (the 6.12.0 bug)."""
    if sys.version_info >= (3, 12):
        return False  # immortal singletons: the bug cannot do harm
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(_PROBES):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    del probe
    return lost >= _PROBES // 2


def guard_singleton_refcounts() -> bool:
    """Make ``None``/``True``/``False`` effectively immortal if the bug is present; whether it was."""
    if sys.getrefcount(None) > _PLENTY // 2:
        return True  # guarded already
    if not refcount_bug_present():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every PyObject on a release build of CPython.
        ctypes.c_ssize_t.from_address(id(singleton)).value += _PLENTY
    log.warning("PySide6 %s 在 Python %d.%d 上有引用计数缺陷，已启用保护；请改用没有此缺陷的 PySide6 版本。",
                _pyside_version(), *sys.version_info[:2])
    return True


def _pyside_version() -> str:
    import PySide6

    return str(PySide6.__version__)
