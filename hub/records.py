"""Call records and heartbeats as the hub accepts them: shapes, limits and masking.

Every text a seat sends goes through ``desktop.core.privacy`` again. A record in
which the masker still finds a full card, resident-ID or mobile number is refused
as a whole (HTTP 422) and never stored: the seat should never have kept it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from desktop.core.privacy import find_pii

Short = Annotated[str, Field(max_length=200)]
Text = Annotated[str, Field(max_length=20_000)]


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
    text: Annotated[str, Field(max_length=2_000)] = ""
    used_at: datetime | None = None
    via: Short = ""


class FollowUpIn(Strict):
    kind: Short
    text: Annotated[str, Field(max_length=2_000)]
    due_at: datetime | None = None
    done_at: datetime | None = None
    created_at: datetime | None = None


class SkippedIn(Strict):
    step_id: Short
    title: Short = ""
    reason: Annotated[str, Field(max_length=2_000)] = ""


class BannedIn(Strict):
    phrase: Short
    count: Annotated[int, Field(ge=1, le=10_000)] = 1


class CallIn(Strict):
    """One ended call; (uid, revision) is its idempotency key."""

    uid: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9:._-]+$")]
    revision: Annotated[int, Field(ge=1, le=1_000_000)]
    started_at: datetime
    ended_at: datetime | None = None
    duration_s: Annotated[float, Field(ge=0, le=7 * 86400)] | None = None
    wrapup_s: Annotated[float, Field(ge=0, le=7 * 86400)] | None = None
    scenario_id: Short = ""
    scenario_name: Short = ""
    disposition: Short = ""
    end_reason: Short = ""
    customer_ref: Annotated[str, Field(max_length=100)] = ""
    notes: Text = ""
    pack_version: Annotated[int, Field(ge=0)] | None = None
    steps_total: Annotated[int, Field(ge=0, le=1000)] = 0
    mandatory_total: Annotated[int, Field(ge=0, le=1000)] = 0
    steps: Annotated[list[StepIn], Field(max_length=500)] = []
    phrases: Annotated[list[PhraseIn], Field(max_length=2_000)] = []
    followups: Annotated[list[FollowUpIn], Field(max_length=100)] = []
    skipped: Annotated[list[SkippedIn], Field(max_length=500)] = []
    banned: Annotated[list[BannedIn], Field(max_length=200)] = []

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
    calls: Annotated[list[CallIn], Field(min_length=1, max_length=500)]


class HeartbeatIn(Strict):
    state: Literal["idle", "in_call", "after_call"]
    scenario_id: Short = ""
    scenario_name: Short = ""
    steps_done: Annotated[int, Field(ge=0, le=1000)] = 0
    steps_total: Annotated[int, Field(ge=0, le=1000)] = 0
    mandatory_done: Annotated[int, Field(ge=0, le=1000)] = 0
    mandatory_total: Annotated[int, Field(ge=0, le=1000)] = 0
    elapsed_s: Annotated[float, Field(ge=0, le=7 * 86400)] = 0.0
    banned_count: Annotated[int, Field(ge=0, le=100_000)] = 0
    pack_version: Annotated[int, Field(ge=0)] | None = None
    seq: Annotated[int, Field(ge=0)] = 0
    sent_at: datetime | None = None

    def unmasked(self) -> list[str]:
        """Where a text field still holds a full number, empty when clean (every field is scanned)."""
        return _unmasked_fields(self)


class EnrolIn(Strict):
    code: Annotated[str, Field(min_length=4, max_length=64)]

    def unmasked(self) -> list[str]:
        return _unmasked_fields(self)


def _unmasked_fields(model: BaseModel) -> list[str]:
    return [f"{name}: {m.kind}" for name, value in model if isinstance(value, str) for m in find_pii(value)]


class PacksInstalledIn(Strict):
    version: Annotated[int, Field(ge=0)]
