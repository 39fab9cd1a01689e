"""Errors the domain layer raises about values people typed or imported."""

from __future__ import annotations


class CodeError(ValueError):
    """A value a person typed or imported is wrong; ``str(err)`` is the Chinese message for them."""
