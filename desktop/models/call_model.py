"""The call in progress as a QObject: the one model every panel view takes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core import clock
from desktop.core.dispositions import Disposition, dispositions_from
from desktop.core.numbering import StepNumbering
from desktop.core.placeholders import Rendered
from desktop.core.privacy import MaskPolicy, mask_pii
from desktop.core.scenarios import Library, Phrase, PhraseChoice, Scenario, Step, phrase_key
from desktop.core.search import Hit, SearchIndex, frecency
from desktop.core.session import CallSession, followups_at_end, normalise_reference
from desktop.core.settings import Settings
from desktop.core.storage import CallRecord, CallStore, PersonalPhrase, UsedPhrase
from desktop.core.suggest import Suggestion, suggest_other
from desktop.models.background import Background, DbOp, IoOp
from desktop.platform.clipboard import Clipboard

log = logging.getLogger(__name__)

#: Delay before the search index is rebuilt in the background after a change.
INDEX_DELAY_MS = 1000

#: Notes typed without a pause are still saved at least this often (at most this much is lost in a crash).
NOTES_MAX_WAIT_MS = 600

#: The scenario the insert hotkeys use on a first run, before any was chosen.
FIRST_RUN_SCENARIO = "opening-identity"


class CallModel(QObject):
    """Scenario choice, checklist, phrases, notes and the call's life cycle."""

    callStateChanged = Signal()  # a call started or ended (emitted at once)
    callStarted = Signal()
    callEnded = Signal(int)  # id of the call, once its record is stored
    scenarioChanged = Signal()
    stepsChanged = Signal()
    phrasesChanged = Signal()  # personal phrases or favourites changed
    notesSaved = Signal(int)  # call id
    notesMasked = Signal()  # personal numbers in the notes were masked: views redraw them
    historyLoaded = Signal(list)  # earlier calls of the same customer (CallRecord), newest first
    historyExact = Signal(bool)  # False: no OS secret store, history matched by the masked tail only
    recovered = Signal(int)  # a call interrupted by a crash was restored
    scenarioSuggested = Signal(str, str)  # scenario id, the keyword in the notes that points to it
    suggestionExplained = Signal(str)  # the evidence behind the scenario offered now ('' when none)
    phraseCopied = Signal(str)  # the rendered text now on the clipboard
    phraseUsed = Signal(str, str)  # phrase key, mode ("click", "key", "copy", "paste", "type")
    exportFinished = Signal(str, int)  # path, number of calls
    exportProgress = Signal(int, int)  # done, total (from the worker thread, queued)
    exportFailed = Signal(str)
    message = Signal(str)  # a short status line for the seat

    def __init__(
        self,
        library: Library,
        worker: Background,
        clipboard: Clipboard,
        settings: Settings,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.library = library
        self.worker = worker
        self.clipboard = clipboard
        self.settings = settings
        self.session: CallSession | None = None
        self._call_id: Future | None = None  # id of the current call, once inserted
        self._browsing: Scenario | None = library.get(settings.get("last_scenario")) or library.get(
            FIRST_RUN_SCENARIO
        )
        self._idle_values: dict[str, str] = {}  # placeholder values typed with no call in progress
        self.personal: list[PersonalPhrase] = []
        self.favourites: set[str] = set()
        self.usage: dict[str, list[float]] = {}
        self._numbering = StepNumbering()  # phrase numbers stay put while a step is shown
        self._index: SearchIndex | None = None
        self._index_version = 0
        # Index builds wait a moment: batched after edits, and off the start-up path.
        self._index_timer = QTimer(self)
        self._index_timer.setSingleShot(True)
        self._index_timer.setInterval(INDEX_DELAY_MS)
        self._index_timer.timeout.connect(self._build_index)
        self._dismissed: set[str] = set()  # scenario suggestions the seat waved away this call
        self._suggested: str | None = None
        self.suggestion: Suggestion | None = None  # the scenario offered now, with the evidence for it
        self._notes_timer = QTimer(self)
        self._notes_timer.setSingleShot(True)
        self._notes_timer.setInterval(int(settings.get("notes_autosave_ms")))
        self._notes_timer.timeout.connect(self.save_notes_now)
        # The debounce restarts on every key; this one does not, so steady typing is saved too.
        self._notes_max_wait = QTimer(self)
        self._notes_max_wait.setSingleShot(True)
        self._notes_max_wait.setInterval(NOTES_MAX_WAIT_MS)
        self._notes_max_wait.timeout.connect(self.save_notes_now)
        settings.on_change(self._setting_changed)
        self._push_policy()
        # Live call events (desktop.models.live_model): (scenario id, step id) ticked by the
        # seat's speech, and banned phrases said on this call (the hub heartbeat reads it).
        self.speech_ticked: set[tuple[str, str]] = set()
        self.banned_count = 0

    def _setting_changed(self, name: str, value: object) -> None:
        if name == "notes_autosave_ms":
            self._notes_timer.setInterval(self.settings.integer("notes_autosave_ms"))
        elif name == "mask_policy":
            self._push_policy()

    def _push_policy(self) -> None:
        """The store masks everything it writes with the seat's (capped) policy."""
        policy = self.mask_policy()
        if not self.worker.closed:
            DbOp(self.tr("set the masking policy"), lambda store: setattr(store, "policy", policy)).run_in_background(
                self.worker
            )

    def load_personal(self) -> None:
        """Read the seat's own phrases, favourites and phrase use (on the worker)."""

        def read(store: CallStore):
            return store.personal_phrases(), store.favourites(), store.phrase_usage()

        def loaded(result) -> None:
            personal, favourites, usage = result
            # Uses made while this was loading are kept (the union of both).
            for key, times in self.usage.items():
                usage[key] = sorted(set(usage.get(key, [])) | set(times))
            self.personal, self.usage = personal, usage
            self.favourites = favourites | self.favourites
            self._rebuild_index()
            self.phrasesChanged.emit()
            self.stepsChanged.emit()

        DbOp(self.tr("read your own phrases"), read).success(loaded).run_in_background(self.worker)

    def set_library(self, library: Library) -> None:
        """Swap in a reloaded library, keeping the call in progress."""
        self.library = library
        self._rebuild_index()
        if self._browsing is not None:
            self._browsing = library.get(self._browsing.id) or self._browsing
        if self.session is not None and self.session.scenario is not None:
            self.session.scenario = library.get(self.session.scenario.id) or self.session.scenario
        self.scenarioChanged.emit()
        self.stepsChanged.emit()

    # -- state queries ---------------------------------------------------------
    @property
    def in_call(self) -> bool:
        return self.session is not None

    @property
    def scenario(self) -> Scenario | None:
        if self.session is not None and self.session.scenario is not None:
            return self.session.scenario
        return self._browsing

    def current_index(self) -> int | None:
        if self.session is not None:
            return self.session.current_index()
        return 0 if self.scenario and self.scenario.steps else None

    def current_step_id(self) -> str:
        scenario, index = self.scenario, self.current_index()
        return scenario.steps[index].id if scenario is not None and index is not None else ""

    def current_choices(self) -> list[PhraseChoice]:
        """The highlighted step's phrases: the team's, then the seat's own for that step."""
        scenario, index = self.scenario, self.current_index()
        if scenario is None or index is None:
            return []
        step = scenario.steps[index]
        choices = [self._team_choice(scenario, step, phrase) for phrase in step.phrases]
        choices += [
            self._personal_choice(p) for p in self.personal if p.scenario_id == scenario.id and p.step_id == step.id
        ]
        # Favourites, then the seat's own use; the numbers stay put while the step is shown.
        now = clock.now().timestamp()
        return self._numbering.arrange(
            f"{scenario.id}/{step.id}",
            choices,
            lambda c: (not c.favourite, -round(frecency(self.usage.get(c.key, ()), now), 6)),
        )

    def all_choices(self) -> list[PhraseChoice]:
        """Every phrase of every scenario plus every personal phrase (for search)."""
        choices = [
            self._team_choice(scenario, step, phrase)
            for scenario in self.library.scenarios
            for step in scenario.steps
            for phrase in step.phrases
        ]
        return choices + [self._personal_choice(p) for p in self.personal]

    def _rebuild_index(self) -> None:
        """Re-index team and personal phrases on the worker soon; searches use the newest one."""
        self._index_timer.start()

    def _build_index(self) -> None:
        self._index_version += 1
        version, library, personal = self._index_version, self.library, list(self.personal)

        def build() -> SearchIndex:
            return SearchIndex.from_library(library, personal)

        def ready(index: SearchIndex) -> None:
            if version == self._index_version:
                self._index = index

        def not_built(error: Exception) -> None:
            # Searches keep the previous index (or build one when asked); the seat is told why.
            self.message.emit(self.tr("The phrase search could not be updated: %s") % error)

        if self.worker.closed:
            return
        IoOp(self.tr("index the phrases"), build).success(ready).failure(not_built).run_in_background(self.worker)

    def search_index(self) -> SearchIndex:
        if self._index is None:  # asked before the worker finished: build it here once
            self._index = SearchIndex.from_library(self.library, self.personal)
        return self._index

    def search_hits(self, query: str, limit: int = 50) -> list[Hit]:
        scenario = self.scenario
        return self.search_index().search(
            query,
            scenario_id=scenario.id if scenario else None,
            step_id=self.current_step_id() or None,
            usage=self.usage,
            favourites=self.favourites,
            now=clock.now().timestamp(),
            limit=limit,
        )

    def search(self, query: str, limit: int = 50) -> list[PhraseChoice]:
        """Phrases for ``query`` (Chinese, pinyin, initials…), ranked by the search engine."""
        return [
            PhraseChoice(
                key=hit.key,
                text=hit.entry.text,
                scenario_id=hit.entry.scenario_id,
                step_id=hit.entry.step_id,
                personal=hit.key.startswith("personal/"),
                favourite=hit.key in self.favourites,
            )
            for hit in self.search_hits(query, limit)
        ]

    def filter_scenarios(self, query: str) -> list[Scenario]:
        """Scenarios for the panel's filter: by name and keyword, then those whose phrases
        match (so pinyin and initials work here too)."""
        direct = self.library.filter(query)
        if not query.strip():
            return direct
        seen = {s.id for s in direct}
        more: list[Scenario] = []
        for hit in self.search_index().search(query, limit=200):
            scenario = self.library.get(hit.entry.scenario_id)
            if scenario is not None and scenario.id not in seen:
                seen.add(scenario.id)
                more.append(scenario)
        return direct + more

    def dismiss_suggestion(self, scenario_id: str) -> None:
        self._dismissed.add(scenario_id)
        self._suggested = None
        self._suggest()

    def _suggest(self) -> None:
        """Offer one other scenario whose keywords the notes mention; never switch by itself."""
        if self.session is None:
            return
        # Weighed against the current scenario: a cue it shares (ATM, 挂失…) does not point elsewhere.
        suggestion = suggest_other(self.session.notes, self.library, self.scenario, self._dismissed)
        previous = self.suggestion.explanation if self.suggestion is not None else ""
        self.suggestion = suggestion
        if (suggestion.explanation if suggestion is not None else "") != previous:
            self.suggestionExplained.emit(suggestion.explanation if suggestion is not None else "")
        if suggestion is not None:
            if suggestion.scenario_id != self._suggested:
                self._suggested = suggestion.scenario_id
                self.scenarioSuggested.emit(suggestion.scenario_id, suggestion.cue)
            return
        if self._suggested is not None:
            self._suggested = None
            self.scenarioSuggested.emit("", "")

    def _team_choice(self, scenario: Scenario, step: Step, phrase: Phrase) -> PhraseChoice:
        key = phrase_key(scenario.id, phrase.id)
        return PhraseChoice(key, phrase.text, scenario.id, step.id, favourite=key in self.favourites)

    def _personal_choice(self, phrase: PersonalPhrase) -> PhraseChoice:
        return PhraseChoice(phrase.key, phrase.text, phrase.scenario_id, phrase.step_id, True, phrase.favourite)

    def is_ticked(self, step_id: str) -> bool:
        return self.session is not None and self.session.is_ticked(step_id)

    def notes(self) -> str:
        return self.session.notes if self.session else ""

    def customer(self) -> str:
        return self.session.customer if self.session else ""

    # -- call life cycle -------------------------------------------------------
    def start_call(self) -> None:
        if self.session is not None:
            return
        started = clock.now()
        self.session = CallSession(started=started, scenario=self._browsing)
        session = self.session

        def opened(call_id: int) -> None:
            session.call_id = call_id

        def insert(store: CallStore) -> int:
            call_id = store.start_call(started)
            if session.scenario is not None:
                store.set_scenario(call_id, session.scenario.id, session.scenario.name)
            return call_id

        self._call_id = DbOp(self.tr("start the call record"), insert).success(opened).run_in_background(self.worker)
        self._dismissed.clear()
        self._suggested = None
        self._numbering.next_period()
        self.callStarted.emit()
        self.callStateChanged.emit()
        self.stepsChanged.emit()

    def _write(
        self, what: str, job: Callable[[CallStore, int], object], done: Callable[[int], object] | None = None
    ) -> None:
        """Queue ``job(store, call_id)`` for the current call on the database worker.

        Jobs run in order on one thread, after the insert that created the call,
        so the id is known by the time they run.
        """
        call_id = self._call_id
        assert call_id is not None

        def run(store: CallStore) -> int:
            job(store, call_id.result())
            return call_id.result()

        op = DbOp(what, run)
        if done is not None:
            op.success(done)
        op.run_in_background(self.worker)

    def choose_scenario(self, scenario_id: str) -> None:
        scenario = self.library.get(scenario_id)
        if scenario is None:
            self.message.emit(self.tr("Unknown scenario: %s") % scenario_id)
            return
        self._browsing = scenario
        self.settings.set("last_scenario", scenario.id)
        if self._suggested == scenario.id:
            self._suggested = None
            self.scenarioSuggested.emit("", "")
        if self.session is not None:
            self.session.choose_scenario(scenario)
            self._write(
                self.tr("store the scenario"),
                lambda store, call_id: store.set_scenario(call_id, scenario.id, scenario.name),
            )
        self.scenarioChanged.emit()
        self.stepsChanged.emit()

    def set_step_ticked(self, step_id: str, checked: bool) -> None:
        if self.session is None or self.session.scenario is None:
            self.message.emit(self.tr("Start a call to tick steps"))
            self.stepsChanged.emit()
            return
        at = clock.now()
        scenario = self.session.scenario
        step = self.session.tick(step_id, checked, at)
        if checked:
            self._write(
                self.tr("tick the step"),
                lambda store, call_id: store.tick_step(call_id, scenario.id, step.id, step.title, step.mandatory, at)
            )
        else:
            self._write(
                self.tr("untick the step"), lambda store, call_id: store.untick_step(call_id, scenario.id, step.id)
            )
        self.stepsChanged.emit()

    def tick_current(self) -> None:
        """Tick the highlighted step and move to the next one."""
        index = self.current_index()
        if self.scenario is not None and index is not None:
            self.set_step_ticked(self.scenario.steps[index].id, True)

    # -- phrases ---------------------------------------------------------------
    def _values_session(self) -> CallSession:
        """The call in progress, or between calls a stand-in holding the values typed meanwhile."""
        return self.session or CallSession(started=clock.now(), scenario=self.scenario, values=self._idle_values)

    def render(self, choice: PhraseChoice) -> Rendered:
        return self._values_session().render(
            choice.text, self.settings.get("seat_id"), bank_name=self.settings.get("bank_name")
        )

    def set_value(self, name: str, value: str) -> None:
        """A placeholder value the seat typed (kept for the rest of the call)."""
        if name == "称呼":
            self.set_customer(value)
        elif name == "坐席工号":
            self.settings.set("seat_id", value.strip())
        elif name == "银行名称":
            self.settings.set("bank_name", value.strip())
        elif self.session is not None:
            self.session.values[name] = value
        else:
            self._idle_values[name] = value

    def record_use(self, choice: PhraseChoice, text: str, mode: str) -> None:
        """Log that ``choice`` was used (copied, pasted or typed) as ``text``."""
        now = clock.now()
        self.usage.setdefault(choice.key, []).append(now.timestamp())
        DbOp(self.tr("count the phrase's use"), lambda store: store.record_use(choice.key, now)).run_in_background(
            self.worker
        )
        if self.session is not None:
            used = UsedPhrase(
                scenario_id=choice.scenario_id,
                step_id=choice.step_id,
                phrase_id=choice.phrase_id if not choice.personal else choice.key,
                text=choice.text,  # as written in the pack: no caller's name or values stored
                used_at=clock.iso(now),
                via=mode,
            )
            self.session.phrases_used += 1
            self._write(self.tr("log the phrase on the call"), lambda store, call_id: store.record_phrase(call_id, used))
        self.phraseUsed.emit(choice.key, mode)

    def copy_choice(self, choice: PhraseChoice, via: str = "click") -> bool:
        """Render ``choice`` and put it on the clipboard; False if a value is missing."""
        rendered = self.render(choice)
        if not rendered.complete:
            names = "、".join("{%s}" % name for name in rendered.missing)
            self.message.emit(self.tr("Fill in %s first; nothing was copied") % names)
            return False
        self.clipboard.set_text(rendered.text)
        self.phraseCopied.emit(rendered.text)
        self.record_use(choice, rendered.text, via)
        return True

    def copy_phrase(self, number: int, via: str = "click") -> bool:
        """Put phrase ``number`` (0-based) of the highlighted step on the clipboard."""
        choices = self.current_choices()
        if not 0 <= number < len(choices):
            return False
        return self.copy_choice(choices[number], via)

    def set_favourite(self, choice: PhraseChoice, favourite: bool) -> None:
        now = clock.now()
        if favourite:
            self.favourites.add(choice.key)
        else:
            self.favourites.discard(choice.key)
        self.personal = [
            PersonalPhrase(p.id, p.scenario_id, p.step_id, p.text, favourite, p.updated_at) if p.key == choice.key else p
            for p in self.personal
        ]
        DbOp(
            self.tr("save the favourite"), lambda store: store.set_favourite(choice.key, favourite, now)
        ).run_in_background(self.worker)
        self.phrasesChanged.emit()

    def add_personal(self, text: str, scenario_id: str = "", step_id: str = "") -> None:
        text = text.strip()
        if not text:
            return
        now = clock.now()
        DbOp(
            self.tr("save your phrase"), lambda store: store.add_personal_phrase(scenario_id, step_id, text, now)
        ).success(
            lambda new_id: self._personal_saved(PersonalPhrase(new_id, scenario_id, step_id, text, False, clock.iso(now)))
        ).run_in_background(self.worker)

    def _personal_saved(self, phrase: PersonalPhrase) -> None:
        self.personal = [p for p in self.personal if p.id != phrase.id] + [phrase]
        self.personal.sort(key=lambda p: p.id)
        self._rebuild_index()
        self.phrasesChanged.emit()
        self.stepsChanged.emit()

    def edit_personal(self, phrase_id: int, text: str, scenario_id: str, step_id: str) -> None:
        text = text.strip()
        old = next((p for p in self.personal if p.id == phrase_id), None)
        if old is None or not text:
            return
        now = clock.now()
        DbOp(
            self.tr("save your phrase"),
            lambda store: store.update_personal_phrase(phrase_id, scenario_id, step_id, text, now),
        ).run_in_background(self.worker)
        self._personal_saved(PersonalPhrase(phrase_id, scenario_id, step_id, text, old.favourite, clock.iso(now)))

    def delete_personal(self, phrase_id: int) -> None:
        self.personal = [p for p in self.personal if p.id != phrase_id]
        self.favourites.discard(f"personal/{phrase_id}")
        DbOp(self.tr("delete your phrase"), lambda store: store.delete_personal_phrase(phrase_id)).run_in_background(
            self.worker
        )
        self._rebuild_index()
        self.phrasesChanged.emit()
        self.stepsChanged.emit()

    # -- personal data ---------------------------------------------------------
    def mask_policy(self) -> MaskPolicy:
        return MaskPolicy.from_settings(self.settings.get("mask_policy"))

    def mask(self, text: str) -> str:
        return mask_pii(text, self.mask_policy())

    def set_customer_ref(self, text: str) -> str:
        """The caller's reference (phone or card tail, CRM id): stored masked, with a keyed
        hash of the full text to find this caller's earlier calls; shows them."""
        if self.session is None:
            return ""
        full = normalise_reference(text)
        ref = self.mask(full)
        self.session.customer_ref = ref
        found: list = []
        exact: list[bool] = []

        def store_and_look_up(store: CallStore, call_id: int) -> None:
            key = store.customer_key(full)
            exact.append(store.history_exact)
            store.set_customer_ref(call_id, ref, key)
            found.extend(store.calls_by_customer(ref, exclude_call=call_id, key=key))

        def loaded(_call_id: int) -> None:
            self.historyExact.emit(all(exact))
            self.historyLoaded.emit(found)

        self._write(self.tr("store the caller's reference"), store_and_look_up, loaded)
        return ref

    def load_history(self, ref: str) -> None:
        """Earlier calls with this masked reference (used after a restart, when the full
        reference is no longer known)."""
        if not ref or self._call_id is None:
            self.historyLoaded.emit([])
            return
        found: list = []

        def look_up(store: CallStore, call_id: int) -> None:
            row = store.conn.execute("SELECT customer_key FROM calls WHERE id = ?", (call_id,)).fetchone()
            found.extend(store.calls_by_customer(ref, exclude_call=call_id, key=row[0] if row else ""))

        self._write(self.tr("read the caller's history"), look_up, lambda _call_id: self.historyLoaded.emit(found))

    # -- notes -----------------------------------------------------------------
    def set_customer(self, text: str) -> None:
        if self.session is not None:
            self.session.customer = text
        else:
            self._idle_values["称呼"] = text

    def set_notes(self, text: str) -> None:
        """Remember the notes and save them shortly after the last keystroke."""
        if self.session is None or text == self.session.notes:
            return
        self.session.notes = text
        self._notes_timer.start()
        if not self._notes_max_wait.isActive():
            self._notes_max_wait.start()
        self._suggest()

    def save_notes_now(self) -> None:
        self._notes_timer.stop()
        self._notes_max_wait.stop()
        if self.session is None:
            return
        self._mask_notes()
        notes, at = self.session.notes, clock.now()
        self._write(
            self.tr("save the notes"), lambda store, call_id: store.save_notes(call_id, notes, at), self.notesSaved.emit
        )

    def _mask_notes(self) -> None:
        """Card, ID and mobile numbers never reach the disk: mask them before any save."""
        assert self.session is not None
        masked = self.mask(self.session.notes)
        if masked != self.session.notes:
            self.session.notes = masked
            self.notesMasked.emit()

    def dispositions(self) -> tuple[Disposition, ...]:
        return dispositions_from(self.settings.get("dispositions"))

    def end_call(
        self,
        disposition: str,
        *,
        wrapup_s: float | None = None,
        end_reason: str = "",
        callback: datetime | None = None,
        ended: datetime | None = None,
    ) -> None:
        """Close the call; the scenario's hand-overs, a complaint's deadline and a promised
        callback become follow-ups on the record."""
        if self.session is None:
            return
        if disposition not in {d.code for d in self.dispositions()}:
            raise ValueError(f"unknown disposition {disposition!r}")
        self._notes_timer.stop()
        self._notes_max_wait.stop()
        self._mask_notes()
        notes, ended = self.session.notes, ended or clock.now()
        now = clock.now()
        followups = followups_at_end(
            self.session.scenario, disposition, now,
            complaint_days=self.settings.integer("complaint_days"), callback=callback,
        )

        def finish(store: CallStore, call_id: int) -> None:
            with store.transaction():
                store.end_call(call_id, ended, disposition, notes, wrapup_s=wrapup_s, end_reason=end_reason)
                for kind, text, due in followups:
                    store.add_followup(call_id, kind, text, due, now)

        self._write(self.tr("close the call record"), finish, self.callEnded.emit)
        self.session = None
        self._call_id = None
        self._numbering.next_period()
        self.callStateChanged.emit()
        self.stepsChanged.emit()

    def recover(self) -> None:
        """Bring back a call a crash interrupted (its ticks and notes are in the database)."""

        def find(store: CallStore):
            active = store.active_calls()
            for stale in active[:-1]:  # only the newest can still be going on
                store.end_call(stale.id, clock.now(), "other", stale.notes, end_reason="interrupted")
            return active[-1] if active else None

        DbOp(self.tr("look for an interrupted call"), find).success(
            lambda record: self.restore(record) if record is not None else None
        ).run_in_background(self.worker)

    def restore(self, record: CallRecord) -> None:
        if self.session is not None:
            return
        scenario = self.library.get(record.scenario_id)
        ticks = {(s.scenario_id, s.step_id): datetime.fromisoformat(s.ticked_at) for s in record.steps}
        self.session = CallSession(
            started=datetime.fromisoformat(record.started_at),
            call_id=record.id,
            scenario=scenario,
            ticks=ticks,
            notes=record.notes,
            customer_ref=record.customer_ref,
            phrases_used=len(record.phrases),
        )
        if scenario is not None:
            self._browsing = scenario
        future: Future = Future()
        future.set_result(record.id)
        self._call_id = future
        self.callStarted.emit()
        self.callStateChanged.emit()
        self.scenarioChanged.emit()
        self.stepsChanged.emit()
        self.load_history(record.customer_ref)
        self.recovered.emit(record.id)
        self.message.emit(self.tr("The call that was in progress has been restored"))

    def flush(self) -> None:
        """Write pending notes and wait for every queued write (used at quit)."""
        if self.worker.closed:
            return
        if self._notes_timer.isActive() or self._notes_max_wait.isActive():
            self.save_notes_now()
        self.worker.call(lambda store: None)

    # -- export ----------------------------------------------------------------

    def shift_bounds(self, spec: str = "today") -> tuple[datetime, datetime]:
        return clock.shift_range(spec, start=self.settings.get("shift_start"), end=self.settings.get("shift_end"))

    def current_shift_bounds(self) -> tuple[datetime, datetime]:
        day = clock.current_shift(clock.now(), self.settings.get("shift_start"), self.settings.get("shift_end"))
        return self.shift_bounds(day.isoformat())

    def export_shift(self, path: Path, start: datetime, end: datetime, lang: str = "zh", fmt: str | None = None) -> None:
        """Export the calls of [start, end) on the worker thread (CSV, XLSX or Markdown)."""
        from desktop.core.export import ExportError, export_file, format_for  # only when exporting

        path = Path(path)
        fmt = fmt or format_for(path) or "csv"
        dispositions = self.dispositions()

        def run(store: CallStore) -> int | str:
            calls = store.calls_between(start, end)
            try:
                return export_file(
                    calls, path, fmt, lang=lang, dispositions=dispositions, open_followups=store.open_followups(),
                    progress=lambda done, total: self.exportProgress.emit(done, total or len(calls)),
                )
            except ExportError as exc:
                return str(exc)

        def done(result: int | str) -> None:
            if isinstance(result, str):
                self.exportFailed.emit(result)
                self.message.emit(result)
            else:
                self.exportFinished.emit(str(path), result)

        # An export error the writer knows (full disk, bad path) comes back as text; anything
        # else reaches the seat through the same signal instead of locking the notes.
        DbOp(self.tr("export the shift"), run).success(done).failure(lambda error: done(str(error))).run_in_background(
            self.worker
        )

    # -- live call events (desktop.models.live_model) ---------------------------------
    def ticked_by_speech(self, step_id: str) -> bool:
        scenario = self.scenario
        return scenario is not None and self.is_ticked(step_id) and (scenario.id, step_id) in self.speech_ticked

    def write_for_call(
        self, what: str, job: Callable[[CallStore, int], object], done: Callable[[int], object] | None = None
    ) -> bool:
        """Queue ``job(store, call_id)`` (described by ``what``) for the call in progress;
        False when there is none."""
        if self._call_id is None:
            return False
        self._write(what, job, done)
        return True

    def dismissed_scenarios(self) -> set[str]:
        return set(self._dismissed)

    def offer_scenario(self, suggestion: Suggestion) -> None:
        """Show a suggestion found elsewhere (the customer's speech) in the suggestion bar."""
        scenario_id = suggestion.scenario_id
        if self.session is None or scenario_id in self._dismissed or scenario_id == self._suggested:
            return
        if self.scenario is not None and scenario_id == self.scenario.id:
            return
        self._suggested = scenario_id
        self.suggestion = suggestion
        self.suggestionExplained.emit(suggestion.explanation)
        self.scenarioSuggested.emit(scenario_id, suggestion.cue)
