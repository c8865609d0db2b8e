"""One seat's calls and their rules, without Qt.

:class:`Call` owns the state the panel shows and every transition of it: the scenario
shown between calls, starting a call (refused while one is in progress), choosing the
scenario, ticking steps (refused without a call or a scenario, with the reason),
placeholder values typed in or out of a call, the notes (masked with the seat's
:class:`MaskPolicy` before any save), the customer's reference (normalised, then
masked), ending the call (disposition checked, notes masked, follow-ups planned) and
the one scenario suggestion offered at a time.

It never touches the database: each transition returns what the caller has to store
(``desktop.models.call_model`` queues it on the database thread and tells the views).
:func:`plan_recovery` and :func:`session_from_record` decide what happens to the calls a
crash left open.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from desktop.core.base import clock
from desktop.core.calls.session import CallSession, PlannedFollowUp, followups_at_end, normalise_reference
from desktop.core.packs.placeholders import Rendered
from desktop.core.packs.scenarios import Library, PhraseChoice, Scenario, Step
from desktop.core.privacy.masking import MaskPolicy, mask_caller, mask_pii
from desktop.core.records.storage import CallRecord, UsedPhrase
from desktop.core.search.suggest import Suggestion, suggest_other

# The scenario shown on a first run, before the seat chose any.
FIRST_RUN_SCENARIO = "opening-identity"

# Placeholders that belong to the seat, not to the call: stored as these settings.
SEAT_VALUES = {"坐席工号": "seat_id", "银行名称": "bank_name"}

# The placeholder filled from the customer's form of address.
CUSTOMER_VALUE = "称呼"

# How a call a crash interrupted, and that is not the one restored, is closed.
INTERRUPTED_DISPOSITION = "other"
INTERRUPTED_REASON = "interrupted"


class Refusal(Enum):
    """Why a transition was refused."""

    IN_CALL = "a call is already in progress"
    NO_CALL = "no call in progress"
    NO_SCENARIO = "no scenario chosen"
    UNKNOWN_SCENARIO = "unknown scenario"
    UNKNOWN_DISPOSITION = "unknown disposition"


class Refused(ValueError):
    """A transition the rules do not allow now; ``reason`` says why, ``detail`` names what."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail!r}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class SuggestionChange:
    """What the suggestion bar has to show after a transition (``None``: unchanged)."""

    explanation: str | None = None  # the evidence behind the scenario offered now ("" when none)
    offered: tuple[str, str] | None = None  # (scenario id, cue); ("", "") when the offer is withdrawn


@dataclass(frozen=True)
class Ending:
    """A call that was just ended: what to store on its record."""

    session: CallSession
    disposition: str
    ended: datetime
    notes: str  # masked
    notes_masked: bool  # the masking changed the notes (the views redraw them)
    followups: list[PlannedFollowUp]


@dataclass(frozen=True)
class RecoveryPlan:
    """What to do with the calls still marked active when the app starts."""

    close: tuple[CallRecord, ...]  # end these as interrupted
    restore: CallRecord | None  # bring this one back on screen


def plan_recovery(active: Sequence[CallRecord]) -> RecoveryPlan:
    """Only the newest active call (the last one inserted) can still be going on: it is
    restored, every older one is closed as interrupted."""
    if not active:
        return RecoveryPlan((), None)
    newest = max(active, key=lambda record: record.id)
    return RecoveryPlan(tuple(r for r in sorted(active, key=lambda r: r.id) if r is not newest), newest)


def session_from_record(record: CallRecord, library: Library) -> CallSession:
    """The call in progress as its record left it: scenario, ticks, notes, reference."""
    return CallSession(
        started=datetime.fromisoformat(record.started_at),
        call_id=record.id,
        scenario=library.get(record.scenario_id),
        ticks={(s.scenario_id, s.step_id): datetime.fromisoformat(s.ticked_at) for s in record.steps},
        notes=record.notes,
        customer_ref=record.customer_ref,
        phrases_used=len(record.phrases),
    )


class Call:
    """The call in progress (``session``) or, between calls, the scenario being browsed."""

    def __init__(self, library: Library, policy: MaskPolicy, last_scenario: str = "") -> None:
        self.library = library
        self.policy = policy
        self.session: CallSession | None = None
        self.browsing: Scenario | None = library.get(last_scenario) or library.get(FIRST_RUN_SCENARIO)
        self.idle_values: dict[str, str] = {}  # placeholder values typed with no call in progress
        self.dismissed: set[str] = set()  # scenario suggestions the seat waved away this call
        self.offered: str | None = None  # the scenario the suggestion bar offers now
        self.suggestion: Suggestion | None = None  # ... with the evidence for it

    # -- state ---------------------------------------------------------------------
    @property
    def in_call(self) -> bool:
        return self.session is not None

    @property
    def scenario(self) -> Scenario | None:
        """The call's scenario, or between calls (and before one is chosen) the one browsed."""
        if self.session is not None and self.session.scenario is not None:
            return self.session.scenario
        return self.browsing

    def current_index(self) -> int | None:
        """The highlighted step: the first one not ticked; between calls the first one."""
        if self.session is not None:
            return self.session.current_index()
        return 0 if self.scenario and self.scenario.steps else None

    def current_step(self) -> Step | None:
        scenario, index = self.scenario, self.current_index()
        return scenario.steps[index] if scenario is not None and index is not None else None

    def current_step_id(self) -> str:
        step = self.current_step()
        return step.id if step is not None else ""

    def is_ticked(self, step_id: str) -> bool:
        return self.session is not None and self.session.is_ticked(step_id)

    @property
    def notes(self) -> str:
        return self.session.notes if self.session else ""

    @property
    def customer(self) -> str:
        return self.session.customer if self.session else ""

    @property
    def customer_ref(self) -> str:
        return self.session.customer_ref if self.session else ""

    def mask(self, text: str) -> str:
        return mask_pii(text, self.policy)

    def _session(self) -> CallSession:
        if self.session is None:
            raise Refused(Refusal.NO_CALL)
        return self.session

    # -- transitions -----------------------------------------------------------------
    def set_library(self, library: Library) -> None:
        """A reloaded library: the browsed and the call's scenario become the new versions."""
        self.library = library
        if self.browsing is not None:
            self.browsing = library.get(self.browsing.id) or self.browsing
        if self.session is not None and self.session.scenario is not None:
            self.session.scenario = library.get(self.session.scenario.id) or self.session.scenario

    def start(self, now: datetime) -> CallSession:
        """A new call on the scenario shown; refused while a call is in progress."""
        if self.session is not None:
            raise Refused(Refusal.IN_CALL)
        self.session = CallSession(started=now, scenario=self.browsing)
        self.dismissed.clear()
        self.offered = None
        return self.session

    def choose_scenario(self, scenario_id: str) -> tuple[Scenario, SuggestionChange]:
        """Show ``scenario_id`` (and make it the call's scenario); an offer of it is withdrawn."""
        scenario = self.library.get(scenario_id)
        if scenario is None:
            raise Refused(Refusal.UNKNOWN_SCENARIO, scenario_id)
        self.browsing = scenario
        change = SuggestionChange()
        if self.offered == scenario.id:
            self.offered = None
            change = SuggestionChange(offered=("", ""))
        if self.session is not None:
            self.session.choose_scenario(scenario)
        return scenario, change

    def tick(self, step_id: str, checked: bool, at: datetime) -> tuple[Scenario, Step]:
        """Tick or untick a step of the call's scenario; refused without a call or a scenario."""
        session = self._session()
        if session.scenario is None:
            raise Refused(Refusal.NO_SCENARIO)
        return session.scenario, session.tick(step_id, checked, at)

    def tick_by_speech(self, step_id: str, at: datetime) -> tuple[Scenario, Step]:
        """Tick a step because the seat was heard doing it (shown as such until taken back)."""
        scenario, step = self.tick(step_id, True, at)
        self._session().speech_ticked.add((scenario.id, step.id))
        return scenario, step

    def ticked_by_speech(self, step_id: str) -> bool:
        scenario = self.scenario
        return (
            self.session is not None
            and scenario is not None
            and self.is_ticked(step_id)
            and (scenario.id, step_id) in self.session.speech_ticked
        )

    def speech_taken_back(self) -> list[str]:
        """Steps speech ticked that the seat has unticked since (forgotten as speech ticks)."""
        if self.session is None:
            return []
        gone = [key for key in self.session.speech_ticked if key not in self.session.ticks]
        self.session.speech_ticked.difference_update(gone)
        return [step_id for _, step_id in gone]

    def set_banned_spoken(self, count: int) -> None:
        """How many banned phrases the seat has said on this call (from the transcript)."""
        self._session().banned_spoken = max(0, count)

    @property
    def banned_spoken(self) -> int:
        return self.session.banned_spoken if self.session is not None else 0

    def set_value(self, name: str, value: str) -> str | None:
        """A placeholder value the seat typed, kept for the rest of the call (or until the
        next one starts). A seat's own value returns the setting to store it in instead."""
        if name in SEAT_VALUES:
            return SEAT_VALUES[name]
        if name == CUSTOMER_VALUE:
            self.set_customer(value)
        elif self.session is not None:
            self.session.values[name] = value
        else:
            self.idle_values[name] = value
        return None

    def set_customer(self, text: str) -> None:
        if self.session is not None:
            self.session.customer = text
        else:
            self.idle_values[CUSTOMER_VALUE] = text

    def render(self, text: str, seat_id: str = "", bank_name: str = "") -> Rendered:
        """``text`` with the values known now: the call's, or between calls those typed meanwhile."""
        session = self.session or CallSession(started=clock.now(), scenario=self.scenario, values=self.idle_values)
        return session.render(text, seat_id, bank_name=bank_name)

    def phrase_used(self, choice: PhraseChoice, mode: str, at: str) -> UsedPhrase | None:
        """The phrase log entry for the call (None between calls): the text as written in
        the pack, never as rendered, so no caller's name or values are stored."""
        if self.session is None:
            return None
        self.session.phrases_used += 1
        return UsedPhrase(
            scenario_id=choice.scenario_id,
            step_id=choice.step_id,
            phrase_id=choice.key if choice.personal else choice.phrase_id,
            text=choice.text,
            used_at=at,
            via=mode,
        )

    def set_notes(self, text: str) -> bool:
        """Remember the notes typed; False if there is no call or they did not change."""
        if self.session is None or text == self.session.notes:
            return False
        self.session.notes = text
        return True

    def mask_notes(self) -> bool:
        """Mask the notes as the record keeps them (at the end of the call; while the call
        goes on the editor keeps what the seat typed and only the stored draft is masked).
        True if the notes changed."""
        session = self._session()
        masked = self.mask(session.notes)
        if masked == session.notes:
            return False
        session.notes = masked
        return True

    def set_customer_ref(self, text: str, *, caller_id: bool = False) -> tuple[str, str]:
        """The caller's reference as (full, masked): the full one, normalised, only to key
        the look-up of earlier calls; the masked one is what is kept and shown. A number
        from the phone system (``caller_id``) keeps at most its last four digits, landlines too."""
        session = self._session()
        full = normalise_reference(text)
        session.customer_ref = mask_caller(full, self.mask) if caller_id else self.mask(full)
        return full, session.customer_ref

    def end(
        self,
        disposition: str,
        allowed: Collection[str],
        now: datetime,
        *,
        ended: datetime | None = None,
        complaint_days: int,
        callback: datetime | None = None,
        kept: Collection[str] = (),
    ) -> Ending:
        """Close the call: ``disposition`` must be one of ``allowed``; the notes are masked;
        the scenario's hand-overs, a complaint's deadline and a promised callback are planned."""
        session = self._session()
        if disposition not in allowed:
            raise Refused(Refusal.UNKNOWN_DISPOSITION, disposition)
        masked = self.mask_notes()
        followups = followups_at_end(
            session.scenario, disposition, now, complaint_days=complaint_days, callback=callback, kept=kept
        )
        self.session = None
        return Ending(session, disposition, ended or now, session.notes, masked, followups)

    def restore(self, record: CallRecord) -> CallSession:
        """Bring back a call a crash interrupted; refused while another is in progress."""
        if self.session is not None:
            raise Refused(Refusal.IN_CALL)
        self.session = session_from_record(record, self.library)
        if self.session.scenario is not None:
            self.browsing = self.session.scenario
        return self.session

    # -- the scenario suggestion -------------------------------------------------------
    def suggest(self) -> SuggestionChange:
        """Offer one other scenario the notes point to; never switch by itself."""
        if self.session is None:
            return SuggestionChange()
        # Weighed against the current scenario: a cue it shares (ATM, 挂失…) does not point elsewhere.
        suggestion = suggest_other(self.session.notes, self.library, self.scenario, self.dismissed)
        previous = self.suggestion.explanation if self.suggestion is not None else ""
        self.suggestion = suggestion
        explanation = suggestion.explanation if suggestion is not None else ""
        explained = explanation if explanation != previous else None
        if suggestion is not None:
            if suggestion.scenario_id == self.offered:
                return SuggestionChange(explained)
            self.offered = suggestion.scenario_id
            return SuggestionChange(explained, (suggestion.scenario_id, suggestion.cue))
        if self.offered is not None:
            self.offered = None
            return SuggestionChange(explained, ("", ""))
        return SuggestionChange(explained)

    def dismiss(self, scenario_id: str) -> SuggestionChange:
        """The seat waved ``scenario_id`` away: not offered again this call; the bar then
        offers the next best scenario, or nothing."""
        self.dismissed.add(scenario_id)
        withdrawn = self.offered is not None
        self.offered = None
        change = self.suggest()
        if withdrawn and change.offered is None:
            return SuggestionChange(change.explanation, ("", ""))
        return change

    def offer_scenario(self, suggestion: Suggestion) -> SuggestionChange:
        """Offer a suggestion found elsewhere (the customer's speech), unless there is no
        call, it was dismissed, it is offered already or it is the scenario shown."""
        scenario_id = suggestion.scenario_id
        if self.session is None or scenario_id in self.dismissed or scenario_id == self.offered:
            return SuggestionChange()
        if self.scenario is not None and scenario_id == self.scenario.id:
            return SuggestionChange()
        self.offered = scenario_id
        self.suggestion = suggestion
        return SuggestionChange(suggestion.explanation, (scenario_id, suggestion.cue))
