"""What is indexed and what a search returns: :class:`Entry`, :class:`Hit`, and entries
made from a library or from the seat's own phrases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from desktop.core.packs.scenarios import Library, phrase_key

# -- public types ------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One phrase to index. ``key`` is unique: ``"scenario-id/phrase-id"`` or ``"personal/42"``."""

    key: str
    text: str
    scenario_id: str = ""
    step_id: str = ""
    scenario_name: str = ""
    step_title: str = ""
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    favourite: bool = False


@dataclass(frozen=True)
class Hit:
    """A search result: ``score`` = match + boosts; ``reasons`` explains both."""

    entry: Entry
    score: float
    match: str  # one of MATCH_KINDS, or NO_MATCH for an empty query
    reasons: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.entry.key


def entries_from_library(library: Library) -> list[Entry]:
    """Every phrase of every scenario; an entry's keywords are its scenario's."""
    out: list[Entry] = []
    for scenario in library.scenarios:
        keywords = tuple(scenario.keywords)
        for step in scenario.steps:
            for phrase in step.phrases:
                out.append(
                    Entry(
                        key=phrase_key(scenario.id, phrase.id),
                        text=phrase.text,
                        scenario_id=scenario.id,
                        step_id=step.id,
                        scenario_name=scenario.name,
                        step_title=step.title,
                        tags=tuple(phrase.tags),
                        keywords=keywords,
                    )
                )
    return out


def entries_from_personal(phrases: Iterable[Any], library: Library | None = None) -> list[Entry]:
    """Entries for the seat's own phrases (``storage.PersonalPhrase``-like objects:
    ``id``, ``scenario_id``, ``step_id``, ``text``, ``favourite``), keyed ``personal/<id>``.
    With ``library``, scenario name, step title and keywords are filled in."""
    out: list[Entry] = []
    for phrase in phrases:
        scenario = library.get(phrase.scenario_id) if library is not None and phrase.scenario_id else None
        title = ""
        if scenario is not None and phrase.step_id:
            try:
                title = scenario.step(phrase.step_id).title
            except KeyError:
                title = ""
        out.append(
            Entry(
                key=getattr(phrase, "key", None) or f"personal/{phrase.id}",
                text=phrase.text,
                scenario_id=phrase.scenario_id or "",
                step_id=phrase.step_id or "",
                scenario_name=scenario.name if scenario is not None else "",
                step_title=title,
                keywords=tuple(scenario.keywords) if scenario is not None else (),
                favourite=bool(getattr(phrase, "favourite", False)),
            )
        )
    return out

