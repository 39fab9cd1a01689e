"""The log file: tracebacks of bugs and every library's messages go here, never to the console.

``<data folder>/logs/fupin.log`` for the window, ``<data folder>/logs/fupin-cli.log`` for the
command line (two programs never rotate one file under each other's feet). The file is
opened at the first record, so a mistyped ``--data-dir`` leaves no folder behind; when the
data folder cannot take it (it is a file, read-only, missing its disk) the log goes to the
system's temporary folder instead, and ``LogFileHandler.path`` says where it went.

Python's ``warnings`` are routed to the same file (``logging.captureWarnings``), so a
library's deprecation notes and pyHanko's certificate-path warnings (with their
tracebacks) stay out of what the user reads.
"""

from __future__ import annotations

import logging
import tempfile
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_DIR = "logs"
GUI_LOG = "fupin.log"
CLI_LOG = "fupin-cli.log"
MAX_BYTES, BACKUPS = 2_000_000, 3
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


def log_file(data_dir: Path, name: str = GUI_LOG) -> Path:
    return Path(data_dir) / LOG_DIR / name


def fallback_log_file(name: str = GUI_LOG) -> Path:
    return Path(tempfile.gettempdir()) / "fupin-desktop-logs" / name


class LogFileHandler(RotatingFileHandler):
    """A rotating log file, created at the first record, with a fallback in the temp folder.

    A log that cannot be written is never itself a message on the console
    (``handleError`` is silent): the user sees the program's Chinese line, not logging's
    "--- Logging error ---" with a traceback.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
        self.wanted = Path(path)
        self.previous_level = logging.NOTSET  # the root logger's level before setup_logging
        self.setFormatter(logging.Formatter(FORMAT))

    @property
    def path(self) -> Path:
        """Where the records go (the wanted file, or the fallback once the wanted one failed)."""
        return Path(self.baseFilename)

    def _open(self):  # type: ignore[no-untyped-def]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return super()._open()
        except OSError:
            fallback = fallback_log_file(self.wanted.name)
            if self.path == fallback:
                raise
            fallback.parent.mkdir(parents=True, exist_ok=True)
            self.baseFilename = str(fallback)
            return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802  (logging's name)
        pass


def setup_logging(data_dir: Path, name: str = GUI_LOG, level: int = logging.INFO) -> LogFileHandler:
    """Send every logger (the program's and the libraries') to the log file in ``data_dir``."""
    handler = LogFileHandler(log_file(data_dir, name))
    root = logging.getLogger()
    handler.previous_level = root.level
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    return handler


def stop_logging(handler: logging.Handler) -> None:
    """Undo ``setup_logging`` (the CLI's ``main`` runs more than once in one test process)."""
    root = logging.getLogger()
    root.removeHandler(handler)
    handler.close()
    if not any(isinstance(h, LogFileHandler) for h in root.handlers):
        logging.captureWarnings(False)
        root.setLevel(getattr(handler, "previous_level", root.level))
