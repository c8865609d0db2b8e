"""The Windows backends on the fake Win32 layer: what can be checked on Linux without Windows.

Layouts are checked against the Win32 ABI figures (winuser.h on x86/x64), not against
the declarations themselves; the fake reads SendInput's INPUTs from raw bytes.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import pytest

from desktop.core.base import atomic, machine_load
from desktop.platform import win32_api as w
from desktop.platform.clipboard import ClipboardBusy
from desktop.platform.insertion import ElevatedTarget, WindowInfo
from desktop.platform.win32_fake import OWN_THREAD, FakeWin32
from desktop.platform.windows import (
    SessionEnd,
    WindowsClipboard,
    WindowsHotkeys,
    WindowsInserter,
    owner_only_sddl,
    protect_folder,
    virtual_key,
)

CRM, PALETTE, EXCEL = 0x2000, 1, 0x3000


def offset(structure, name: str) -> int:
    return getattr(structure, name).offset


# -- structures ----------------------------------------------------------------------
def test_input_structures_have_the_x64_layout():
    types = w.define_input_types(ctypes.c_uint64)
    assert ctypes.sizeof(types.INPUT) == 40
    assert (offset(types.INPUT, "type"), offset(types.INPUT, "u")) == (0, 8)
    assert ctypes.sizeof(types.KEYBDINPUT) == 24
    assert [offset(types.KEYBDINPUT, f) for f in ("wVk", "wScan", "dwFlags", "time", "dwExtraInfo")] == [0, 2, 4, 8, 16]
    assert ctypes.sizeof(types.MOUSEINPUT) == 32
    assert [offset(types.MOUSEINPUT, f) for f in ("dx", "dy", "mouseData", "dwFlags", "time", "dwExtraInfo")] == [
        0, 4, 8, 12, 16, 24]
    assert ctypes.sizeof(types.HARDWAREINPUT) == 8
    assert [offset(types.HARDWAREINPUT, f) for f in ("uMsg", "wParamL", "wParamH")] == [0, 4, 6]


def test_input_structures_have_the_x86_layout():
    types = w.define_input_types(ctypes.c_uint32)
    assert ctypes.sizeof(types.INPUT) == 28
    assert offset(types.INPUT, "u") == 4
    assert ctypes.sizeof(types.KEYBDINPUT) == 16
    assert offset(types.KEYBDINPUT, "dwExtraInfo") == 12
    assert ctypes.sizeof(types.MOUSEINPUT) == 24
    assert offset(types.MOUSEINPUT, "dwExtraInfo") == 20


def test_the_declared_input_fits_this_process_and_msg_has_its_layout():
    assert w.check_abi() is None
    assert ctypes.sizeof(w.INPUT) == (40 if ctypes.sizeof(ctypes.c_void_p) == 8 else 28)
    if ctypes.sizeof(ctypes.c_void_p) == 8:
        assert [offset(w.MSG, f) for f in ("hwnd", "message", "wParam", "lParam", "time", "pt")] == [
            0, 8, 16, 24, 32, 36]
    event = w.key_input(scan=0x4F60, flags=w.KEYEVENTF_UNICODE)
    raw = bytes(event)
    assert raw[0:4] == w.INPUT_KEYBOARD.to_bytes(4, "little")
    union = 8 if ctypes.sizeof(ctypes.c_void_p) == 8 else 4
    assert raw[union + 2:union + 4] == (0x4F60).to_bytes(2, "little")  # wScan
    assert raw[union + 4:union + 8] == w.KEYEVENTF_UNICODE.to_bytes(4, "little")  # dwFlags


def test_every_declared_function_is_faked_and_nothing_undeclared_can_be_called():
    fake = FakeWin32()
    for table in (w.USER32, w.KERNEL32, w.ADVAPI32):
        for name, (_restype, argtypes) in table.items():
            assert callable(getattr(FakeWin32, name)), name
            assert all(isinstance(t, type) for t in argtypes), name
    with pytest.raises(AttributeError, match="not declared"):
        fake.user32.keybd_event  # noqa: B018 - the attribute access is what is tested
    with pytest.raises(AttributeError):
        fake.user32.GetCurrentThreadId  # noqa: B018 - a kernel32 function asked of user32


def test_the_real_dlls_are_refused_off_windows():
    if os.name == "nt":
        pytest.skip("on Windows the real DLLs load")
    with pytest.raises(OSError, match="only on Windows"):
        w.load()


# -- hotkeys -------------------------------------------------------------------------
def test_hotkeys_register_with_norepeat_and_fire_through_the_message_filter():
    fake, fired = FakeWin32(), []
    backend = WindowsHotkeys(fired.append, api=fake, install=False)
    failures = backend.register({"insert-1": "Ctrl+Alt+1", "palette": "ctrl+alt+space", "toggle-panel": "ctrl+alt+s"})
    assert failures == {}
    assert sorted(fake.hotkeys.values()) == sorted([
        (w.MOD_CONTROL | w.MOD_ALT | w.MOD_NOREPEAT, 0x31),
        (w.MOD_CONTROL | w.MOD_ALT | w.MOD_NOREPEAT, 0x20),
        (w.MOD_CONTROL | w.MOD_ALT | w.MOD_NOREPEAT, ord("S")),
    ])
    message = fake.hotkey_message(w.MOD_CONTROL | w.MOD_ALT, 0x20)
    assert backend.filter.dispatch(b"windows_generic_MSG", ctypes.addressof(message)) is True
    assert fired == ["palette"]
    # Not ours, not a hotkey, not a Windows message: left to Qt.
    stranger = w.MSG(message=w.WM_HOTKEY, wParam=99)
    assert backend.filter.dispatch(b"windows_generic_MSG", ctypes.addressof(stranger)) is False
    assert backend.filter.dispatch(b"windows_generic_MSG", ctypes.addressof(w.MSG(message=0x0100))) is False
    assert backend.filter.dispatch(b"xcb_generic_event_t", ctypes.addressof(message)) is False
    assert fired == ["palette"]
    backend.close()
    assert fake.hotkeys == {}


def test_a_combination_another_program_holds_is_reported_by_name_and_the_rest_work():
    fake, fired = FakeWin32(), []
    fake.taken.add((w.MOD_CONTROL | w.MOD_ALT, ord("S")))  # e.g. a screenshot tool
    backend = WindowsHotkeys(fired.append, api=fake, install=False)
    failures = backend.register({"toggle-panel": "Ctrl+Alt+S", "toggle-call": "Ctrl+Alt+C", "next-step": "win+n",
                                 "insert-2": "ctrl+alt+f12"})
    assert failures["toggle-panel"] == "ctrl+alt+s is already taken by another program"
    assert "reserved by Windows" in failures["next-step"]
    assert "reserved by Windows" in failures["insert-2"]
    assert backend.registered() == {"toggle-call": "ctrl+alt+c"}
    # Registering again (settings changed) after unregistering reuses nothing stale.
    backend.unregister_all()
    assert backend.register({"toggle-call": "Ctrl+Alt+C"}) == {}
    message = fake.hotkey_message(w.MOD_CONTROL | w.MOD_ALT, ord("C"))
    assert backend.handle_message(message)
    assert fired == ["toggle-call"]


def test_key_names_map_to_virtual_keys():
    assert [virtual_key(k) for k in ("a", "z", "0", "9", "f1", "f24", "space", "insert", "pagedown", "/")] == [
        0x41, 0x5A, 0x30, 0x39, 0x70, 0x87, 0x20, 0x2D, 0x22, 0xBF]
    with pytest.raises(ValueError, match="unknown key"):
        virtual_key("f25")


# -- insertion -----------------------------------------------------------------------
@pytest.fixture
def desk() -> FakeWin32:
    fake = FakeWin32()
    fake.add_window(CRM, "客户管理 - 张三", "Chrome_WidgetWin_1", pid=200, thread=2000,
                    path="C:\\Program Files\\CRM\\crm.exe")
    fake.foreground = CRM
    return fake


def test_the_focused_window_is_described_and_every_handle_closed(desk):
    window = WindowsInserter(desk).active_window()
    assert window == WindowInfo(CRM, "crm.exe", "客户管理 - 张三", "chrome_widgetwin_1")
    assert desk.handles_open == set()


def test_typing_sends_utf16_units_as_unicode_keys(desk):
    inserter = WindowsInserter(desk)
    inserter.type_text("您好，A1 😀")
    assert desk.windows[CRM].text == "您好，A1 😀"
    presses = [e for e in desk.inputs if not e["flags"] & w.KEYEVENTF_KEYUP]
    assert len(presses) == 8  # the emoji is two UTF-16 units
    assert all(e["type"] == w.INPUT_KEYBOARD and e["vk"] == 0 and e["flags"] == w.KEYEVENTF_UNICODE for e in presses)
    assert [e["scan"] for e in presses[-2:]] == [0xD83D, 0xDE00]
    assert len(desk.inputs) == 16


def test_typing_a_newline_presses_enter(desk):
    WindowsInserter(desk).type_text("第一行\r\n第二行")
    assert desk.windows[CRM].text == "第一行\n第二行"
    assert desk.windows[CRM].enters == 1


def test_paste_keys_are_virtual_keys_with_the_extended_flag_where_needed(desk):
    inserter = WindowsInserter(desk)
    inserter.send_keys("ctrl+v")
    inserter.send_keys("shift+insert")
    inserter.send_keys("shift+enter")
    assert desk.windows[CRM].combos == ["ctrl+v", "shift+insert"]
    assert desk.windows[CRM].soft_newlines == 1
    insert = [e for e in desk.inputs if e["vk"] == 0x2D]
    assert insert and all(e["flags"] & w.KEYEVENTF_EXTENDEDKEY for e in insert)


def test_modifier_state_comes_from_get_async_key_state(desk):
    inserter = WindowsInserter(desk)
    assert not inserter.modifiers_down()
    desk.keys_down.add(w.VK_MENU)
    assert inserter.modifiers_down()


def test_an_elevated_target_is_detected_before_anything_is_sent(desk):
    desk.processes[200].level = w.SECURITY_MANDATORY_HIGH_RID
    inserter = WindowsInserter(desk)
    with pytest.raises(ElevatedTarget) as caught:
        inserter.send_keys("ctrl+v")
    assert caught.value.app == "crm.exe"
    with pytest.raises(ElevatedTarget):
        inserter.type_text("您好")
    assert desk.inputs == []
    assert desk.handles_open == set()


def test_uipi_really_drops_input_silently_so_the_check_is_needed(desk):
    desk.processes[200].level = w.SECURITY_MANDATORY_HIGH_RID
    events = (w.INPUT * 2)(w.key_input(scan=0x41, flags=w.KEYEVENTF_UNICODE),
                           w.key_input(scan=0x41, flags=w.KEYEVENTF_UNICODE | w.KEYEVENTF_KEYUP))
    assert desk.user32.SendInput(2, events, ctypes.sizeof(w.INPUT)) == 2
    assert desk.windows[CRM].text == ""


def test_a_target_whose_token_cannot_be_read_is_taken_as_elevated(desk):
    desk.processes[200].token_denied = True
    with pytest.raises(ElevatedTarget):
        WindowsInserter(desk).send_keys("ctrl+v")


def test_an_elevated_seatside_sends_to_an_elevated_target(desk):
    desk.processes[200].level = w.SECURITY_MANDATORY_HIGH_RID
    desk.processes[100].level = w.SECURITY_MANDATORY_HIGH_RID
    WindowsInserter(desk).send_keys("ctrl+v")
    assert desk.windows[CRM].combos == ["ctrl+v"]


def test_a_wrong_cbsize_is_reported_not_ignored(desk):
    events = (w.INPUT * 1)(w.key_input(vk=0x41))
    assert desk.user32.SendInput(1, events, ctypes.sizeof(w.INPUT) - 4) == 0


def test_the_foreground_is_handed_over_past_the_foreground_lock(desk):
    assert desk.user32.SetForegroundWindow(PALETTE) == 0  # what activateWindow() meets from a hotkey
    assert desk.foreground == CRM
    desk.windows[PALETTE].iconic = True
    WindowsInserter(desk).take_foreground(PALETTE)
    assert desk.foreground == PALETTE
    assert not desk.windows[PALETTE].iconic
    assert desk.attached == set()  # detached again
    assert ("AttachThreadInput" in desk.calls) and desk.calls.count("AttachThreadInput") == 2


def test_focus_goes_back_to_the_crm_from_our_own_window(desk):
    desk.foreground = PALETTE
    WindowsInserter(desk).activate(WindowInfo(CRM))
    assert desk.foreground == CRM
    assert "AttachThreadInput" not in desk.calls  # the foreground thread is ours: no attaching
    assert desk.windows[PALETTE].thread == OWN_THREAD


# -- clipboard -----------------------------------------------------------------------
HTML_FORMAT = 0xC0A0  # a registered format ("HTML Format")


def _clipboard(fake: FakeWin32, waits: list[float], attempts: int = 10) -> WindowsClipboard:
    return WindowsClipboard(fake, owner=lambda: PALETTE, attempts=attempts, sleep=waits.append)


def test_snapshot_and_restore_keep_every_memory_format_through_a_held_clipboard(desk):
    desk.add_window(EXCEL, "Book1 - Excel", "XLMAIN", pid=300, thread=3000, path="C:\\Office\\EXCEL.EXE")
    original = {w.CF_UNICODETEXT: "原来的内容\0".encode("utf-16-le"), HTML_FORMAT: b"<b>kept</b>", 2: b"HBITMAP",
                0x250: b"private handle"}
    desk.put_clipboard(original)
    waits: list[float] = []
    clipboard = _clipboard(desk, waits)
    snapshot = clipboard.snapshot()
    assert snapshot == {w.CF_UNICODETEXT: original[w.CF_UNICODETEXT], HTML_FORMAT: b"<b>kept</b>"}  # no GDI handle
    desk.hold_clipboard(EXCEL, attempts=3)
    clipboard.set_text("您好，请稍等")
    assert waits == [0.005, 0.01, 0.02]  # backed off while Excel held it
    assert clipboard.text() == "您好，请稍等"
    assert desk.clipboard_owner == PALETTE
    desk.hold_clipboard(EXCEL, attempts=2)
    clipboard.restore(snapshot)
    assert desk.clipboard_text() == "原来的内容"
    assert desk.clipboard_bytes(HTML_FORMAT) == b"<b>kept</b>"
    assert set(desk.memory) == set(desk.clipboard.values())  # nothing allocated and left behind
    assert desk.clipboard_open_by is None  # closed after every use


def test_a_clipboard_held_too_long_names_the_holder_and_changes_nothing(desk):
    desk.add_window(EXCEL, "Book1 - Excel", "XLMAIN", pid=300, thread=3000, path="C:\\Office\\EXCEL.EXE")
    desk.put_clipboard({w.CF_UNICODETEXT: "原来的\0".encode("utf-16-le")})
    waits: list[float] = []
    desk.hold_clipboard(EXCEL, attempts=50)
    with pytest.raises(ClipboardBusy, match=r"excel\.exe") as caught:
        _clipboard(desk, waits, attempts=4).set_text("新的")
    assert caught.value.holder == "excel.exe"
    assert len(waits) == 3 and desk.open_attempts == 4
    assert desk.clipboard_text() == "原来的"


def test_a_clipboard_opened_without_an_owner_window_refuses_data(desk):
    with pytest.raises(OSError, match="refused"):
        WindowsClipboard(desk, owner=lambda: None).set_text("x")
    assert desk.memory == {}  # the refused memory was freed


# -- data folder, session end --------------------------------------------------------
def test_the_data_folder_gets_an_owner_only_protected_dacl(tmp_path):
    fake = FakeWin32()
    assert protect_folder(tmp_path, fake) is None
    assert len(fake.security_set) == 1
    path, kind, info, sddl = fake.security_set[0]
    assert (path, kind) == (str(tmp_path), w.SE_FILE_OBJECT)
    assert info == w.DACL_SECURITY_INFORMATION | w.PROTECTED_DACL_SECURITY_INFORMATION
    assert sddl == owner_only_sddl(fake.user_sid) == f"D:P(A;OICI;FA;;;{fake.user_sid})"
    assert len(fake.local_freed) == 2  # the SID string and the descriptor
    assert fake.handles_open == set()


def test_a_refused_dacl_is_reported_not_raised(tmp_path):
    fake = FakeWin32()
    fake.security_error = w.ERROR_ACCESS_DENIED
    assert "refused" in (protect_folder(tmp_path, fake) or "")


def test_wm_endsession_runs_the_quit_work_inside_the_message():
    ended: list[bool] = []
    watcher = SessionEnd(lambda: ended.append(True), install=False)
    cancelled = w.MSG(message=w.WM_ENDSESSION, wParam=0)
    assert watcher.filter.dispatch(b"windows_generic_MSG", ctypes.addressof(cancelled)) is False
    assert ended == []
    ending = w.MSG(message=w.WM_ENDSESSION, wParam=1)
    assert watcher.filter.dispatch(b"windows_generic_MSG", ctypes.addressof(ending)) is False  # Qt sees it too
    assert ended == [True]


# -- core pieces Windows needs -------------------------------------------------------
def test_busy_factor_works_without_a_load_average(monkeypatch):
    monkeypatch.delattr(os, "getloadavg", raising=False)
    assert machine_load.busy_factor() == 1.0


def _sharing_violation() -> PermissionError:
    error = PermissionError(13, "The process cannot access the file because it is being used by another process")
    error.winerror = 32  # type: ignore[attr-defined]  # set by CPython on Windows only
    return error


def test_atomic_replace_waits_out_a_sharing_violation(tmp_path, monkeypatch):
    target = tmp_path / "settings.json"
    target.write_text("old", encoding="utf-8")
    real_replace, failures, waits = os.replace, [_sharing_violation(), _sharing_violation()], []

    def replace(source, dest):
        if failures:
            raise failures.pop()
        real_replace(source, dest)

    monkeypatch.setattr(atomic.os, "replace", replace)
    monkeypatch.setattr(atomic, "_sleep", waits.append)
    atomic.atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert waits == [0.01, 0.02]
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_atomic_replace_gives_up_and_leaves_the_target(tmp_path, monkeypatch):
    target = tmp_path / "export.xlsx"
    target.write_text("old", encoding="utf-8")
    calls: list[Path] = []

    def replace(source, dest):
        calls.append(dest)
        raise _sharing_violation()

    monkeypatch.setattr(atomic.os, "replace", replace)
    monkeypatch.setattr(atomic, "_sleep", lambda s: None)
    with pytest.raises(PermissionError):
        atomic.atomic_write(target, "new")
    assert len(calls) == atomic.REPLACE_ATTEMPTS
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["export.xlsx"]


def test_a_posix_permission_error_is_not_retried(tmp_path, monkeypatch):
    calls: list[Path] = []

    def replace(source, dest):
        calls.append(dest)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(PermissionError):
        atomic.atomic_write(tmp_path / "x.txt", "new")
    assert len(calls) == 1


def test_the_cli_runs_without_standard_streams(tmp_path):
    """What the windowed build's stdout and stderr are (None): a command must still run."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "sys.stdout = None\n"
        "sys.stderr = None\n"
        "from desktop.cli import main\n"
        "try:\n"
        "    done = main(['--version'])\n"
        "except SystemExit as stop:\n"
        "    done = stop.code\n"
        "sys.__stdout__.write(f'version exit {done}\\n')\n"
        f"code = main(['--data-dir', {str(tmp_path / 'data')!r}, 'backup', 'list'])\n"
        "sys.__stdout__.write(f'exit {code}\\n')\n"
        "sys.stderr.write('a report line\\n')\n"  # what the importer's error writer does
        "sys.__stdout__.write(f'writable {sys.stdout.writable() and sys.stderr.writable()}\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # --version printed into the null device and exited 0; the command reported its
    # one-line error (no data here) there too, and ended with 1, not a traceback.
    assert result.stdout.split() == ["version", "exit", "0", "exit", "1", "writable", "True"]
    assert "Traceback" not in result.stderr
