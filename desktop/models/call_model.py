"""The call in progress as a QObject: the one model every panel view takes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core import clock
from desktop.core.dispositions import DISPOSITIONS
from desktop.core.export import export_csv
from desktop.core.scenarios import Library, Phrase, Scenario
from desktop.core.session import CallSession
from desktop.core.settings import Settings
from desktop.core.storage import CallStore, UsedPhrase
from desktop.models.db_worker import DbWorker
from desktop.platform.clipboard import Clipboard

log = logging.getLogger(__name__)


class CallModel(QObject):
    """Scenario choice, checklist, phrases, notes and the call's life cycle."""

    callStateChanged = Signal()  # a call started or ended (emitted at once)
    callStarted = Signal()
    callEnded = Signal(int)  # id of the call, once its record is stored
    scenarioChanged = Signal()
    stepsChanged = Signal()
    notesSaved = Signal(int)  # call id
    phraseCopied = Signal(str)  # the rendered text now on the clipboard
    exportFinished = Signal(str, int)  # path, number of calls
    message = Signal(str)  # a short status line for the seat

    def __init__(
        self,
        library: Library,
        worker: DbWorker,
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
        self._browsing: Scenario | None = library.get(settings.get("last_scenario"))
        self._notes_timer = QTimer(self)
        self._notes_timer.setSingleShot(True)
        self._notes_timer.setInterval(int(settings.get("notes_autosave_ms")))
        self._notes_timer.timeout.connect(self.save_notes_now)
        settings.on_change(self._setting_changed)
        worker.failed.connect(lambda error: self.message.emit(self.tr("Could not save: %s") % error))

    def _setting_changed(self, name: str, value: object) -> None:
        if name == "notes_autosave_ms":
            self._notes_timer.setInterval(int(value))  # type: ignore[arg-type]

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

    def current_phrases(self) -> tuple[Phrase, ...]:
        scenario, index = self.scenario, self.current_index()
        if scenario is None or index is None:
            return ()
        return scenario.steps[index].phrases

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

        def insert(store) -> int:
            call_id = store.start_call(started)
            if session.scenario is not None:
                store.set_scenario(call_id, session.scenario.id, session.scenario.name)
            return call_id

        self._call_id = self.worker.submit(insert, opened)
        self.callStarted.emit()
        self.callStateChanged.emit()
        self.stepsChanged.emit()

    def _write(self, job: Callable[[CallStore, int], object], done: Callable[[int], object] | None = None) -> None:
        """Queue ``job(store, call_id)`` for the current call on the database worker.

        Jobs run in order on one thread, after the insert that created the call,
        so the id is known by the time they run.
        """
        call_id = self._call_id
        assert call_id is not None

        def run(store: CallStore) -> int:
            job(store, call_id.result())
            return call_id.result()

        self.worker.submit(run, done)

    def choose_scenario(self, scenario_id: str) -> None:
        scenario = self.library.get(scenario_id)
        if scenario is None:
            self.message.emit(self.tr("Unknown scenario: %s") % scenario_id)
            return
        self._browsing = scenario
        self.settings.set("last_scenario", scenario.id)
        if self.session is not None:
            self.session.choose_scenario(scenario)
            self._write(lambda store, call_id: store.set_scenario(call_id, scenario.id, scenario.name))
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
                lambda store, call_id: store.tick_step(call_id, scenario.id, step.id, step.title, step.mandatory, at)
            )
        else:
            self._write(lambda store, call_id: store.untick_step(call_id, scenario.id, step.id))
        self.stepsChanged.emit()

    def tick_current(self) -> None:
        """Tick the highlighted step and move to the next one."""
        index = self.current_index()
        if self.scenario is not None and index is not None:
            self.set_step_ticked(self.scenario.steps[index].id, True)

    def copy_phrase(self, number: int, via: str = "click") -> bool:
        """Put phrase ``number`` (0-based) of the highlighted step on the clipboard."""
        phrases = self.current_phrases()
        if not 0 <= number < len(phrases):
            return False
        phrase = phrases[number]
        session = self.session or CallSession(started=clock.now(), scenario=self.scenario)
        rendered = session.render(phrase, self.settings.get("seat_id"))
        if not rendered.complete:
            names = "、".join("{%s}" % name for name in rendered.missing)
            self.message.emit(self.tr("Fill in %s first; nothing was copied") % names)
            return False
        self.clipboard.set_text(rendered.text)
        self.phraseCopied.emit(rendered.text)
        if self.session is not None and self.scenario is not None:
            index = self.current_index()
            used = UsedPhrase(
                scenario_id=self.scenario.id,
                step_id=self.scenario.steps[index].id if index is not None else "",
                phrase_id=phrase.id,
                text=rendered.text,
                used_at=clock.iso(clock.now()),
                via=via,
            )
            self.session.phrases_used += 1
            self._write(lambda store, call_id: store.record_phrase(call_id, used))
        return True

    def set_customer(self, text: str) -> None:
        if self.session is not None:
            self.session.customer = text

    def set_notes(self, text: str) -> None:
        """Remember the notes and save them shortly after the last keystroke."""
        if self.session is None or text == self.session.notes:
            return
        self.session.notes = text
        self._notes_timer.start()

    def save_notes_now(self) -> None:
        self._notes_timer.stop()
        if self.session is None:
            return
        notes, at = self.session.notes, clock.now()
        self._write(lambda store, call_id: store.save_notes(call_id, notes, at), self.notesSaved.emit)

    def end_call(self, disposition: str) -> None:
        if self.session is None:
            return
        if disposition not in {d.code for d in DISPOSITIONS}:
            raise ValueError(f"unknown disposition {disposition!r}")
        self._notes_timer.stop()
        notes, ended = self.session.notes, clock.now()
        self._write(lambda store, call_id: store.end_call(call_id, ended, disposition, notes), self.callEnded.emit)
        self.session = None
        self._call_id = None
        self.callStateChanged.emit()
        self.stepsChanged.emit()

    def flush(self) -> None:
        """Write pending notes and wait for every queued write (used at quit)."""
        if self._notes_timer.isActive():
            self.save_notes_now()
        self.worker.call(lambda store: None)

    # -- export ----------------------------------------------------------------
    def export_shift(self, path: Path, start: datetime, end: datetime, lang: str = "zh") -> None:
        """Export the calls of [start, end) as CSV on the worker thread."""
        path = Path(path)
        self.worker.submit(
            lambda store: export_csv(store.calls_between(start, end), path, lang),
            lambda count: self.exportFinished.emit(str(path), count),
        )
