"""What has been said on one call: partial results replace each other until the final one."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from desktop.core.live.events import TranscriptEvent

# Final segments kept per call in memory (a long call cannot grow without bound).
MAX_SEGMENTS = 400
# Customer speech the scenario suggestion looks at (the most recent characters).
SUGGEST_WINDOW = 600


@dataclass(frozen=True)
class Segment:
    speaker: str
    text: str
    at: float | None


@dataclass
class CallTranscript:
    call_id: str
    finals: deque[Segment] = field(default_factory=lambda: deque(maxlen=MAX_SEGMENTS))
    partial: dict[str, str] = field(default_factory=dict)  # speaker -> latest partial text
    _customer: deque[str] = field(default_factory=lambda: deque(maxlen=64))

    def apply(self, event: TranscriptEvent) -> Segment | None:
        """Take a segment in; returns it when it is final (partials only update ``partial``)."""
        if not event.final:
            self.partial[event.speaker] = event.text
            return None
        self.partial.pop(event.speaker, None)
        text = event.text.strip()
        if not text:
            return None
        segment = Segment(event.speaker, text, event.at)
        self.finals.append(segment)
        if event.speaker == "customer":
            self._customer.append(text)
        return segment

    def customer_text(self) -> str:
        """Recent final customer speech, newest last (what the suggestion looks at)."""
        return "。".join(self._customer)[-SUGGEST_WINDOW:]

    def lines(self) -> list[tuple[str, str]]:
        return [(s.speaker, s.text) for s in self.finals]
