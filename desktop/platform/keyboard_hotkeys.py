"""Hotkeys through the ``keyboard`` library: Linux with access to the input devices
(root) and no X11 display. Its callbacks run on the library's own thread. (Windows uses
``RegisterHotKey`` instead, in ``windows.py``: the library's low-level hook loses keys,
leaves modifiers stuck and is removed silently by Windows when a callback is slow.)"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from desktop.platform.hotkeys import HotkeyBackend, Trigger, check_bindings, parse_combo

_KEY_NAMES = {"super": "windows", "pageup": "page up", "pagedown": "page down"}


class KeyboardHotkeys(HotkeyBackend):
    name = "keyboard"

    def __init__(self, on_trigger: Trigger):
        super().__init__(on_trigger)
        import keyboard  # imported here: on Linux it needs root at first use

        self._keyboard = keyboard
        self._handles: list[object] = []

    def register(self, bindings: Mapping[str, str]) -> dict[str, str]:
        failures = check_bindings(bindings)
        for action, text in bindings.items():
            if not text or action in failures:
                continue
            combo = parse_combo(text)
            names = "+".join(_KEY_NAMES.get(part, part) for part in str(combo).split("+"))
            try:
                handle = self._keyboard.add_hotkey(
                    names,
                    self.on_trigger,
                    args=(action,),
                    trigger_on_release=True,  # held modifiers must not reach the paste
                    suppress=sys.platform == "win32",  # consume it so the CRM never sees it
                )
            except Exception as exc:  # noqa: BLE001 - the library raises assorted errors per platform
                failures[action] = f"{combo}: {exc or type(exc).__name__}"
                continue
            self._handles.append(handle)
        return failures

    def unregister_all(self) -> None:
        for handle in self._handles:
            try:
                self._keyboard.remove_hotkey(handle)
            except (KeyError, ValueError):
                pass
        self._handles.clear()

    def resync(self) -> None:
        """After a lock screen the library believes keys are still held: forget them."""
        try:
            self._keyboard.stash_state()
        except Exception:  # noqa: BLE001 - best effort
            pass
        pressed = getattr(self._keyboard, "_pressed_events", None)
        if isinstance(pressed, dict):
            pressed.clear()
