"""One seat's calls and their rules, without Qt.

:class:`Call` owns the whole call and every transition of it: the scenario shown
between calls, the phase (idle → in call → wrap-up → idle; refused with a reason when
not allowed), choosing the scenario, ticking steps (by hand or by speech), placeholder
values typed in or out of a call, the notes (masked with the seat's :class:`MaskPolicy`
before any save), the customer's reference (normalised, then masked), the banned
phrases typed in the notes and said on the call, ending the call (disposition checked,
notes masked, follow-ups planned) and the one scenario suggestion offered at a time.

It never touches the database and knows no Qt: every transition returns one
:class:`CallChanges` saying which parts changed and carrying what the caller has to
store (``desktop.models.call_model`` queues that on the database thread and emits its
signals from the change object, part by part).
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
from desktop.core.packs.banned import typed_banned
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
    WRAPPING_UP = "the call is in its wrap-up already"
    NOT_WRAPPING_UP = "the call is not in its wrap-up"
    CALL_ENDED = "the phone system ended the call"


class Phase(Enum):
    """Where the seat is in a call; the values are the hub's heartbeat states."""

    IDLE = "idle"
    IN_CALL = "in_call"
    WRAP_UP = "after_call"  # the conversation is over; the after-call work is not


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


@dataclass(frozen=True)
class CallChanges:
    """What one transition changed (Anki's ``OpChanges``): a flag per part the views show,
    and what the caller has to store. The Qt adapter emits one signal per part set."""

    call: bool = False  # a call started or ended (``in_call`` flipped)
    phase: Phase | None = None  # the phase now, when it changed
    library: bool = False
    scenario: bool = False
    steps: bool = False
    notes_masked: bool = False  # personal numbers in the notes were masked: editors redraw
    reference: str | None = None  # the caller's reference as kept (masked), when it changed
    banned: bool = False  # the banned phrases said on the call changed
    suggestion: SuggestionChange = SuggestionChange()
    taken_back: tuple[str, ...] = ()  # steps speech ticked that the seat unticked
    # -- what to store -----------------------------------------------------------------
    session: CallSession | None = None  # started or restored
    ticked: tuple[Scenario, Step] | None = None
    ending: Ending | None = None
    full_reference: str = ""  # normalised, never kept: only to key the look-up of earlier calls
    used: UsedPhrase | None = None
    setting: str | None = None  # a seat's own value: the setting to store it in
    said: tuple[str, ...] = ()  # banned phrases just said

    def __bool__(self) -> bool:
        return self != NO_CHANGE


NO_CHANGE = CallChanges()


class Call:
    """The call in progress (``session``) or, between calls, the scenario being browsed."""

    def __init__(self, library: Library, policy: MaskPolicy, last_scenario: str = "") -> None:
        self.library = library
        self.policy = policy
        self.session: CallSession | None = None
        self.phase = Phase.IDLE
        self.browsing: Scenario | None = library.get(last_scenario) or library.get(FIRST_RUN_SCENARIO)
        self.idle_values: dict[str, str] = {}  # placeholder values typed with no call in progress
        self.dismissed: set[str] = set()  # scenario suggestions the seat waved away this call
        self.offered: str | None = None  # the scenario the suggestion bar offers now
        self.suggestion: Suggestion | None = None  # ... with the evidence for it
        self.wrap_up_from: datetime | None = None  # when the conversation ended (the wrap-up began)
        self.ended_by_platform = False  # the phone system ended it: the wrap-up cannot be left

    # -- state ---------------------------------------------------------------------
    @property
    def in_call(self) -> bool:
        """A call is open: in conversation or in its wrap-up."""
        return self.session is not None

    @property
    def wrapping_up(self) -> bool:
        return self.phase is Phase.WRAP_UP

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

    def ticked_by_speech(self, step_id: str) -> bool:
        scenario = self.scenario
        return (
            self.session is not None
            and scenario is not None
            and self.is_ticked(step_id)
            and (scenario.id, step_id) in self.session.speech_ticked
        )

    @property
    def notes(self) -> str:
        return self.session.notes if self.session else ""

    @property
    def customer(self) -> str:
        return self.session.customer if self.session else ""

    @property
    def customer_ref(self) -> str:
        return self.session.customer_ref if self.session else ""

    @property
    def banned_said(self) -> tuple[str, ...]:
        """The banned phrases the seat said on this call (from the live transcript), in order."""
        return tuple(self.session.banned_said) if self.session is not None else ()

    @property
    def banned_typed_phrases(self) -> tuple[str, ...]:
        """The banned phrases in this call's notes, each once, as a person reads them."""
        if self.session is None or not self.session.notes:
            return ()
        return tuple(typed_banned(self.session.notes))

    @property
    def banned_said_at(self) -> dict[str, datetime]:
        """Each banned phrase said on this call, with when it was first said."""
        return dict(self.session.banned_said_at) if self.session is not None else {}

    @property
    def banned_spoken(self) -> int:
        return len(self.session.banned_said) if self.session is not None else 0

    @property
    def banned_typed(self) -> int:
        """Banned phrases in the notes the seat typed (``typed_banned``, as the record and reports count)."""
        return sum(typed_banned(self.session.notes).values()) if self.session is not None else 0

    @property
    def banned_count(self) -> int:
        """Banned phrases on this call, typed and said: what the live board counts."""
        return self.banned_typed + self.banned_spoken

    def mask(self, text: str) -> str:
        return mask_pii(text, self.policy)

    def _session(self) -> CallSession:
        if self.session is None:
            raise Refused(Refusal.NO_CALL)
        return self.session

    # -- the phase -------------------------------------------------------------------
    def start(self, now: datetime) -> CallChanges:
        """A new call on the scenario shown; refused while a call is in progress."""
        if self.session is not None:
            raise Refused(Refusal.WRAPPING_UP if self.wrapping_up else Refusal.IN_CALL)
        self.session = CallSession(started=now, scenario=self.browsing)
        self.phase = Phase.IN_CALL
        self.dismissed.clear()
        self.offered = None
        return CallChanges(call=True, phase=self.phase, steps=True, session=self.session)

    def begin_wrap_up(self, now: datetime, *, by_platform: bool = False) -> CallChanges:
        """The conversation is over (the seat asked to end, or the phone system ended the
        call: ``by_platform``); the after-call work begins. Refused between calls and
        during a wrap-up (a second "ended" changes nothing)."""
        self._session()
        if self.wrapping_up:
            if by_platform and not self.ended_by_platform:
                self.ended_by_platform = True  # the seat's own wrap-up, now one that cannot be left
                return NO_CHANGE
            raise Refused(Refusal.WRAPPING_UP)
        self.phase = Phase.WRAP_UP
        self.wrap_up_from = now
        self.ended_by_platform = by_platform
        return CallChanges(phase=self.phase)

    def resume(self) -> CallChanges:
        """Back to the conversation from a wrap-up the seat opened; refused when there is
        no wrap-up, and when the phone system ended the call."""
        self._session()
        if not self.wrapping_up:
            raise Refused(Refusal.NOT_WRAPPING_UP)
        if self.ended_by_platform:
            raise Refused(Refusal.CALL_ENDED)
        self.phase = Phase.IN_CALL
        self.wrap_up_from = None
        return CallChanges(phase=self.phase)

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
    ) -> CallChanges:
        """Close the call (from the conversation or its wrap-up): ``disposition`` must be one
        of ``allowed``; the notes are masked; the scenario's hand-overs, a complaint's
        deadline and a promised callback are planned. The call ended when its wrap-up
        began (else ``ended``, else ``now``)."""
        session = self._session()
        if disposition not in allowed:
            raise Refused(Refusal.UNKNOWN_DISPOSITION, disposition)
        masked = self._mask_notes()
        followups = followups_at_end(
            session.scenario, disposition, now, complaint_days=complaint_days, callback=callback, kept=kept
        )
        ending = Ending(session, disposition, ended or self.wrap_up_from or now, session.notes, masked, followups)
        self.session = None
        self.phase = Phase.IDLE
        self.wrap_up_from = None
        self.ended_by_platform = False
        return CallChanges(call=True, phase=self.phase, steps=True, notes_masked=masked, ending=ending)

    def restore(self, record: CallRecord) -> CallChanges:
        """Bring back a call a crash interrupted; refused while another is in progress."""
        if self.session is not None:
            raise Refused(Refusal.IN_CALL)
        self.session = session_from_record(record, self.library)
        self.phase = Phase.IN_CALL
        if self.session.scenario is not None:
            self.browsing = self.session.scenario
        return CallChanges(call=True, phase=self.phase, scenario=True, steps=True, session=self.session)

    # -- the scenario and its steps -------------------------------------------------------
    def set_library(self, library: Library) -> CallChanges:
        """A reloaded library: the browsed and the call's scenario become the new versions."""
        self.library = library
        if self.browsing is not None:
            self.browsing = library.get(self.browsing.id) or self.browsing
        if self.session is not None and self.session.scenario is not None:
            self.session.scenario = library.get(self.session.scenario.id) or self.session.scenario
        return CallChanges(library=True, scenario=True, steps=True)

    def choose_scenario(self, scenario_id: str) -> CallChanges:
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
        return CallChanges(scenario=True, steps=True, suggestion=change)

    def tick(self, step_id: str, checked: bool, at: datetime) -> CallChanges:
        """Tick or untick a step of the call's scenario; refused without a call or a scenario.
        Unticking a step speech ticked takes it back from speech (``taken_back``)."""
        session = self._session()
        if session.scenario is None:
            raise Refused(Refusal.NO_SCENARIO)
        scenario = session.scenario
        step = session.tick(step_id, checked, at)
        gone = [key for key in session.speech_ticked if key not in session.ticks]
        session.speech_ticked.difference_update(gone)
        return CallChanges(steps=True, ticked=(scenario, step), taken_back=tuple(s for _, s in gone))

    def tick_by_speech(self, step_id: str, at: datetime) -> CallChanges:
        """Tick a step because the seat was heard doing it (shown as such until taken back)."""
        changes = self.tick(step_id, True, at)
        assert changes.ticked is not None  # a tick always names its step
        scenario, step = changes.ticked
        self._session().speech_ticked.add((scenario.id, step.id))
        return changes

    # -- values, phrases, notes and the caller ----------------------------------------------
    def set_value(self, name: str, value: str) -> CallChanges:
        """A placeholder value the seat typed, kept for the rest of the call (or until the
        next one starts). A seat's own value names the setting to store it in instead."""
        if name in SEAT_VALUES:
            return CallChanges(setting=SEAT_VALUES[name])
        if name == CUSTOMER_VALUE:
            return self.set_customer(value)
        if self.session is not None:
            self.session.values[name] = value
        else:
            self.idle_values[name] = value
        return NO_CHANGE

    def set_customer(self, text: str) -> CallChanges:
        if self.session is not None:
            self.session.customer = text
        else:
            self.idle_values[CUSTOMER_VALUE] = text
        return NO_CHANGE

    def render(self, text: str, seat_id: str = "", bank_name: str = "") -> Rendered:
        """``text`` with the values known now: the call's, or between calls those typed meanwhile."""
        session = self.session or CallSession(started=clock.now(), scenario=self.scenario, values=self.idle_values)
        return session.render(text, seat_id, bank_name=bank_name)

    def phrase_used(self, choice: PhraseChoice, mode: str, at: str) -> CallChanges:
        """The phrase log entry for the call (``used``; none between calls): the text as
        written in the pack, never as rendered, so no caller's name or values are stored."""
        if self.session is None:
            return NO_CHANGE
        self.session.phrases_used += 1
        return CallChanges(used=UsedPhrase(
            scenario_id=choice.scenario_id,
            step_id=choice.step_id,
            phrase_id=choice.key if choice.personal else choice.phrase_id,
            text=choice.text,
            used_at=at,
            via=mode,
        ))

    def set_notes(self, text: str) -> bool:
        """Remember the notes typed; False if there is no call or they did not change.
        (The editor already shows them: nothing else changes.)"""
        if self.session is None or text == self.session.notes:
            return False
        self.session.notes = text
        return True

    def _mask_notes(self) -> bool:
        session = self._session()
        masked = self.mask(session.notes)
        if masked == session.notes:
            return False
        session.notes = masked
        return True

    def mask_notes(self) -> CallChanges:
        """Mask the notes as the record keeps them (at the end of the call; while the call
        goes on the editor keeps what the seat typed and only the stored draft is masked)."""
        return CallChanges(notes_masked=True) if self._mask_notes() else NO_CHANGE

    def set_customer_ref(self, text: str, *, caller_id: bool = False) -> CallChanges:
        """The caller's reference: the full one, normalised, only to key the look-up of
        earlier calls (``full_reference``); the masked one is what is kept and shown
        (``reference``). A number from the phone system (``caller_id``) keeps at most its
        last four digits, landlines too."""
        session = self._session()
        full = normalise_reference(text)
        session.customer_ref = mask_caller(full, self.mask) if caller_id else self.mask(full)
        return CallChanges(reference=session.customer_ref, full_reference=full)

    def say_banned(self, phrases: Sequence[str], at: datetime | None = None) -> CallChanges:
        """Banned phrases the seat was heard saying on this call (the live transcript), at ``at``."""
        session = self._session()
        if not phrases:
            return NO_CHANGE
        masked = [self.mask(p) for p in phrases]
        session.banned_said.extend(masked)
        when = at or clock.now()
        for phrase in masked:
            session.banned_said_at.setdefault(phrase, when)
        return CallChanges(banned=True, said=tuple(phrases))

    # -- the scenario suggestion -------------------------------------------------------
    def suggest(self) -> CallChanges:
        """Offer one other scenario the notes point to; never switch by itself."""
        if self.session is None:
            return NO_CHANGE
        # Weighed against the current scenario: a cue it shares (ATM, 挂失…) does not point elsewhere.
        suggestion = suggest_other(self.session.notes, self.library, self.scenario, self.dismissed)
        previous = self.suggestion.explanation if self.suggestion is not None else ""
        self.suggestion = suggestion
        explanation = suggestion.explanation if suggestion is not None else ""
        explained = explanation if explanation != previous else None
        if suggestion is not None:
            if suggestion.scenario_id == self.offered:
                return CallChanges(suggestion=SuggestionChange(explained))
            self.offered = suggestion.scenario_id
            return CallChanges(suggestion=SuggestionChange(explained, (suggestion.scenario_id, suggestion.cue)))
        if self.offered is not None:
            self.offered = None
            return CallChanges(suggestion=SuggestionChange(explained, ("", "")))
        return CallChanges(suggestion=SuggestionChange(explained))

    def dismiss(self, scenario_id: str) -> CallChanges:
        """The seat waved ``scenario_id`` away: not offered again this call; the bar then
        offers the next best scenario, or nothing."""
        self.dismissed.add(scenario_id)
        withdrawn = self.offered is not None
        self.offered = None
        change = self.suggest().suggestion
        if withdrawn and change.offered is None:
            change = SuggestionChange(change.explanation, ("", ""))
        return CallChanges(suggestion=change)

    def offer_scenario(self, suggestion: Suggestion) -> CallChanges:
        """Offer a suggestion found elsewhere (the customer's speech), unless there is no
        call, it was dismissed, it is offered already or it is the scenario shown."""
        scenario_id = suggestion.scenario_id
        if self.session is None or scenario_id in self.dismissed or scenario_id == self.offered:
            return NO_CHANGE
        if self.scenario is not None and scenario_id == self.scenario.id:
            return NO_CHANGE
        self.offered = scenario_id
        self.suggestion = suggestion
        return CallChanges(suggestion=SuggestionChange(suggestion.explanation, (scenario_id, suggestion.cue)))
