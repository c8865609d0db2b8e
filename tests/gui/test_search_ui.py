"""The search engine in the panel: palette, scenario filter, IME safety, suggestions, use order."""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import type_text


def test_palette_finds_by_pinyin_and_initials(make_app, qtbot):
    app = make_app()
    app.handle_action("palette")
    qtbot.waitUntil(app.palette.isVisible)
    type_text(app.palette.query, "linshiguashi")
    results = app.palette.results()
    assert results and "临时挂失" in results[0].text
    app.palette.query.clear()
    type_text(app.palette.query, "積分")  # Traditional finds Simplified
    assert app.palette.results() and "积分" in app.palette.results()[0].text
    app.palette.reject()


def test_ime_composition_does_not_filter_until_committed(make_app, qtbot):
    app = make_app()
    app.handle_action("palette")
    qtbot.waitUntil(app.palette.isVisible)
    before = [c.key for c in app.palette.results()]
    query = app.palette.query
    query.setFocus()
    QApplication.sendEvent(query, QInputMethodEvent("tunka", []))  # still composing
    assert query.text() == "" and [c.key for c in app.palette.results()] == before
    commit = QInputMethodEvent("", [])
    commit.setCommitString("吞卡")
    QApplication.sendEvent(query, commit)
    assert query.text() == "吞卡" and "吞卡" in app.palette.results()[0].text
    app.palette.reject()


def test_scenario_filter_understands_pinyin(seatside):
    picker = seatside.panel.picker
    type_text(picker.filter_edit, "tunchao")
    assert picker.visible_ids()[0] == "atm-cash-retained"


def test_notes_suggest_another_scenario_once_and_can_be_dismissed(seatside, qtbot):
    model, panel = seatside.model, seatside.panel
    model.start_call()
    model.choose_scenario("points-redemption")
    with qtbot.waitSignal(model.scenarioSuggested) as offered:
        type_text(panel.notes.editor, "客户说卡在取款机里被吞卡了")
    scenario_id, keyword = offered.args
    assert scenario_id == "card-retained-atm" and keyword
    assert not panel.suggestion_box.isHidden() and model.scenario.id == "points-redemption"  # never by itself
    panel.suggestion_dismiss.click()
    assert model.offered != "card-retained-atm"
    assert panel.suggestion_box.isHidden() == (model.offered is None)  # another offer, or none shown
    type_text(panel.notes.editor, "，还提到吞卡")
    assert model.offered != "card-retained-atm" and "card-retained-atm" in model.dismissed


def test_switching_from_a_suggestion(seatside, qtbot):
    model, panel = seatside.model, seatside.panel
    model.start_call()
    model.choose_scenario("generic-complaint")
    with qtbot.waitSignal(model.scenarioSuggested):
        type_text(panel.notes.editor, "客户说要打12378找监管")
    assert model.offered == "escalation-threat"
    panel.suggestion_switch.click()
    assert model.scenario.id == "escalation-threat" and panel.suggestion_box.isHidden()


def test_step_list_follows_the_seats_own_use_between_calls(seatside, qtbot):
    model = seatside.model
    phrases = seatside.phrases
    model.choose_scenario("atm-cash-retained")
    last = phrases.current_choices()[-1]
    model.start_call()
    for _ in range(3):
        phrases.copy_choice(last)
    assert phrases.current_choices()[-1].key == last.key  # numbers stay put during the call
    with qtbot.waitSignal(model.callEnded):
        model.end_call("resolved", end_reason="test")
    assert phrases.current_choices()[-1].key == last.key  # still on screen: still in place
    model.choose_scenario("card-retained-atm")
    model.choose_scenario("atm-cash-retained")
    assert phrases.current_choices()[0].key == last.key  # shown again after the call: re-ranked


def test_phrase_use_loaded_at_start_moves_no_number_on_screen(make_app, qtbot):
    first = make_app()
    model = first.model
    phrases = first.phrases
    model.choose_scenario("atm-cash-retained")
    last = phrases.current_choices()[-1]
    for _ in range(3):
        phrases.copy_choice(last)
    qtbot.waitUntil(lambda: first.worker.call(lambda store: len(store.phrase_usage())) == 1, timeout=3000)
    shown = [c.key for c in phrases.current_choices()]
    with qtbot.waitSignal(phrases.phrasesChanged, timeout=3000):
        phrases.load_personal()  # the stored use arrives while the step is on screen
    assert len(phrases.usage[last.key]) >= 1
    assert [c.key for c in phrases.current_choices()] == shown


def test_a_keyword_the_current_scenario_shares_suggests_nothing(seatside, qtbot):
    model, panel = seatside.model, seatside.panel
    model.start_call()
    model.choose_scenario("card-retained-atm")
    with qtbot.assertNotEmitted(model.scenarioSuggested, wait=200):
        type_text(panel.notes.editor, "客户在他行ATM上取款")  # ATM: both ATM scenarios have it
    assert panel.suggestion_box.isHidden()
    with qtbot.waitSignal(model.scenarioSuggested) as offered:
        type_text(panel.notes.editor, "，还说钱没吐出来")
    assert offered.args[0] == "atm-cash-retained"


def test_hotkey_status_while_the_backend_starts(make_app):
    from desktop import app as app_module

    app = app_module.build(None, hotkey_backend=None)  # real hooks: they start a moment later
    try:
        assert not app.hotkeys.started and app.panel.hotkey_label.isHidden()
        assert app.panel.backend_label.text() == "快捷键：启动中…"
        app.start_hooks()
        assert app.hotkeys.started and app.panel.backend_label.text() != "快捷键：启动中…"
    finally:
        app.panel.close()
        app.shutdown()
        for translator in app.translators:
            app.qapp.removeTranslator(translator)
