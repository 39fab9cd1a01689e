"""The core has no Qt: everything the window does can be done headless (CLI, tests)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "fupin_desktop"
CORE = ("domain", "store", "services", "documents", "intake")
PURE_DOMAIN_FORBIDDEN = ("PySide6", "sqlalchemy", "alembic", "openpyxl", "reportlab", "fupin_desktop.store",
                         "fupin_desktop.services")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_qt_below_the_ui() -> None:
    offenders = [
        str(path.relative_to(PACKAGE)) for layer in CORE for path in (PACKAGE / layer).rglob("*.py")
        if any(name.startswith("PySide6") or name.startswith("fupin_desktop.ui") for name in _imports(path))
    ]
    assert offenders == []


def test_domain_is_pure_python() -> None:
    offenders = [
        f"{path.name}: {name}" for path in (PACKAGE / "domain").rglob("*.py") for name in _imports(path)
        if name.startswith(PURE_DOMAIN_FORBIDDEN)
    ]
    assert offenders == []


def test_ui_holds_no_sql() -> None:
    offenders = [
        str(path.relative_to(PACKAGE)) for path in (PACKAGE / "ui").rglob("*.py")
        if any(name.startswith(("sqlalchemy", "fupin_desktop.store.models")) for name in _imports(path))
    ]
    assert offenders == []
