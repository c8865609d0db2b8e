"""Which scenario do the call notes point to? Ranking by the weight of all evidence.

Every scenario's ``keywords`` and ``cues`` (patterns, see :mod:`desktop.core.patterns`)
are its cues; ``not_cues`` point away from it. A cue found in the notes adds its
weight, which grows with its length (吞卡 says more than 卡) and shrinks with the
number of scenarios that share it (ATM belongs to two). A cue found inside a
longer cue's match adds nothing (卡被吞 wins over 吞 on its own). A cue mentioned
late in the notes weighs a little more than one at the start: notes are written
as the call goes, so the last topic is the current one. A negative cue subtracts
its weight. Text is compared in its search form (Simplified, case-folded,
full-width folded), so 吞卡 also matches 吞卡 typed in Traditional characters.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from desktop.core.patterns import Pattern, PatternError, compile_pattern
from desktop.core.scenarios import Library, Scenario
from desktop.core.textnorm import normalize

# A cue in a later part of the notes weighs up to this much more than one at the start.
RECENCY_SPAN = 0.5
# A negative cue subtracts its weight times this.
NEGATIVE_FACTOR = 1.5
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Evidence:
    """One cue found in the notes and what it added to (or took from) a score."""

    cue: str
    weight: float
    shared_by: int = 1
    negative: bool = False

    def __str__(self) -> str:
        sign = "−" if self.negative else "+"
        shared = f" ×{self.shared_by}" if self.shared_by > 1 else ""
        return f"“{self.cue}”{shared} {sign}{abs(self.weight):.1f}"


@dataclass(frozen=True)
class Suggestion:
    scenario_id: str
    score: float
    evidence: tuple[Evidence, ...]

    @property
    def explanation(self) -> str:
        """The cues behind the score, strongest first, e.g. “吞卡” +1.6 · “ATM” ×2 +0.5."""
        return " · ".join(str(e) for e in self.evidence)

    @property
    def cue(self) -> str:
        """The strongest positive cue, for a one-word reason."""
        positive = [e for e in self.evidence if not e.negative]
        return positive[0].cue if positive else ""


def cue_strength(cue: str) -> float:
    """How much a cue says on its own: 1 for one character or one Latin word, more for longer."""
    units = len(_CJK.findall(cue)) + len(_WORD.findall(cue))
    return 1.0 + 0.5 * (min(max(units, 1), 5) - 1)


@lru_cache(maxsize=4096)
def _pattern(source: str) -> Pattern | None:
    try:
        return compile_pattern(normalize(source))
    except PatternError:
        return None


@dataclass(frozen=True)
class _Match:
    scenario: int
    cue: str
    start: int
    end: int
    negative: bool


def _cues(scenario: Scenario) -> list[str]:
    seen: dict[str, str] = {}
    for cue in (*scenario.keywords, *scenario.cues):
        key = normalize(cue)
        if key and key not in seen:
            seen[key] = cue
    return list(seen.values())


def _inside_longer(spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans that lie inside a longer one of ``spans`` (n log n)."""
    ordered = sorted(spans, key=lambda span: (span[0], -span[1]))
    inside: set[tuple[int, int]] = set()
    furthest = -1  # the furthest end of the spans seen so far, which all start earlier or at the same place
    for start, end in ordered:
        # Spans with the same start come longest first, so a longer one is already counted.
        if furthest >= end:
            inside.add((start, end))
        furthest = max(furthest, end)
    return inside


def rank_scenarios(text: str, library: Library) -> list[Suggestion]:
    """Scenarios the notes point to, best first (score > 0 only); ties keep library order."""
    norm = normalize(text)
    if not norm:
        return []
    scenarios = library.scenarios
    cue_lists = [_cues(s) for s in scenarios]
    shared = Counter(normalize(c) for cues in cue_lists for c in cues)
    matches: list[_Match] = []
    for index, scenario in enumerate(scenarios):
        for negative, cues in ((False, cue_lists[index]), (True, list(scenario.not_cues))):
            for cue in cues:
                pattern = _pattern(cue)
                if pattern is None:
                    continue
                for start, end in pattern.finditer(norm):
                    matches.append(_Match(index, cue, start, end, negative))
    # A positive match inside a longer one (of any scenario) is part of that cue, not evidence of its own.
    inside = _inside_longer({(m.start, m.end) for m in matches if not m.negative})
    kept = [m for m in matches if m.negative or (m.start, m.end) not in inside]
    last_seen: dict[tuple[int, str, bool], int] = {}
    for m in kept:
        key = (m.scenario, m.cue, m.negative)
        last_seen[key] = max(last_seen.get(key, 0), m.end)
    evidence: dict[int, list[Evidence]] = {}
    for (index, cue, negative), end in last_seen.items():
        share = 1 if negative else max(shared[normalize(cue)], 1)
        recency = 1.0 - RECENCY_SPAN / 2 + RECENCY_SPAN * end / len(norm)
        weight = cue_strength(cue) / share * recency
        if negative:
            weight *= NEGATIVE_FACTOR
        evidence.setdefault(index, []).append(Evidence(cue, round(weight, 2), share, negative))
    ranked: list[tuple[float, int, Suggestion]] = []
    for index, items in evidence.items():
        score = sum(-e.weight if e.negative else e.weight for e in items)
        if score <= 0 or all(e.negative for e in items):
            continue
        items.sort(key=lambda e: (e.negative, -e.weight))
        ranked.append((-score, index, Suggestion(scenarios[index].id, round(score, 2), tuple(items))))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [s for *_, s in ranked]


def suggest_other(
    text: str, library: Library, current: Scenario | None, dismissed: set[str] | frozenset[str] = frozenset()
) -> Suggestion | None:
    """The best scenario to offer instead of ``current``, if the notes point elsewhere.

    Nothing is offered while the current scenario scores at least as high as the best
    other one (a cue it shares, such as ATM, does not point away from it).
    """
    ranked = rank_scenarios(text, library)
    current_score = next((s.score for s in ranked if current is not None and s.scenario_id == current.id), 0.0)
    for suggestion in ranked:
        if current is not None and suggestion.scenario_id == current.id:
            continue
        if suggestion.scenario_id in dismissed:
            continue
        return suggestion if suggestion.score > current_score else None
    return None
