"""A private PostgreSQL cluster for the tests' LAN mode (``pytest --backend=postgresql``).

Made with Debian's ``postgresql`` package in a temporary folder, listening only on a Unix
socket there (no TCP port, nothing else on the machine sees it); each test that uses the demo
county gets its own database, copied from a template database in one statement.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import psycopg

USER = "fupin"


def _bin(name: str) -> str:
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} not found: install Debian's postgresql package (scripts/bootstrap.sh --test)")
    return found


def _as_owner(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root, a developer usually not.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = _free_port()  # names the socket file; nothing listens on TCP

    def start(self) -> PgServer:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        subprocess.run(_as_owner([_bin("initdb"), "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8",
                                  "--locale=C.UTF-8", "--no-sync"]), check=True, capture_output=True)
        options = f"-k {self.root} -p {self.port} -c listen_addresses='' -c fsync=off -c max_connections=200"
        subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                                  "-w", "start"]), check=True, capture_output=True)
        return self

    def stop(self) -> None:
        subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                       capture_output=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@/{database}?host={self.root}&port={self.port}"

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(host=str(self.root), port=self.port, user=USER, dbname="postgres", autocommit=True)

    def create(self, name: str, template: str | None = None) -> str:
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_databases = iter(range(1, 1_000_000))


def own_database(server: PgServer | None, folder: Path, template: str | None = None) -> str | None:
    """On PostgreSQL, point ``folder`` at a new database of its own (a copy of ``template``)."""
    if server is None:
        return None
    from fupin_desktop.store.db import set_server_url

    name = f"t{next(_databases)}"
    set_server_url(folder, server.create(name, template))
    return name
