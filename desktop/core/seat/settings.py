"""The one settings schema: names, types, defaults, and change notification.

Settings are stored as JSON in the data folder. Unknown keys are kept but
ignored; values of the wrong type fall back to the default.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.base.atomic import atomic_write

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    """One setting: its type is the default's; numbers may have a range, texts a list of choices."""

    name: str
    default: Any
    doc: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()

    def allows(self, value: object) -> bool:
        """True if ``value`` has the setting's type and lies in its range or choices."""
        if type(value) is not type(self.default):
            return False
        if isinstance(value, int) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                return False
            if self.maximum is not None and value > self.maximum:
                return False
        return not (self.choices and value not in self.choices)


INSERT_MODES = ("copy", "paste", "type")
THEMES = ("system", "light", "dark")
LANGUAGES = ("zh_CN", "en")


SCHEMA: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("language", "zh_CN", "UI language: zh_CN or en", choices=LANGUAGES),
        Setting("seat_id", "", "The seat's staff number, filled into {坐席工号}"),
        Setting("bank_name", "", "The bank's name as said on the phone, filled into {银行名称}"),
        Setting("notes_autosave_ms", 300, "Delay after the last keystroke before notes are saved", 50, 10_000),
        Setting("always_on_top", True, "Keep the panel above other windows"),
        Setting("last_scenario", "", "The scenario chosen last"),
        Setting("hotkeys", {}, "Global hotkeys: action -> combination, over DEFAULT_HOTKEYS ('' disables one)"),
        Setting("insert_mode", "copy", "How a hotkey inserts a phrase: copy, paste or type", choices=INSERT_MODES),
        Setting(
            "app_profiles",
            [],
            "Per-program insertion: a list of {app, mode, paste_keys[, newline]}; app matches the window class or executable",
        ),
        Setting("clipboard_restore_ms", 400, "After a paste, restore the previous clipboard after this delay", 0, 10_000),
        Setting("dispositions", [], "How a call can end: up to 15 {code, zh, en}; empty = the built-in five"),
        Setting("complaint_days", 15, "Handling deadline of a recorded complaint, in days", 1, 90),
        Setting("theme", "system", "Colours: system, light or dark", choices=THEMES),
        Setting("opacity", 100, "Panel opacity in percent", 40, 100),
        Setting("font_size", 0, "Panel font size in points; 0 follows the system", 0, 28),
        Setting("compact", False, "Compact panel: checklist and phrases only"),
        Setting("panel_geometry", {}, "Panel position and size per screen layout"),
        Setting("shift_start", "00:00", "When a shift starts (HH:MM)"),
        Setting("shift_end", "00:00", "When a shift ends (HH:MM); before the start = a night shift"),
        Setting("retention_days", 180, "Calls older than this many days are deleted (1-3650)", 1, 3650),
        Setting(
            "mask_policy",
            {},
            "Digits kept readable when numbers are masked: card_keep_first/last, mobile_keep_first/last, "
            "id_keep_first/last (defaults 6/4, 0/4, 6/4)",
        ),
        Setting("live_enabled", True, "Listen for live call events (CTI, speech-to-text) on 127.0.0.1"),
        Setting("live_origins", [], "Browser origins allowed to send live events (a bank's web CTI toolbar)"),
        Setting("live_keep_transcript", False, "Keep the call's transcript (masked) with the call record"),
    )
}

def limits(name: str) -> tuple[int, int]:
    """(minimum, maximum) of a numeric setting, for the settings dialog's controls."""
    setting = SCHEMA[name]
    if setting.minimum is None or setting.maximum is None:
        raise KeyError(f"setting {name} has no range")
    return setting.minimum, setting.maximum


# Default global hotkeys (see the README).
DEFAULT_HOTKEYS: dict[str, str] = {
    **{f"insert-{n}": f"ctrl+alt+{n}" for n in range(1, 10)},
    "palette": "ctrl+alt+space",
    "toggle-panel": "ctrl+alt+s",
    "toggle-call": "ctrl+alt+c",
    "next-step": "ctrl+alt+n",
    "accept-suggestion": "ctrl+alt+y",
    "dismiss-suggestion": "ctrl+alt+shift+y",
    "raise-hand": "ctrl+alt+h",
    "insert-help": "ctrl+alt+j",
}

Listener = Callable[[str, Any], None]

# A settings file is a few kilobytes; these bound a damaged or hostile one.
MAX_SETTINGS_BYTES = 1024 * 1024
MAX_SETTINGS_DEPTH = 32


def max_nesting(raw: bytes) -> int:
    """How deeply ``[``/``{`` nest in a JSON text (brackets inside strings not counted)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


class Settings:
    """Typed access to the settings file with listeners for changes."""

    def __init__(
        self, path: Path | None, schedule: Callable[[Callable[[], None]], object] | None = None,
        set_aside: bool = True,
    ):
        """``schedule`` runs the file write somewhere else (the app passes its
        worker thread); by default the write happens at once. A file that cannot be
        used is renamed aside (unless not ``set_aside``: the commands that only read)."""
        self.path = path
        self._schedule = schedule or (lambda write: write())
        self._values: dict[str, Any] = {}
        self._listeners: list[Listener] = []
        # Why the file could not be used and where it was set aside ("why|name"), or None.
        self.problem: str | None = None
        if path is not None and (path.exists() or path.is_symlink()):
            why = self._load(path)
            if why is not None:
                log.error("cannot read settings %s (%s); using defaults", path, why)
                self.problem = f"{why}|{self._set_aside(path) if set_aside else path.name}"

    def _load(self, path: Path) -> str | None:
        """Read the file into ``_values``; the reason it cannot be used, or None."""
        from desktop.core.base.bounded import read_regular

        try:
            raw = read_regular(path, MAX_SETTINGS_BYTES)
        except OSError as exc:
            return str(exc) if not getattr(exc, "strerror", None) else exc.strerror
        if max_nesting(raw) > MAX_SETTINGS_DEPTH:
            return f"nested deeper than {MAX_SETTINGS_DEPTH} levels"
        try:
            loaded = json.loads(raw.decode("utf-8-sig"))
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            return f"not valid JSON: {str(exc)[:80]}"
        if not isinstance(loaded, dict):
            return "not a JSON object"
        self._values = loaded
        return None

    @staticmethod
    def _set_aside(path: Path) -> str:
        """Rename a damaged settings file to ``settings.json.corrupt-<time>``; its new name."""
        import os
        from datetime import datetime

        target = path.with_name(f"{path.name}.corrupt-{datetime.now():%Y%m%d-%H%M%S}")
        try:
            os.replace(path, target)
        except OSError:
            return path.name  # a read-only folder: left where it is
        return target.name

    def get(self, name: str) -> Any:
        """The stored value, or the default when it has the wrong type or is out of range."""
        setting = SCHEMA[name]
        value = self._values.get(name, setting.default)
        return value if setting.allows(value) else setting.default

    # Typed getters: what mypy and the reader know a setting holds.
    def integer(self, name: str) -> int:
        value = self.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"setting {name} is not a number")
        return value

    def text(self, name: str) -> str:
        value = self.get(name)
        if not isinstance(value, str):
            raise TypeError(f"setting {name} is not a text")
        return value

    def flag(self, name: str) -> bool:
        value = self.get(name)
        if not isinstance(value, bool):
            raise TypeError(f"setting {name} is not true/false")
        return value

    def set(self, name: str, value: Any) -> None:
        setting = SCHEMA[name]
        if type(value) is not type(setting.default):
            raise TypeError(f"setting {name} must be {type(setting.default).__name__}")
        if not setting.allows(value):
            allowed = ", ".join(setting.choices) if setting.choices else f"{setting.minimum}–{setting.maximum}"
            raise ValueError(f"setting {name} must be one of {allowed}, not {value!r}")
        if self.get(name) == value:
            return
        self._values[name] = value
        self.save()
        for listener in list(self._listeners):
            listener(name, value)

    def hotkeys(self) -> dict[str, str]:
        """The effective bindings: defaults overridden by the seat's own."""
        own = {k: v for k, v in self.get("hotkeys").items() if isinstance(k, str) and isinstance(v, str)}
        return {**DEFAULT_HOTKEYS, **own}

    def on_change(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def save(self) -> None:
        if self.path is None:
            return
        from desktop.core.privacy.guard import mask_json

        # Settings can hold text (staff number, dispositions, profiles): masked like the database.
        path, text = self.path, json.dumps(mask_json(self._values), ensure_ascii=False, indent=2)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, text, mode=0o600)

        self._schedule(write)
