"""Pointing a data folder at the bureau's LAN database server (the first-run wizard's 局域网数据库
服务器 and ``fupin connect-server``): checked by connecting, the tables made in an empty
database, the address (never the password) written to the folder."""

from __future__ import annotations

import os
from pathlib import Path

from fupin_desktop.errors import KnownError
from fupin_desktop.services.backup_server import is_empty
from fupin_desktop.store.db import PASSWORD_ENV, Database, set_server_url
from fupin_desktop.store.folder import DB_FILE, SERVER_FILE, server_url

__all__ = ["address", "link_server"]


def address(host: str, port: int, database: str, user: str) -> str:
    """The server's URL from what the IT person wrote down (no password in it)."""
    from sqlalchemy.engine import URL

    host = host.strip()
    if host.startswith("/"):  # a socket folder (the server on this very machine, Linux): libpq's form
        url = URL.create("postgresql+psycopg", username=user.strip() or None, database=database.strip(),
                         query={"host": host, "port": str(port)})
    else:
        url = URL.create("postgresql+psycopg", username=user.strip() or None, host=host or None, port=port or None,
                         database=database.strip())
    return url.render_as_string(hide_password=False)


def link_server(data_dir: Path, url: str, password: str | None = None) -> bool:
    """Point ``data_dir`` at the server; True when the server already holds a bureau's data.

    ``password``: kept for this run only (FUPIN_DATABASE_PASSWORD), never written. A server that
    cannot be used leaves the folder as it was."""
    data_dir = Path(data_dir)
    if (data_dir / DB_FILE).exists():
        raise KnownError(f"「{data_dir}」里有本机数据库。要把它搬到服务器：先备份，再把一个新的空文件夹连到服务器，"
                         "在那里从这份备份恢复。")
    if password:
        os.environ[PASSWORD_ENV] = password
    previous = server_url(data_dir)
    set_server_url(data_dir, url)
    try:
        db = Database.open(data_dir)  # reaches the server; an empty database gets the tables
    except BaseException:
        if previous:
            set_server_url(data_dir, previous)
        else:
            (data_dir / SERVER_FILE).unlink(missing_ok=True)
        raise
    try:
        return not is_empty(db)
    finally:
        db.dispose()
