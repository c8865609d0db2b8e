"""What the seat and the centre's hub agree on: API paths, signed pack bundles, and the
limits of the call record and heartbeat, each defined once here.

The call record and heartbeat themselves are pydantic models in
``desktop.core.hubclient.hub_records`` (kept apart so the panel does not import pydantic at start),
built from these limits. Shared by ``desktop.core.hubclient.sync`` (the seat) and ``hub`` (the
centre); Qt-free. ``tests/hub/test_protocol_contract.py`` fails if the two sides disagree.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

API = "/api/v1"
BUNDLE_FORMAT = 1
# Most call records in one upload (the hub's ``max_batch`` setting may only lower it).
MAX_BATCH = 500
# Longest texts in a call record or heartbeat, in characters.
MAX_SHORT = 200  # ids, titles, names, dispositions, reasons
MAX_TEXT = 2_000  # a phrase, a follow-up, a skipped step's reason
MAX_NOTES = 20_000  # the call's notes
MAX_UID = 100
MAX_CUSTOMER_REF = 100
# Most items of each list in one call record.
MAX_STEPS = 500
MAX_PHRASES = 2_000
MAX_FOLLOWUPS = 100
MAX_BANNED = 200
MAX_COUNT = 1_000  # step counts
MAX_SECONDS = 7 * 86400  # a duration
# Seats send a heartbeat this often while the panel runs.
HEARTBEAT_INTERVAL_S = 5.0
# File name prefix of packs installed from the hub in the seat's ``packs/`` folder.
HUB_PACK_PREFIX = "hub-"


class BundleError(ValueError):
    """A pack bundle that is not well-formed, signed by the pinned key, or newer.

    ``kind`` says why, for the hub's dashboard: ``signature``, ``older``, ``team``,
    ``check`` (a pack error, with file:line) or ``bundle`` (not well-formed)."""

    KINDS = ("signature", "older", "team", "check", "bundle")

    def __init__(self, message: str, kind: str = "bundle"):
        super().__init__(message)
        self.kind = kind if kind in self.KINDS else "bundle"


def fingerprint(public_raw: bytes) -> str:
    """``SHA256:`` and the unpadded base64 of the raw public key's digest (as OpenSSH prints it)."""
    digest = hashlib.sha256(public_raw).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def verify_signature(public_raw: bytes, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def encode_bundle(team: str, version: int, files: dict[str, str], *, note: str, published_at: str) -> bytes:
    """The canonical bytes that are signed: sorted-key JSON in UTF-8."""
    body = {
        "format": BUNDLE_FORMAT,
        "team": team,
        "version": version,
        "note": note,
        "published_at": published_at,
        "files": dict(sorted(files.items())),
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Bundle:
    team: str
    version: int
    note: str
    published_at: str
    files: dict[str, str]


def open_bundle(public_raw: bytes, bundle: bytes, signature: bytes) -> Bundle:
    """Check the signature against the pinned key, then parse; raises BundleError."""
    if not verify_signature(public_raw, signature, bundle):
        raise BundleError("the pack bundle's signature does not match the hub key pinned at enrolment",
                          "signature")
    try:
        body: Any = json.loads(bundle.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"the pack bundle is not valid JSON: {exc}") from exc
    if not isinstance(body, dict) or body.get("format") != BUNDLE_FORMAT:
        raise BundleError("the pack bundle has an unknown format")
    files = body.get("files")
    version = body.get("version")
    if not isinstance(files, dict) or not isinstance(version, int) or version < 1:
        raise BundleError("the pack bundle lacks its files or version")
    for name, text in files.items():
        if (not isinstance(name, str) or not isinstance(text, str) or "/" in name or "\\" in name
                or name.startswith(".") or not name.endswith((".yaml", ".yml"))):
            raise BundleError(f"the pack bundle holds a file with a bad name: {str(name)[:60]!r}")
    return Bundle(str(body.get("team", "")), version, str(body.get("note", "")), str(body.get("published_at", "")),
                  dict(files))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)

