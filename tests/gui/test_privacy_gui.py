"""Privacy at rest through the real panel: drafts typed with a pause, reports without
callers' names, the history notice, private files."""

from __future__ import annotations

import os
import stat
from datetime import timedelta

import pytest

from desktop.core.base import clock
from desktop.core.records.reports import summarise
from tests.gui.conftest import type_text
from tests.helpers_privacy import find_in_folder, fragments

MOBILE = "13812345678"


def test_a_mobile_typed_with_a_pause_leaves_no_seven_digit_fragment(seatside, qtbot):
    model, editor = seatside.model, seatside.panel.notes.editor
    model.start_call()
    saves: list[int] = []
    model.notesSaved.connect(saves.append)
    type_text(editor, "客户手机")
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, MOBILE[:7])
    qtbot.waitUntil(lambda: len(saves) >= 1, timeout=5000)  # the autosave of the half-typed number
    draft = seatside.worker.call(lambda store: store.get_call(saves[-1]).notes)
    assert draft == "客户手机*******"
    qtbot.keyClicks(editor, MOBILE[7:])
    type_text(editor, "，已回拨")
    with qtbot.waitSignal(model.callEnded, timeout=5000):
        model.end_call("resolved")
    seatside.worker.call(lambda store: None)  # the checkpoint after the end has run
    assert editor.toPlainText() == ""
    stored = seatside.worker.call(lambda store: store.get_call(saves[-1]).notes)
    assert stored == "客户手机*******5678，已回拨"
    needles = fragments(MOBILE, 7)
    assert find_in_folder(seatside.data_dir, needles) == []
    # The scan is not blind: the kept tail and the words are there.
    assert find_in_folder(seatside.data_dir, ["5678，已回拨"])


def test_the_shift_report_shows_phrases_as_written_in_the_pack(seatside, qtbot):
    model = seatside.model
    phrases = seatside.phrases
    model.start_call()
    model.choose_scenario("atm-cash-retained")
    model.set_value("称呼", "崔先生")
    choice = next(c for c in phrases.current_choices() if "{称呼}" in c.text)
    assert phrases.copy_choice(choice)
    assert seatside.phrases.clipboard.text().startswith("崔先生")
    with qtbot.waitSignal(model.callEnded, timeout=5000):
        model.end_call("resolved", end_reason="客户13812345678…卡6222021234567890128")
    now = clock.now()
    calls = seatside.worker.call(lambda store: store.calls_between(now - timedelta(days=1), now + timedelta(days=1)))
    summary = summarise(calls)
    assert summary.top_phrases and summary.top_phrases[0].text == choice.text
    assert all("崔先生" not in p.text for p in summary.top_phrases)
    assert calls[-1].end_reason == "客户*******5678…卡622202*********0128"
    assert find_in_folder(seatside.data_dir, ["崔先生", "13812345678", "6222021234567890128"]) == []


def test_without_an_os_key_store_the_panel_says_history_is_off(seatside, qtbot):
    model, notes = seatside.model, seatside.panel.notes
    notes.show()
    model.start_call()
    type_text(notes.reference, MOBILE)
    with qtbot.waitSignal(model.historyExact) as exact:
        notes.reference.editingFinished.emit()
    assert exact.args == [False]
    assert notes.history_notice.isVisibleTo(notes)
    assert "关闭" in notes.history_notice.text() or "history is off" in notes.history_notice.text()
    with qtbot.waitSignal(model.callEnded, timeout=5000):
        model.end_call("resolved")
    assert not notes.history_notice.isVisibleTo(notes)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_data_folder_and_its_files_are_private(seatside, qtbot):
    model = seatside.model
    model.start_call()
    type_text(seatside.panel.notes.editor, "备注")
    seatside.settings.set("seat_id", "1234")
    with qtbot.waitSignal(model.callEnded, timeout=5000):
        model.end_call("resolved")
    seatside.worker.call(lambda store: None)
    folder = seatside.data_dir
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"seatside.db", "settings.json"}
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {p.name: 0o600 for p in files}


@pytest.mark.parametrize("field, text", [("card_keep", "19/19"), ("mobile_keep", "3/4"), ("id_keep", "6/4")])
def test_the_settings_cannot_show_more_digits_than_allowed(seatside, qtbot, field, text):
    from desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(seatside.settings, str(seatside.data_dir))
    qtbot.addWidget(dialog)
    getattr(dialog, field).setText(text)
    with pytest.raises(ValueError, match="6"):
        dialog.values()
    dialog.retention_days.setValue(30)
    getattr(dialog, field).setText("0/4")
    assert dialog.values()["retention_days"] == 30


def test_a_hand_edited_settings_file_cannot_switch_masking_off(seatside, qtbot):
    seatside.settings.set("mask_policy", {"card_keep_first": 19, "card_keep_last": 19})
    policy = seatside.worker.call(lambda store: store.policy)
    assert (policy.card_keep_first, policy.card_keep_last) == (6, 4)


def test_calls_past_the_retention_period_are_purged_at_start(make_app, isolated_dirs, qtbot):
    from desktop.core.records.storage import DB_FILENAME, CallStore
    from desktop.core.seat.settings import Settings
    from tests.helpers import make_call

    folder = isolated_dirs
    store = CallStore(folder / DB_FILENAME)
    now = clock.now()
    make_call(store, now - timedelta(days=40), notes="四十天前的备注")
    recent = make_call(store, now - timedelta(days=5), notes="五天前的备注")
    store.close()
    Settings(folder / "settings.json").set("retention_days", 30)
    app = make_app()
    qtbot.waitUntil(lambda: app.worker.call(lambda s: s.count_calls()) == 1, timeout=5000)
    calls = app.worker.call(lambda s: s.calls_between(now - timedelta(days=400), now + timedelta(days=1)))
    assert [c.id for c in calls] == [recent]
    assert find_in_folder(folder, ["四十天前"]) == []
