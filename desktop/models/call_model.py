"""The call in progress as a QObject: a thin adapter over :class:`desktop.core.calls.call.Call`.

The core decides (and refuses); this model queues what is to be stored as database
operations, saves the notes shortly after each keystroke, and tells the views by signals.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from concurrent.futures import Future
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.base import clock
from desktop.core.calls import call_records as records
from desktop.core.calls.call import Call, Refusal, Refused, SuggestionChange
from desktop.core.calls.session import CallSession
from desktop.core.packs.scenarios import Library, Scenario
from desktop.core.privacy.masking import MaskPolicy
from desktop.core.records.dispositions import dispositions_from
from desktop.core.records.storage import CallRecord, CallStore
from desktop.core.search.suggest import Suggestion
from desktop.core.seat.settings import Settings
from desktop.models.background import Background, CallOp, DbOp

# Notes typed without a pause are still saved at least this often (at most this much is lost in a crash).
NOTES_MAX_WAIT_MS = 600


class CallModel(QObject):
    """Scenario choice, checklist, notes, the caller and the call's life cycle."""

    callStateChanged = Signal()  # a call started or ended (emitted at once)
    callStarted = Signal()
    callEnded = Signal(int)  # id of the call, once its record is stored
    libraryChanged = Signal()  # the scenario packs were reloaded
    scenarioChanged = Signal()
    stepsChanged = Signal()
    notesSaved = Signal(int)  # call id
    notesMasked = Signal()  # personal numbers in the notes were masked: views redraw them
    referenceChanged = Signal(str)  # the caller's reference, as kept (masked)
    historyLoaded = Signal(list)  # earlier calls of the same customer (CallRecord), newest first
    historyExact = Signal(bool)  # False: no OS secret store, history matched by the masked tail only
    recovered = Signal(int)  # a call interrupted by a crash was restored
    scenarioSuggested = Signal(str, str)  # scenario id, the keyword in the notes that points to it
    suggestionExplained = Signal(str)  # the evidence behind the scenario offered now ('' when none)
    message = Signal(str)  # a short status line for the seat

    def __init__(self, library: Library, worker: Background, settings: Settings, parent: QObject | None = None):
        super().__init__(parent)
        self.worker = worker
        self.settings = settings
        self.call = Call(library, self.mask_policy(), settings.get("last_scenario"))
        self._call_id: Future[int] | None = None  # id of the current call, once inserted
        self._notes_cursor: int | None = None  # where the seat types in the notes (drafts hide the run there)
        # The debounce restarts on every key; the other does not, so steady typing is saved too.
        self._notes_timer, self._notes_max_wait = (
            self._notes_saver(int(settings.get("notes_autosave_ms"))),
            self._notes_saver(NOTES_MAX_WAIT_MS),
        )
        settings.on_change(self._setting_changed)

    def _notes_saver(self, interval_ms: int) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval_ms)
        timer.timeout.connect(self.save_notes_now)
        return timer

    def _setting_changed(self, name: str, value: object) -> None:
        if name == "notes_autosave_ms":
            self._notes_timer.setInterval(self.settings.integer("notes_autosave_ms"))
        elif name == "mask_policy":
            self.call.policy = self.mask_policy()

    def set_library(self, library: Library) -> None:
        """Swap in a reloaded library, keeping the call in progress."""
        self.call.set_library(library)
        self.libraryChanged.emit()
        self.scenarioChanged.emit()
        self.stepsChanged.emit()

    # -- the most used reads of the core's state (the others: ``model.call``) -------------
    @property
    def library(self) -> Library:
        return self.call.library

    @property
    def session(self) -> CallSession | None:
        return self.call.session

    @property
    def in_call(self) -> bool:
        return self.call.in_call

    @property
    def scenario(self) -> Scenario | None:
        return self.call.scenario

    def current_index(self) -> int | None:
        return self.call.current_index()

    def is_ticked(self, step_id: str) -> bool:
        return self.call.is_ticked(step_id)

    def mask_policy(self) -> MaskPolicy:
        return MaskPolicy.from_settings(self.settings.get("mask_policy"))

    def mask(self, text: str) -> str:
        return self.call.mask(text)

    # -- call life cycle -------------------------------------------------------
    def start_call(self) -> None:
        if self.call.in_call:
            return
        session = self.call.start(clock.now())
        insert = DbOp(self.tr("start the call record"), lambda store: records.insert_call(store, session))
        self._call_id = insert.success(lambda call_id: setattr(session, "call_id", call_id)).run_in_background(
            self.worker
        )
        self.callStarted.emit()
        self.callStateChanged.emit()
        self.stepsChanged.emit()

    def write_for_call(
        self, what: str, job: Callable[[CallStore, int], object], done: Callable[[int], object] | None = None
    ) -> bool:
        """Queue ``job(store, call_id)`` (described by ``what``) for the call in progress, after
        the insert of its record; False when there is none."""
        if self._call_id is None:
            return False
        op = CallOp(what, self._call_id, job)
        if done is not None:
            op.success(done)
        op.run_in_background(self.worker)
        return True

    def choose_scenario(self, scenario_id: str) -> None:
        try:
            scenario, change = self.call.choose_scenario(scenario_id)
        except Refused:
            self.message.emit(self.tr("Unknown scenario: %s") % scenario_id)
            return
        self.settings.set("last_scenario", scenario.id)
        self._show_suggestion(change)
        if self.call.in_call:
            self.write_for_call(
                self.tr("store the scenario"),
                lambda store, call_id: store.set_scenario(call_id, scenario.id, scenario.name),
            )
        self.scenarioChanged.emit()
        self.stepsChanged.emit()

    def set_step_ticked(self, step_id: str, checked: bool, *, by_speech: bool = False) -> None:
        """Tick or untick a step; ``by_speech``: ticked because the transcript shows the seat
        did it (marked so), and quietly skipped when the call or its scenario changed meanwhile."""
        at = clock.now()
        try:
            scenario, step = self.call.tick_by_speech(step_id, at) if by_speech else self.call.tick(step_id, checked, at)
        except Refused as refused:
            if by_speech:
                return
            self.message.emit(
                self.tr("Start a call to tick steps")
                if refused.reason is Refusal.NO_CALL
                else self.tr("Choose a scenario to tick its steps")
            )
            self.stepsChanged.emit()  # the views put the box back as it was
            return
        self.write_for_call(
            self.tr("tick the step") if checked else self.tr("untick the step"),
            lambda store, call_id: records.store_tick(store, call_id, scenario, step, checked, at, by_speech=by_speech),
        )
        self.stepsChanged.emit()

    def tick_current(self) -> None:
        """Tick the highlighted step and move to the next one."""
        step_id = self.call.current_step_id()
        if step_id:
            self.set_step_ticked(step_id, True)

    def set_value(self, name: str, value: str) -> None:
        """A placeholder value the seat typed (kept for the rest of the call)."""
        setting = self.call.set_value(name, value)
        if setting is not None:
            self.settings.set(setting, value.strip())

    def set_customer(self, text: str) -> None:
        self.call.set_customer(text)

    def end_call(
        self,
        disposition: str,
        *,
        wrapup_s: float | None = None,
        end_reason: str = "",
        callback: datetime | None = None,
        ended: datetime | None = None,
        kept: Collection[str] = (),
    ) -> None:
        """Close the call; the scenario's hand-overs the seat kept (``kept``), a complaint's
        deadline and a promised callback become follow-ups on the record. An unknown
        disposition raises ``Refused``."""
        if not self.call.in_call:
            return
        now = clock.now()
        ending = self.call.end(
            disposition,
            {d.code for d in dispositions_from(self.settings.get("dispositions"))},
            now,
            ended=ended,
            complaint_days=self.settings.integer("complaint_days"),
            callback=callback,
            kept=kept,
        )
        self._notes_timer.stop()
        self._notes_max_wait.stop()
        if ending.notes_masked:
            self.notesMasked.emit()
        self.write_for_call(
            self.tr("close the call record"),
            lambda store, call_id: records.store_ending(
                store, call_id, ending, now, wrapup_s=wrapup_s, end_reason=end_reason
            ),
            self.callEnded.emit,
        )
        self._call_id = None
        self.callStateChanged.emit()
        self.stepsChanged.emit()

    def recover(self) -> None:
        """Bring back a call a crash interrupted (its ticks and notes are in the database)."""
        now = clock.now()
        DbOp(self.tr("look for an interrupted call"), lambda store: records.close_interrupted(store, now)).success(
            lambda record: self.restore(record) if record is not None else None
        ).run_in_background(self.worker)

    def restore(self, record: CallRecord) -> None:
        try:
            self.call.restore(record)
        except Refused:
            return
        future: Future[int] = Future()
        future.set_result(record.id)
        self._call_id = future
        self.callStarted.emit()
        self.callStateChanged.emit()
        self.scenarioChanged.emit()
        self.stepsChanged.emit()
        self.load_history(record.customer_ref)
        self.recovered.emit(record.id)
        self.message.emit(self.tr("The call that was in progress has been restored"))

    # -- the caller ------------------------------------------------------------
    def set_customer_ref(self, text: str, *, caller_id: bool = False, crm_id: str = "") -> str:
        """The caller's reference (phone or card tail, CRM id; ``caller_id``: the number the
        phone system gave): stored masked, with a keyed hash of the full text (or of the
        CRM's customer id ``crm_id`` from the live event) to find this caller's earlier
        calls; shows them."""
        if not self.call.in_call:
            return ""
        full, ref = self.call.set_customer_ref(text, caller_id=caller_id)
        self.referenceChanged.emit(ref)
        found: list[tuple[list[CallRecord], bool]] = []

        def loaded(_call_id: int) -> None:
            calls, exact = found[0]
            self.historyExact.emit(exact)
            self.historyLoaded.emit(calls)

        self.write_for_call(
            self.tr("store the caller's reference"),
            lambda store, call_id: found.append(records.store_reference(store, call_id, full, ref, crm_id)),
            loaded,
        )
        return ref

    def load_history(self, ref: str) -> None:
        """Earlier calls with this masked reference (used after a restart, when the full
        reference is no longer known)."""
        if not ref or self._call_id is None:
            self.historyLoaded.emit([])
            return
        found: list[CallRecord] = []
        self.write_for_call(
            self.tr("read the caller's history"),
            lambda store, call_id: found.extend(records.earlier_calls(store, call_id, ref)),
            lambda _call_id: self.historyLoaded.emit(found),
        )

    # -- notes -----------------------------------------------------------------
    def set_notes(self, text: str, cursor: int | None = None) -> None:
        """Remember the notes and save them shortly after the last keystroke. The
        editor keeps what the seat typed: only the stored draft is masked (a number
        still being typed is never replaced under the seat's fingers)."""
        self._notes_cursor = cursor
        if not self.call.set_notes(text):
            return
        self._notes_timer.start()
        if not self._notes_max_wait.isActive():
            self._notes_max_wait.start()
        self._show_suggestion(self.call.suggest())

    def save_notes_now(self) -> None:
        self._notes_timer.stop()
        self._notes_max_wait.stop()
        if not self.call.in_call:
            return
        notes, at, cursor = self.call.notes, clock.now(), self._notes_cursor
        self.write_for_call(
            self.tr("save the notes"),
            lambda store, call_id: store.save_notes(call_id, notes, at, cursor=cursor),
            self.notesSaved.emit,
        )

    def flush(self) -> None:
        """Write pending notes and wait for every queued write (used at quit)."""
        if self.worker.closed:
            return
        if self._notes_timer.isActive() or self._notes_max_wait.isActive():
            self.save_notes_now()
        self.worker.call(lambda store: None)

    # -- the scenario suggestion -------------------------------------------------
    def _show_suggestion(self, change: SuggestionChange) -> None:
        if change.explanation is not None:
            self.suggestionExplained.emit(change.explanation)
        if change.offered is not None:
            self.scenarioSuggested.emit(*change.offered)

    def accept_suggestion(self) -> None:
        if self.call.offered:
            self.choose_scenario(self.call.offered)

    def dismiss_suggestion(self) -> None:
        if self.call.offered:
            self._show_suggestion(self.call.dismiss(self.call.offered))

    def offer_scenario(self, suggestion: Suggestion) -> None:
        """Show a suggestion found elsewhere (the customer's speech) in the suggestion bar."""
        self._show_suggestion(self.call.offer_scenario(suggestion))

    # -- live call events (desktop.models.live_model) ---------------------------------
    def ticked_by_speech(self, step_id: str) -> bool:
        return self.call.ticked_by_speech(step_id)

    @property
    def banned_count(self) -> int:
        """Banned phrases the seat said on this call (the live transcript)."""
        return self.call.banned_spoken
