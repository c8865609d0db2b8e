"""Hotkey dispatch across threads, insertion modes, placeholders and the palette (fakes)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from desktop.platform.insertion import WindowInfo
from desktop.ui.values_prompt import ValuesPrompt
from tests.gui.conftest import type_text
from tests.helpers import MINIMAL_PACK, write_pack


def test_hotkey_from_another_thread_arrives_on_the_gui_thread(seatside, qtbot):
    backend = seatside.hotkeys.backend
    seen = []
    seatside.hotkeys.triggered.connect(lambda action: seen.append((action, QThread.currentThread())))
    with qtbot.waitSignal(seatside.hotkeys.triggered, timeout=2000):
        thread = threading.Thread(target=lambda: backend.press("ctrl+alt+n"))
        thread.start()
        thread.join()
    assert seen == [("next-step", QApplication.instance().thread())]


def test_all_default_actions_are_bound(seatside):
    actions = set(seatside.hotkeys.backend.bindings.values())
    assert {f"insert-{n}" for n in range(1, 10)} | {"palette", "toggle-panel", "toggle-call", "next-step",
                                                   "accept-suggestion", "dismiss-suggestion", "raise-hand",
                                                   "insert-help"} == actions
    assert seatside.hotkeys.failures == {}
    assert seatside.panel.backend_label.text().endswith("fake")


def test_first_run_uses_the_opening_scenario(seatside):
    assert seatside.model.scenario.id == "opening-identity"


def test_preselect_scenario_and_unknown_one(make_app):
    app = make_app(scenario="atm-cash-retained")
    assert app.model.scenario.id == "atm-cash-retained"
    with pytest.raises(ValueError, match="unknown scenario"):
        make_app(scenario="no-such-thing")


def plain_choice_number(app) -> int:
    return next(i for i, c in enumerate(app.phrases.current_choices()) if "{" not in c.text)


def test_copy_mode_is_the_default(seatside, qtbot):
    seatside.model.choose_scenario("atm-cash-retained")
    n = plain_choice_number(seatside)
    text = seatside.phrases.current_choices()[n].text  # what the seat sees as number n + 1
    with qtbot.waitSignal(seatside.insertion.inserted) as blocker:
        seatside.hotkeys.backend.press(f"ctrl+alt+{n + 1}")
    assert blocker.args == [text, "copy"]
    assert seatside.phrases.current_choices()[n].text == text  # the number did not move
    assert seatside.phrases.clipboard.text() == text
    assert seatside.insertion.inserter.keys == []


def test_paste_waits_for_modifiers_and_restores_the_clipboard(make_app, qtbot):
    app = make_app(insert_mode="paste")
    clipboard, inserter = app.phrases.clipboard, app.insertion.inserter
    clipboard.set_text("what the seat copied before")
    inserter.held_modifiers = 5
    app.model.choose_scenario("atm-cash-retained")
    n = plain_choice_number(app)
    text = app.phrases.current_choices()[n].text
    with qtbot.waitSignal(app.insertion.inserted, timeout=3000) as blocker:
        app.hotkeys.backend.press(f"ctrl+alt+{n + 1}")
    assert blocker.args == [text, "paste"]
    assert inserter.held_modifiers == 0 and inserter.keys == ["ctrl+v"]
    qtbot.waitUntil(lambda: clipboard.text() == "what the seat copied before", timeout=3000)


def test_clipboard_is_not_restored_over_something_new(make_app, qtbot):
    app = make_app(insert_mode="paste")
    clipboard = app.phrases.clipboard
    clipboard.set_text("old")
    app.model.choose_scenario("atm-cash-retained")
    n = plain_choice_number(app)
    with qtbot.waitSignal(app.insertion.inserted):
        app.hotkeys.backend.press(f"ctrl+alt+{n + 1}")
    clipboard.set_text("copied by the seat meanwhile")
    with qtbot.waitSignal(app.insertion.clipboardRestored, timeout=10000) as checked:
        pass  # the restore runs a moment after the paste
    assert checked.args == [False]
    assert clipboard.text() == "copied by the seat meanwhile"


def test_per_app_profile_and_type_mode(make_app, qtbot):
    app = make_app()
    app.settings.set("app_profiles", [{"app": "wps", "mode": "paste", "paste_keys": "shift+insert"},
                                      {"app": "citrix", "mode": "copy"}, {"app": "notepad.exe", "mode": "type"}])
    inserter = app.insertion.inserter
    app.model.choose_scenario("atm-cash-retained")
    n = plain_choice_number(app)
    text = app.phrases.current_choices()[n].text
    inserter.window = WindowInfo(7, "wps", "WPS 文字")
    with qtbot.waitSignal(app.insertion.inserted):
        app.hotkeys.backend.press(f"ctrl+alt+{n + 1}")
    assert inserter.keys == ["shift+insert"]
    inserter.window = WindowInfo(8, "notepad.exe", "记事本")
    with qtbot.waitSignal(app.insertion.inserted, timeout=3000) as blocker:
        app.hotkeys.backend.press(f"ctrl+alt+{n + 1}")
    assert blocker.args == [text, "type"] and inserter.typed == [text]
    assert app.insertion.mode_for(WindowInfo(9, "citrix")) == ("copy", "ctrl+v")


def test_every_insertion_is_recorded_against_the_call(make_app, qtbot):
    app = make_app(insert_mode="paste")
    model = app.model
    model.start_call()
    model.choose_scenario("atm-cash-retained")
    n = plain_choice_number(app)
    with qtbot.waitSignal(app.insertion.inserted):
        app.hotkeys.backend.press(f"ctrl+alt+{n + 1}")
    with qtbot.waitSignal(model.callEnded) as ended:
        model.end_call("resolved")
    record = app.worker.call(lambda store: store.get_call(ended.args[0]))
    assert [(p.phrase_id, p.via) for p in record.phrases] == [(model.scenario.steps[0].phrases[n].id, "paste")]
    usage = app.worker.call(lambda store: store.phrase_usage())
    assert list(usage) == [f"atm-cash-retained/{model.scenario.steps[0].phrases[n].id}"]


def pack_app(make_app, tmp_path, **kwargs):
    folder = write_pack(tmp_path / "packs", "t.yaml", MINIMAL_PACK).parent
    app = make_app(builtin=False, pack_dirs=[folder], **kwargs)
    app.model.choose_scenario("test-scenario")
    return app


def test_missing_placeholder_prompts_then_inserts(make_app, tmp_path, qtbot):
    app = pack_app(make_app, tmp_path, insert_mode="paste")
    prompts = []
    app.insertion.valuesNeeded.connect(lambda pending: prompts.append(pending))
    app.hotkeys.backend.press("ctrl+alt+1")
    qtbot.waitUntil(lambda: len(prompts) == 1)
    (pending,) = prompts
    assert pending.missing == ("称呼",) and pending.target == WindowInfo(1, "crm", "CRM")
    assert app.insertion.inserter.keys == [] and app.phrases.clipboard.history == []
    prompt = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ValuesPrompt) and w.isVisible())
    type_text(prompt.fields["称呼"], "李女士")
    with qtbot.waitSignal(app.insertion.inserted, timeout=3000) as blocker:
        prompt.accept()
    assert blocker.args == ["李女士，您好", "paste"]
    # the value is remembered: the next insertion needs no prompt
    with qtbot.waitSignal(app.insertion.inserted, timeout=3000):
        app.hotkeys.backend.press("ctrl+alt+1")
    assert len(prompts) == 1


def test_cancelled_prompt_inserts_nothing_and_returns_focus(make_app, tmp_path, qtbot):
    app = pack_app(make_app, tmp_path, insert_mode="paste")
    app.hotkeys.backend.press("ctrl+alt+1")
    qtbot.waitUntil(lambda: any(isinstance(w, ValuesPrompt) and w.isVisible() for w in QApplication.topLevelWidgets()))
    prompt = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ValuesPrompt) and w.isVisible())
    prompt.reject()
    inserter = app.insertion.inserter
    qtbot.waitUntil(lambda: inserter.activated != [])  # the cancel has been handled: focus given back
    assert inserter.keys == [] and inserter.typed == [] and app.phrases.clipboard.history == []
    assert inserter.activated == [WindowInfo(1, "crm", "CRM")]


def test_palette_filters_and_inserts_into_the_previous_window(make_app, qtbot):
    app = make_app(insert_mode="paste")
    inserter = app.insertion.inserter
    crm = inserter.window
    app.model.set_value("称呼", "王先生")
    app.hotkeys.backend.press("ctrl+alt+space")
    qtbot.waitUntil(lambda: app.palette.isVisible())
    assert app.palette.target == crm
    type_text(app.palette.query, "临时挂失", preedit="linshi")
    results = app.palette.results()
    assert results and all("临时挂失" in r.text for r in results)
    inserter.window = WindowInfo(99, "seatside", "palette")  # the palette has focus now
    with qtbot.waitSignal(app.insertion.inserted, timeout=3000) as blocker:
        qtbot.keyClick(app.palette.query, "\r")
    assert not app.palette.isVisible()
    assert blocker.args[1] == "paste" and inserter.activated[-1] == crm
    assert "临时挂失" in blocker.args[0] and "{" not in blocker.args[0]


def test_palette_escape_returns_focus(make_app, qtbot):
    app = make_app()
    crm = app.insertion.inserter.window
    app.handle_action("palette")
    qtbot.waitUntil(lambda: app.palette.isVisible())
    app.palette.reject()
    assert not app.palette.isVisible() and app.insertion.inserter.activated == [crm]


def test_toggle_actions(make_app, qtbot):
    app = make_app()
    app.panel.show()
    app.handle_action("toggle-panel")
    assert not app.panel.isVisible()
    app.handle_action("toggle-panel")
    assert app.panel.isVisible()
    app.handle_action("toggle-call")
    assert app.model.in_call
    app.model.choose_scenario("atm-cash-retained")
    app.handle_action("next-step")
    assert app.model.current_index() == 1


def test_personal_phrases_layer_over_the_packs(make_app, qtbot):
    app = make_app()
    model = app.model
    phrases = app.phrases
    model.choose_scenario("atm-cash-retained")
    step = model.call.current_step_id()
    phrases.add_personal("您别担心，钱一分都不会少", "atm-cash-retained", step)
    qtbot.waitUntil(lambda: any(c.personal for c in phrases.current_choices()), timeout=3000)
    mine = [c for c in phrases.current_choices() if c.personal]
    assert [c.text for c in mine] == ["您别担心，钱一分都不会少"]
    assert any("[我的]" in text for text in app.panel.phrases.texts())
    phrases.add_personal("稍等，我帮您查一下", "", "")  # general: in search, not in the step list
    qtbot.waitUntil(lambda: len(phrases.personal) == 2, timeout=3000)
    assert len([c for c in phrases.current_choices() if c.personal]) == 1
    phrases.edit_personal(int(mine[0].phrase_id), "您别担心，钱不会少的", "atm-cash-retained", step)
    phrases.set_favourite(phrases.current_choices()[-1], True)
    starred = phrases.current_choices()[-1]  # starring moves no number while the step is shown
    assert starred.personal and starred.favourite and starred.text == "您别担心，钱不会少的"
    assert app.panel.phrases.texts()[-1].startswith(f"{len(phrases.current_choices())}. ★ ")
    model.start_call()  # between calls, the next showing puts favourites first
    model.choose_scenario("card-retained-atm")
    model.choose_scenario("atm-cash-retained")
    first = phrases.current_choices()[0]
    assert first.key == starred.key and app.panel.phrases.texts()[0].startswith("1. ★ ")
    # stored in SQLite: a pack reload or a restart does not touch them
    model.set_library(model.library)
    stored = app.worker.call(lambda store: store.personal_phrases())
    assert [(p.text, p.favourite) for p in stored] == [("您别担心，钱不会少的", True), ("稍等，我帮您查一下", False)]
    phrases.delete_personal(int(first.phrase_id))
    assert not [c for c in phrases.current_choices() if c.personal]
    assert [p.text for p in app.worker.call(lambda store: store.personal_phrases())] == ["稍等，我帮您查一下"]
