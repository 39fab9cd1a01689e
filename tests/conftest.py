"""Shared test set-up: Qt offscreen before any Qt import; one fixed clock; a demo county built
once per run, each test working on its own copy of it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# One fixed day for the whole run: the demo, every test period and every subprocess the
# tests start read it through ``domain.clock``. FUPIN_TEST_TODAY runs the suite on another
# day (CI runs a second one across a year end); tests of the real clock unset it on purpose.
os.environ["FUPIN_TODAY"] = os.environ.get("FUPIN_TEST_TODAY") or "2026-11-18"

from datetime import date  # noqa: E402

import pytest  # noqa: E402

from fupin_desktop.domain import clock  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--backend", choices=("sqlite", "postgresql"), default=os.environ.get("FUPIN_TEST_BACKEND", "sqlite"),
                     help="the database of the demo county's tests: the SQLite file, or a private PostgreSQL "
                          "cluster started for the run (LAN mode)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_server = config.getoption("--backend") == "postgresql"
    skip = pytest.mark.skip(reason="only the single-PC SQLite file (not the LAN database)" if on_server
                            else "needs a database server several PCs share (--backend=postgresql)")
    for item in items:
        if ("sqlite_only" if on_server else "postgresql_only") in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """The private PostgreSQL cluster of a ``--backend=postgresql`` run (None on SQLite)."""
    if request.config.getoption("--backend") != "postgresql":
        yield None
        return
    import tempfile

    from pg_server import PgServer

    # Not under pytest's own temporary folder: that one is private to root, and the server runs
    # as the postgres user when the tests run as root.
    server = PgServer(Path(tempfile.mkdtemp(prefix="fupin-pg-"))).start()
    yield server
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def today() -> date:
    return clock.today()


@pytest.fixture(scope="session")
def division_table():  # type: ignore[no-untyped-def]
    from fupin_desktop.intake.division_table import load_division_table

    return load_division_table()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, division_table, pg_server) -> Path:  # type: ignore[no-untyped-def]
    """The demo county built once; tests get their own copy of the file (``demo_dir``), or on
    PostgreSQL their own copy of the template database."""
    from fupin_desktop.services.demo import build_demo, give_demo_seal
    from fupin_desktop.store.db import Database, set_server_url

    folder = tmp_path_factory.mktemp("demo-template")
    if pg_server is not None:
        set_server_url(folder, pg_server.create("demo_template"))
    db = Database.open(folder)
    build_demo(db, division_table)
    give_demo_seal(db, folder)
    db.dispose()
    return folder


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path_factory: pytest.TempPathFactory, pg_server):  # type: ignore[no-untyped-def]
    """This test's own copy of the demo county, outside ``tmp_path`` (which stays the test's)."""
    target = tmp_path_factory.mktemp("demo") / "data"
    shutil.copytree(demo_template, target)
    from pg_server import own_database

    name = own_database(pg_server, target, template="demo_template")
    yield target
    if name is not None:
        pg_server.drop(name)


def make_context(data_dir: Path, username: str):  # type: ignore[no-untyped-def]
    from fupin_desktop.services.context import Forms, ServiceContext
    from fupin_desktop.services.users import login
    from fupin_desktop.store.db import Database

    db = Database.open(data_dir, create=False)
    return ServiceContext(db, Forms(), login(db, username, "demo"), data_dir)


@pytest.fixture
def clerk(demo_dir: Path):  # type: ignore[no-untyped-def]
    ctx = make_context(demo_dir, "clerk")
    yield ctx
    ctx.db.dispose()


@pytest.fixture
def reviewer(clerk):  # type: ignore[no-untyped-def]
    from fupin_desktop.services.users import login

    return clerk.as_user(login(clerk.db, "reviewer", "demo"))


@pytest.fixture
def admin(clerk):  # type: ignore[no-untyped-def]
    from fupin_desktop.services.users import login

    return clerk.as_user(login(clerk.db, "admin", "demo"))
