"""Content features in the panel: to-confirm marks, suggestion tooltips, the bank name."""

from __future__ import annotations

from tests.gui.conftest import type_text


def test_a_fact_to_confirm_carries_a_mark(seatside):
    model, checklist = seatside.model, seatside.panel.checklist
    model.choose_scenario("atm-cash-retained")
    model.start_call()
    model.set_step_ticked("reassure", True)  # highlights 倾听确认经过, which has facts to confirm
    text = checklist.guidance.text()
    review_lines = [line for line in text.splitlines() if "⚑" in line]
    sourced_lines = [line for line in text.splitlines() if line.startswith("•") and "⚑" not in line]
    assert any("他行设备取款吞钞" in line for line in review_lines)
    assert sourced_lines  # a fact with a source has no mark
    assert "⚑" in checklist.guidance.toolTip()


def test_notes_about_a_swallowed_card_suggest_the_card_scenario_with_a_reason(seatside, qtbot):
    model, panel = seatside.model, seatside.panel
    model.start_call()
    model.choose_scenario("generic-complaint")
    with qtbot.waitSignal(model.scenarioSuggested) as offered:
        type_text(panel.notes.editor, "客户说卡在ATM被吞了，卡号后四位1234")
    assert offered.args[0] == "card-retained-atm"
    assert not panel.suggestion_box.isHidden()
    # The reason in words: what the notes said for the cue 卡…{8}被吞, never its syntax.
    assert "卡在ATM被吞" in panel.suggestion_box.toolTip() and "{8}" not in panel.suggestion_box.toolTip()
    with qtbot.waitSignal(model.suggestionExplained):
        type_text(panel.notes.editor, "，要挂失")
    assert "挂失" in panel.suggestion_box.toolTip()  # the reason follows the notes


def test_the_bank_name_setting_fills_outbound_openings(seatside):
    model = seatside.model
    phrases = seatside.phrases
    model.settings.set("bank_name", "示例银行")
    model.choose_scenario("card-pickup-notice")
    choice = phrases.current_choices()[0]
    rendered = phrases.render(choice)
    assert "{银行名称}" in choice.text and "示例银行" in rendered.text and "银行名称" not in rendered.missing
