"""Choosing the OS hooks for this session: the one place that knows every implementation.

The interfaces (:mod:`desktop.platform.hotkeys`, :mod:`desktop.platform.insertion`,
:mod:`desktop.platform.clipboard`) know none of their implementations; the implementations
import their interface; this module imports both, each implementation only when it is the
one chosen.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from desktop.platform.clipboard import Clipboard, QtClipboard
from desktop.platform.hotkeys import HotkeyBackend, NoHotkeys, Trigger
from desktop.platform.insertion import Inserter, NoInserter

log = logging.getLogger(__name__)


def _input_devices_readable() -> bool:
    """The keyboard library reads /dev/input: possible as root or in the input group."""
    import glob

    return any(os.access(path, os.R_OK) for path in glob.glob("/dev/input/event*"))


def choose_backend(on_trigger: Trigger, qt_platform: str) -> HotkeyBackend:
    """The best backend for this session; never raises."""
    if qt_platform in ("offscreen", "minimal"):
        return NoHotkeys(on_trigger, f"no keyboard on the '{qt_platform}' platform")
    try:
        if sys.platform == "win32":
            from desktop.platform.windows import WindowsHotkeys

            return WindowsHotkeys(on_trigger)
        if qt_platform == "xcb" and os.environ.get("DISPLAY"):
            from desktop.platform.x11 import X11Hotkeys

            return X11Hotkeys(on_trigger)
        if sys.platform.startswith("linux") and _input_devices_readable():
            from desktop.platform.keyboard_hotkeys import KeyboardHotkeys

            return KeyboardHotkeys(on_trigger)
    except Exception as exc:  # noqa: BLE001 - a backend that cannot start must not stop the app
        log.info("global hotkeys unavailable: %s", exc)
        return NoHotkeys(on_trigger, f"global hotkeys unavailable: {exc}")
    if qt_platform == "wayland" or os.environ.get("WAYLAND_DISPLAY"):
        return NoHotkeys(on_trigger, "a Wayland session does not allow global hotkeys")
    return NoHotkeys(on_trigger, f"no global hotkey support on the '{qt_platform}' platform")


def choose_inserter(qt_platform: str) -> Inserter:
    """The inserter for this session; copy-only (never raises) when none can work."""
    try:
        if sys.platform == "win32":
            from desktop.platform.windows import WindowsInserter

            return WindowsInserter()
        if qt_platform == "xcb" and os.environ.get("DISPLAY"):
            from desktop.platform.x11 import X11Inserter

            return X11Inserter()
    except Exception:  # noqa: BLE001 - fall back to copy-only
        pass
    return NoInserter()


def _first_window() -> int | None:
    """A window of ours to own what Seatside puts on the Windows clipboard."""
    from PySide6.QtGui import QGuiApplication

    windows = QGuiApplication.topLevelWindows()
    return int(windows[0].winId()) if windows else None


def choose_clipboard() -> Clipboard:
    """The Win32 clipboard on Windows (held-clipboard retries, every format kept); Qt's elsewhere."""
    if sys.platform == "win32":
        try:
            from desktop.platform.windows import WindowsClipboard

            return WindowsClipboard(owner=_first_window)
        except Exception as exc:  # noqa: BLE001 - Qt's clipboard still works
            log.info("Win32 clipboard unavailable: %s", exc)
    return QtClipboard()


def watch_session_end(on_end: Callable[[], None]) -> object | None:
    """On Windows, call ``on_end`` inside ``WM_ENDSESSION`` (logoff, shutdown); the filter returned."""
    if sys.platform != "win32":
        return None
    from desktop.platform.windows import SessionEnd

    return SessionEnd(on_end)


def protect_data_folder(folder: Path) -> None:
    """On Windows, an owner-only DACL on the data folder (best effort, logged); POSIX modes elsewhere."""
    if sys.platform != "win32":
        return
    from desktop.platform.windows import protect_folder

    problem = protect_folder(folder)
    if problem:
        log.warning("data folder access list not set: %s", problem)
