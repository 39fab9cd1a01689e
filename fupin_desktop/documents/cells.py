"""Writing text into an openpyxl cell so that it stays text (CWE-1236, formula injection).

An organization named ``=cmd|' /C calc'!A0`` or ``=1+1`` must print as those characters in every
workbook the program writes, never become a live formula: text starting with what Excel or WPS
would take for a formula is stored as a string cell.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def put_text(cell: Cell, value: Any) -> Cell:
    """Set a value; text that Excel would take for a formula stays text."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
    return cell
