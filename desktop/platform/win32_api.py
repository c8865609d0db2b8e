"""Every Win32 function Seatside calls, declared once with ctypes ``argtypes``/``restype``.

The structures use fixed-width types (``wintypes.DWORD`` is 8 bytes on 64-bit Linux),
so their layout is the Win32 ABI on any OS and is checked on Linux by the tests.
:func:`load` binds the real DLLs (Windows only); :class:`desktop.platform.win32_fake.FakeWin32`
stands in for them in tests. Both expose ``user32``, ``kernel32`` and ``advapi32``
with the DLLs' own function names, and ``last_error()``.
"""

from __future__ import annotations

import ctypes
import sys
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

# -- types with the Win32 sizes on every OS ---------------------------------------
BOOL = ctypes.c_int32
BYTE = ctypes.c_uint8
WORD = ctypes.c_uint16
DWORD = ctypes.c_uint32
LONG = ctypes.c_int32
UINT = ctypes.c_uint32
INT = ctypes.c_int32
SHORT = ctypes.c_int16
HANDLE = ctypes.c_void_p
HWND = ctypes.c_void_p
HGLOBAL = ctypes.c_void_p
HLOCAL = ctypes.c_void_p
LPVOID = ctypes.c_void_p
PSID = ctypes.c_void_p
PACL = ctypes.c_void_p
PSECURITY_DESCRIPTOR = ctypes.c_void_p
SIZE_T = ctypes.c_size_t
ULONG_PTR = ctypes.c_size_t  # pointer-sized, like WPARAM
WPARAM = ctypes.c_size_t
LPARAM = ctypes.c_ssize_t
LPWSTR = ctypes.c_wchar_p
LPCWSTR = ctypes.c_wchar_p

# -- constants --------------------------------------------------------------------
MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x0001, 0x0002, 0x0004, 0x0008, 0x4000
WM_HOTKEY = 0x0312
WM_QUERYENDSESSION = 0x0011
WM_ENDSESSION = 0x0016
INPUT_MOUSE, INPUT_KEYBOARD, INPUT_HARDWARE = 0, 1, 2
KEYEVENTF_EXTENDEDKEY, KEYEVENTF_KEYUP, KEYEVENTF_UNICODE = 0x0001, 0x0002, 0x0004
VK_SHIFT, VK_CONTROL, VK_MENU, VK_LWIN, VK_RWIN, VK_RETURN = 0x10, 0x11, 0x12, 0x5B, 0x5C, 0x0D
SW_RESTORE = 9
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
TOKEN_QUERY = 0x0008
TOKEN_USER_CLASS, TOKEN_INTEGRITY_LEVEL_CLASS = 1, 25
# Mandatory integrity levels (the last sub-authority of the token's label SID).
SECURITY_MANDATORY_MEDIUM_RID, SECURITY_MANDATORY_HIGH_RID, SECURITY_MANDATORY_SYSTEM_RID = 0x2000, 0x3000, 0x4000
CF_TEXT, CF_UNICODETEXT = 1, 13
# Clipboard formats that hold a GDI or other handle, not global memory: not copied by
# a snapshot (CF_DIB, which Windows synthesises from a bitmap, carries the picture).
HANDLE_FORMATS = frozenset({2, 3, 9, 14, 0x80, 0x82, 0x83, 0x8E})


def is_memory_format(fmt: int) -> bool:
    """True for a clipboard format whose data is global memory (copyable byte for byte):
    not a GDI handle format, not a private (0x200-0x2FF) or GDI-object (0x300-0x3FF) one."""
    return fmt not in HANDLE_FORMATS and not 0x200 <= fmt <= 0x3FF
GMEM_MOVEABLE = 0x0002
SE_FILE_OBJECT = 1
DACL_SECURITY_INFORMATION = 0x00000004
PROTECTED_DACL_SECURITY_INFORMATION = 0x80000000
SDDL_REVISION_1 = 1
ERROR_SUCCESS = 0
ERROR_ACCESS_DENIED = 5
ERROR_SHARING_VIOLATION = 32
ERROR_LOCK_VIOLATION = 33
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
ERROR_CLIPBOARD_NOT_OPEN = 1418


# -- structures -------------------------------------------------------------------
class InputTypes(NamedTuple):
    """The SendInput structures for one pointer size."""

    MOUSEINPUT: type[ctypes.Structure]
    KEYBDINPUT: type[ctypes.Structure]
    HARDWAREINPUT: type[ctypes.Structure]
    INPUT_UNION: type[ctypes.Union]
    INPUT: type[ctypes.Structure]


def define_input_types(ulong_ptr: Any = ULONG_PTR) -> InputTypes:
    """``INPUT`` and its members with ``ULONG_PTR`` of the given width (the tests check 32-bit too)."""

    class MOUSEINPUT(ctypes.Structure):
        _fields_ = [("dx", LONG), ("dy", LONG), ("mouseData", DWORD), ("dwFlags", DWORD), ("time", DWORD),
                    ("dwExtraInfo", ulong_ptr)]

    class KEYBDINPUT(ctypes.Structure):
        _fields_ = [("wVk", WORD), ("wScan", WORD), ("dwFlags", DWORD), ("time", DWORD), ("dwExtraInfo", ulong_ptr)]

    class HARDWAREINPUT(ctypes.Structure):
        _fields_ = [("uMsg", DWORD), ("wParamL", WORD), ("wParamH", WORD)]

    class INPUT_UNION(ctypes.Union):
        _fields_ = [("mi", MOUSEINPUT), ("ki", KEYBDINPUT), ("hi", HARDWAREINPUT)]

    class INPUT(ctypes.Structure):
        _anonymous_ = ("u",)
        _fields_ = [("type", DWORD), ("u", INPUT_UNION)]

    return InputTypes(MOUSEINPUT, KEYBDINPUT, HARDWAREINPUT, INPUT_UNION, INPUT)


_TYPES = define_input_types()
KEYBDINPUT = _TYPES.KEYBDINPUT
INPUT = _TYPES.INPUT


class POINT(ctypes.Structure):
    _fields_ = [("x", LONG), ("y", LONG)]


class MSG(ctypes.Structure):
    """What a Qt native event filter gets a pointer to on Windows (``windows_generic_MSG``)."""

    _fields_ = [("hwnd", HWND), ("message", UINT), ("wParam", WPARAM), ("lParam", LPARAM), ("time", DWORD),
                ("pt", POINT)]


class SID_AND_ATTRIBUTES(ctypes.Structure):
    _fields_ = [("Sid", PSID), ("Attributes", DWORD)]


class TOKEN_MANDATORY_LABEL(ctypes.Structure):
    _fields_ = [("Label", SID_AND_ATTRIBUTES)]


class TOKEN_USER(ctypes.Structure):
    _fields_ = [("User", SID_AND_ATTRIBUTES)]


def key_input(vk: int = 0, scan: int = 0, flags: int = 0) -> ctypes.Structure:
    """One keyboard ``INPUT``."""
    event = INPUT(type=INPUT_KEYBOARD)
    event.ki = KEYBDINPUT(wVk=vk, wScan=scan, dwFlags=flags, time=0, dwExtraInfo=0)
    return event


# -- declarations -----------------------------------------------------------------
P = ctypes.POINTER
# name: (restype, argtypes)
USER32: dict[str, tuple[Any, list[Any]]] = {
    "RegisterHotKey": (BOOL, [HWND, INT, UINT, UINT]),
    "UnregisterHotKey": (BOOL, [HWND, INT]),
    "GetForegroundWindow": (HWND, []),
    "SetForegroundWindow": (BOOL, [HWND]),
    "BringWindowToTop": (BOOL, [HWND]),
    "ShowWindow": (BOOL, [HWND, INT]),
    "IsIconic": (BOOL, [HWND]),
    "IsWindow": (BOOL, [HWND]),
    "AttachThreadInput": (BOOL, [DWORD, DWORD, BOOL]),
    "GetWindowThreadProcessId": (DWORD, [HWND, P(DWORD)]),
    "GetWindowTextLengthW": (INT, [HWND]),
    "GetWindowTextW": (INT, [HWND, LPWSTR, INT]),
    "GetClassNameW": (INT, [HWND, LPWSTR, INT]),
    "GetAsyncKeyState": (SHORT, [INT]),
    "SendInput": (UINT, [UINT, P(INPUT), INT]),
    "OpenClipboard": (BOOL, [HWND]),
    "CloseClipboard": (BOOL, []),
    "EmptyClipboard": (BOOL, []),
    "GetOpenClipboardWindow": (HWND, []),
    "EnumClipboardFormats": (UINT, [UINT]),
    "GetClipboardData": (HANDLE, [UINT]),
    "SetClipboardData": (HANDLE, [UINT, HANDLE]),
}
KERNEL32: dict[str, tuple[Any, list[Any]]] = {
    "GetCurrentThreadId": (DWORD, []),
    "GetCurrentProcess": (HANDLE, []),
    "OpenProcess": (HANDLE, [DWORD, BOOL, DWORD]),
    "CloseHandle": (BOOL, [HANDLE]),
    "QueryFullProcessImageNameW": (BOOL, [HANDLE, DWORD, LPWSTR, P(DWORD)]),
    "GlobalAlloc": (HGLOBAL, [UINT, SIZE_T]),
    "GlobalFree": (HGLOBAL, [HGLOBAL]),
    "GlobalLock": (LPVOID, [HGLOBAL]),
    "GlobalUnlock": (BOOL, [HGLOBAL]),
    "GlobalSize": (SIZE_T, [HGLOBAL]),
    "LocalFree": (HLOCAL, [HLOCAL]),
}
ADVAPI32: dict[str, tuple[Any, list[Any]]] = {
    "OpenProcessToken": (BOOL, [HANDLE, DWORD, P(HANDLE)]),
    "GetTokenInformation": (BOOL, [HANDLE, INT, LPVOID, DWORD, P(DWORD)]),
    "GetSidSubAuthorityCount": (P(BYTE), [PSID]),
    "GetSidSubAuthority": (P(DWORD), [PSID, DWORD]),
    "ConvertSidToStringSidW": (BOOL, [PSID, P(LPWSTR)]),
    "ConvertStringSecurityDescriptorToSecurityDescriptorW": (BOOL, [LPCWSTR, DWORD, P(PSECURITY_DESCRIPTOR),
                                                                    P(DWORD)]),
    "GetSecurityDescriptorDacl": (BOOL, [PSECURITY_DESCRIPTOR, P(BOOL), P(PACL), P(BOOL)]),
    "SetNamedSecurityInfoW": (DWORD, [LPWSTR, INT, DWORD, PSID, PSID, PACL, PACL]),
}


class Win32(Protocol):
    """The real DLLs or the fake: functions by their Win32 names."""

    user32: Any
    kernel32: Any
    advapi32: Any

    def last_error(self) -> int: ...


@dataclass
class RealWin32:
    """The DLLs themselves, every function declared."""

    user32: Any
    kernel32: Any
    advapi32: Any

    def last_error(self) -> int:
        if sys.platform != "win32":
            return 0
        return ctypes.get_last_error()


def _declare(dll: Any, table: dict[str, tuple[Any, list[Any]]]) -> Any:
    for name, (restype, argtypes) in table.items():
        function = getattr(dll, name)  # AttributeError names a function the DLL lacks
        function.restype = restype
        function.argtypes = argtypes
    return dll


_loaded: RealWin32 | None = None


def load() -> RealWin32:
    """The real user32, kernel32 and advapi32 with every function declared (Windows only)."""
    global _loaded
    if sys.platform != "win32":
        raise OSError("the Win32 API exists only on Windows")
    if _loaded is None:
        _loaded = RealWin32(
            _declare(ctypes.WinDLL("user32", use_last_error=True), USER32),
            _declare(ctypes.WinDLL("kernel32", use_last_error=True), KERNEL32),
            _declare(ctypes.WinDLL("advapi32", use_last_error=True), ADVAPI32),
        )
    return _loaded


def check_abi() -> str | None:
    """A problem with the ``INPUT`` layout for this process's pointer size, or None."""
    expected = 40 if ctypes.sizeof(ctypes.c_void_p) == 8 else 28
    size = ctypes.sizeof(INPUT)
    return None if size == expected else f"sizeof(INPUT) is {size}, Win32 expects {expected}"
