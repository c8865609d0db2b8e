"""Hotkey combinations and the fake backend (no Qt, no display)."""

from __future__ import annotations

import pytest

from desktop.core.seat.settings import DEFAULT_HOTKEYS, Settings
from desktop.platform.hotkeys import FakeHotkeys, NoHotkeys, check_bindings, parse_combo


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ctrl+Alt+1", "ctrl+alt+1"),
        ("alt + ctrl + SPACE", "ctrl+alt+space"),
        ("Control+Shift+Return", "ctrl+shift+enter"),
        ("win+s", "super+s"),
        ("ctrl+alt+F5", "ctrl+alt+f5"),
    ],
)
def test_parse_combo_normalises(text, expected):
    assert str(parse_combo(text)) == expected


@pytest.mark.parametrize("text", ["", "1", "ctrl+", "ctrl+alt", "hyper+1", "ctrl++1"])
def test_parse_combo_rejects(text):
    with pytest.raises(ValueError):
        parse_combo(text)


def test_duplicates_are_named():
    problems = check_bindings({"insert-1": "ctrl+alt+1", "palette": "Alt+Ctrl+1", "next-step": "ctrl+alt+n"})
    assert problems == {"palette": "ctrl+alt+1 is already used by insert-1"}


def test_default_bindings_are_valid_and_overridable(tmp_path):
    assert check_bindings(DEFAULT_HOTKEYS) == {}
    settings = Settings(tmp_path / "s.json")
    settings.set("hotkeys", {"palette": "ctrl+shift+p", "next-step": ""})
    bindings = settings.hotkeys()
    assert bindings["palette"] == "ctrl+shift+p" and bindings["next-step"] == "" and bindings["insert-1"] == "ctrl+alt+1"


def test_refused_binding_is_reported_and_the_others_work():
    fired = []
    backend = FakeHotkeys(fired.append, refuse={"ctrl+alt+space"})
    failures = backend.register({"insert-1": "ctrl+alt+1", "palette": "ctrl+alt+space", "bad": "ctrl+alt"})
    assert set(failures) == {"palette", "bad"} and "another program" in failures["palette"]
    assert backend.press("ctrl+alt+1") and fired == ["insert-1"]
    assert not backend.press("ctrl+alt+space")


def test_no_backend_refuses_everything_with_its_reason():
    backend = NoHotkeys(lambda a: None, "a Wayland session does not allow global hotkeys")
    assert backend.register({"a": "ctrl+alt+1", "b": ""}) == {"a": "a Wayland session does not allow global hotkeys"}
