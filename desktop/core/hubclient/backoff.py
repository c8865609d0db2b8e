"""How long to wait before asking the hub again: exponential back-off with jitter.

Every poll waits, whatever the hub answered: a long-poll the hub held (it waited
for news) is followed by a short random pause; an answer that came at once (304,
an error page, a refusal) or no answer at all doubles the wait, up to ``cap``. The
wait is drawn from its upper half at random (equal jitter), so a room of panels
that lost the hub together do not come back in step.
"""

from __future__ import annotations

import random


class Backoff:
    def __init__(self, base: float = 1.0, cap: float = 60.0, rng: random.Random | None = None):
        self.base = base
        self.cap = cap
        self.rng = rng or random.Random()
        self.attempt = 0

    def grow(self) -> float:
        """The wait after an answer that came too soon or a failure: base·2ⁿ (capped), upper half at random."""
        ceiling = float(min(self.cap, self.base * 2.0 ** min(self.attempt, 32)))
        self.attempt += 1
        return ceiling / 2 + float(self.rng.uniform(0, ceiling / 2))

    def settle(self) -> float:
        """The pause after a poll the hub held as long as asked: short and random; the back-off starts over."""
        self.attempt = 0
        return self.rng.uniform(self.base / 2, self.base)
