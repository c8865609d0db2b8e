"""The seat's own use (frecency) and the boosts of one search."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import repeat
from operator import sub
from typing import TYPE_CHECKING

from desktop.core.search.corpus import bits_of
from desktop.core.search.scores import (
    DAY,
    FAVOURITE_BOOST,
    FRECENCY_MAX,
    HALF_LIFE_DAYS,
    SCENARIO_BOOST,
    STEP_BOOST,
)

_DECAY = 0.5 ** (1.0 / (HALF_LIFE_DAYS * DAY))  # per second

if TYPE_CHECKING:  # only an annotation: the index imports this module
    from desktop.core.search.index import SearchIndex


def frecency(timestamps: Iterable[float], now: float) -> float:
    """``sum(0.5 ** (age_days / HALF_LIFE_DAYS))``; a use in the future counts as now."""
    stamps = timestamps if isinstance(timestamps, (list, tuple)) else list(timestamps)
    if not stamps:
        return 0.0
    if max(stamps) <= now:
        return sum(map(pow, repeat(_DECAY), map(sub, repeat(now), stamps)))
    return sum([_DECAY ** (now - t) if t < now else 1.0 for t in stamps])


def frecency_boost(value: float) -> float:
    """The score a frecency adds, ``FRECENCY_MAX * f / (f + 1)``: 0 for no use, 5 for one use
    just now, 7.5 for three, always below FRECENCY_MAX."""
    return FRECENCY_MAX * value / (value + 1.0) if value > 0 else 0.0


class Boosts:
    """The boosts of one search: which entries have one (a bitset), and how much and why."""

    __slots__ = ("bits", "favourites", "index", "place", "scenario_id", "step_id", "used")

    def __init__(
        self,
        index: SearchIndex,
        scenario_id: str | None,
        step_id: str | None,
        usage: Mapping[str, Sequence[float]] | None,
        favourites: Collection[str] | None,
        now: float | None,
    ) -> None:
        self.index = index
        self.scenario_id = scenario_id
        self.step_id = step_id
        ids = index._id
        if favourites is None:
            self.favourites = set(index._favourites)
        else:
            self.favourites = {i for i in (ids.get(k) for k in favourites) if i is not None}
        self.used: dict[int, tuple[float, int, float]] = {}  # entry → (boost, uses, frecency)
        if usage:
            moment = time.time() if now is None else now
            for key, stamps in usage.items():
                i = ids.get(key)
                if i is None or not stamps:
                    continue
                f = frecency(stamps, moment)
                boost = frecency_boost(f)
                if boost >= 0.01:
                    self.used[i] = (boost, len(stamps), f)
        bits = bits_of(list(self.favourites) + list(self.used))
        self.place: dict[int, float] = {}
        if scenario_id is not None:
            sid = index._scenario_index.get(scenario_id)
            if sid is not None:
                bits |= index._scenario_bits[sid]
                self.place = index._places(scenario_id, step_id)
        self.bits = bits

    def _place(self, i: int) -> float:
        return self.place.get(i, 0.0)

    def value(self, i: int) -> float:
        value = self.place.get(i, 0.0)
        if i in self.favourites:
            value += FAVOURITE_BOOST
        used = self.used.get(i)
        return value + used[0] if used else value

    def reasons(self, i: int) -> tuple[str, ...]:
        out = []
        place = self._place(i)
        if place == STEP_BOOST:
            out.append(f"current step +{STEP_BOOST:g}")
        elif place:
            out.append(f"current scenario +{SCENARIO_BOOST:g}")
        if i in self.favourites:
            out.append(f"favourite +{FAVOURITE_BOOST:g}")
        used = self.used.get(i)
        if used:
            boost, uses, f = used
            out.append(f"used {uses}× (frecency {f:.2f}) +{boost:.1f}")
        return tuple(out)


