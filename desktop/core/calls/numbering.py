"""Phrase numbers that never move under the seat's fingers.

Ctrl+Alt+2 is muscle memory. A step's phrases are ranked (favourites first, then
the seat's own use) when the step is first shown, and that order is kept while the
step stays on screen, in or out of a call. After a call starts or ends, a step takes
the latest ranking the next time it is shown, never while it is showing. A phrase
added meanwhile takes the next free number; a starred phrase keeps its number until
then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar


class _Keyed(Protocol):
    @property
    def key(self) -> str: ...


Choice = TypeVar("Choice", bound=_Keyed)


class StepNumbering:
    """Fixed phrase order per step (keyed ``"scenario-id/step-id"``)."""

    def __init__(self) -> None:
        self._orders: dict[str, list[str]] = {}
        self._shown: str | None = None
        self._due: set[str] = set()  # re-ranked once no longer shown

    @property
    def shown(self) -> str | None:
        """The step whose numbers the seat is looking at."""
        return self._shown

    def arrange(self, step: str, choices: Sequence[Choice], rank: Callable[[Choice], Any]) -> list[Choice]:
        """``choices`` in the order the seat sees for ``step`` (which is now the shown step)."""
        if step != self._shown:
            if self._shown is not None and self._shown in self._due:
                self._orders.pop(self._shown, None)
                self._due.discard(self._shown)
            self._shown = step
        ranked = sorted(choices, key=rank)
        order = self._orders.get(step)
        if order is None:
            order = self._orders[step] = [choice.key for choice in ranked]
        else:
            known = set(order)
            order.extend(choice.key for choice in ranked if choice.key not in known)
        position = {key: index for index, key in enumerate(order)}
        return sorted(choices, key=lambda choice: position[choice.key])

    def next_period(self) -> None:
        """A call started or ended: steps take the latest ranking when next shown."""
        self._orders = {step: order for step, order in self._orders.items() if step == self._shown}
        self._due = set(self._orders)
