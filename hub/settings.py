"""The hub's settings: one object, read from ``SEATSIDE_HUB_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from desktop.core.hubclient.hub_protocol import MAX_BATCH


def default_home() -> Path:
    """``.hub/`` next to the source tree when run from a checkout, else in the working folder."""
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "pyproject.toml").is_file():
        return checkout / ".hub"
    return Path.cwd() / ".hub"


class HubSettings(BaseSettings):
    """Everything a ``serve`` process or a CLI command needs to know."""

    model_config = SettingsConfigDict(env_prefix="SEATSIDE_HUB_", extra="ignore")

    #: The bank's PostgreSQL (libpq URL); empty: the embedded cluster under ``home``.
    database_url: str = ""
    #: Folder of the embedded cluster and, by default, of the signing key.
    home: Path = default_home()
    #: The Ed25519 private key (PEM, 0600), kept outside the database.
    key_file: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8765
    cert: Path | None = None
    key: Path | None = None
    #: Time zone the centre's days are counted in (stats, reports).
    timezone: str = "Asia/Shanghai"
    pool_min: int = 1
    pool_max: int = 10
    #: Largest request body accepted, in bytes.
    max_body_bytes: int = 2_000_000
    #: Most call records in one upload: may lower the protocol's limit, never raise it.
    max_batch: Annotated[int, Field(ge=1, le=MAX_BATCH)] = MAX_BATCH
    #: Longest long-poll for new packs, in seconds.
    long_poll_max_s: float = 30.0
    #: A seat whose last heartbeat is older than this is shown as gone.
    heartbeat_stale_s: float = 15.0
    #: One-time enrolment codes expire after this many hours.
    enrolment_code_hours: int = 72
    #: Lead sessions expire after this many hours.
    lead_session_hours: int = 12
    #: Sign-in throttling: failures allowed from one address / on one name before each
    #: further attempt must wait, the first wait (doubled at every failure) and the longest.
    #: A name's wait is short and skipped by a browser that signed in as that lead before,
    #: so nobody can keep a lead out by failing on purpose.
    signin_free_per_address: int = 5
    signin_free_per_name: int = 10
    signin_delay_s: float = 1.0
    signin_max_delay_address_s: float = 900.0
    signin_max_delay_name_s: float = 60.0
    #: Failures older than this are forgotten.
    signin_forget_s: float = 3600.0
    #: Threads that verify passwords (Argon2id: ~64 MiB and tens of ms each), and how many
    #: attempts may wait for one; more are answered as throttled.
    signin_workers: int = 1
    signin_queue: int = 16
    #: Every failed sign-in answers after at least this long (unknown name, wrong
    #: password and throttled alike), so the time tells nothing.
    signin_answer_s: float = 0.25
    #: Addresses (or networks, e.g. 10.0.0.0/24) of TLS-terminating reverse proxies whose
    #: X-Forwarded-Proto and X-Forwarded-For are believed; comma-separated. Empty: none.
    trusted_proxies: str = ""
    #: Strict-Transport-Security max-age sent over TLS (0: no header).
    hsts_seconds: int = 31_536_000
    #: How long a request waits for a database connection before the 503 page.
    db_wait_s: float = 2.0
    #: Exports one lead may run at once, and all leads together (each holds a connection).
    exports_per_lead: int = 2
    exports_total: int = 4
    #: Test-only fault injection (see docs/hub.md); never set it in production.
    fault_injection: str = ""

    @property
    def signing_key_file(self) -> Path:
        return self.key_file or self.home / "signing-key.pem"

    def resolved_database_url(self) -> str:
        """The URL to connect to: the configured one, else the embedded cluster's."""
        if self.database_url:
            return self.database_url
        from hub.cluster import EmbeddedCluster

        return EmbeddedCluster(self.home).url
