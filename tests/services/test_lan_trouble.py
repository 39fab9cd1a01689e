"""Connection trouble on a LAN is a Chinese message the clerk can act on, never the driver's text,
and a connection lost in the middle of a save leaves nothing half-written."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from fupin_desktop.cli import main
from fupin_desktop.errors import ServerUnreachable
from fupin_desktop.store.db import Database, set_server_url
from fupin_desktop.store.folder import server_url
from fupin_desktop.store.models import Organization

pytestmark = pytest.mark.postgresql_only


def test_a_server_that_is_not_there_or_has_no_such_database(tmp_path: Path, pg_server, capsys, monkeypatch) -> None:
    nowhere = tmp_path / "地址写错"
    set_server_url(nowhere, pg_server.url("fupin").replace(f"port={pg_server.port}", f"port={pg_server.port + 1}"))
    with pytest.raises(ServerUnreachable, match="连不上数据库服务器"):
        Database.open(nowhere)
    missing = tmp_path / "库没建"
    set_server_url(missing, pg_server.url("no_such_bureau"))
    with pytest.raises(ServerUnreachable, match="没有名为「no_such_bureau」的数据库"):
        Database.open(missing)
    monkeypatch.setenv("FUPIN_PASSWORD", "demo")
    assert main(["--data-dir", str(nowhere), "org", "list"]) != 0
    err = capsys.readouterr().err
    assert "连不上数据库服务器" in err and "Traceback" not in err and "psycopg" not in err


def test_a_connection_lost_mid_save_writes_nothing(clerk, demo_dir: Path, pg_server) -> None:
    with clerk.db.reading() as s:
        before = s.scalar(select(func.count()).select_from(Organization))
    database = (server_url(demo_dir) or "").split("/")[-1].split("?")[0]
    with pytest.raises(ServerUnreachable, match="连接断开"), clerk.db.transaction() as s:
        s.add(Organization(name="断网时保存的协会", credit_code="51350582MJ0000000X", kind="social_group"))
        s.flush()
        with psycopg.connect(host=str(pg_server.root), port=pg_server.port, user="fupin",
                             dbname="postgres", autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (database,))
        s.execute(select(func.count()).select_from(Organization))  # the next statement finds it gone
    with clerk.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Organization)) == before


def test_connect_server_sets_up_an_empty_database_and_says_what_next(tmp_path: Path, pg_server, capsys) -> None:
    pc = tmp_path / "新电脑"
    url = pg_server.create("connect_here")
    try:
        assert main(["--data-dir", str(pc), "connect-server", url]) == 0
        out = capsys.readouterr().out
        assert "已连到数据库服务器" in out and "fupin restore" in out
        assert make_url(server_url(pc) or "") == make_url(url)
        wrong = url.replace("connect_here", "no_such")
        assert main(["--data-dir", str(pc), "connect-server", wrong]) != 0
        assert "没有名为「no_such」的数据库" in capsys.readouterr().err
        assert make_url(server_url(pc) or "") == make_url(url)  # a failed try keeps the address that worked
    finally:
        pg_server.drop("connect_here")


def test_an_older_server_database_is_upgraded_only_when_no_other_pc_uses_it(tmp_path: Path, pg_server) -> None:
    from fupin_desktop.errors import DatabaseError
    from fupin_desktop.store.db import SCHEMA_HEAD, current_revision, make_engine, migrate

    url = pg_server.create("old_bureau")
    try:
        engine = make_engine(url)
        migrate(engine, to="0009")  # made by the previous version of the program
        engine.dispose()
        pc = tmp_path / "升级的电脑"
        set_server_url(pc, url)
        other_pc = psycopg.connect(host=str(pg_server.root), port=pg_server.port, user="fupin", dbname="old_bureau")
        with pytest.raises(DatabaseError, match="还有 1 个连接在使用它"):  # another PC still has it open
            Database.open(pc)
        other_pc.close()
        _wait_until_gone(pg_server, "old_bureau")  # a closed connection's backend exits a moment later
        assert current_revision(engine) == "0009"
        engine.dispose()
        Database.open(pc).dispose()  # alone now: upgraded
        assert current_revision(engine) == SCHEMA_HEAD
        engine.dispose()
    finally:
        pg_server.drop("old_bureau")


def _wait_until_gone(pg_server, database: str) -> None:  # type: ignore[no-untyped-def]
    import time

    with psycopg.connect(host=str(pg_server.root), port=pg_server.port, user="fupin", dbname="postgres",
                         autocommit=True) as admin:
        for _ in range(100):
            if not admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                 (database,)).fetchone()[0]:
                return
            time.sleep(0.05)
