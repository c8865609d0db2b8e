"""Per-call live state and what a final segment means for the panel: steps ticked by
the seat's speech, banned phrases said, and the scenario the customer's words point to."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from desktop.core.live.cues import CueMatch, find_ticks, step_cues
from desktop.core.live.events import TranscriptEvent
from desktop.core.live.transcript import CallTranscript, Segment
from desktop.core.packs.banned import BannedHit, BannedPhrase, alerts, find_banned
from desktop.core.packs.scenarios import Library, Scenario, Step
from desktop.core.search.suggest import Suggestion, suggest_other


@dataclass
class LiveCall:
    """What the live feed added to the call in progress."""

    call_id: str
    transcript: CallTranscript = field(init=False)
    speech_ticked: set[str] = field(default_factory=set)  # step ids ticked by the seat's speech
    seat_refused: set[str] = field(default_factory=set)  # speech ticks the seat took back: never again
    banned_count: int = 0

    def __post_init__(self) -> None:
        self.transcript = CallTranscript(self.call_id)


@dataclass(frozen=True)
class SegmentOutcome:
    segment: Segment
    ticks: tuple[CueMatch, ...] = ()
    banned: tuple[BannedHit, ...] = ()  # alerts: what a quality checker would mark
    noted: tuple[BannedHit, ...] = ()  # the bare 你 as speech-to-text writes it: shown, never counted


def take_segment(
    call: LiveCall,
    event: TranscriptEvent,
    scenario: Scenario | None,
    is_ticked: Callable[[str], bool],
    banned: tuple[BannedPhrase, ...] | None = None,
    cues_for: Callable[[Step], tuple[str, ...]] = step_cues,
) -> SegmentOutcome | None:
    """Apply a transcript event to ``call``; for a final agent segment, the steps it
    ticks (not ticked yet, not refused by the seat) and the banned phrases in it."""
    segment = call.transcript.apply(event)
    if segment is None:
        return None
    if segment.speaker != "agent":
        return SegmentOutcome(segment)
    ticks: tuple[CueMatch, ...] = ()
    if scenario is not None:
        ticks = tuple(
            m for m in find_ticks(segment.text, scenario, cues_for, skip=is_ticked)
            if not is_ticked(m.step_id) and m.step_id not in call.seat_refused
        )
    found = find_banned(segment.text, banned, speech=True)
    hits = tuple(alerts(found))
    call.banned_count += len(hits)
    return SegmentOutcome(segment, ticks, hits, tuple(h for h in found if not h.alert))


def recheck(
    call: LiveCall, scenario: Scenario, is_ticked: Callable[[str], bool],
    cues_for: Callable[[Step], tuple[str, ...]] = step_cues,
) -> tuple[CueMatch, ...]:
    """The steps of ``scenario`` (chosen during the call) that what the seat already said
    shows were carried out, oldest segment first; each step once."""
    found: dict[str, CueMatch] = {}
    for segment in call.transcript.finals:
        if segment.speaker != "agent":
            continue
        for match in find_ticks(segment.text, scenario, cues_for, skip=lambda step: is_ticked(step) or step in found):
            if match.step_id not in found and not is_ticked(match.step_id) and match.step_id not in call.seat_refused:
                found[match.step_id] = match
    return tuple(found.values())


def speech_suggestion(
    text: str, library: Library, current: Scenario | None, dismissed: Iterable[str] = ()
) -> Suggestion | None:
    """The one other scenario the customer's words point to, by the engine the typed
    notes use and with its rules (weighed against the current scenario; scenarios the
    seat waved away stay away)."""
    return suggest_other(text, library, current, frozenset(dismissed))
