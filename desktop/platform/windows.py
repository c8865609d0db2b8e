"""Windows hooks on the standard Win32 API (declared in :mod:`desktop.platform.win32_api`).

- Hotkeys: ``RegisterHotKey`` on the GUI thread; ``WM_HOTKEY`` is read by a Qt native
  event filter (as CopyQ does). No keyboard hook: nothing Windows can remove silently,
  no first key lost, no modifier left stuck; a combination another program holds is
  refused at registration and reported by its name.
- Insertion: ``SendInput`` with ``KEYEVENTF_UNICODE`` (IME-safe), modifier state from
  ``GetAsyncKeyState``, foreground hand-over with the ``AttachThreadInput`` workaround,
  and an elevated target (UIPI) detected from its integrity level before anything is sent.
- Clipboard: every format snapshotted and restored, ``OpenClipboard`` retried with back-off
  while another program holds it.
- Data folder: an owner-only, protected DACL; ``WM_ENDSESSION`` seen by a filter.

Every class takes the API object (the real DLLs, or ``win32_fake.FakeWin32`` in tests).
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop.platform import win32_api as w
from desktop.platform.clipboard import Clipboard, ClipboardBusy
from desktop.platform.hotkeys import Combo, HotkeyBackend, Trigger, check_bindings, parse_combo
from desktop.platform.insertion import ElevatedTarget, Inserter, WindowInfo

log = logging.getLogger(__name__)

_MOD_FLAGS = {"ctrl": w.MOD_CONTROL, "alt": w.MOD_ALT, "shift": w.MOD_SHIFT, "super": w.MOD_WIN}
_MOD_VKS = {"ctrl": w.VK_CONTROL, "alt": w.VK_MENU, "shift": w.VK_SHIFT, "super": w.VK_LWIN}
_NAMED_VKS = {
    "space": 0x20, "enter": 0x0D, "tab": 0x09, "escape": 0x1B, "backspace": 0x08, "delete": 0x2E,
    "insert": 0x2D, "home": 0x24, "end": 0x23, "pageup": 0x21, "pagedown": 0x22, "up": 0x26, "down": 0x28,
    "left": 0x25, "right": 0x27, "pause": 0x13, "printscreen": 0x2C,
    # the US layout's punctuation keys (VK_OEM_*)
    "`": 0xC0, "-": 0xBD, "=": 0xBB, "[": 0xDB, "]": 0xDD, "\\": 0xDC, ";": 0xBA, "'": 0xDE, ",": 0xBC,
    ".": 0xBE, "/": 0xBF,
}
# Keys on the extended part of the keyboard: SendInput must flag them, or Shift+Insert
# arrives as Shift+0 on the number pad.
_EXTENDED = frozenset({0x2D, 0x2E, 0x24, 0x23, 0x21, 0x22, 0x26, 0x28, 0x25, 0x27, 0x5B, 0x5C})


def virtual_key(key: str) -> int:
    """The virtual-key code of a normalised key name (``a``, ``1``, ``f5``, ``space``…)."""
    if len(key) == 1 and (key.isascii() and key.isalnum()):
        return ord(key.upper())
    if key.startswith("f") and key[1:].isdigit() and 1 <= int(key[1:]) <= 24:
        return 0x70 + int(key[1:]) - 1
    if key in _NAMED_VKS:
        return _NAMED_VKS[key]
    raise ValueError(f"unknown key '{key}'")


def _address(message: object) -> int:
    """The address a native event filter gets (an int or a shiboken VoidPtr)."""
    return int(message)  # type: ignore[call-overload]  # VoidPtr converts to int at run time


class MessageFilter:
    """Hands Windows messages to ``handle(msg)`` (True: consumed); installed on the Qt application.

    Qt is imported only by :meth:`install`, so the backends run without it in tests.
    """

    def __init__(self, handle: Callable[[Any], bool]):
        self._handle = handle
        self.qt_filter: Any = None

    def dispatch(self, event_type: bytes, message: object) -> bool:
        """What Qt's ``nativeEventFilter`` does, given the address of a ``MSG``."""
        if event_type != b"windows_generic_MSG":
            return False
        return self._handle(w.MSG.from_address(_address(message)))

    def install(self) -> None:
        """Install on the running QCoreApplication (if there is one)."""
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication.instance()
        if app is not None and self.qt_filter is None:
            self.qt_filter = _qt_filter_class()(self)
            app.installNativeEventFilter(self.qt_filter)

    def remove(self) -> None:
        if self.qt_filter is None:
            return
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication.instance()
        if app is not None:
            app.removeNativeEventFilter(self.qt_filter)
        self.qt_filter = None


@functools.cache
def _qt_filter_class() -> type:
    """The QAbstractNativeEventFilter subclass (made on first use: it imports Qt)."""
    from PySide6.QtCore import QAbstractNativeEventFilter

    class QtMessageFilter(QAbstractNativeEventFilter):
        def __init__(self, owner: MessageFilter):
            super().__init__()
            self.owner = owner

        def nativeEventFilter(self, event_type: Any, message: Any) -> tuple[bool, int]:  # noqa: N802 - Qt API
            try:
                name = event_type.data() if hasattr(event_type, "data") else event_type
                return self.owner.dispatch(bytes(name), message), 0
            except Exception:  # an exception must never cross into Qt's event loop
                log.exception("native event filter failed")
                return False, 0

    return QtMessageFilter


# -- hotkeys ----------------------------------------------------------------------
class WindowsHotkeys(HotkeyBackend):
    """``RegisterHotKey`` for the GUI thread; ``WM_HOTKEY`` through a native event filter.

    ``register`` must run on the GUI thread (the hotkeys belong to the calling thread),
    which is where :class:`desktop.models.hotkey_dispatcher.HotkeyDispatcher` calls it.
    """

    name = "Windows (RegisterHotKey)"

    def __init__(self, on_trigger: Trigger, api: w.Win32 | None = None, install: bool = True):
        super().__init__(on_trigger)
        self._api = api or w.load()
        self._ids: dict[int, tuple[Combo, str]] = {}  # hotkey id -> (combo, action)
        self._next_id = 1
        self.filter = MessageFilter(self.handle_message)
        if install:
            self.filter.install()

    def register(self, bindings: Mapping[str, str]) -> dict[str, str]:
        failures = check_bindings(bindings)
        for action, text in bindings.items():
            if not text or action in failures:
                continue
            combo = parse_combo(text)
            try:
                reason = self._register(combo, action)
            except ValueError as exc:
                reason = str(exc)
            if reason:
                failures[action] = reason
        return failures

    def _register(self, combo: Combo, action: str) -> str | None:
        vk = virtual_key(combo.key)
        flags = w.MOD_NOREPEAT  # held down, the combination fires once
        for modifier in combo.modifiers:
            flags |= _MOD_FLAGS[modifier]
        if combo.modifiers == {"super"} or combo.key == "f12":
            return f"{combo} is reserved by Windows"
        hotkey_id = self._next_id
        if not self._api.user32.RegisterHotKey(None, hotkey_id, flags, vk):
            code = self._api.last_error()
            log.info("RegisterHotKey(%s) failed with error %d", combo, code)
            if code == w.ERROR_HOTKEY_ALREADY_REGISTERED:
                return f"{combo} is already taken by another program"
            return f"{combo} was refused by Windows"
        self._next_id += 1
        self._ids[hotkey_id] = (combo, action)
        return None

    def handle_message(self, msg: Any) -> bool:
        """A ``WM_HOTKEY`` for one of ours fires its action (on the GUI thread)."""
        if msg.message != w.WM_HOTKEY:
            return False
        entry = self._ids.get(int(msg.wParam))
        if entry is None:
            return False
        try:
            self.on_trigger(entry[1])
        except Exception:  # a bad handler must not break the event filter
            log.exception("hotkey handler failed")
        return True

    def unregister_all(self) -> None:
        for hotkey_id in self._ids:
            self._api.user32.UnregisterHotKey(None, hotkey_id)
        self._ids.clear()

    def registered(self) -> dict[str, str]:
        """action -> combo, as registered now."""
        return {action: str(combo) for combo, action in self._ids.values()}

    def close(self) -> None:
        self.unregister_all()
        self.filter.remove()


# -- processes ----------------------------------------------------------------------
def integrity_level(api: w.Win32, process: Any) -> int | None:
    """The mandatory integrity level (a ``SECURITY_MANDATORY_*_RID``) of an open process."""
    token = w.HANDLE()
    if not api.advapi32.OpenProcessToken(process, w.TOKEN_QUERY, ctypes.byref(token)):
        return None
    try:
        size = w.DWORD()
        api.advapi32.GetTokenInformation(token, w.TOKEN_INTEGRITY_LEVEL_CLASS, None, 0, ctypes.byref(size))
        if not size.value:
            return None
        buffer = ctypes.create_string_buffer(size.value)
        if not api.advapi32.GetTokenInformation(token, w.TOKEN_INTEGRITY_LEVEL_CLASS, buffer, size,
                                                ctypes.byref(size)):
            return None
        sid = w.TOKEN_MANDATORY_LABEL.from_buffer(buffer).Label.Sid
        count = api.advapi32.GetSidSubAuthorityCount(sid)[0]
        return int(api.advapi32.GetSidSubAuthority(sid, count - 1)[0])
    finally:
        api.kernel32.CloseHandle(token)


@contextmanager
def _opened_process(api: w.Win32, pid: int) -> Iterator[Any]:
    handle = api.kernel32.OpenProcess(w.PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    try:
        yield handle
    finally:
        if handle:
            api.kernel32.CloseHandle(handle)


def executable_name(api: w.Win32, process: Any) -> str:
    size = w.DWORD(1024)
    buffer = ctypes.create_unicode_buffer(size.value)
    if process and api.kernel32.QueryFullProcessImageNameW(process, 0, buffer, ctypes.byref(size)):
        return os.path.basename(buffer.value.replace("\\", "/")).lower()
    return ""


# -- insertion ----------------------------------------------------------------------
class WindowsInserter(Inserter):
    name = "Windows (SendInput)"

    def __init__(self, api: w.Win32 | None = None):
        self._api = api or w.load()
        # GetCurrentProcess() is a pseudo-handle: nothing to close.
        self._own_level = integrity_level(self._api, self._api.kernel32.GetCurrentProcess())

    def _pid(self, hwnd: int) -> int:
        pid = w.DWORD()
        self._api.user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        return int(pid.value)

    def active_window(self) -> WindowInfo | None:
        hwnd = self._api.user32.GetForegroundWindow()
        if not hwnd:
            return None
        length = self._api.user32.GetWindowTextLengthW(hwnd)
        title = ctypes.create_unicode_buffer(max(0, length) + 1)
        self._api.user32.GetWindowTextW(hwnd, title, len(title))
        class_name = ctypes.create_unicode_buffer(257)
        self._api.user32.GetClassNameW(hwnd, class_name, len(class_name))
        with _opened_process(self._api, self._pid(hwnd)) as process:
            exe = executable_name(self._api, process)
        return WindowInfo(int(hwnd), exe, title.value, class_name.value.lower())

    def activate(self, window: WindowInfo) -> None:
        if not self._hand_over(window.id):
            log.info("Windows kept the foreground from window %s", window.id)

    def take_foreground(self, window_id: int) -> None:
        self.activate(WindowInfo(window_id))

    def _hand_over(self, hwnd: int) -> bool:
        """Give ``hwnd`` the foreground past Windows' foreground lock: attach this thread's
        input to the current foreground thread's, as that thread may give it away."""
        user32, kernel32 = self._api.user32, self._api.kernel32
        if user32.GetForegroundWindow() == hwnd:
            return True
        foreground = user32.GetForegroundWindow()
        theirs = user32.GetWindowThreadProcessId(foreground, None) if foreground else 0
        ours = kernel32.GetCurrentThreadId()
        attached = bool(theirs and theirs != ours and user32.AttachThreadInput(ours, theirs, True))
        try:
            if user32.IsIconic(hwnd):
                user32.ShowWindow(hwnd, w.SW_RESTORE)
            user32.BringWindowToTop(hwnd)
            user32.SetForegroundWindow(hwnd)
        finally:
            if attached:
                user32.AttachThreadInput(ours, theirs, False)
        return bool(user32.GetForegroundWindow() == hwnd)

    def modifiers_down(self) -> bool:
        return any(self._api.user32.GetAsyncKeyState(vk) & 0x8000
                   for vk in (w.VK_SHIFT, w.VK_CONTROL, w.VK_MENU, w.VK_LWIN, w.VK_RWIN))

    def check_target(self) -> None:
        """Raise :class:`ElevatedTarget` when the focused program runs at a higher integrity
        level than Seatside (an elevated CRM): Windows would drop our input silently (UIPI).

        A process whose token we may not even read is taken as elevated: from a normal
        account that is what an administrator's program looks like.
        """
        hwnd = self._api.user32.GetForegroundWindow()
        if not hwnd or self._own_level is None or self._own_level >= w.SECURITY_MANDATORY_HIGH_RID:
            return
        with _opened_process(self._api, self._pid(hwnd)) as process:
            level = integrity_level(self._api, process) if process else None
            if level is None and self._api.last_error() != w.ERROR_ACCESS_DENIED:
                return  # unknown for another reason: let the keys go
            if level is not None and level <= self._own_level:
                return
            raise ElevatedTarget(executable_name(self._api, process))

    def _send(self, events: list[Any]) -> None:
        if not events:
            return
        array = (w.INPUT * len(events))(*events)
        sent = self._api.user32.SendInput(len(events), array, ctypes.sizeof(w.INPUT))
        if sent != len(events):
            raise OSError(f"Windows accepted {sent} of {len(events)} key events")

    def send_keys(self, combo: str) -> None:
        self.check_target()
        parsed = parse_combo(combo)
        codes = [_MOD_VKS[m] for m in ("ctrl", "alt", "shift", "super") if m in parsed.modifiers]
        codes.append(virtual_key(parsed.key))
        events = [w.key_input(vk, flags=w.KEYEVENTF_EXTENDEDKEY if vk in _EXTENDED else 0) for vk in codes]
        events += [w.key_input(vk, flags=w.KEYEVENTF_KEYUP | (w.KEYEVENTF_EXTENDEDKEY if vk in _EXTENDED else 0))
                   for vk in reversed(codes)]
        self._send(events)

    def type_text(self, text: str) -> None:
        """Each UTF-16 unit as a ``KEYEVENTF_UNICODE`` press: the IME and the layout are bypassed.

        A newline is sent as Enter; the insertion controller decides beforehand whether a
        newline becomes Shift+Enter or is refused.
        """
        self.check_target()
        events: list[Any] = []
        for char in text.replace("\r\n", "\n"):
            if char == "\n":
                events += [w.key_input(w.VK_RETURN), w.key_input(w.VK_RETURN, flags=w.KEYEVENTF_KEYUP)]
                continue
            data = char.encode("utf-16-le")
            for index in range(0, len(data), 2):  # a character beyond the BMP: two surrogates
                unit = int.from_bytes(data[index:index + 2], "little")
                events += [w.key_input(scan=unit, flags=w.KEYEVENTF_UNICODE),
                           w.key_input(scan=unit, flags=w.KEYEVENTF_UNICODE | w.KEYEVENTF_KEYUP)]
        for start in range(0, len(events), 200):  # SendInput's input is not interleaved within a call
            self._send(events[start:start + 200])


# -- clipboard ----------------------------------------------------------------------
class WindowsClipboard(Clipboard):
    """The Windows clipboard: every memory format snapshotted; a held clipboard waited for.

    ``owner`` gives the window that owns what we put on it (``SetClipboardData`` fails
    after ``EmptyClipboard`` on a clipboard opened without one).
    """

    def __init__(self, api: w.Win32 | None = None, owner: Callable[[], int | None] = lambda: None,
                 attempts: int = 10, first_wait_s: float = 0.005, sleep: Callable[[float], None] = time.sleep):
        self._api = api or w.load()
        self._owner = owner
        self._attempts = attempts
        self._first_wait = first_wait_s
        self._sleep = sleep

    def holder(self) -> str:
        """The executable holding the clipboard open, if any ('' if unknown)."""
        hwnd = self._api.user32.GetOpenClipboardWindow()
        if not hwnd:
            return ""
        pid = w.DWORD()
        self._api.user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        with _opened_process(self._api, int(pid.value)) as process:
            return executable_name(self._api, process)

    @contextmanager
    def _opened(self) -> Iterator[None]:
        wait = self._first_wait
        for attempt in range(self._attempts):
            if self._api.user32.OpenClipboard(self._owner()):
                break
            if attempt == self._attempts - 1:
                raise ClipboardBusy(self.holder())
            self._sleep(wait)
            wait = min(wait * 2, 0.2)
        try:
            yield
        finally:
            self._api.user32.CloseClipboard()

    def _read(self, fmt: int) -> bytes | None:
        kernel32 = self._api.kernel32
        handle = self._api.user32.GetClipboardData(fmt)
        if not handle:
            return None
        pointer = kernel32.GlobalLock(handle)
        if not pointer:
            return None
        try:
            return ctypes.string_at(pointer, kernel32.GlobalSize(handle))
        finally:
            kernel32.GlobalUnlock(handle)

    def _put(self, fmt: int, data: bytes) -> None:
        kernel32 = self._api.kernel32
        handle = kernel32.GlobalAlloc(w.GMEM_MOVEABLE, max(1, len(data)))
        if not handle:
            raise MemoryError("GlobalAlloc failed")
        pointer = kernel32.GlobalLock(handle)
        ctypes.memmove(pointer, data, len(data))
        kernel32.GlobalUnlock(handle)
        if not self._api.user32.SetClipboardData(fmt, handle):
            kernel32.GlobalFree(handle)  # still ours: the clipboard did not take it
            raise OSError(f"the clipboard refused format {fmt}")

    def set_text(self, text: str) -> None:
        with self._opened():
            self._api.user32.EmptyClipboard()
            self._put(w.CF_UNICODETEXT, (text + "\0").encode("utf-16-le"))

    def text(self) -> str:
        with self._opened():
            data = self._read(w.CF_UNICODETEXT)
        if not data:
            return ""
        return data.decode("utf-16-le", errors="replace").split("\0", 1)[0]

    def snapshot(self) -> object:
        """Every format held in global memory, as ``{format: bytes}``."""
        formats: dict[int, bytes] = {}
        with self._opened():
            fmt = self._api.user32.EnumClipboardFormats(0)
            while fmt:
                if w.is_memory_format(fmt):
                    data = self._read(fmt)
                    if data is not None:
                        formats[fmt] = data
                fmt = self._api.user32.EnumClipboardFormats(fmt)
        return formats

    def restore(self, snapshot: object) -> None:
        if not isinstance(snapshot, dict):
            super().restore(snapshot)
            return
        with self._opened():
            self._api.user32.EmptyClipboard()
            for fmt, data in snapshot.items():
                try:
                    self._put(fmt, data)
                except OSError as exc:
                    log.info("clipboard format %s not restored: %s", fmt, exc)


# -- data folder and session end ----------------------------------------------------
def user_sid(api: w.Win32) -> str:
    """The string SID of the account this process runs as."""
    token = w.HANDLE()
    if not api.advapi32.OpenProcessToken(api.kernel32.GetCurrentProcess(), w.TOKEN_QUERY, ctypes.byref(token)):
        raise OSError("cannot open this process's token")
    try:
        size = w.DWORD()
        api.advapi32.GetTokenInformation(token, w.TOKEN_USER_CLASS, None, 0, ctypes.byref(size))
        buffer = ctypes.create_string_buffer(max(size.value, 1))
        if not api.advapi32.GetTokenInformation(token, w.TOKEN_USER_CLASS, buffer, size, ctypes.byref(size)):
            raise OSError("cannot read this process's user")
        text = w.LPWSTR()
        if not api.advapi32.ConvertSidToStringSidW(w.TOKEN_USER.from_buffer(buffer).User.Sid, ctypes.byref(text)):
            raise OSError("cannot convert the user's SID")
        try:
            return str(text.value)
        finally:
            api.kernel32.LocalFree(ctypes.cast(text, ctypes.c_void_p))
    finally:
        api.kernel32.CloseHandle(token)


def owner_only_sddl(sid: str) -> str:
    """A protected DACL granting full control to ``sid`` alone, inherited by everything inside."""
    return f"D:P(A;OICI;FA;;;{sid})"


def protect_folder(folder: Path, api: w.Win32 | None = None) -> str | None:
    """Give ``folder`` (and, by inheritance, everything in it) an owner-only DACL.

    Best effort: returns why it could not, or None. The counterpart of 0700/0600 on POSIX.
    """
    try:
        api = api or w.load()
        sddl = owner_only_sddl(user_sid(api))
        descriptor = w.PSECURITY_DESCRIPTOR()
        if not api.advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl, w.SDDL_REVISION_1, ctypes.byref(descriptor), None
        ):
            return "the access list could not be built"
        try:
            present, defaulted, dacl = w.BOOL(), w.BOOL(), w.PACL()
            if not api.advapi32.GetSecurityDescriptorDacl(descriptor, ctypes.byref(present), ctypes.byref(dacl),
                                                          ctypes.byref(defaulted)):
                return "the access list could not be read"
            error = api.advapi32.SetNamedSecurityInfoW(
                str(folder), w.SE_FILE_OBJECT,
                w.DACL_SECURITY_INFORMATION | w.PROTECTED_DACL_SECURITY_INFORMATION, None, None, dacl, None,
            )
            if error != w.ERROR_SUCCESS:
                return f"Windows refused the access list (error {error})"
            return None
        finally:
            api.kernel32.LocalFree(descriptor)
    except OSError as exc:
        return str(exc)


class SessionEnd:
    """Calls ``on_end`` when Windows ends the session (``WM_ENDSESSION`` with wParam TRUE):
    after that message returns the process may be killed, so the quit's work runs inside it."""

    def __init__(self, on_end: Callable[[], None], install: bool = True):
        self._on_end = on_end
        self.filter = MessageFilter(self.handle_message)
        if install:
            self.filter.install()

    def handle_message(self, msg: Any) -> bool:
        if msg.message == w.WM_ENDSESSION and msg.wParam:
            self._on_end()
        return False  # Qt sees it too
