"""The seat → hub call record and heartbeat: the one schema both sides use.

Pydantic models built from the limits in ``desktop.core.hubclient.hub_protocol``. The seat checks
each outbox record with ``call_problem`` and each heartbeat with ``HeartbeatIn`` before
sending (``desktop.core.hubclient.sync``, imported there only when it sends); the hub's routers
declare the same models as their request bodies. Imported lazily by the seat: pydantic
costs start-up time the panel does not need.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from desktop.core.hubclient.hub_protocol import (
    MAX_BANNED,
    MAX_BANNED_SAID,
    MAX_BATCH,
    MAX_COUNT,
    MAX_CUSTOMER_REF,
    MAX_FOLLOWUPS,
    MAX_NOTES,
    MAX_OPEN_STEPS,
    MAX_PHRASES,
    MAX_SECONDS,
    MAX_SHORT,
    MAX_STEPS,
    MAX_TEXT,
    MAX_UID,
)
from desktop.core.privacy.masking import find_pii

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
    """A banned phrase typed in the call's notes, and how often (said ones: ``CallIn.banned_spoken``)."""

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
    #: Banned phrases the seat said on the call (from the live transcript; the phrases are not kept).
    banned_spoken: Count = 0

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


class BannedSaidIn(Strict):
    """A banned phrase of the call in progress: typed in the notes or said (live transcript)."""

    phrase: Short
    via: Literal["typed", "spoken"]
    at: datetime | None = None  # when the seat first noticed it


class HeartbeatIn(Strict):
    state: Literal["idle", "in_call", "after_call"]
    state_since: datetime | None = None
    call_started_at: datetime | None = None
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
    #: Titles of the scenario's mandatory steps not done yet.
    open_steps: Annotated[list[Short], Field(max_length=MAX_OPEN_STEPS)] = []
    banned: Annotated[list[BannedSaidIn], Field(max_length=MAX_BANNED_SAID)] = []

    def unmasked(self) -> list[str]:
        """Where a text field still holds a full number, empty when clean (every field is scanned)."""
        problems = unmasked_fields(self)
        for i, title in enumerate(self.open_steps):
            problems += [f"open_steps[{i}]: {m.kind}" for m in find_pii(title)]
        for i, said in enumerate(self.banned):
            problems += [f"banned[{i}].{where}" for where in unmasked_fields(said)]
        return problems


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
