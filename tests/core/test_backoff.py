"""The hub poll's back-off: it grows, it is capped, it is jittered, a held poll resets it."""

from __future__ import annotations

import random

from desktop.core.hubclient.backoff import Backoff


def test_waits_grow_to_the_cap_with_jitter_and_reset_after_a_held_poll():
    backoff = Backoff(1.0, 60.0, random.Random(7))
    waits = [backoff.grow() for _ in range(10)]
    for n, wait in enumerate(waits):
        ceiling = min(60.0, 2.0**n)
        assert ceiling / 2 <= wait <= ceiling
    assert max(waits) <= 60.0 and waits[6] >= 30.0
    assert len(set(waits[6:])) == 4  # capped, still not in step
    pause = backoff.settle()
    assert 0.5 <= pause <= 1.0 and backoff.attempt == 0
    assert backoff.grow() <= 1.0


def test_two_panels_do_not_come_back_in_step():
    first, second = Backoff(rng=random.Random(1)), Backoff(rng=random.Random(2))
    assert [first.grow() for _ in range(6)] != [second.grow() for _ in range(6)]
