"""Service-test fixtures shared by several files."""

from __future__ import annotations

from pathlib import Path

import pytest

from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.setup import initialize
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database


@pytest.fixture
def city(tmp_path: Path, pg_server):  # type: ignore[no-untyped-def]
    """A receiving bureau (泉州市民政局) whose data folder holds only its trust list."""
    from pg_server import own_database

    folder = tmp_path / "city"
    own_database(pg_server, folder)
    db = Database.open(folder)
    initialize(db, bureau="泉州市民政局", division="350500", admin="admin", password="demo")
    ctx = ServiceContext(db, Forms(), login(db, "admin", "demo"), folder)
    yield ctx
    db.dispose()
