"""Global hotkeys: the interface and a fake (the backend is chosen in ``desktop.platform.factories``).

A backend calls ``on_trigger(action)`` from whatever thread it listens on; the
Qt side (``desktop.models.hotkey_dispatcher``) turns that into a queued signal.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Trigger = Callable[[str], None]

MODIFIERS = ("ctrl", "alt", "shift", "super")
_ALIASES = {"control": "ctrl", "win": "super", "meta": "super", "cmd": "super", "option": "alt"}
_KEY_ALIASES = {"return": "enter", "esc": "escape", "del": "delete", "ins": "insert", "spacebar": "space"}


@dataclass(frozen=True)
class Combo:
    """A normalised key combination such as ``ctrl+alt+1``."""

    modifiers: frozenset[str]
    key: str

    def __str__(self) -> str:
        return "+".join([m for m in MODIFIERS if m in self.modifiers] + [self.key])


def parse_combo(text: str) -> Combo:
    """Parse ``Ctrl+Alt+1``-style text; raises ValueError with a readable reason."""
    parts = [p.strip().lower() for p in text.replace(" ", "").split("+")]
    if not text.strip() or any(not p for p in parts):
        raise ValueError(f"'{text}' is not a key combination")
    *mods, key = parts
    normalised = {_ALIASES.get(m, m) for m in mods}
    unknown = normalised - set(MODIFIERS)
    if unknown:
        raise ValueError(f"'{text}': unknown modifier {', '.join(sorted(unknown))}")
    if not normalised:
        raise ValueError(f"'{text}': a global hotkey needs at least one modifier")
    key = _KEY_ALIASES.get(key, key)
    if _ALIASES.get(key, key) in MODIFIERS:
        raise ValueError(f"'{text}': the last key must not be a modifier")
    return Combo(frozenset(normalised), key)


def check_bindings(bindings: Mapping[str, str]) -> dict[str, str]:
    """Problems per action: unparsable combos and duplicates (both named)."""
    problems: dict[str, str] = {}
    seen: dict[Combo, str] = {}
    for action, text in bindings.items():
        if not text:
            continue
        try:
            combo = parse_combo(text)
        except ValueError as exc:
            problems[action] = str(exc)
            continue
        if combo in seen:
            problems[action] = f"{combo} is already used by {seen[combo]}"
        else:
            seen[combo] = action
    return problems


class HotkeyBackend(ABC):
    """Registers system-wide key combinations for actions."""

    # Shown to the seat, e.g. "X11 (XGrabKey)".
    name: str = "none"

    def __init__(self, on_trigger: Trigger):
        self.on_trigger = on_trigger

    @abstractmethod
    def register(self, bindings: Mapping[str, str]) -> dict[str, str]:
        """Register ``action -> combo``; return ``action -> reason`` for those refused."""

    @abstractmethod
    def unregister_all(self) -> None: ...

    def resync(self) -> None:  # noqa: B027 - optional: most backends keep no key state
        """Forget key state that may be stale (after the session was locked)."""

    def close(self) -> None:
        self.unregister_all()


class FakeHotkeys(HotkeyBackend):
    """For tests: remembers the bindings; ``press(combo)`` fires like the OS would."""

    name = "fake"

    def __init__(self, on_trigger: Trigger, refuse: set[str] | None = None):
        super().__init__(on_trigger)
        self.bindings: dict[Combo, str] = {}
        self.refuse = {str(parse_combo(c)) for c in refuse or ()}

    def register(self, bindings: Mapping[str, str]) -> dict[str, str]:
        failures = check_bindings(bindings)
        for action, text in bindings.items():
            if not text or action in failures:
                continue
            combo = parse_combo(text)
            if str(combo) in self.refuse:
                failures[action] = f"{combo} is taken by another program"
                continue
            self.bindings[combo] = action
        return failures

    def unregister_all(self) -> None:
        self.bindings.clear()

    def press(self, text: str) -> bool:
        action = self.bindings.get(parse_combo(text))
        if action is not None:
            self.on_trigger(action)
        return action is not None


class NoHotkeys(HotkeyBackend):
    """Where no global backend can work (Wayland, offscreen): in-app keys only."""

    name = "none"

    def __init__(self, on_trigger: Trigger, reason: str):
        super().__init__(on_trigger)
        self.reason = reason

    def register(self, bindings: Mapping[str, str]) -> dict[str, str]:
        return {action: self.reason for action, text in bindings.items() if text}

    def unregister_all(self) -> None:
        pass
