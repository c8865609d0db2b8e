"""Windows hooks: focus tracking through user32, keys through ``keyboard`` (SendInput)."""

from __future__ import annotations

import ctypes
import os
from ctypes import wintypes

from desktop.platform.hotkeys import parse_combo
from desktop.platform.insertion import Inserter, WindowInfo

_MODIFIER_NAMES = ("ctrl", "alt", "shift", "left windows", "right windows")


class WindowsInserter(Inserter):
    name = "Windows (SendInput)"

    def __init__(self) -> None:
        import keyboard

        self._keyboard = keyboard
        self._user32 = ctypes.windll.user32  # type: ignore[attr-defined]  # ctypes.windll exists only on Windows
        self._kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]  # ctypes.windll exists only on Windows

    def active_window(self) -> WindowInfo | None:
        hwnd = self._user32.GetForegroundWindow()
        if not hwnd:
            return None
        length = self._user32.GetWindowTextLengthW(hwnd)
        title = ctypes.create_unicode_buffer(length + 1)
        self._user32.GetWindowTextW(hwnd, title, length + 1)
        return WindowInfo(int(hwnd), self._executable(hwnd), title.value)

    def _executable(self, hwnd: int) -> str:
        pid = wintypes.DWORD()
        self._user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        handle = self._kernel32.OpenProcess(0x1000, False, pid.value)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ""
        try:
            size = wintypes.DWORD(1024)
            buffer = ctypes.create_unicode_buffer(size.value)
            if self._kernel32.QueryFullProcessImageNameW(handle, 0, buffer, ctypes.byref(size)):
                return os.path.basename(buffer.value).lower()
            return ""
        finally:
            self._kernel32.CloseHandle(handle)

    def activate(self, window: WindowInfo) -> None:
        self._user32.SetForegroundWindow(window.id)

    def modifiers_down(self) -> bool:
        return any(self._keyboard.is_pressed(name) for name in _MODIFIER_NAMES)

    def send_keys(self, combo: str) -> None:
        self._keyboard.send(str(parse_combo(combo)).replace("super", "windows"))

    def type_text(self, text: str) -> None:
        self._keyboard.write(text, delay=0)
