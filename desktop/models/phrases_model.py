"""Phrases as a QObject: the team's and the seat's own, their numbers, search and use.

The highlighted step comes from the :class:`CallModel`; the numbers of its phrases stay
put while it is shown (:class:`desktop.core.calls.numbering.StepNumbering`). The search index
is built on the pool (an ``IoOp``); favourites, personal phrases and phrase use are
stored with ``DbOp``\\ s.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.base import clock
from desktop.core.calls.numbering import StepNumbering
from desktop.core.packs.placeholders import Rendered
from desktop.core.packs.scenarios import Library, Phrase, PhraseChoice, Scenario, Step, phrase_key
from desktop.core.records.storage import CallStore, PersonalPhrase, UsedPhrase
from desktop.core.search import Hit, SearchIndex, frecency
from desktop.core.seat.settings import Settings
from desktop.models.background import Background, DbOp, IoOp
from desktop.models.call_model import CallModel
from desktop.platform.clipboard import Clipboard, ClipboardBusy

# Delay before the search index is rebuilt in the background after a change.
INDEX_DELAY_MS = 1000


class PhrasesModel(QObject):
    """The highlighted step's phrases, every phrase's search, favourites and the seat's own."""

    phrasesChanged = Signal()  # personal phrases, favourites or phrase use changed
    phraseCopied = Signal(str)  # the rendered text now on the clipboard
    phraseUsed = Signal(str, str)  # phrase key, mode ("click", "key", "copy", "paste", "type")
    message = Signal(str)  # a short status line for the seat

    def __init__(
        self,
        calls: CallModel,
        worker: Background,
        clipboard: Clipboard,
        settings: Settings,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.calls = calls
        self.worker = worker
        self.clipboard = clipboard
        self.settings = settings
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
        # A call that starts or ends lets each step take the latest ranking when next shown.
        calls.callStateChanged.connect(self._numbering.next_period)
        calls.libraryChanged.connect(self._rebuild_index)

    @property
    def library(self) -> Library:
        return self.calls.library

    def load_personal(self) -> None:
        """Read the seat's own phrases, favourites and phrase use (on the database thread)."""

        def read(store: CallStore) -> tuple[list[PersonalPhrase], set[str], dict[str, list[float]]]:
            return store.personal_phrases(), store.favourites(), store.phrase_usage()

        def loaded(result: tuple[list[PersonalPhrase], set[str], dict[str, list[float]]]) -> None:
            personal, favourites, usage = result
            # Uses made while this was loading are kept (the union of both).
            for key, times in self.usage.items():
                usage[key] = sorted(set(usage.get(key, [])) | set(times))
            self.personal, self.usage = personal, usage
            self.favourites = favourites | self.favourites
            self._rebuild_index()
            self.phrasesChanged.emit()

        DbOp(self.tr("read your own phrases"), read).success(loaded).run_in_background(self.worker)

    # -- the highlighted step's phrases ---------------------------------------------
    def current_choices(self) -> list[PhraseChoice]:
        """The highlighted step's phrases: the team's, then the seat's own for that step."""
        scenario, step = self.calls.scenario, self.calls.call.current_step()
        if scenario is None or step is None:
            return []
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

    def _team_choice(self, scenario: Scenario, step: Step, phrase: Phrase) -> PhraseChoice:
        key = phrase_key(scenario.id, phrase.id)
        return PhraseChoice(key, phrase.text, scenario.id, step.id, favourite=key in self.favourites)

    def _personal_choice(self, phrase: PersonalPhrase) -> PhraseChoice:
        return PhraseChoice(phrase.key, phrase.text, phrase.scenario_id, phrase.step_id, True, phrase.favourite)

    # -- search ------------------------------------------------------------------
    def _rebuild_index(self) -> None:
        """Re-index team and personal phrases on the pool soon; searches use the newest one."""
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
        if self._index is None:  # asked before the pool finished: build it here once
            self._index = SearchIndex.from_library(self.library, self.personal)
        return self._index

    def search_hits(self, query: str, limit: int = 50) -> list[Hit]:
        scenario = self.calls.scenario
        return self.search_index().search(
            query,
            scenario_id=scenario.id if scenario else None,
            step_id=self.calls.call.current_step_id() or None,
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

    # -- using a phrase ------------------------------------------------------------
    def render(self, choice: PhraseChoice) -> Rendered:
        return self.calls.call.render(choice.text, self.settings.get("seat_id"), self.settings.get("bank_name"))

    def record_use(self, choice: PhraseChoice, text: str, mode: str) -> None:
        """Log that ``choice`` was used (copied, pasted or typed) as ``text``."""
        now = clock.now()
        self.usage.setdefault(choice.key, []).append(now.timestamp())
        DbOp(self.tr("count the phrase's use"), lambda store: store.record_use(choice.key, now)).run_in_background(
            self.worker
        )
        used: UsedPhrase | None = self.calls.call.phrase_used(choice, mode, clock.iso(now))
        if used is not None:
            self.calls.write_for_call(
                self.tr("log the phrase on the call"), lambda store, call_id: store.record_phrase(call_id, used)
            )
        self.phraseUsed.emit(choice.key, mode)

    def copy_choice(self, choice: PhraseChoice, via: str = "click") -> bool:
        """Render ``choice`` and put it on the clipboard; False if a value is missing."""
        rendered = self.render(choice)
        if not rendered.complete:
            names = "、".join("{%s}" % name for name in rendered.missing)
            self.message.emit(self.tr("Fill in %s first; nothing was copied") % names)
            return False
        try:
            self.clipboard.set_text(rendered.text)
        except ClipboardBusy as exc:  # Windows: another program kept the clipboard open
            self.message.emit(self.tr("The clipboard is held by %s; try again in a moment") % (
                exc.holder or self.tr("another program")))
            return False
        self.phraseCopied.emit(rendered.text)
        self.record_use(choice, rendered.text, via)
        return True

    def copy_phrase(self, number: int, via: str = "click") -> bool:
        """Put phrase ``number`` (0-based) of the highlighted step on the clipboard."""
        choices = self.current_choices()
        if not 0 <= number < len(choices):
            return False
        return self.copy_choice(choices[number], via)

    # -- favourites and the seat's own phrases ---------------------------------------------
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
