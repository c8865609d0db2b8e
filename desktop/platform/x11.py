"""X11 hooks through python-xlib: XGrabKey hotkeys, focus tracking, XTest keys.

Works without root on any X11 desktop (UOS, Kylin, Debian…): grabbed combos are
consumed by the X server and never reach the focused program.
"""

from __future__ import annotations

import logging
import select
import threading
import time
from collections.abc import Mapping

from Xlib import XK, X, display, error
from Xlib.ext import xtest

from desktop.core.base.machine_load import busy_factor
from desktop.platform.hotkeys import Combo, HotkeyBackend, Trigger, check_bindings, parse_combo
from desktop.platform.insertion import Inserter, WindowInfo

log = logging.getLogger(__name__)

_MODMASK = {"ctrl": X.ControlMask, "alt": X.Mod1Mask, "shift": X.ShiftMask, "super": X.Mod4Mask}
# Grabs must ignore Caps Lock (Lock) and Num Lock (Mod2): register every variant.
_IGNORED = (0, X.LockMask, X.Mod2Mask, X.LockMask | X.Mod2Mask)
_KEYSYM_NAMES = {
    "space": "space", "enter": "Return", "tab": "Tab", "escape": "Escape", "backspace": "BackSpace",
    "delete": "Delete", "insert": "Insert", "home": "Home", "end": "End", "pageup": "Prior",
    "pagedown": "Next", "up": "Up", "down": "Down", "left": "Left", "right": "Right",
}
_MODIFIER_KEYSYMS = ("Control_L", "Control_R", "Alt_L", "Alt_R", "Shift_L", "Shift_R", "Super_L", "Super_R",
                     "Meta_L", "Meta_R", "ISO_Level3_Shift")


def keysym_for(key: str) -> int:
    name = _KEYSYM_NAMES.get(key) or (key.upper() if key.startswith("f") and key[1:].isdigit() else key)
    keysym = XK.string_to_keysym(name)
    if keysym == 0:
        raise ValueError(f"unknown key '{key}'")
    return keysym


class X11Hotkeys(HotkeyBackend):
    name = "X11 (XGrabKey)"

    def __init__(self, on_trigger: Trigger):
        super().__init__(on_trigger)
        self._display = display.Display()
        self._root = self._display.screen().root
        self._lock = threading.Lock()
        self._grabs: dict[tuple[int, int], str] = {}  # (keycode, modifier mask) -> action
        self._pressed: dict[int, str] = {}  # keycode -> action, between press and release
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="seatside-x11-hotkeys", daemon=True)
        self._thread.start()

    def register(self, bindings: Mapping[str, str]) -> dict[str, str]:
        failures = check_bindings(bindings)
        with self._lock:
            for action, text in bindings.items():
                if not text or action in failures:
                    continue
                combo = parse_combo(text)
                try:
                    reason = self._grab(combo, action)
                except ValueError as exc:
                    reason = str(exc)
                if reason:
                    failures[action] = reason
        return failures

    def _grab(self, combo: Combo, action: str) -> str | None:
        if {"ctrl", "alt"} <= combo.modifiers and combo.key[1:].isdigit() and combo.key.startswith("f"):
            return f"{combo} switches the virtual terminal on Linux and never reaches programs"
        keycode = self._display.keysym_to_keycode(keysym_for(combo.key))
        if not keycode:
            return f"{combo}: this keyboard has no '{combo.key}' key"
        mask = 0
        for modifier in combo.modifiers:
            mask |= _MODMASK[modifier]
        catcher = error.CatchError(error.BadAccess)
        for extra in _IGNORED:
            self._root.grab_key(keycode, mask | extra, True, X.GrabModeAsync, X.GrabModeAsync, onerror=catcher)
        self._display.sync()
        if catcher.get_error():
            for extra in _IGNORED:
                self._root.ungrab_key(keycode, mask | extra)
            self._display.sync()
            return f"{combo} is already taken by another program"
        self._grabs[(keycode, mask)] = action
        return None

    def unregister_all(self) -> None:
        with self._lock:
            for keycode, mask in self._grabs:
                for extra in _IGNORED:
                    self._root.ungrab_key(keycode, mask | extra)
            self._grabs.clear()
            self._display.sync()

    def resync(self) -> None:
        with self._lock:
            self._pressed.clear()

    def _listen(self) -> None:
        fd = self._display.fileno()
        while not self._stop.is_set():
            readable, _, _ = select.select([fd], [], [], 0.2)
            if not readable:
                continue
            with self._lock:
                events = []
                while self._display.pending_events():
                    events.append(self._display.next_event())
                actions = self._actions_for(events)
            for action in actions:
                try:
                    self.on_trigger(action)
                except Exception:  # the listener thread must survive a bad handler
                    log.exception("hotkey handler failed")

    def _actions_for(self, events: list) -> list[str]:
        """Actions to fire: on key release, once per press, auto-repeat ignored."""
        actions = []
        for index, event in enumerate(events):
            if event.type == X.KeyPress:
                mask = event.state & ~(X.LockMask | X.Mod2Mask) & 0xFF
                action = self._grabs.get((event.detail, mask))
                if action is not None:
                    self._pressed[event.detail] = action
            elif event.type == X.KeyRelease and event.detail in self._pressed:
                following = events[index + 1] if index + 1 < len(events) else None
                if (
                    following is not None
                    and following.type == X.KeyPress
                    and following.detail == event.detail
                    and following.time == event.time
                ):
                    continue  # auto-repeat: the key is still held
                actions.append(self._pressed.pop(event.detail))
        return actions

    def close(self) -> None:
        self.unregister_all()
        self._stop.set()
        self._thread.join(timeout=1)
        self._display.close()


BATCH_PAUSE_S = 0.25


def _batch_pause() -> float:
    """How long a program may take to read the keys of one batch before they are remapped
    (longer on a busy machine, where programs read their keys later)."""
    return BATCH_PAUSE_S * busy_factor()


def _keysym_for_char(char: str) -> int:
    if char == "\n":
        return XK.string_to_keysym("Return")
    return ord(char) if ord(char) < 0x100 else 0x01000000 | ord(char)


def _batches(text: str, width: int) -> list[str]:
    """Split ``text`` into runs with at most ``width`` distinct characters each."""
    batches: list[str] = []
    current, distinct = "", set[str]()
    for char in text:
        if char not in distinct and len(distinct) == width:
            batches.append(current)
            current, distinct = "", set()
        current += char
        distinct.add(char)
    if current:
        batches.append(current)
    return batches


class X11Inserter(Inserter):
    name = "X11 (XTest)"

    def __init__(self) -> None:
        self._display = display.Display()
        if not self._display.has_extension("XTEST"):
            raise RuntimeError("the X server has no XTEST extension")
        self._root = self._display.screen().root
        self._lock = threading.Lock()
        self._ours: dict[int, int] = {}  # spare keycode -> the keysym we left on it
        self._net_active = self._display.intern_atom("_NET_ACTIVE_WINDOW")
        self._modifier_codes = {
            code for name in _MODIFIER_KEYSYMS if (code := self._display.keysym_to_keycode(XK.string_to_keysym(name)))
        }

    def active_window(self) -> WindowInfo | None:
        with self._lock:
            window = None
            prop = self._root.get_full_property(self._net_active, X.AnyPropertyType)
            if prop is not None and prop.value and prop.value[0]:
                window = self._display.create_resource_object("window", prop.value[0])
            else:  # no window manager: whoever holds the input focus
                focus = self._display.get_input_focus().focus
                if isinstance(focus, int) or focus in (X.NONE, X.PointerRoot) or focus == self._root:
                    return None
                window = focus
            return self._describe(window)

    def _describe(self, window) -> WindowInfo | None:
        # Walk up to the window that carries WM_CLASS (the client's top level).
        try:
            for _ in range(8):
                wm_class = window.get_wm_class()
                if wm_class:
                    title = window.get_wm_name() or ""
                    return WindowInfo(window.id, wm_class[1].lower(), str(title))
                parent = window.query_tree().parent
                if not parent or parent == self._root:
                    break
                window = parent
            return WindowInfo(window.id)
        except error.XError:
            return None

    def activate(self, target: WindowInfo) -> None:
        with self._lock:
            window = self._display.create_resource_object("window", target.id)
            try:
                window.set_input_focus(X.RevertToParent, X.CurrentTime)
                self._display.sync()
            except error.XError:
                log.info("window %s is gone", target.id)

    def modifiers_down(self) -> bool:
        with self._lock:
            keymap = self._display.query_keymap()
        return any(keymap[code // 8] & (1 << (code % 8)) for code in self._modifier_codes)

    def send_keys(self, combo: str) -> None:
        parsed = parse_combo(combo)
        names = {"ctrl": "Control_L", "alt": "Alt_L", "shift": "Shift_L", "super": "Super_L"}
        codes = [self._display.keysym_to_keycode(XK.string_to_keysym(names[m])) for m in parsed.modifiers]
        codes.append(self._display.keysym_to_keycode(keysym_for(parsed.key)))
        with self._lock:
            for code in codes:
                xtest.fake_input(self._display, X.KeyPress, code)
            for code in reversed(codes):
                xtest.fake_input(self._display, X.KeyRelease, code)
            self._display.sync()

    def type_text(self, text: str) -> None:
        """Type any character by mapping it onto spare keycodes, as xdotool does.

        Characters go in batches: the distinct characters of a batch are mapped
        onto spare keycodes in one change, typed, and only after a pause is the
        next batch mapped, so a program that reads a key late still finds the
        character the key had when it was pressed. The last batch's mapping stays
        until the next typing or :meth:`close`: a busy program may read its keys
        long after they were sent, and must still find those characters on them.
        """
        with self._lock:
            spares = self._spare_keycodes()
            try:
                for number, batch in enumerate(_batches(text, len(spares))):
                    if number:
                        time.sleep(_batch_pause())  # the keys are read before their mapping changes
                    keysyms = {char: _keysym_for_char(char) for char in dict.fromkeys(batch)}
                    codes = dict(zip(keysyms, spares))
                    for char, code in codes.items():
                        self._display.change_keyboard_mapping(code, [(keysyms[char], keysyms[char])])
                        self._ours[code] = keysyms[char]
                    self._display.sync()
                    time.sleep(0.02)  # the program rereads the keyboard mapping
                    for char in batch:
                        xtest.fake_input(self._display, X.KeyPress, codes[char])
                        xtest.fake_input(self._display, X.KeyRelease, codes[char])
                        self._display.sync()
                        time.sleep(0.002)
            except BaseException:
                self._release_spares()
                raise

    def _release_spares(self) -> None:
        """Give the keycodes we mapped back (unmapped); the caller holds the lock."""
        for code in self._ours:
            self._display.change_keyboard_mapping(code, [(0, 0)])
        self._ours.clear()
        self._display.sync()

    def _spare_keycodes(self, most: int = 40) -> list[int]:
        first = self._display.display.info.min_keycode
        count = self._display.display.info.max_keycode - first + 1
        mapping = self._display.get_keyboard_mapping(first, count)
        spares = [
            first + offset
            for offset in range(count - 1, -1, -1)
            if not any(mapping[offset]) or self._ours.get(first + offset) == mapping[offset][0]  # free, or ours
        ][:most]
        if not spares:
            raise RuntimeError("no spare keycode to type with")
        return spares

    def close(self) -> None:
        with self._lock:
            try:
                if self._ours:
                    self._release_spares()
            except Exception:  # noqa: BLE001 - the display may be gone already; close it anyway
                log.info("could not give back the keycodes used for typing")
        self._display.close()
