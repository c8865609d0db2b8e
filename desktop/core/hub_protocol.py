"""What the seat and the centre's hub agree on: API paths, signed pack bundles, the
call record and heartbeat (pydantic models), and their limits, each defined once here.

Shared by ``desktop.core.sync`` (the seat checks each outbox record against ``CallIn``
before sending it) and ``hub`` (its routers validate requests with the same models);
Qt-free. ``tests/hub/test_protocol_contract.py`` fails if the two sides disagree.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from desktop.core.privacy import find_pii

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


# -- the call record and the heartbeat (seat → hub) ---------------------------------
Short = Annotated[str, Field(max_length=MAX_SHORT)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Seconds = Annotated[float, Field(ge=0, le=MAX_SECONDS)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class StepIn(Strict):
    scenario_id: Short = ""
    step_id: Short
    title: Short = ""
    mandatory: bool = False
    ticked_at: datetime | None = None


class PhraseIn(Strict):
    scenario_id: Short = ""
    step_id: Short = ""
    phrase_id: Short = ""
    text: Text = ""
    used_at: datetime | None = None
    via: Short = ""


class FollowUpIn(Strict):
    kind: Short
    text: Text
    due_at: datetime | None = None
    done_at: datetime | None = None
    created_at: datetime | None = None


class SkippedIn(Strict):
    step_id: Short
    title: Short = ""
    reason: Text = ""


class BannedIn(Strict):
    phrase: Short
    count: Annotated[int, Field(ge=1, le=10_000)] = 1


class CallIn(Strict):
    """One ended call; (uid, revision) is its idempotency key."""

    uid: Annotated[str, Field(min_length=1, max_length=MAX_UID, pattern=r"^[A-Za-z0-9:._-]+$")]
    revision: Annotated[int, Field(ge=1, le=1_000_000)]
    started_at: datetime
    ended_at: datetime | None = None
    duration_s: Seconds | None = None
    wrapup_s: Seconds | None = None
    scenario_id: Short = ""
    scenario_name: Short = ""
    disposition: Short = ""
    end_reason: Short = ""
    customer_ref: Annotated[str, Field(max_length=MAX_CUSTOMER_REF)] = ""
    notes: Annotated[str, Field(max_length=MAX_NOTES)] = ""
    pack_version: Annotated[int, Field(ge=0)] | None = None
    steps_total: Count = 0
    mandatory_total: Count = 0
    steps: Annotated[list[StepIn], Field(max_length=MAX_STEPS)] = []
    phrases: Annotated[list[PhraseIn], Field(max_length=MAX_PHRASES)] = []
    followups: Annotated[list[FollowUpIn], Field(max_length=MAX_FOLLOWUPS)] = []
    skipped: Annotated[list[SkippedIn], Field(max_length=MAX_STEPS)] = []
    banned: Annotated[list[BannedIn], Field(max_length=MAX_BANNED)] = []

    def texts(self) -> list[tuple[str, str]]:
        """Every free text of the record, with where it is (for the refusal message)."""
        found = [(name, value) for name, value in self if isinstance(value, str)]
        for name in ("steps", "phrases", "followups", "skipped", "banned"):
            for i, item in enumerate(getattr(self, name)):
                found += [(f"{name}[{i}].{key}", value) for key, value in item if isinstance(value, str)]
        return found

    def unmasked(self) -> list[str]:
        """Where the record still holds a full number ("notes: card"), empty when clean."""
        problems: list[str] = []
        for where, text in self.texts():
            if text:
                problems.extend(f"{where}: {match.kind}" for match in find_pii(text))
        return problems


class CallBatch(Strict):
    calls: Annotated[list[CallIn], Field(min_length=1, max_length=MAX_BATCH)]


class HeartbeatIn(Strict):
    state: Literal["idle", "in_call", "after_call"]
    scenario_id: Short = ""
    scenario_name: Short = ""
    steps_done: Count = 0
    steps_total: Count = 0
    mandatory_done: Count = 0
    mandatory_total: Count = 0
    elapsed_s: Seconds = 0.0
    banned_count: Annotated[int, Field(ge=0, le=100_000)] = 0
    pack_version: Annotated[int, Field(ge=0)] | None = None
    seq: Annotated[int, Field(ge=0)] = 0
    sent_at: datetime | None = None

    def unmasked(self) -> list[str]:
        """Where a text field still holds a full number, empty when clean (every field is scanned)."""
        return unmasked_fields(self)


def unmasked_fields(model: BaseModel) -> list[str]:
    return [f"{name}: {m.kind}" for name, value in model if isinstance(value, str) for m in find_pii(value)]


def call_problem(payload: dict[str, Any]) -> str | None:
    """Why the hub would refuse this call record, in one line; None when it would take it."""
    try:
        call = CallIn.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"the call record does not fit the hub's protocol ({where}: {first['msg']})"
    problems = call.unmasked()
    if problems:
        return f"the call record still holds a full number ({problems[0]})"
    return None
