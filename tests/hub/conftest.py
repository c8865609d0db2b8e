"""A real, throw-away PostgreSQL for the hub's tests, and real hub processes on loopback.

One cluster per test session (fsync off, Unix socket only, under /tmp so that the
unprivileged ``postgres`` user can reach it when the tests run as root); the
schema is migrated once into a template database and every test gets a fresh
copy of it.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

from hub.cluster import EmbeddedCluster
from hub.db import upgrade

TEMPLATE = "hub_template"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[EmbeddedCluster]:
    home = Path(tempfile.mkdtemp(prefix="seatside-hub-pg-"))
    home.chmod(0o711)
    cluster = EmbeddedCluster(home, fast=True)
    try:
        cluster.start()
        with psycopg.connect(cluster.url_for("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        upgrade(cluster.url_for(TEMPLATE))
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(home, ignore_errors=True)


def _new_database(cluster: EmbeddedCluster) -> str:
    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(cluster.url_for("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    return name


def _drop_database(cluster: EmbeddedCluster, name: str) -> None:
    with psycopg.connect(cluster.url_for("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def hub_db(pg_cluster: EmbeddedCluster) -> Iterator[str]:
    """The URL of a fresh, migrated database for this test."""
    name = _new_database(pg_cluster)
    yield pg_cluster.url_for(name)
    _drop_database(pg_cluster, name)


@pytest.fixture
def hub_home(tmp_path: Path) -> Path:
    """The hub's own folder (signing key) for this test."""
    home = tmp_path / "hub-home"
    home.mkdir()
    return home


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hub_env(url: str, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["SEATSIDE_HUB_DATABASE_URL"] = url
    env["SEATSIDE_HUB_HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_hub(url: str, home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``seatside-hub ARGS`` as a real process."""
    return subprocess.run([sys.executable, "-m", "hub.cli", *args], env=hub_env(url, home), capture_output=True,
                          text=True, timeout=timeout, check=False)


@dataclass
class HubProcess:
    """A real ``seatside-hub serve`` on a free loopback port."""

    url: str
    home: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    #: More ``serve`` options (e.g. --cert/--key), and the CA to trust when serving TLS.
    extra_args: list[str] = field(default_factory=list)
    ca_file: str | None = None

    @property
    def base(self) -> str:
        return f"{'https' if self.ca_file else 'http'}://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        env = hub_env(self.url, self.home) | self.extra_env
        with self.log.open("a", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "hub.cli", "serve", "--port", str(self.port), *self.extra_args],
                env=env, stdout=log, stderr=log, text=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited: {self.log.read_text(encoding='utf-8')}")
            try:
                if httpx.get(self.base + "/api/v1/health", timeout=1, verify=self.verify).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the hub did not answer in time")

    @property
    def verify(self) -> ssl.SSLContext | bool:
        return ssl.create_default_context(cafile=self.ca_file) if self.ca_file else True

    def kill(self) -> None:
        """kill -9."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    @property
    def log(self) -> Path:
        return self.home / f"serve-{self.port}.log"

    def stop(self) -> str:
        """Stop gracefully; returns everything the process wrote."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text(encoding="utf-8") if self.log.exists() else ""


@pytest.fixture
def hub_server(hub_db: str, hub_home: Path) -> Iterator[HubProcess]:
    """A running hub on this test's database, with a signing key."""
    result = run_hub(hub_db, hub_home, "keys", "init")
    assert result.returncode == 0, result.stderr
    server = HubProcess(hub_db, hub_home)
    server.start()
    yield server
    stderr = server.stop()
    assert "Traceback" not in stderr, stderr


@pytest.fixture
def db(hub_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(hub_db, autocommit=True) as conn:
        yield conn
