"""Errors the domain layer raises about values people typed or imported."""

from __future__ import annotations

# ``fupin_desktop.errors`` is a stdlib-only module with no imports from the program: the
# domain stays pure Python while its errors are "known" ones (a Chinese line, not a crash).
from fupin_desktop.errors import KnownError


class CodeError(KnownError, ValueError):
    """A value a person typed or imported is wrong; ``str(err)`` is the Chinese message for them.

    A ``KnownError`` (shown as one line or a dialog, exit code 1) and still a ``ValueError`` for
    code that parses values and catches the standard type.
    """
