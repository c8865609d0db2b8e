"""A stand-in for user32, kernel32 and advapi32, so the Windows backends run on any OS.

It keeps the state those DLLs keep (windows and their threads, the foreground lock,
registered hotkeys, the clipboard and its global memory, process tokens, security
descriptors) and follows their documented rules where the backends depend on them:

- ``SetForegroundWindow`` works only for a thread attached to the foreground thread's input;
- ``RegisterHotKey`` fails with ``ERROR_HOTKEY_ALREADY_REGISTERED`` for a combination held elsewhere;
- ``OpenClipboard`` fails while another program holds the clipboard, and ``SetClipboardData``
  fails on a clipboard emptied while opened without an owner window;
- ``SendInput`` checks ``cbSize``, reads each ``INPUT`` at the Win32 ABI offsets (from raw
  bytes, not through the declared structures) and drops input to a window of a higher
  integrity level without saying so (UIPI).

Only functions declared in :mod:`desktop.platform.win32_api` can be called on it.
"""

from __future__ import annotations

import ctypes
import struct
from dataclasses import dataclass, field
from typing import Any

from desktop.platform import win32_api as w

OWN_PID, OWN_THREAD = 100, 1000
PSEUDO_PROCESS = 0xFFFF_FFFF  # GetCurrentProcess()
ERROR_INSUFFICIENT_BUFFER = 122
ERROR_INVALID_PARAMETER = 87
_VK_NAMES = {w.VK_CONTROL: "ctrl", w.VK_MENU: "alt", w.VK_SHIFT: "shift", w.VK_LWIN: "super", w.VK_RWIN: "super"}
_KEY_NAMES = {0x0D: "enter", 0x2D: "insert", 0x20: "space", 0x09: "tab"}


def _value(arg: Any) -> Any:
    """An argument as a plain value (ctypes instances arrive as themselves in the fake)."""
    return arg.value if isinstance(arg, ctypes._SimpleCData) else arg


def _target(pointer: Any) -> Any:
    """What ``ctypes.byref(x)`` points at."""
    return getattr(pointer, "_obj", pointer)


@dataclass
class FakeProcess:
    path: str
    level: int = w.SECURITY_MANDATORY_MEDIUM_RID
    open_denied: bool = False  # OpenProcess fails with ERROR_ACCESS_DENIED
    token_denied: bool = False  # OpenProcessToken fails with ERROR_ACCESS_DENIED


@dataclass
class FakeWindow:
    title: str
    window_class: str
    pid: int
    thread: int
    iconic: bool = False
    text: str = ""  # characters received (Enter and Shift+Enter as "\n")
    enters: int = 0  # plain Enter presses (a form may submit on them)
    soft_newlines: int = 0  # Shift+Enter presses
    combos: list[str] = field(default_factory=list)  # other key combinations received, e.g. "ctrl+v"


class _Dll:
    """One DLL: only the functions win32_api declares for it."""

    def __init__(self, fake: FakeWin32, table: dict[str, Any]):
        self._fake = fake
        self._names = set(table)

    def __getattr__(self, name: str) -> Any:
        if name not in self._names:
            raise AttributeError(f"{name} is not declared in desktop.platform.win32_api")
        function = getattr(self._fake, name)
        self._fake.calls.append(name)
        return function


class FakeWin32:
    """The fake DLLs. Set up windows and processes with :meth:`add_window`, then drive it."""

    def __init__(self) -> None:
        self.user32 = _Dll(self, w.USER32)
        self.kernel32 = _Dll(self, w.KERNEL32)
        self.advapi32 = _Dll(self, w.ADVAPI32)
        self.calls: list[str] = []
        self.error = 0
        self.processes: dict[int, FakeProcess] = {OWN_PID: FakeProcess("C:\\Program Files\\Seatside\\seatside.exe")}
        self.windows: dict[int, FakeWindow] = {}
        self.foreground = 0
        self.attached: set[tuple[int, int]] = set()
        self.foreground_lock = True
        self.keys_down: set[int] = set()
        self.hotkeys: dict[int, tuple[int, int]] = {}  # id -> (modifier flags, vk)
        self.taken: set[tuple[int, int]] = set()  # (modifiers without MOD_NOREPEAT, vk) other programs hold
        self.inputs: list[dict[str, int]] = []  # every INPUT read by SendInput
        # clipboard
        self.clipboard: dict[int, int] = {}  # format -> global handle, in the order set
        self.clipboard_open_by: int | None = None  # our opener hwnd (0 for NULL) while we hold it
        self.clipboard_owner: int | None = None
        self.held_by: int = 0  # hwnd of another program holding the clipboard open
        self.held_for_attempts = 0  # OpenClipboard fails this many more times
        self.open_attempts = 0
        self.memory: dict[int, ctypes.Array[ctypes.c_char]] = {}
        self._next_handle = 0x1000
        self.handles_open: set[int] = set()
        # security
        self.user_sid = "S-1-5-21-1004336348-1177238915-682003330-1001"
        self._keep: dict[int, Any] = {}  # address -> object kept alive
        self._sids: dict[int, tuple[str, list[int]]] = {}
        self._descriptors: dict[int, str] = {}
        self._dacls: dict[int, str] = {}
        self.local_freed: list[int] = []
        self.security_set: list[tuple[str, int, int, str]] = []  # (path, object type, info flags, SDDL)
        self.security_error = 0
        self.add_window(1, "Seatside", "Qt6110QWindowIcon", OWN_PID, OWN_THREAD)

    # -- setting up -------------------------------------------------------------------
    def add_window(self, hwnd: int, title: str, window_class: str, pid: int, thread: int,
                   path: str = "", level: int = w.SECURITY_MANDATORY_MEDIUM_RID) -> FakeWindow:
        if pid not in self.processes:
            self.processes[pid] = FakeProcess(path or f"C:\\Apps\\{title.lower()}.exe", level)
        self.windows[hwnd] = FakeWindow(title, window_class, pid, thread)
        return self.windows[hwnd]

    def put_clipboard(self, formats: dict[int, bytes]) -> None:
        """Another program copied these formats."""
        for handle in self.clipboard.values():
            self.memory.pop(handle, None)
        self.clipboard = {fmt: self._alloc(data) for fmt, data in formats.items()}
        self.clipboard_owner = None

    def clipboard_bytes(self, fmt: int) -> bytes | None:
        handle = self.clipboard.get(fmt)
        return None if handle is None else bytes(self.memory[handle].raw)

    def clipboard_text(self) -> str | None:
        data = self.clipboard_bytes(w.CF_UNICODETEXT)
        return None if data is None else data.decode("utf-16-le").split("\0", 1)[0]

    def hotkey_message(self, modifiers: int, vk: int) -> w.MSG:
        """The ``WM_HOTKEY`` the system posts when a registered combination is pressed."""
        for hotkey_id, (flags, key) in self.hotkeys.items():
            if flags & ~w.MOD_NOREPEAT == modifiers and key == vk:
                return w.MSG(message=w.WM_HOTKEY, wParam=hotkey_id, lParam=(vk << 16) | modifiers)
        raise LookupError("no such hotkey registered")

    def _alloc(self, data: bytes) -> int:
        handle = self._next_handle
        self._next_handle += 0x10
        self.memory[handle] = ctypes.create_string_buffer(data, len(data))
        return handle

    def _fail(self, code: int) -> int:
        self.error = code
        return 0

    def last_error(self) -> int:
        return self.error

    # -- user32: windows and focus ------------------------------------------------------
    def GetForegroundWindow(self) -> int:  # noqa: N802 - the Win32 name
        return self.foreground

    def _thread_of(self, hwnd: int) -> int:
        window = self.windows.get(int(_value(hwnd) or 0))
        return window.thread if window else 0

    def SetForegroundWindow(self, hwnd: int) -> int:  # noqa: N802
        hwnd = int(_value(hwnd))
        if hwnd not in self.windows:
            return 0
        current = self._thread_of(self.foreground)
        allowed = (not self.foreground_lock or current in (0, OWN_THREAD)
                   or (OWN_THREAD, current) in self.attached)
        if allowed:
            self.foreground = hwnd
        return int(allowed)

    def BringWindowToTop(self, hwnd: int) -> int:  # noqa: N802
        return int(int(_value(hwnd)) in self.windows)

    def ShowWindow(self, hwnd: int, command: int) -> int:  # noqa: N802
        window = self.windows.get(int(_value(hwnd)))
        if window is not None and command == w.SW_RESTORE:
            window.iconic = False
        return 1

    def IsIconic(self, hwnd: int) -> int:  # noqa: N802
        window = self.windows.get(int(_value(hwnd)))
        return int(bool(window and window.iconic))

    def IsWindow(self, hwnd: int) -> int:  # noqa: N802
        return int(int(_value(hwnd)) in self.windows)

    def AttachThreadInput(self, attach: int, to: int, on: int) -> int:  # noqa: N802
        pair = (int(_value(attach)), int(_value(to)))
        if pair[0] == pair[1] or pair[1] not in {win.thread for win in self.windows.values()}:
            return self._fail(ERROR_INVALID_PARAMETER)
        if on:
            self.attached.add(pair)
        else:
            self.attached.discard(pair)
        return 1

    def GetWindowThreadProcessId(self, hwnd: int, pid: Any) -> int:  # noqa: N802
        window = self.windows.get(int(_value(hwnd) or 0))
        if window is None:
            return 0
        if pid is not None:
            _target(pid).value = window.pid
        return window.thread

    def GetWindowTextLengthW(self, hwnd: int) -> int:  # noqa: N802
        window = self.windows.get(int(_value(hwnd)))
        return len(window.title) if window else 0

    def GetWindowTextW(self, hwnd: int, buffer: Any, size: int) -> int:  # noqa: N802
        window = self.windows.get(int(_value(hwnd)))
        text = (window.title if window else "")[: max(0, int(size) - 1)]
        buffer.value = text
        return len(text)

    def GetClassNameW(self, hwnd: int, buffer: Any, size: int) -> int:  # noqa: N802
        window = self.windows.get(int(_value(hwnd)))
        text = (window.window_class if window else "")[: max(0, int(size) - 1)]
        buffer.value = text
        return len(text)

    # -- user32: keys -------------------------------------------------------------------
    def RegisterHotKey(self, hwnd: Any, hotkey_id: int, modifiers: int, vk: int) -> int:  # noqa: N802
        combo = (int(modifiers) & ~w.MOD_NOREPEAT, int(vk))
        ours = {(flags & ~w.MOD_NOREPEAT, key) for flags, key in self.hotkeys.values()}
        if combo in self.taken or combo in ours or int(hotkey_id) in self.hotkeys:
            return self._fail(w.ERROR_HOTKEY_ALREADY_REGISTERED)
        self.hotkeys[int(hotkey_id)] = (int(modifiers), int(vk))
        return 1

    def UnregisterHotKey(self, hwnd: Any, hotkey_id: int) -> int:  # noqa: N802
        return int(self.hotkeys.pop(int(hotkey_id), None) is not None)

    def GetAsyncKeyState(self, vk: int) -> int:  # noqa: N802
        return -0x8000 if int(vk) in self.keys_down else 0  # SHORT: the high bit set while down

    def SendInput(self, count: int, inputs: Any, size: int) -> int:  # noqa: N802
        if int(size) != ctypes.sizeof(w.INPUT):
            return self._fail(ERROR_INVALID_PARAMETER)
        union = 8 if ctypes.sizeof(ctypes.c_void_p) == 8 else 4
        raw = ctypes.string_at(ctypes.addressof(inputs), int(count) * int(size))
        events = []
        for index in range(int(count)):
            base = index * int(size)
            (kind,) = struct.unpack_from("<I", raw, base)
            vk, scan, flags, when = struct.unpack_from("<HHII", raw, base + union)
            events.append({"type": kind, "vk": vk, "scan": scan, "flags": flags, "time": when})
        self.inputs.extend(events)
        window = self.windows.get(self.foreground)
        if window is not None and self.processes[window.pid].level <= self.processes[OWN_PID].level:
            self._deliver(window, events)  # else: UIPI drops them, and SendInput still says it sent them
        return int(count)

    def _deliver(self, window: FakeWindow, events: list[dict[str, int]]) -> None:
        held: set[str] = set()
        units: list[int] = []
        for event in events:
            if event["type"] != w.INPUT_KEYBOARD:
                continue
            up = bool(event["flags"] & w.KEYEVENTF_KEYUP)
            if event["flags"] & w.KEYEVENTF_UNICODE:
                if not up:
                    units.append(event["scan"])
                    if not 0xD800 <= event["scan"] < 0xDC00:  # not a high surrogate waiting for its pair
                        window.text += struct.pack(f"<{len(units)}H", *units).decode("utf-16-le")
                        units.clear()
                continue
            vk = event["vk"]
            if vk in _VK_NAMES:
                (held.discard if up else held.add)(_VK_NAMES[vk])
            elif not up and vk == w.VK_RETURN and held <= {"shift"}:
                window.text += "\n"
                if "shift" in held:
                    window.soft_newlines += 1
                else:
                    window.enters += 1
            elif not up:
                name = _KEY_NAMES.get(vk, chr(vk).lower() if 0x30 <= vk <= 0x5A else f"vk{vk:#x}")
                if vk in (0x2D, 0x2E, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28) and not (
                    event["flags"] & w.KEYEVENTF_EXTENDEDKEY
                ):
                    name = f"numpad-{name}"  # without the extended flag it is the number pad's key
                window.combos.append("+".join([m for m in ("ctrl", "alt", "shift", "super") if m in held] + [name]))

    # -- user32: clipboard --------------------------------------------------------------
    def OpenClipboard(self, hwnd: Any) -> int:  # noqa: N802
        self.open_attempts += 1
        if self.held_for_attempts > 0:
            self.held_for_attempts -= 1
            return self._fail(w.ERROR_ACCESS_DENIED)
        if self.clipboard_open_by is not None:
            return self._fail(w.ERROR_ACCESS_DENIED)
        self.held_by = 0
        self.clipboard_open_by = int(_value(hwnd) or 0)
        return 1

    def hold_clipboard(self, hwnd: int, attempts: int) -> None:
        """Another program (owning ``hwnd``) keeps the clipboard open for ``attempts`` tries."""
        self.held_by = hwnd
        self.held_for_attempts = attempts

    def CloseClipboard(self) -> int:  # noqa: N802
        if self.clipboard_open_by is None:
            return self._fail(w.ERROR_CLIPBOARD_NOT_OPEN)
        self.clipboard_open_by = None
        return 1

    def EmptyClipboard(self) -> int:  # noqa: N802
        if self.clipboard_open_by is None:
            return self._fail(w.ERROR_CLIPBOARD_NOT_OPEN)
        for handle in self.clipboard.values():
            self.memory.pop(handle, None)
        self.clipboard = {}
        self.clipboard_owner = self.clipboard_open_by
        return 1

    def GetOpenClipboardWindow(self) -> int:  # noqa: N802
        return self.held_by if self.held_for_attempts > 0 else 0

    def EnumClipboardFormats(self, previous: int) -> int:  # noqa: N802
        if self.clipboard_open_by is None:
            return self._fail(w.ERROR_CLIPBOARD_NOT_OPEN)
        formats = list(self.clipboard)
        if not previous:
            return formats[0] if formats else 0
        position = formats.index(int(previous)) + 1 if int(previous) in formats else len(formats)
        return formats[position] if position < len(formats) else 0

    def GetClipboardData(self, fmt: int) -> int:  # noqa: N802
        if self.clipboard_open_by is None:
            return self._fail(w.ERROR_CLIPBOARD_NOT_OPEN)
        return self.clipboard.get(int(fmt), 0)

    def SetClipboardData(self, fmt: int, handle: int) -> int:  # noqa: N802
        if self.clipboard_open_by is None or not self.clipboard_owner:
            # Documented: after EmptyClipboard on a clipboard opened with no window, this fails.
            return self._fail(w.ERROR_CLIPBOARD_NOT_OPEN)
        handle = int(_value(handle))
        if handle not in self.memory:
            return self._fail(ERROR_INVALID_PARAMETER)
        old = self.clipboard.pop(int(fmt), None)
        if old is not None:
            self.memory.pop(old, None)
        self.clipboard[int(fmt)] = handle  # the system owns the memory now
        return handle

    # -- kernel32 -----------------------------------------------------------------------
    def GetCurrentThreadId(self) -> int:  # noqa: N802
        return OWN_THREAD

    def GetCurrentProcess(self) -> int:  # noqa: N802
        return PSEUDO_PROCESS

    def _pid_of(self, handle: Any) -> int:
        value = int(_value(handle) or 0)
        return OWN_PID if value == PSEUDO_PROCESS else value - 0x5000

    def OpenProcess(self, access: int, inherit: int, pid: int) -> int:  # noqa: N802
        process = self.processes.get(int(_value(pid)))
        if process is None:
            return self._fail(ERROR_INVALID_PARAMETER)
        if process.open_denied:
            return self._fail(w.ERROR_ACCESS_DENIED)
        handle = 0x5000 + int(_value(pid))
        self.handles_open.add(handle)
        return handle

    def CloseHandle(self, handle: Any) -> int:  # noqa: N802
        value = int(_value(handle) or 0)
        if value not in self.handles_open:
            return self._fail(6)  # ERROR_INVALID_HANDLE
        self.handles_open.discard(value)
        return 1

    def QueryFullProcessImageNameW(self, handle: Any, flags: int, buffer: Any, size: Any) -> int:  # noqa: N802
        process = self.processes.get(self._pid_of(handle))
        if process is None:
            return 0
        buffer.value = process.path
        _target(size).value = len(process.path)
        return 1

    def GlobalAlloc(self, flags: int, size: int) -> int:  # noqa: N802
        return self._alloc(b"\0" * int(_value(size)))

    def GlobalFree(self, handle: Any) -> int:  # noqa: N802
        self.memory.pop(int(_value(handle)), None)
        return 0

    def GlobalLock(self, handle: Any) -> int:  # noqa: N802
        buffer = self.memory.get(int(_value(handle) or 0))
        return ctypes.addressof(buffer) if buffer is not None else 0

    def GlobalUnlock(self, handle: Any) -> int:  # noqa: N802
        return 1

    def GlobalSize(self, handle: Any) -> int:  # noqa: N802
        buffer = self.memory.get(int(_value(handle) or 0))
        return len(buffer) if buffer is not None else 0

    def LocalFree(self, pointer: Any) -> int:  # noqa: N802
        self.local_freed.append(int(_value(pointer) or 0))
        return 0

    # -- advapi32 -----------------------------------------------------------------------
    def _sid(self, text: str, subauthorities: list[int]) -> int:
        buffer = ctypes.create_string_buffer(8 + 4 * len(subauthorities))
        address = ctypes.addressof(buffer)
        self._keep[address] = buffer
        self._sids[address] = (text, subauthorities)
        return address

    def OpenProcessToken(self, process: Any, access: int, token: Any) -> int:  # noqa: N802
        pid = self._pid_of(process)
        info = self.processes.get(pid)
        if info is None or info.token_denied:
            return self._fail(w.ERROR_ACCESS_DENIED)
        handle = 0x9000 + pid
        self.handles_open.add(handle)
        _target(token).value = handle
        return 1

    def GetTokenInformation(self, token: Any, kind: int, buffer: Any, size: Any, needed: Any) -> int:  # noqa: N802
        process = self.processes[int(_value(token)) - 0x9000]
        if int(kind) == w.TOKEN_INTEGRITY_LEVEL_CLASS:
            structure: Any = w.TOKEN_MANDATORY_LABEL
            sid = self._sid(f"S-1-16-{process.level}", [process.level])
        elif int(kind) == w.TOKEN_USER_CLASS:
            structure = w.TOKEN_USER
            sid = self._sid(self.user_sid, [int(part) for part in self.user_sid.split("-")[3:]])
        else:
            return self._fail(ERROR_INVALID_PARAMETER)
        required = ctypes.sizeof(structure) + 8 + 4 * len(self._sids[sid][1])
        _target(needed).value = required
        if buffer is None or int(_value(size)) < required:
            return self._fail(ERROR_INSUFFICIENT_BUFFER)
        record = structure.from_buffer(buffer)
        (record.Label if int(kind) == w.TOKEN_INTEGRITY_LEVEL_CLASS else record.User).Sid = sid
        return 1

    def GetSidSubAuthorityCount(self, sid: Any) -> Any:  # noqa: N802
        count = ctypes.c_uint8(len(self._sids[int(_value(sid))][1]))
        self._keep[ctypes.addressof(count)] = count
        return ctypes.pointer(count)

    def GetSidSubAuthority(self, sid: Any, index: int) -> Any:  # noqa: N802
        value = ctypes.c_uint32(self._sids[int(_value(sid))][1][int(index)])
        self._keep[ctypes.addressof(value)] = value
        return ctypes.pointer(value)

    def ConvertSidToStringSidW(self, sid: Any, out: Any) -> int:  # noqa: N802
        _target(out).value = self._sids[int(_value(sid))][0]
        return 1

    def ConvertStringSecurityDescriptorToSecurityDescriptorW(  # noqa: N802
        self, sddl: str, revision: int, out: Any, size: Any
    ) -> int:
        if not str(sddl).startswith("D:"):
            return self._fail(1336)  # ERROR_INVALID_ACL
        buffer = ctypes.create_string_buffer(64)
        address = ctypes.addressof(buffer)
        self._keep[address] = buffer
        self._descriptors[address] = str(sddl)
        _target(out).value = address
        return 1

    def GetSecurityDescriptorDacl(self, descriptor: Any, present: Any, dacl: Any, defaulted: Any) -> int:  # noqa: N802
        sddl = self._descriptors.get(int(_value(descriptor) or 0))
        if sddl is None:
            return self._fail(ERROR_INVALID_PARAMETER)
        buffer = ctypes.create_string_buffer(32)
        address = ctypes.addressof(buffer)
        self._keep[address] = buffer
        self._dacls[address] = sddl
        _target(present).value = 1
        _target(dacl).value = address
        _target(defaulted).value = 0
        return 1

    def SetNamedSecurityInfoW(  # noqa: N802
        self, path: str, kind: int, info: int, owner: Any, group: Any, dacl: Any, sacl: Any
    ) -> int:
        if self.security_error:
            return self.security_error
        self.security_set.append((str(path), int(kind), int(info), self._dacls[int(_value(dacl))]))
        return 0
