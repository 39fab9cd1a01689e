"""One running program per data folder.

The first start takes a ``QLockFile`` named after the data folder and listens on a
``QLocalServer`` of the same name; a second start on the same folder finds the lock taken,
asks the first (through a ``QLocalSocket``) to bring its window to the front, and ends. A lock
left by a killed program names a process that no longer runs and is taken over (QLockFile
checks the PID), so a power cut never locks the clerk out.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

MESSAGE = b"raise\n"
WAIT_MS = 3000


def instance_key(data_dir: Path) -> str:
    """The lock's and the server's name: the same for every spelling of the same folder."""
    where = os.path.normcase(str(Path(data_dir).expanduser().resolve()))
    return "fupin-" + hashlib.sha256(where.encode("utf-8")).hexdigest()[:20]


class SingleInstance(QObject):
    """``acquire()`` once at start; ``activate`` is emitted when a second start knocks."""

    activate = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = instance_key(data_dir)
        self.lock = QLockFile(str(Path(QDir.tempPath()) / f"{self.key}.lock"))
        self.lock.setStaleLockTime(0)  # never stale by age: only when its process is gone
        self.server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True: this is the only program on the folder. False: the running one was asked to show itself."""
        if self.lock.tryLock(100):
            self._listen()
            return True
        self.knock()
        return False

    def knock(self) -> bool:
        """Ask the running program to come to the front; False if it did not answer."""
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(WAIT_MS):
            log.warning("已在运行的程序没有应答：%s", socket.errorString())
            return False
        socket.write(MESSAGE)
        done = socket.waitForBytesWritten(WAIT_MS)
        socket.disconnectFromServer()
        return done

    def _listen(self) -> None:
        QLocalServer.removeServer(self.key)  # a socket file left by a killed program (Unix)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(self.key):
            log.warning("无法监听 %s：%s", self.key, self.server.errorString())
            return
        self.server.newConnection.connect(self._knocked)

    def _knocked(self) -> None:
        assert self.server is not None
        while (socket := self.server.nextPendingConnection()) is not None:
            # The knocker writes at once; waiting here (rarely, briefly) keeps no socket alive
            # after this call, so nothing is left to outlive the server.
            if socket.bytesAvailable() or socket.waitForReadyRead(1000):
                knocked = bytes(socket.readAll().data()).startswith(MESSAGE.strip())
            else:
                knocked = False
            socket.abort()
            socket.deleteLater()
            if knocked:
                self.activate.emit()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()
