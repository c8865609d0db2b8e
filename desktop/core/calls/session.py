"""State of the call in progress: scenario, ticked steps, phrases used, notes."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from desktop.core.packs.placeholders import Rendered, automatic_values, render
from desktop.core.packs.scenarios import Phrase, Scenario, Step


@dataclass
class CallSession:
    """One call from start to wrap-up. Pure state: persistence is the caller's job."""

    started: datetime
    call_id: int | None = None
    scenario: Scenario | None = None
    ticks: dict[tuple[str, str], datetime] = field(default_factory=dict)
    notes: str = ""
    customer: str = ""
    customer_ref: str = ""
    values: dict[str, str] = field(default_factory=dict)  # placeholder values typed during the call
    phrases_used: int = 0
    speech_ticked: set[tuple[str, str]] = field(default_factory=set)  # (scenario, step) ticked by speech
    banned_spoken: int = 0  # banned phrases the seat said, from the live transcript

    def choose_scenario(self, scenario: Scenario) -> None:
        self.scenario = scenario

    def is_ticked(self, step_id: str) -> bool:
        return self.scenario is not None and (self.scenario.id, step_id) in self.ticks

    def tick(self, step_id: str, checked: bool, at: datetime) -> Step:
        """Tick or untick a step of the current scenario; returns the step."""
        if self.scenario is None:
            raise ValueError("no scenario chosen")
        step = self.scenario.step(step_id)
        key = (self.scenario.id, step_id)
        if checked:
            self.ticks.setdefault(key, at)
        else:
            self.ticks.pop(key, None)
        return step

    def current_index(self) -> int | None:
        """Index of the highlighted step: the first one not ticked yet."""
        if self.scenario is None:
            return None
        for index, step in enumerate(self.scenario.steps):
            if not self.is_ticked(step.id):
                return index
        return None

    def current_step(self) -> Step | None:
        index = self.current_index()
        return None if index is None or self.scenario is None else self.scenario.steps[index]

    def current_phrases(self) -> tuple[Phrase, ...]:
        step = self.current_step()
        return step.phrases if step else ()

    def unticked_mandatory(self) -> list[Step]:
        if self.scenario is None:
            return []
        return [s for s in self.scenario.steps if s.mandatory and not self.is_ticked(s.id)]

    def placeholder_values(self, seat_id: str = "", now: datetime | None = None, bank_name: str = "") -> dict[str, str]:
        values = dict(self.scenario.defaults) if self.scenario else {}
        values.update(automatic_values(now))
        values.update({k: v for k, v in self.values.items() if v.strip()})
        if seat_id:
            values["坐席工号"] = seat_id
        if bank_name.strip():
            values["银行名称"] = bank_name.strip()
        if self.customer.strip():
            values["称呼"] = self.customer.strip()
        return values

    def render(self, phrase: Phrase | str, seat_id: str = "", bank_name: str = "") -> Rendered:
        text = phrase if isinstance(phrase, str) else phrase.text
        return render(text, self.placeholder_values(seat_id, bank_name=bank_name))


def normalise_reference(text: str) -> str:
    """Phone and card numbers compare equal however they were typed (spaces, dashes, +86)."""
    text = text.strip()
    if re.fullmatch(r"[\d\s\-+()]+", text):
        digits = re.sub(r"\D", "", text)
        if len(digits) == 13 and digits.startswith("86") and digits[2] == "1":
            digits = digits[2:]
        return digits
    return text


# A follow-up to store when a call ends: (kind, text, due). Text "" means the app's
# own standard wording for that kind, chosen when it is shown (``FollowUp.label``).
PlannedFollowUp = tuple[str, str, "datetime | None"]


def followups_at_end(
    scenario: Scenario | None,
    disposition: str,
    now: datetime,
    *,
    complaint_days: int,
    callback: datetime | None = None,
    kept: Collection[str] = (),
) -> list[PlannedFollowUp]:
    """What ending a call hands on: the scenario's continuity reminders the seat kept
    (``kept``; none by default: they are suggestions, never filed by themselves), a
    complaint's handling deadline, and a promised callback."""
    reminders = scenario.continuity if scenario else ()
    planned: list[PlannedFollowUp] = [("continuity", reminder, None) for reminder in reminders if reminder in kept]
    if disposition == "complaint":
        planned.append(("complaint", "", now + timedelta(days=complaint_days)))
    if callback is not None:
        planned.append(("callback", "", callback))
    return planned
