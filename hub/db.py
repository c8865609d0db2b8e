"""Connections and the schema: the psycopg 3 pool, and Alembic run from code."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg_pool import AsyncConnectionPool

from hub.errors import HubError
from hub.settings import HubSettings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def prepare_database(settings: HubSettings) -> str:
    """The URL to use; the embedded cluster is started first when no URL is configured."""
    if settings.database_url:
        return settings.database_url
    from hub.cluster import EmbeddedCluster

    cluster = EmbeddedCluster(settings.home)
    cluster.start()
    return cluster.url


def connect(url: str) -> psycopg.Connection:
    """One synchronous connection (CLI commands)."""
    try:
        return psycopg.connect(url, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise HubError(f"cannot connect to the database: {first_line(exc)}") from exc


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


#: How long the pool keeps retrying one lost connection (with growing pauses) before it
#: gives up; the next request then starts a fresh attempt at once. Short, so the hub is
#: back within seconds of its database, not after a backoff grown over a long outage.
RECONNECT_S = 10.0


def make_pool(url: str, settings: HubSettings) -> AsyncConnectionPool:
    """The request pool (opened by the app's lifespan).

    A request waits at most ``db_wait_s`` for a connection (then the 503 page), each
    connection is checked as it is handed out (a database restart leaves none broken
    behind), and connecting gives up after 2 s.
    """
    return AsyncConnectionPool(url, min_size=settings.pool_min, max_size=settings.pool_max, open=False,
                               kwargs={"autocommit": False, "connect_timeout": 2}, name="seatside-hub",
                               timeout=settings.db_wait_s, check=AsyncConnectionPool.check_connection,
                               reconnect_timeout=RECONNECT_S)


#: What a lost or unreachable database raises: answered 503, never 500.
def database_unavailable_errors() -> tuple[type[Exception], ...]:
    from psycopg_pool import PoolTimeout

    return (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout)


def _alembic_config(url: str):  # -> alembic.config.Config
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url
    return config


def sqlalchemy_url(url: str) -> str:
    """The libpq URL in SQLAlchemy's spelling (psycopg 3 driver); only Alembic uses it."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    if url.startswith("postgresql+psycopg://"):
        return url
    raise HubError(f"not a PostgreSQL URL: {url.split('@')[-1]}")


def upgrade(url: str) -> str:
    """Bring the schema to the newest revision; returns it."""
    from alembic import command

    command.upgrade(_alembic_config(url), "head")
    return head_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config("")).get_current_head() or ""


def current_revision(url: str) -> str | None:
    """The schema revision of the database (None before the first upgrade)."""
    with connect(url) as conn:
        exists = conn.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


def require_current_schema(url: str) -> None:
    current, head = current_revision(url), head_revision()
    if current != head:
        raise HubError(f"the database schema is at {current or 'nothing'}, this hub needs {head}; "
                       "run `seatside-hub db upgrade`")
