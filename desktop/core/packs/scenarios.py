"""The scenario model: scenarios, their ordered steps and the phrases of each step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Phrase:
    """A sentence a seat can say; ``id`` is unique within its scenario."""

    id: str
    text: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PhraseChoice:
    """A phrase as offered to the seat: from a team pack or the seat's own."""

    key: str  # "scenario-id/phrase-id" for pack phrases, "personal/N" for the seat's own
    text: str
    scenario_id: str = ""
    step_id: str = ""
    personal: bool = False
    favourite: bool = False

    @property
    def phrase_id(self) -> str:
        return self.key.split("/", 1)[1]


def phrase_key(scenario_id: str, phrase_id: str) -> str:
    return f"{scenario_id}/{phrase_id}"


class Fact(str):
    """A fact shown during a step: its text, plus where it comes from.

    A ``str`` so code that shows or compares facts as text keeps working.
    ``source`` names a regulation, article or internal rule; ``review`` marks a
    fact the business still has to confirm; ``line`` is where it is in the file;
    ``expires`` (an ISO date, or empty) is the day after which it must be checked again.
    """

    source: str
    review: bool
    line: int
    expires: str

    def __new__(
        cls, text: str, source: str = "", review: bool = False, line: int = 0, expires: str = ""
    ) -> Fact:
        fact = super().__new__(cls, text)
        fact.source = source
        fact.review = review
        fact.line = line
        fact.expires = expires
        return fact

    @property
    def text(self) -> str:
        return str(self)

    @property
    def needs_review(self) -> bool:
        """True when the business must confirm it: marked for review, or no source."""
        return self.review or not self.source

    def expired(self, today: date) -> bool:
        """True when ``expires`` is set and ``today`` is after it."""
        return bool(self.expires) and today.isoformat() > self.expires

    def __reduce__(self) -> tuple[type[Fact], tuple[str, str, bool, int, str]]:
        return (Fact, (str(self), self.source, self.review, self.line, self.expires))


def as_fact(value: str) -> Fact:
    return value if isinstance(value, Fact) else Fact(value)


@dataclass(frozen=True)
class Step:
    """One step of a scenario's checklist.

    ``facts`` holds :class:`Fact` values when loaded from a pack (plain text
    elsewhere); ``done_when`` holds patterns (see :mod:`desktop.core.packs.patterns`) of
    what the seat says when the step has been carried out. ``verifies_identity``
    marks the step that checks who is calling; ``reads_account`` a step that reads
    out or changes account data, which needs a mandatory identity step before it.
    """

    id: str
    title: str
    guidance: str = ""
    mandatory: bool = False
    facts: tuple[str, ...] = ()
    phrases: tuple[Phrase, ...] = ()
    done_when: tuple[str, ...] = ()
    verifies_identity: bool = False
    reads_account: bool = False

    @property
    def fact_items(self) -> tuple[Fact, ...]:
        """The facts with their source and review mark."""
        return tuple(as_fact(f) for f in self.facts)


@dataclass(frozen=True)
class PackInfo:
    """Metadata of the pack file a scenario came from."""

    id: str = ""
    name: str = ""
    version: str = ""
    author: str = ""
    updated: str = ""


@dataclass(frozen=True)
class Scenario:
    """A kind of call with its step checklist."""

    id: str
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    continuity: tuple[str, ...] = ()
    order: int = 100
    cues: tuple[str, ...] = ()  # patterns in the notes that point to this scenario (besides keywords)
    not_cues: tuple[str, ...] = ()  # patterns that point away from it
    # CTI attached data that opens this scenario: each rule is (key, value) pairs, all must match
    routing: tuple[tuple[tuple[str, str], ...], ...] = ()
    safety: bool = False  # a call where harm is under way: its cues always keep it in the top three
    defaults: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    source: str = ""
    line: int = field(default=0, compare=False)
    pack: PackInfo = field(default_factory=PackInfo, compare=False)
    # A retirement marker (``retired: true``): takes the scenario of this id out of
    # the layers below (see ``desktop.core.packs.loader.assemble``); never shown itself.
    retired: bool = False

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def matches(self, query: str) -> bool:
        """True when ``query`` is empty or found in the id, name or keywords."""
        query = query.strip().casefold()
        if not query:
            return True
        haystack = [self.id, self.name, self.description, *self.keywords]
        return any(query in text.casefold() for text in haystack)


# The keys of a routing rule: what a phone system attaches to a call.
ROUTING_KEYS = ("ivr", "queue", "skill", "tier")


@dataclass
class Library:
    """All scenarios that loaded, in display order."""

    scenarios: list[Scenario] = field(default_factory=list)

    def get(self, scenario_id: str) -> Scenario | None:
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        return None

    def filter(self, query: str) -> list[Scenario]:
        """Scenarios matching ``query``: those whose id or name match come first."""
        matching = [s for s in self.scenarios if s.matches(query)]
        needle = query.strip().casefold()
        return sorted(matching, key=lambda s: not (needle in s.name.casefold() or needle in s.id))

    def __len__(self) -> int:
        return len(self.scenarios)

    def routed(self, call_data: dict[str, str]) -> Scenario | None:
        """The scenario the phone system's attached data points to: the one with the most
        specific routing rule (most keys) whose every key matches; earlier ones win ties."""
        given = {k: _routing_value(v) for k, v in call_data.items() if k in ROUTING_KEYS and v}
        best: tuple[int, Scenario] | None = None
        for scenario in self.scenarios:
            for rule in scenario.routing:
                matched = rule and all(given.get(k) == _routing_value(v) for k, v in rule)
                if matched and (best is None or len(rule) > best[0]):
                    best = (len(rule), scenario)
        return best[1] if best else None


def _routing_value(value: str) -> str:
    """Routing values compare without case, width or surrounding blanks."""
    import unicodedata

    return unicodedata.normalize("NFKC", str(value)).strip().casefold()
