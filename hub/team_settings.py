"""A team's settings: target handle time, alert thresholds and call-score weights.

The one owner of these values. ``teams.target_handle_s`` keeps the target handle time
(the board has always read it); everything else is the ``teams.settings`` JSON document,
validated here. Unknown or out-of-range stored values fall back to the defaults, so a
bad row can never stop the board.
"""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hub import audit


class AlertThresholds(BaseModel):
    """When the board raises an alert."""

    model_config = ConfigDict(extra="forbid")

    #: A call is flagged once it lasts this many times the target handle time.
    over_target_factor: float = Field(default=2.0, ge=1.0, le=10.0)
    #: A signed-in seat with no heartbeat for this long is flagged as silent.
    silent_seat_s: int = Field(default=120, ge=30, le=3600)
    #: Alert on a banned phrase (typed or spoken) as soon as it is said.
    banned_phrase: bool = True
    #: Alert when a call is wrapped up with a mandatory step not done.
    mandatory_skipped: bool = True


class ScoreWeights(BaseModel):
    """Points taken off a call's quality score (100 = nothing wrong)."""

    model_config = ConfigDict(extra="forbid")

    mandatory_missed: float = Field(default=15.0, ge=0, le=100)  # per mandatory step not done
    banned_typed: float = Field(default=20.0, ge=0, le=100)  # per banned phrase in the notes
    banned_spoken: float = Field(default=20.0, ge=0, le=100)  # per banned phrase said
    no_skip_reason: float = Field(default=5.0, ge=0, le=100)  # per skipped step without a reason
    no_disposition: float = Field(default=5.0, ge=0, le=100)  # no wrap-up reason (disposition) chosen
    over_target: float = Field(default=10.0, ge=0, le=100)  # handle time over the alert factor
    long_wrapup: float = Field(default=5.0, ge=0, le=100)  # wrap-up longer than ``long_wrapup_s``
    long_wrapup_s: int = Field(default=120, ge=10, le=3600)


class TeamSettings(BaseModel):
    """Everything a lead may change on the team's settings page."""

    model_config = ConfigDict(extra="forbid")

    target_handle_s: int = Field(default=300, ge=30, le=7200)
    alerts: AlertThresholds = Field(default_factory=AlertThresholds)
    score: ScoreWeights = Field(default_factory=ScoreWeights)


def from_row(target_handle_s: int, document: dict[str, Any] | None) -> TeamSettings:
    """Settings from a ``teams`` row; a stored document that no longer validates gives defaults."""
    try:
        extra = TeamSettings.model_validate({"target_handle_s": 300, **(document or {})})
    except ValidationError:
        extra = TeamSettings.model_validate({})
    return extra.model_copy(update={"target_handle_s": target_handle_s})


async def load(conn: AsyncConnection, team_id: int) -> TeamSettings:
    """The team's settings (defaults for anything never set)."""
    cur = await conn.execute("SELECT target_handle_s, settings FROM teams WHERE id = %s", (team_id,))
    row = await cur.fetchone()
    if row is None:
        raise LookupError(f"no team {team_id}")
    return from_row(row[0], row[1])


async def save(conn: AsyncConnection, team_id: int, new: TeamSettings, *, actor: str) -> dict[str, Any]:
    """Store ``new`` and audit what changed; returns ``{dotted.name: [old, new]}``."""
    old = await load(conn, team_id)
    changed = _diff(old.model_dump(), new.model_dump())
    if not changed:
        return {}
    document = new.model_dump(exclude={"target_handle_s"})
    await conn.execute(
        "UPDATE teams SET target_handle_s = %s, settings = %s WHERE id = %s",
        (new.target_handle_s, Jsonb(document), team_id),
    )
    await audit.record_async(conn, "team.settings", actor=actor, team_id=team_id, changed=changed)
    return changed


def _diff(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in new.items():
        name = f"{prefix}{key}"
        before = old.get(key)
        if isinstance(value, dict) and isinstance(before, dict):
            out.update(_diff(before, value, name + "."))
        elif value != before:
            out[name] = [before, value]
    return out
