"""The embedded PostgreSQL: a private cluster under ``.hub/`` on a Unix socket.

Debian's server binaries live in ``/usr/lib/postgresql/<major>/bin``. PostgreSQL
refuses to run as root, so when we are root the cluster belongs to the
unprivileged ``postgres`` system user and its programs run through ``runuser``.
Nothing listens on TCP: the socket folder is 0700, so only its owner (and root)
can connect; authentication inside is ``trust``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

from hub.errors import HubError

DB_NAME = "seatside"
DB_USER = "seatside"
SOCKET_PORT = 5432
SYSTEM_USER = "postgres"


def pg_bin_dir() -> Path:
    """The newest PostgreSQL server binaries installed (Debian layout), else ``$PATH``."""
    root = Path("/usr/lib/postgresql")
    candidates = sorted(
        (p / "bin" for p in root.glob("*") if (p / "bin" / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    ) if root.is_dir() else []
    if candidates:
        return candidates[-1]
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise HubError("PostgreSQL is not installed (no initdb); run `make hub` or install the 'postgresql' package")


class EmbeddedCluster:
    """A PostgreSQL cluster in ``home/pgdata`` with its socket in ``home/run``."""

    def __init__(self, home: Path, *, fast: bool = False):
        self.home = Path(home).resolve()
        self.data = self.home / "pgdata"
        self.run = self.home / "run"
        self.log = self.home / "postgres.log"
        #: fsync off: for throw-away clusters in tests only.
        self.fast = fast

    @property
    def url(self) -> str:
        return f"postgresql://{DB_USER}@/{DB_NAME}?host={self.run}&port={SOCKET_PORT}"

    def url_for(self, database: str) -> str:
        return f"postgresql://{DB_USER}@/{database}?host={self.run}&port={SOCKET_PORT}"

    # -- process plumbing ------------------------------------------------------
    def _as_owner(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            raise HubError(f"running as root needs the '{SYSTEM_USER}' system user (install the 'postgresql' package)") from None
        return ["runuser", "-u", SYSTEM_USER, "--"]

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        command = [*self._as_owner(), str(pg_bin_dir() / argv[0]), *argv[1:]]
        return subprocess.run(command, capture_output=True, text=True, check=False, cwd="/")

    def _chown(self, path: Path) -> None:
        if os.geteuid() == 0:
            entry = pwd.getpwnam(SYSTEM_USER)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    # -- life cycle --------------------------------------------------------------
    @property
    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def running(self) -> bool:
        if not self.initialised:
            return False
        return self._run("pg_ctl", "status", "-D", str(self.data)).returncode == 0

    def init(self) -> None:
        """Create the cluster (once)."""
        if self.initialised:
            return
        self.home.mkdir(parents=True, exist_ok=True)
        # The owner must be able to reach its folders; nobody else may read them.
        self.home.chmod(0o711)
        for folder in (self.data, self.run):
            folder.mkdir(mode=0o700, exist_ok=True)
            folder.chmod(0o700)
            self._chown(folder)
        result = self._run(
            "initdb", "-D", str(self.data), "-U", DB_USER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
        )
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["initdb failed"])[-1]
            raise HubError(f"cannot create the embedded PostgreSQL cluster in {self.data}: {last}")
        settings = [
            "listen_addresses = ''",
            f"unix_socket_directories = '{self.run}'",
            "unix_socket_permissions = 0700",
            f"port = {SOCKET_PORT}",
            "max_connections = 300",
            "shared_buffers = 128MB",
        ]
        if self.fast:
            settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        conf = self.data / "postgresql.auto.conf"
        with conf.open("a", encoding="utf-8") as handle:
            handle.write("\n# Seatside Hub embedded cluster\n" + "\n".join(settings) + "\n")

    def start(self, timeout: float = 60.0) -> None:
        """Start the server if it is not running, and create the database."""
        self.init()
        if not self.running():
            if not self.log.exists():
                self.log.touch(mode=0o600)
                self._chown(self.log)
            result = self._run("pg_ctl", "start", "-w", "-t", str(int(timeout)), "-D", str(self.data), "-l", str(self.log))
            if result.returncode != 0:
                raise HubError(f"cannot start the embedded PostgreSQL (see {self.log}): "
                               f"{(result.stderr.strip().splitlines() or ['pg_ctl failed'])[-1]}")
        self._create_database(DB_NAME, timeout)

    def _create_database(self, name: str, timeout: float) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.url_for("postgres"), autocommit=True, connect_timeout=5) as conn:
                    exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
                    if not exists:
                        conn.execute(f'CREATE DATABASE "{name}"')
                return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise HubError(f"the embedded PostgreSQL does not answer: {str(exc).strip().splitlines()[0]}") from exc
                time.sleep(0.1)

    def stop(self) -> None:
        if self.running():
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")
