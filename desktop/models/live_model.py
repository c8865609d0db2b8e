"""The live feed on the panel: call events start and end calls, the customer's speech
suggests the scenario, the seat's speech ticks steps and raises banned-phrase alerts."""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal

from desktop.core.base import clock
from desktop.core.live import store as live_store
from desktop.core.live.events import CallEvent, Event, TranscriptEvent
from desktop.core.live.speech import (
    LiveCall,
    recheck,
    speech_suggestion,
    take_segment,
)
from desktop.core.packs.banned import BannedPhrase, builtin_banned
from desktop.models.call_model import CallModel

if TYPE_CHECKING:
    from desktop.platform.live_server import LiveServer

log = logging.getLogger(__name__)

# Events kept for a call answered during the wrap-up (its ringing, answer, and speech).
MAX_WAITING = 2000


def caller_tail(caller: str) -> str:
    """Only the last four digits of a number are ever shown."""
    digits = re.sub(r"\D", "", caller)
    return digits[-4:] if len(digits) >= 4 else ""


class LiveModel(QObject):
    """Applies live events to a ``CallModel`` on the GUI thread."""

    bannedSpoken = Signal(str, str)  # the phrase said, the softer wording
    liveText = Signal(str, str, bool)  # speaker, text, final
    wrapUpRequested = Signal()  # the platform says the call ended: open the wrap-up
    ringing = Signal(str)  # last four digits of the caller ("" if unknown)
    missed = Signal()  # a call ended that the panel did not follow
    applied = Signal(float)  # monotonic time the batch was received (benchmarks)
    queued = Signal(str)  # a call answered during the wrap-up waits behind it: last four digits
    feedChanged = Signal()  # a call event or a transcript arrived (the feed-status dot)
    listening = Signal(int)  # port
    failed = Signal(str)  # the endpoint could not start: why
    _booted = Signal(object, object)  # from the start-up thread: server (or None), live.json path (or why)
    _received = Signal(object, float)  # from the server thread: queued to the GUI thread

    def __init__(self, model: CallModel, banned: tuple[BannedPhrase, ...] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.model = model
        self.banned = banned if banned is not None else builtin_banned()
        self.call: LiveCall | None = None
        self.server: LiveServer | None = None
        self.live_file: Path | None = None
        self.ignored = 0  # events for calls the panel does not follow
        self.speech_suggested = ""  # the scenario the customer's words pointed to last
        self.routed = ""  # the scenario the phone system's attached data opened last
        self.wrapping_up = False  # the platform ended the call; the seat is in its wrap-up
        self.waiting: list[Event] = []  # the call answered during the wrap-up, and what it said since
        self.last_cti: float | None = None  # monotonic time of the last call event
        self.last_asr: float | None = None  # … and of the last transcript
        self.speaker_run = live_store.SpeakerRun()  # the latest segments of one speaker, masked together
        self._closed = False
        self._received.connect(self.apply, Qt.ConnectionType.QueuedConnection)
        self._booted.connect(self._started, Qt.ConnectionType.QueuedConnection)
        model.callStateChanged.connect(self._call_state_changed)
        model.stepsChanged.connect(self._steps_changed)
        model.scenarioChanged.connect(self._scenario_changed)

    # -- the endpoint ------------------------------------------------------------
    def listen(self, data_dir: Path, wait: bool = False) -> None:
        """Start the endpoint and write ``live.json``. aiohttp takes a moment to load, so
        by default that happens on a thread of its own and ``listening(port)`` (or
        ``failed``) follows; ``wait`` does it all before returning."""
        origins = [o for o in self.model.settings.get("live_origins") if isinstance(o, str)]
        self._closed = False

        def boot() -> None:
            try:
                from desktop.platform.live_server import (  # aiohttp: only now
                    LiveServer,
                    write_live_file,
                )

                server = LiveServer(self._received.emit, origins=origins)
                server.start()
                try:
                    path = write_live_file(data_dir, server.port, server.token)
                except OSError:
                    server.stop()
                    raise
            except OSError as exc:
                self._booted.emit(None, str(exc))
                return
            self._booted.emit(server, path)

        if wait:
            boot()
            QCoreApplication.sendPostedEvents(self)  # the queued hand-over, now
        else:
            threading.Thread(target=boot, name="seatside-live-start", daemon=True).start()

    def _started(self, server: LiveServer | None, result: object) -> None:
        if server is None:
            log.error("live call events are off: %s", result)
            self.failed.emit(str(result))
            return
        if self._closed:  # quit before the endpoint came up
            server.stop()
            Path(str(result)).unlink(missing_ok=True)
            return
        self.server, self.live_file = server, Path(str(result))
        self.listening.emit(server.port)

    def close(self) -> None:
        self._closed = True
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.live_file is not None:
            self.live_file.unlink(missing_ok=True)
            self.live_file = None

    # -- events --------------------------------------------------------------------
    def apply(self, events: list[Event], received: float | None = None) -> None:
        now = received if received is not None else time.monotonic()
        for event in events:
            if isinstance(event, TranscriptEvent):
                self.last_asr = now
            else:
                self.last_cti = now
            try:
                if self._waits(event):
                    continue
                if isinstance(event, TranscriptEvent):
                    self._transcript(event)
                else:
                    self._call_event(event)
            except Exception:  # one bad event must not stop the feed
                log.exception("live event %s could not be applied", event.type)
        self.feedChanged.emit()
        self.applied.emit(now)

    # -- a call answered during the wrap-up --------------------------------------------
    def _waits(self, event: Event) -> bool:
        """Keep ``event`` for the call waiting behind the wrap-up; True when kept."""
        if self.waiting:
            if event.call_id == self.waiting[0].call_id:
                if len(self.waiting) < MAX_WAITING:
                    self.waiting.append(event)
                return True
            return False
        if (isinstance(event, CallEvent) and event.type == "call.answered" and self.wrapping_up
                and self.model.in_call and self.call is not None and event.call_id != self.call.call_id):
            self.waiting.append(event)
            self.queued.emit(caller_tail(event.caller))
            self.model.message.emit(self.tr("The next call is connected: it starts when this wrap-up ends"))
            return True
        return False

    def _start_waiting(self) -> None:
        """The wrap-up ended: the call that waited starts, with what was said meanwhile."""
        waiting, self.waiting = self.waiting, []
        if waiting:
            self.apply(waiting)

    def _call_event(self, event: CallEvent) -> None:
        model = self.model
        if event.type == "call.ringing":
            if not model.in_call:
                self._screen_pop(event)
            self.ringing.emit(caller_tail(event.caller))
            return
        if event.type == "call.answered":
            if model.in_call:
                if self.call is None or self.call.call_id != event.call_id:
                    model.message.emit(self.tr("A call is already in progress; the answered call was not started"))
                return
            self._screen_pop(event)
            model.start_call()
            self.call = LiveCall(event.call_id)
            if event.caller or event.customer_id:
                self._set_caller(event.caller, event.customer_id)
            return
        # call.ended
        if self.call is not None and self.call.call_id == event.call_id and model.in_call:
            self.wrapping_up = True
            self.wrapUpRequested.emit()
        else:
            self.ignored += 1
            if not model.in_call:
                self.missed.emit()  # rang and ended unanswered (or a call not followed): nothing to show

    def _screen_pop(self, event: CallEvent) -> None:
        """Open the scenario the phone system routed the call for (its attached data
        matched a pack's ``routing`` rule), before anyone speaks."""
        if not event.call_data:
            return
        scenario = self.model.library.routed(event.call_data)
        if scenario is None:
            return
        self.routed = scenario.id
        if self.model.scenario is None or self.model.scenario.id != scenario.id:
            self.model.choose_scenario(scenario.id)

    def _set_caller(self, caller: str, customer_id: str = "") -> None:
        """The caller's number becomes the customer reference, masked at once (landlines
        too); the CRM's customer id when given (else the keyed hash of the number) finds
        this customer's earlier calls; shows them. Never matched on the last digits."""
        self.model.set_customer_ref(caller, caller_id=True, crm_id=customer_id)

    def _transcript(self, event: TranscriptEvent) -> None:
        model = self.model
        if not model.in_call:
            self.ignored += 1
            return
        if self.call is None:  # a call the seat started by hand: follow the feed that speaks first
            self.call = LiveCall(event.call_id)
        elif self.call.call_id != event.call_id:
            self.ignored += 1
            return
        call = self.call
        outcome = take_segment(call, event, model.scenario, model.is_ticked, self.banned)
        self.liveText.emit(event.speaker, event.text, event.final)
        if outcome is None:
            return
        segment = outcome.segment
        if model.settings.get("live_keep_transcript"):
            # Masked with the same speaker's segments just before it (a number split
            # across two segments is one number), on the store's worker.
            speaker, text, at, run, policy = segment.speaker, segment.text, clock.now(), self.speaker_run, model.call.policy
            model.write_for_call(
                self.tr("keep the transcript"),
                lambda store, call_id: live_store.keep_segment(store, call_id, speaker, text, at, run, policy),
            )
        if segment.speaker == "customer":
            found = speech_suggestion(
                model.call.notes + "\n" + call.transcript.customer_text(), model.library, model.scenario,
                set(model.call.dismissed),
            )
            if found is not None:
                self.speech_suggested = found.scenario_id
                model.offer_scenario(found)
            return
        for hit in outcome.banned:
            self.bannedSpoken.emit(hit.text, hit.entry.suggestion)
        if outcome.banned:
            model.call.set_banned_spoken(call.banned_count)
            count = call.banned_count
            model.write_for_call(
                self.tr("count the banned phrases"),
                lambda store, call_id: live_store.set_banned_count(store, call_id, count),
            )
        for match in outcome.ticks:
            model.set_step_ticked(match.step_id, True, by_speech=True)

    # -- the call model's own changes -------------------------------------------------
    def _call_state_changed(self) -> None:
        if not self.model.in_call:
            self.call = None
            self.wrapping_up = False
            if self.waiting:
                QTimer.singleShot(0, self, self._start_waiting)  # after every view saw the end

    def _scenario_changed(self) -> None:
        """Another scenario during a followed call: what the seat already said is read again
        against its steps."""
        model = self.model
        if self.call is None or not model.in_call or model.scenario is None:
            return
        for match in recheck(self.call, model.scenario, model.is_ticked):
            model.set_step_ticked(match.step_id, True, by_speech=True)

    def _steps_changed(self) -> None:
        """A step speech ticked that is no longer ticked: the seat took it back."""
        for step_id in self.model.call.speech_taken_back():
            if self.call is not None:
                self.call.seat_refused.add(step_id)

