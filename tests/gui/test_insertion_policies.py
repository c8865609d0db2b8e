"""Insertion rules the Windows work added, on the fully wired app with fake OS hooks:
line breaks in type mode, window-class profiles, an elevated target, a held clipboard,
the palette taking the foreground, the log file and the session end."""

from __future__ import annotations

import logging

import pytest

from desktop.platform.clipboard import ClipboardBusy, FakeClipboard
from desktop.platform.insertion import ElevatedTarget, WindowInfo
from tests.helpers import write_pack

TWO_LINES = """\
pack:
  name: 测试包
scenarios:
  - id: two-lines
    name: 两行话术
    keywords: [测试]
    steps:
      - id: first
        title: 第一步
        phrases:
          - "您好，请核对：\\n卡号尾号与姓名"
"""
TEXT = "您好，请核对：\n卡号尾号与姓名"


@pytest.fixture
def typing_app(make_app, tmp_path):
    folder = write_pack(tmp_path / "packs", "two.yaml", TWO_LINES).parent
    app = make_app(builtin=False, pack_dirs=[folder], insert_mode="type", scenario="two-lines")
    assert app.phrases.current_choices()[0].text == TEXT
    return app


def test_a_line_break_is_typed_as_shift_enter_by_default(typing_app, qtbot):
    inserter = typing_app.insertion.inserter
    with qtbot.waitSignal(typing_app.insertion.inserted, timeout=3000) as blocker:
        typing_app.hotkeys.backend.press("ctrl+alt+1")
    assert blocker.args == [TEXT, "type"]
    assert inserter.typed == ["您好，请核对：", "卡号尾号与姓名"]
    assert inserter.keys == ["shift+enter"]


def test_a_profile_may_type_enter_or_refuse_line_breaks(typing_app, qtbot):
    inserter = typing_app.insertion.inserter
    typing_app.settings.set("app_profiles", [{"app": "crm", "mode": "type", "newline": "refuse"},
                                             {"app": "notepad.exe", "mode": "type", "newline": "enter"}])
    with qtbot.waitSignal(typing_app.insertion.failed, timeout=3000) as refused, \
            qtbot.waitSignal(typing_app.insertion.inserted, timeout=3000) as copied:
        typing_app.hotkeys.backend.press("ctrl+alt+1")
    assert "Line breaks" in refused.args[0] or "换行" in refused.args[0]
    assert copied.args == [TEXT, "copy"]
    assert inserter.typed == [] and inserter.keys == []
    assert typing_app.phrases.clipboard.text() == TEXT
    inserter.window = WindowInfo(8, "notepad.exe", "记事本")
    with qtbot.waitSignal(typing_app.insertion.inserted, timeout=3000) as typed:
        typing_app.hotkeys.backend.press("ctrl+alt+1")
    assert typed.args == [TEXT, "type"] and inserter.keys == ["enter"]


def test_profiles_match_a_windows_window_class(seatside):
    seatside.settings.set("app_profiles", [{"app": "chrome_widgetwin_1", "mode": "paste", "paste_keys": "shift+insert"}])
    assert seatside.insertion.mode_for(WindowInfo(7, "crm.exe", "CRM", "chrome_widgetwin_1")) == (
        "paste", "shift+insert")
    assert seatside.insertion.mode_for(WindowInfo(8, "crm.exe", "CRM", "other")) == ("copy", "ctrl+v")


def test_an_elevated_target_is_named_in_chinese_and_the_phrase_stays_on_the_clipboard(make_app, qtbot):
    app = make_app(insert_mode="paste", language="zh_CN")
    app.insertion.inserter.refuse = ElevatedTarget("crm.exe")
    app.phrases.clipboard.set_text("seat's own")
    app.model.choose_scenario("atm-cash-retained")
    choices = app.phrases.current_choices()
    n = next(i for i, c in enumerate(choices) if "{" not in c.text)
    with qtbot.waitSignal(app.insertion.failed, timeout=3000) as failed, \
            qtbot.waitSignal(app.insertion.inserted, timeout=3000) as inserted:
        app.hotkeys.backend.press(f"ctrl+alt+{n + 1}")
    assert "crm.exe" in failed.args[0] and "管理员" in failed.args[0]
    assert inserted.args == [choices[n].text, "copy"]
    assert app.phrases.clipboard.text() == choices[n].text  # not restored over: the seat pastes it


class HeldClipboard(FakeClipboard):
    def set_text(self, text: str) -> None:
        raise ClipboardBusy("excel.exe")


def test_a_held_clipboard_is_reported_not_raised(make_app, qtbot):
    app = make_app(language="en")
    app.insertion.clipboard = HeldClipboard()
    app.model.choose_scenario("atm-cash-retained")
    n = next(i for i, c in enumerate(app.phrases.current_choices()) if "{" not in c.text)
    with qtbot.waitSignal(app.insertion.failed, timeout=3000) as failed:
        app.hotkeys.backend.press(f"ctrl+alt+{n + 1}")
    assert failed.args == ["The clipboard is held by excel.exe; try again in a moment"]


def test_the_palette_is_handed_the_foreground(seatside, qtbot):
    seatside.handle_action("palette")
    qtbot.waitUntil(lambda: seatside.palette.isVisible())
    assert seatside.insertion.inserter.foregrounded == [int(seatside.palette.winId())]


def test_the_log_file_is_masked_and_private(isolated_dirs):
    from desktop.core.privacy.logfile import LOG_NAME, log_to_file

    handler = log_to_file(isolated_dirs)
    try:
        logging.getLogger("desktop.test").info("caller 6222021234567890128 at 13812345678")
        handler.flush()
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    text = (isolated_dirs / LOG_NAME).read_text(encoding="utf-8")
    assert "caller" in text and "6222021234567890128" not in text and "13812345678" not in text
    assert (isolated_dirs / LOG_NAME).stat().st_mode & 0o077 == 0


def test_a_session_end_request_backs_up_and_keeps_running(make_app, isolated_dirs):
    app = make_app()
    assert not list((isolated_dirs / "backups").glob("*"))
    app.prepare_for_session_end()  # Qt's commitDataRequest: the logoff may still be cancelled
    assert list((isolated_dirs / "backups").glob("*"))
    assert not app.closed
    app.model.start_call()  # still usable
    assert app.model.in_call


def test_the_session_end_saves_and_backs_up(make_app, isolated_dirs):
    app = make_app()
    app.model.start_call()
    app.end_session()
    assert app.closed
    backups = list((isolated_dirs / "backups").glob("*"))
    assert backups, "the quit backup was made"


def test_the_hotkey_filter_is_a_qt_native_event_filter(qapp, qtbot):
    import ctypes

    from PySide6.QtCore import QByteArray

    from desktop.platform import win32_api as w
    from desktop.platform.win32_fake import FakeWin32
    from desktop.platform.windows import WindowsHotkeys

    fake, fired = FakeWin32(), []
    backend = WindowsHotkeys(fired.append, api=fake)  # installed on the running QApplication
    try:
        assert backend.register({"palette": "Ctrl+Alt+Space"}) == {}
        qt_filter = backend.filter.qt_filter
        assert qt_filter is not None
        message = fake.hotkey_message(w.MOD_CONTROL | w.MOD_ALT, 0x20)
        assert qt_filter.nativeEventFilter(QByteArray(b"windows_generic_MSG"), ctypes.addressof(message)) == (True, 0)
        assert fired == ["palette"]
        # The X11 events Qt passes it here are not Windows messages: left alone, nothing raised.
        assert qt_filter.nativeEventFilter(QByteArray(b"xcb_generic_event_t"), ctypes.addressof(message)) == (False, 0)
        qapp.processEvents()
    finally:
        backend.close()
    assert backend.filter.qt_filter is None and fake.hotkeys == {}


def test_the_settings_dialog_keeps_and_sets_a_profiles_line_breaks(seatside, qtbot):
    from PySide6.QtWidgets import QComboBox

    from desktop.ui.settings_dialog import SettingsDialog

    seatside.settings.set("app_profiles", [{"app": "crm", "mode": "type", "paste_keys": "ctrl+v", "newline": "refuse"}])
    dialog = SettingsDialog(seatside.settings, str(seatside.data_dir))
    qtbot.addWidget(dialog)
    dialog._add_profile_row("notepad.exe", "type", "ctrl+v")
    breaks = dialog.profiles.cellWidget(1, 3)
    assert isinstance(breaks, QComboBox) and breaks.currentData() == "shift+enter"
    breaks.setCurrentIndex(breaks.findData("enter"))
    dialog.accept()
    assert seatside.settings.get("app_profiles") == [
        {"app": "crm", "mode": "type", "paste_keys": "ctrl+v", "newline": "refuse"},
        {"app": "notepad.exe", "mode": "type", "paste_keys": "ctrl+v", "newline": "enter"},
    ]


def test_a_click_on_a_phrase_with_the_clipboard_held_says_so(make_app, qtbot):
    app = make_app(language="en")
    app.phrases.clipboard = HeldClipboard()
    app.model.choose_scenario("atm-cash-retained")
    n = next(i for i, c in enumerate(app.phrases.current_choices()) if "{" not in c.text)
    with qtbot.waitSignal(app.phrases.message, timeout=3000) as said:
        assert app.phrases.copy_phrase(n) is False
    assert said.args == ["The clipboard is held by excel.exe; try again in a moment"]
