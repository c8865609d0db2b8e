"""Real X11: another program has focus, xdotool presses the hotkey, the phrase
arrives in that program, and the clipboard is given back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.exceptions import TimeoutError as WaitTimeout

from tests.gui.conftest import x11_clipboard

TARGET = Path(__file__).with_name("target_app.py")


@pytest.fixture
def crm(tmp_path, qtbot):
    """A separate program with a focused text field that logs what it holds."""
    out = tmp_path / "received.txt"
    proc = subprocess.Popen([sys.executable, str(TARGET), str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        subprocess.run(
            ["xdotool", "search", "--sync", "--name", "seatside-test-target", "windowfocus", "--sync"],
            check=True, timeout=10, capture_output=True,
        )
        yield out
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def received(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.parametrize("mode", ["paste", "type"])
def test_hotkey_inserts_into_the_focused_program(make_app, crm, qtbot, mode):
    app = make_app(real_clipboard=True, real_hooks=True, insert_mode=mode)
    assert app.hotkeys.backend.name == "X11 (XGrabKey)" and app.hotkeys.failures == {}
    subprocess.run(["xclip", "-selection", "clipboard", "-i"], input="剪贴板里原来的内容".encode(), check=True)
    qtbot.waitUntil(lambda: x11_clipboard(qtbot) == "剪贴板里原来的内容", timeout=5000)
    app.model.choose_scenario("atm-cash-retained")
    app.model.set_value("称呼", "王先生")
    number = 1
    expected = app.phrases.render(app.phrases.current_choices()[number - 1]).text
    with qtbot.waitSignal(app.insertion.inserted, timeout=10000) as blocker:
        subprocess.run(["xdotool", "key", f"ctrl+alt+{number}"], check=True)
    assert blocker.args == [expected, mode]
    try:
        qtbot.waitUntil(lambda: received(crm) == expected, timeout=10000)
    except WaitTimeout:
        raise AssertionError(f"the program got {received(crm)!r}, not {expected!r}") from None
    # the seat's clipboard is what it was before
    qtbot.waitUntil(lambda: x11_clipboard(qtbot) == "剪贴板里原来的内容", timeout=5000)


def click_global(widget, point) -> None:
    where = widget.mapToGlobal(point)
    subprocess.run(["xdotool", "mousemove", "--sync", str(where.x()), str(where.y()), "click", "1"], check=True)


def test_clicking_a_phrase_leaves_the_keyboard_in_the_crm(make_app, crm, qtbot):
    from desktop.platform.insertion import WindowInfo
    from desktop.platform.x11 import X11Inserter

    app = make_app(real_clipboard=True)
    panel = app.panel
    panel.show()
    qtbot.waitExposed(panel)
    subprocess.run(["xdotool", "search", "--sync", "--name", "seatside-test-target", "windowfocus", "--sync"],
                   check=True, timeout=10, capture_output=True)
    x11 = X11Inserter()
    try:
        crm_window = x11.active_window()
        assert crm_window is not None and crm_window.title == "seatside-test-target"
        app.model.choose_scenario("atm-cash-retained")
        phrases = panel.phrases
        row = next(i for i, c in enumerate(app.phrases.current_choices()) if "{" not in c.text)
        # The panel is laid out anew for the scenario (the guidance box takes its text's height)
        # by posted layout requests: run them before aiming at a row.
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        assert phrases.viewport().rect().contains(phrases.visualItemRect(phrases.item(row)))
        with qtbot.waitSignal(app.phrases.phraseCopied, timeout=10000):
            click_global(phrases.viewport(), phrases.visualItemRect(phrases.item(row)).center())
        assert x11.active_window() == crm_window  # still typing in the CRM
        assert not panel.isActiveWindow()
        # clicking into the notes does take the keyboard: the seat wants to type there
        app.model.start_call()
        editor = panel.notes.editor
        click_global(editor.viewport(), editor.viewport().rect().center())
        qtbot.waitUntil(panel.isActiveWindow, timeout=5000)
        assert editor.hasFocus()
        assert isinstance(x11.active_window(), (WindowInfo, type(None)))
    finally:
        x11.close()


def test_a_combination_another_program_holds_is_reported_and_the_rest_work(qtbot):
    from desktop.platform.x11 import X11Hotkeys

    fired = []
    other = X11Hotkeys(lambda action: None)  # "another program" holding ctrl+alt+k
    ours = X11Hotkeys(fired.append)
    try:
        assert other.register({"theirs": "ctrl+alt+k"}) == {}
        failures = ours.register({"palette": "ctrl+alt+k", "next-step": "ctrl+alt+j"})
        assert failures == {"palette": "ctrl+alt+k is already taken by another program"}
        subprocess.run(["xdotool", "key", "ctrl+alt+j"], check=True)
        qtbot.waitUntil(lambda: fired == ["next-step"], timeout=3000)
    finally:
        ours.close()
        other.close()


def test_ctrl_alt_function_keys_are_refused_with_the_reason():
    from desktop.platform.x11 import X11Hotkeys

    backend = X11Hotkeys(lambda action: None)
    try:
        assert "virtual terminal" in backend.register({"palette": "ctrl+alt+f2"})["palette"]
    finally:
        backend.close()
