"""One Seatside per data folder: a second launch asks the running one to come forward.

Which instance runs is decided by the folder's lock (``desktop.core.seat.instance_lock``),
taken before anything else. The socket here only carries the "show" message: it lives
in a private 0700 directory of the user (``$XDG_RUNTIME_DIR`` or a checked folder of
its own), and on Linux both ends check that the other runs as the same user.
"""

from __future__ import annotations

import hashlib
import os
import socket as pysocket
import stat
import struct
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_TIMEOUT_MS = 500
# Longest Unix socket path (sun_path is 108 bytes on Linux, 104 on macOS).
MAX_SOCKET_PATH = 100


class UnsafeDirectory(Exception):
    """A directory meant to be private is not (another owner, group/other access, a link)."""


def _own_uid() -> int:
    """This process's user id (POSIX only: on Windows the pipe's name carries the user)."""
    if sys.platform == "win32":
        raise OSError("Windows has no numeric user ids")
    return os.getuid()


def _private_dir(path: Path) -> Path:
    """Create ``path`` 0700 if needed and check it is ours, a real directory and private."""
    try:
        path.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise UnsafeDirectory(f"{path}: {exc.strerror or exc}") from exc
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeDirectory(f"{path} is not a directory")
    if info.st_uid != _own_uid():
        raise UnsafeDirectory(f"{path} belongs to another user")
    if info.st_mode & 0o077:
        raise UnsafeDirectory(f"{path} is open to other users")
    return path


def socket_dirs(data_dir: Path) -> list[Path]:
    """Where the socket may live, best first."""
    found = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        found.append(Path(runtime) / "seatside")
    found.append(Path(data_dir) / "run")
    found.append(Path(tempfile.gettempdir()) / f"seatside-{_own_uid()}")
    return found


def server_name(data_dir: Path) -> str:
    """The socket for ``data_dir``: a path in the user's private directory on Unix,
    a per-user pipe name on Windows."""
    digest = hashlib.sha1(str(Path(data_dir).resolve()).encode("utf-8")).hexdigest()[:16]
    if sys.platform == "win32":
        user = os.environ.get("USERNAME", "")
        return "seatside-" + hashlib.sha1(f"{user}:{digest}".encode()).hexdigest()[:16]
    for folder in socket_dirs(data_dir):
        candidate = folder / f"seatside-{digest}"
        if len(str(candidate)) > MAX_SOCKET_PATH:
            continue
        try:
            return str(_private_dir(folder) / candidate.name)
        except UnsafeDirectory:
            continue
    raise UnsafeDirectory("no private directory for the single-instance socket")


def peer_uid(descriptor: int) -> int | None:
    """The user id of the process at the other end of a Unix socket (Linux), else None."""
    option = getattr(pysocket, "SO_PEERCRED", None)
    if option is None or descriptor < 0:
        return None
    sock = pysocket.socket(fileno=os.dup(descriptor))
    try:
        raw = sock.getsockopt(pysocket.SOL_SOCKET, option, struct.calcsize("3i"))
    except OSError:
        return None
    finally:
        sock.close()
    _pid, uid, _gid = struct.unpack("3i", raw)
    return uid


def same_user(descriptor: int) -> bool:
    uid = peer_uid(descriptor)
    return uid is None or uid == _own_uid()


def ask_running_instance(data_dir: Path, message: str = "show") -> bool:
    """True if another instance of this user answered (and was told ``message``)."""
    try:
        name = server_name(data_dir)
    except UnsafeDirectory:
        return False
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    if not same_user(int(socket.socketDescriptor())):
        socket.abort()
        return False
    socket.write(message.encode("utf-8") + b"\n")
    socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later launches; ``messageReceived('show')`` when one arrives.

    Only the process holding the folder's lock listens, so a socket left at the
    name is a stale one and is removed.
    """

    messageReceived = Signal(str)

    def __init__(self, data_dir: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.name = ""
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        try:
            self.name = server_name(self.data_dir)
        except UnsafeDirectory:
            return False
        if self._server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)  # a stale socket left by a crash
        return self._server.listen(self.name)

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if not same_user(int(socket.socketDescriptor())):
                socket.abort()
                socket.deleteLater()
                continue
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            self.messageReceived.emit(bytes(socket.readLine().data()).decode("utf-8", "replace").strip())

    def close(self) -> None:
        self._server.close()
