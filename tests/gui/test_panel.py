"""The panel and its views, driven through widget methods and signals."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.ui.end_call_dialog import EndCallDialog
from tests.gui.conftest import type_text
from tests.helpers import MINIMAL_PACK, write_pack


def steps(app):
    lst = app.panel.checklist.list
    return [lst.item(i) for i in range(lst.count())]


def test_panel_is_on_top_and_does_not_take_focus(seatside, qtbot):
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow)
    panel = seatside.panel
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert panel.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    qtbot.wait(100)
    assert QApplication.activeWindow() is other


def test_lists_builtin_scenarios_in_chinese(seatside):
    picker = seatside.panel.picker
    assert {"points-redemption", "card-retained-atm", "atm-cash-retained"} <= set(picker.visible_ids())
    assert seatside.panel.call_button.text() == "开始通话"
    assert seatside.panel.windowTitle() == "坐席助手"


def test_filter_by_typing_chinese_with_an_ime(seatside, qtbot):
    picker = seatside.panel.picker
    seatside.panel.show()
    qtbot.waitExposed(seatside.panel)
    type_text(picker.filter_edit, "吞卡", preedit="tunka")
    assert picker.filter_edit.text() == "吞卡"
    assert picker.visible_ids()[0] == "card-retained-atm"
    picker.filter_edit.returnPressed.emit()
    assert seatside.model.scenario.id == "card-retained-atm"


def test_checklist_marks_mandatory_and_moves_highlight(seatside, qtbot):
    model = seatside.model
    model.start_call()
    model.choose_scenario("card-retained-atm")
    scenario = model.scenario
    items = steps(seatside)
    assert len(items) == len(scenario.steps)
    for item, step in zip(items, scenario.steps):
        assert ("【必做】" in item.text()) == step.mandatory
    assert seatside.panel.checklist.highlighted_row() == 0
    assert seatside.panel.phrases.count() == len(scenario.steps[0].phrases)
    items[0].setCheckState(Qt.CheckState.Checked)
    assert model.current_index() == 1
    assert items[0].font().bold() is False
    assert steps(seatside)[1].font().bold() is True
    texts = seatside.panel.phrases.texts()
    assert texts[0].startswith("1. ")
    assert len(texts) == len(scenario.steps[1].phrases)


def test_ticking_without_a_call_is_refused(seatside, qtbot):
    seatside.model.choose_scenario("atm-cash-retained")
    with qtbot.waitSignal(seatside.model.message) as blocker:
        steps(seatside)[0].setCheckState(Qt.CheckState.Checked)
    assert "开始通话" in blocker.args[0]
    assert steps(seatside)[0].checkState() == Qt.CheckState.Unchecked


def test_number_keys_copy_phrases_when_the_panel_has_focus(seatside, qtbot):
    clipboard = seatside.phrases.clipboard
    panel = seatside.panel
    seatside.model.choose_scenario("atm-cash-retained")
    panel.show()
    panel.take_focus()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.phrases.setFocus()
    phrases = seatside.phrases.current_choices()
    plain = [i for i, p in enumerate(phrases) if "{" not in p.text]
    assert plain, "the first step needs a phrase without placeholders"
    qtbot.keyClick(panel.phrases, Qt.Key(Qt.Key.Key_1 + plain[0]))
    assert clipboard.text() == phrases[plain[0]].text
    # digits typed into the notes box stay text
    seatside.model.start_call()
    type_text(panel.notes.editor, "")
    qtbot.keyClick(panel.notes.editor, Qt.Key.Key_2)
    assert panel.notes.editor.toPlainText() == "2"
    assert len(clipboard.history) == 1


def test_missing_placeholder_copies_nothing(make_app, tmp_path, qtbot):
    app = make_app(builtin=False, pack_dirs=[write_pack(tmp_path / "packs", "t.yaml", MINIMAL_PACK).parent])
    model = app.model
    phrases = app.phrases
    model.choose_scenario("test-scenario")
    model.start_call()
    with qtbot.waitSignal(phrases.message) as blocker:
        assert phrases.copy_phrase(0) is False
    assert "{称呼}" in blocker.args[0]
    assert phrases.clipboard.history == []
    type_text(app.panel.notes.customer, "王先生")
    app.panel.notes.customer.textEdited.emit("王先生")
    assert phrases.copy_phrase(0) is True
    assert phrases.clipboard.text() == "王先生，您好"


def test_notes_are_saved_soon_after_typing(seatside, qtbot):
    model = seatside.model
    assert model._notes_timer.interval() <= 500
    model.start_call()
    editor = seatside.panel.notes.editor
    with qtbot.waitSignal(model.notesSaved, timeout=3000) as blocker:
        type_text(editor, "客户说卡在ATM里被吞了")
        type_text(editor, "，已做临时挂失")
    call = seatside.worker.call(lambda store: store.get_call(blocker.args[0]))
    assert call.notes == "客户说卡在ATM里被吞了，已做临时挂失"
    assert call.status == "active"


def test_end_call_needs_a_disposition_and_a_reason_for_skipped_required_steps(seatside, qtbot):
    model = seatside.model
    model.start_call()
    model.choose_scenario("card-retained-atm")
    scenario = model.scenario
    required = [s for s in scenario.steps if s.mandatory]
    dialog = EndCallDialog(model, seatside.records)
    qtbot.addWidget(dialog)
    assert dialog.findChild(QWidget, "missingSteps") is not None
    assert set(dialog.missing_boxes) == {s.id for s in required}
    assert not dialog.ok_button.isEnabled()
    dialog.accept()
    assert model.in_call
    dialog.choose("complaint")
    assert not dialog.ok_button.isEnabled()  # required steps left: a reason is needed
    dialog.missing_boxes[required[0].id].setChecked(True)
    type_text(dialog.reason, "客户中途挂断")
    assert dialog.ok_button.isEnabled()
    dialog.callback.setChecked(True)
    with qtbot.waitSignal(model.callEnded) as blocker:
        dialog.accept()
    record = seatside.worker.call(lambda store: store.get_call(blocker.args[0]))
    assert record.disposition == "complaint" and record.status == "ended"
    assert record.end_reason == "客户中途挂断"
    assert record.wrapup_s is not None and record.wrapup_s >= 0
    assert [s.step_id for s in record.steps] == [required[0].id]
    kinds = [f.kind for f in record.followups]
    assert kinds.count("continuity") == len(scenario.continuity) and "complaint" in kinds and "callback" in kinds
    complaint = next(f for f in record.followups if f.kind == "complaint")
    started = datetime.fromisoformat(record.started_at)
    assert timedelta(days=14) < datetime.fromisoformat(complaint.due_at) - started < timedelta(days=16)
    # Stored as its kind alone (no UI-language text in the database), worded when shown.
    callback = next(f for f in record.followups if f.kind == "callback")
    assert complaint.text == "" and callback.text == ""
    assert (complaint.label("zh"), complaint.label("en")) == ("投诉处理时限", "Complaint handling deadline")
    assert callback.label("en") == "Call the customer back"
    assert not model.in_call
    assert seatside.panel.call_button.text() == "开始通话"


def test_the_wrap_up_is_a_phase_of_the_call_not_a_dialog(seatside, qtbot):
    """The call button opens the wrap-up: the call model is in it (what the hub's heartbeat
    reports); closing the dialog goes back to the call; ending it goes back to idle."""
    model, panel = seatside.model, seatside.panel
    phases: list[str] = []
    model.phaseChanged.connect(phases.append)
    panel.toggle_call()
    assert model.phase.value == "in_call" and phases == ["in_call"]
    for step in model.scenario.steps:  # nothing left for the wrap-up to ask about
        model.set_step_ticked(step.id, True)
    panel.toggle_call()
    dialog = panel.wrapup_shown()
    assert dialog is not None and model.wrapping_up and model.in_call and phases[-1] == "after_call"
    assert panel.call_button.text() == "结束通话"
    panel.toggle_call()  # again: the same wrap-up, not a second one
    assert panel.wrapup_shown() is dialog and phases.count("after_call") == 1
    dialog.reject()
    assert model.phase.value == "in_call" and phases[-1] == "in_call"
    panel.toggle_call()
    dialog = panel.wrapup_shown()
    assert dialog is not None
    dialog.choose("resolved")
    with qtbot.waitSignal(model.callEnded):
        dialog.accept()
    assert model.phase.value == "idle" and phases[-1] == "idle" and not model.wrapping_up


def test_a_wrap_up_the_phone_system_asked_for_stays_until_the_call_is_ended(seatside, qtbot):
    model, panel = seatside.model, seatside.panel
    model.start_call()
    for step in model.scenario.steps:
        model.set_step_ticked(step.id, True)
    assert model.begin_wrap_up(by_platform=True)
    dialog = panel.wrapup_shown()
    assert dialog is not None and model.wrapping_up
    assert not model.begin_wrap_up(by_platform=True)  # a second "ended": refused, nothing opens
    assert [d for d in panel.findChildren(EndCallDialog) if d.isVisible()] == [dialog]
    dialog.reject()
    assert model.wrapping_up  # the conversation is over: the seat cannot go back to it
    panel.toggle_call()
    reopened = panel.wrapup_shown()
    assert reopened is not None and model.wrapping_up
    reopened.choose("resolved")
    with qtbot.waitSignal(model.callEnded):
        reopened.accept()
    assert not model.in_call


def test_no_reason_needed_when_everything_required_is_done(seatside, qtbot):
    model = seatside.model
    model.start_call()
    model.choose_scenario("atm-cash-retained")
    for step in model.scenario.steps:
        model.set_step_ticked(step.id, True)
    dialog = EndCallDialog(model, seatside.records)
    qtbot.addWidget(dialog)
    assert dialog.reason.isHidden()
    dialog.choose("resolved")
    assert dialog.ok_button.isEnabled()


def test_configured_dispositions(seatside, qtbot):
    seatside.settings.set("dispositions", [{"code": "sold", "zh": "已营销", "en": "Sold"},
                                           {"code": "resolved", "zh": "已解决", "en": "Resolved"}])
    model = seatside.model
    model.start_call()
    dialog = EndCallDialog(model, seatside.records)
    qtbot.addWidget(dialog)
    assert [b.text() for b in dialog.buttons.values()] == ["已营销", "已解决"]
    with pytest.raises(ValueError):
        model.end_call("escalated")


@pytest.mark.expect_log
def test_broken_pack_is_shown_and_the_rest_load(make_app, tmp_path):
    folder = tmp_path / "packs"
    write_pack(folder, "good.yaml", MINIMAL_PACK)
    bad = write_pack(folder, "broken.yaml", "scenarios:\n  - id: x\n    name: [\n")
    app = make_app(pack_dirs=[folder])
    assert "test-scenario" in app.panel.picker.visible_ids()
    assert "card-retained-atm" in app.panel.picker.visible_ids()
    label = app.panel.problem_label
    assert not label.isHidden()
    assert f"{bad}:4:" in label.text()


def test_english_ui_through_the_translation_system(make_app):
    app = make_app(language="en")
    assert app.panel.call_button.text() == "Start call"
    assert app.panel.windowTitle() == "Seatside"
