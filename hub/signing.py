"""The centre's Ed25519 key: created once, private half in a 0600 file, signs pack bundles."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop.core.hubclient.hub_protocol import fingerprint, verify_signature
from hub.errors import HubError

__all__ = ["create_key", "fingerprint", "load_key", "public_raw", "verify_signature"]


def public_raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def create_key(path: Path) -> Ed25519PrivateKey:
    """Write a new private key to ``path`` (0600, never over an existing file)."""
    if path.exists():
        raise HubError(f"a signing key already exists at {path}; keep it (seats have pinned it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise HubError(f"cannot write the signing key {path}: {exc.strerror}") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    return key


def load_key(path: Path) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise HubError(f"no signing key at {path}; run `seatside-hub keys init` first") from None
    except OSError as exc:
        raise HubError(f"cannot read the signing key {path}: {exc.strerror}") from exc
    if path.stat().st_mode & 0o077:
        raise HubError(f"the signing key {path} is readable by others; chmod 600 it")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise HubError(f"the signing key {path} is not a PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise HubError(f"the signing key {path} is not an Ed25519 key")
    return key
