"""The caller-history key, kept in the OS secret store, never in the data folder.

Caller history tells apart callers whose masked references collide
(``*******5678``) by a keyed hash of the full reference. Whoever holds the key
can brute-force a mobile number from its tail in a second, so the key lives
where a copy of the data folder does not reach: the OS secret store through
``keyring`` (Secret Service on Linux, Credential Manager on Windows, Keychain on
macOS). With no usable store (a bare CI machine, a locked session, only a
plain-text file backend), there is no key: nothing is hashed and history falls
back to the masked tail (the panel says so).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from pathlib import Path

log = logging.getLogger(__name__)

SERVICE = "Seatside"
# Backends that are no secret store: they fail, forget, or write a plain file.
REFUSED_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def account_for(data_folder: Path) -> str:
    """One key per data folder (the folder's path is not secret, only the key is)."""
    digest = hashlib.sha256(str(Path(data_folder).resolve()).encode("utf-8")).hexdigest()[:16]
    return f"history-key-{digest}"


def backend_name() -> str:
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 (keyring raises assorted errors when its backends cannot load)
        return f"none ({exc.__class__.__name__})"
    return f"{type(backend).__module__}.{type(backend).__name__}"


def usable() -> bool:
    """Whether a real OS secret store is configured."""
    name = backend_name()
    return not name.startswith("none") and not name.startswith(REFUSED_BACKENDS) and not _empty_chain()


def _empty_chain() -> bool:
    try:
        import keyring
        from keyring.backends.chainer import ChainerBackend

        backend = keyring.get_keyring()
        if isinstance(backend, ChainerBackend):
            return not [b for b in backend.backends if not type(b).__module__.startswith(REFUSED_BACKENDS)]
    except Exception:  # noqa: BLE001 (a backend that cannot even be listed is no store)
        return True
    return False


def history_key(data_folder: Path) -> bytes | None:
    """The data folder's caller-history key from the OS secret store, created on first
    use; None when there is no usable store."""
    if not usable():
        return None
    import keyring

    account = account_for(data_folder)
    try:
        value = keyring.get_password(SERVICE, account)
        if value is None:
            keyring.set_password(SERVICE, account, secrets.token_hex(32))
            value = keyring.get_password(SERVICE, account)
        if value is None:
            return None
        key = bytes.fromhex(value)
    except Exception as exc:  # noqa: BLE001 (a locked or broken store: no key, history by tail)
        log.info("no caller-history key from the OS secret store: %s", exc.__class__.__name__)
        return None
    return key if len(key) >= 16 else None


def forget_history_key(data_folder: Path) -> None:
    """Remove the key (after the data folder was deleted): old hashes become noise."""
    if not usable():
        return
    import keyring

    try:
        keyring.delete_password(SERVICE, account_for(data_folder))
    except Exception as exc:  # noqa: BLE001 (nothing to remove is fine)
        log.info("could not remove the caller-history key: %s", exc.__class__.__name__)
