"""Exports take a pooled connection for as long as they stream: a few at once, per lead and in all."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator

from hub.settings import HubSettings


class TooManyExports(Exception):
    """This lead (or the whole hub) already runs as many exports as allowed."""


class ExportSlots:
    """Counts running exports per lead and in total (one ``serve`` process)."""

    def __init__(self, settings: HubSettings) -> None:
        self.per_lead = max(1, settings.exports_per_lead)
        # Never the whole pool: seats and pages keep at least half of it.
        self.total = max(1, min(settings.exports_total, settings.pool_max // 2))
        self._running: Counter[int] = Counter()

    @contextlib.contextmanager
    def take(self, lead_id: int) -> Iterator[None]:
        if self._running[lead_id] >= self.per_lead or sum(self._running.values()) >= self.total:
            raise TooManyExports()
        self._running[lead_id] += 1
        try:
            yield
        finally:
            self._running[lead_id] -= 1
            if self._running[lead_id] <= 0:
                del self._running[lead_id]
