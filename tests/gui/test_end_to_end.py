"""The whole call loop on the fully composed app, with the real X11 clipboard."""

from __future__ import annotations

import csv
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from desktop.ui.end_call_dialog import EndCallDialog
from tests.gui.conftest import type_text, x11_clipboard


def click_item(qtbot, list_widget, row: int) -> None:
    item = list_widget.item(row)
    list_widget.scrollToItem(item)
    qtbot.mouseClick(list_widget.viewport(), Qt.MouseButton.LeftButton, pos=list_widget.visualItemRect(item).center())


def test_whole_call_loop_then_csv_export(make_app, qtbot, tmp_path, monkeypatch):
    app = make_app(real_clipboard=True)
    panel, model = app.panel, app.model
    panel.show()
    qtbot.waitExposed(panel)

    # 1. start a call and pick the scenario by typing part of its name
    panel.call_button.click()
    assert model.in_call and panel.call_button.text() == "结束通话"
    type_text(panel.picker.filter_edit, "吞卡", preedit="tunka")
    assert panel.picker.visible_ids()[0] == "card-retained-atm"
    click_item(qtbot, panel.picker.list, 0)
    scenario = model.scenario
    assert scenario.id == "card-retained-atm"

    # 2. tick the first step: the highlight and the phrases move to the next one
    first = panel.checklist.list.item(0)
    first.setCheckState(Qt.CheckState.Checked)
    assert model.current_index() == 1
    second_step = scenario.steps[1]
    assert panel.phrases.count() == len(second_step.phrases)

    # 3. click a phrase: another X11 program reads it from the system clipboard
    type_text(panel.notes.customer, "王先生")
    plain_row = next(i for i, p in enumerate(second_step.phrases) if "{" not in p.text or "{称呼}" in p.text)
    click_item(qtbot, panel.phrases, plain_row)
    expected = second_step.phrases[plain_row].text.replace("{称呼}", "王先生")
    assert x11_clipboard(qtbot) == expected

    #    ...and number keys do the same while the panel has focus
    panel.take_focus()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.phrases.setFocus()
    key_row = next(i for i, p in enumerate(second_step.phrases) if i != plain_row and "{" not in p.text)
    qtbot.keyClick(panel.phrases, Qt.Key(Qt.Key.Key_1 + key_row))
    assert x11_clipboard(qtbot) == second_step.phrases[key_row].text

    # 4. notes typed through the IME are autosaved
    with qtbot.waitSignal(model.notesSaved, timeout=3000):
        type_text(panel.notes.editor, "客户卡被本行ATM吞了，已办理临时挂失", preedit="kehu")

    # 5. end the call with a disposition
    panel.toggle_call()
    dialog = panel.findChild(EndCallDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.choose("follow-up")
    assert not dialog.ok_button.isEnabled()  # required steps are still open
    for box in dialog.missing_boxes.values():
        box.setChecked(True)  # "tick now"
    with qtbot.waitSignal(model.callEnded, timeout=3000) as ended:
        dialog.ok_button.click()
    record = app.worker.call(lambda store: store.get_call(ended.args[0]))
    assert record.status == "ended"
    assert record.scenario_id == "card-retained-atm" and record.scenario_name == scenario.name
    assert record.disposition == "follow-up"
    assert record.notes == "客户卡被本行ATM吞了，已办理临时挂失"
    started, finished = datetime.fromisoformat(record.started_at), datetime.fromisoformat(record.ended_at)
    assert started <= finished and record.duration_s is not None and record.duration_s >= 0
    required = [s.id for s in scenario.steps[1:] if s.mandatory]
    assert [s.step_id for s in record.steps] == [scenario.steps[0].id, *required]
    assert all(s.ticked_at for s in record.steps)
    assert [f.text for f in record.followups if f.kind == "continuity"] == list(scenario.continuity)
    assert [(p.phrase_id, p.via) for p in record.phrases] == [
        (second_step.phrases[plain_row].id, "click"),
        (second_step.phrases[key_row].id, "key"),
    ]
    # The record keeps the phrase as written in the pack, never with the caller's name in it.
    assert record.phrases[0].text == second_step.phrases[plain_row].text
    assert "王先生" not in record.phrases[0].text or "王先生" in second_step.phrases[plain_row].text

    # 6. export the shift from the panel's menu
    out = tmp_path / "shift.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    with qtbot.waitSignal(app.records.exportFinished, timeout=5000) as exported:
        panel.menu.export_action.trigger()
    assert exported.args == [str(out), 1]
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    (row,) = csv.DictReader(raw.decode("utf-8-sig").splitlines())
    assert row["场景"] == scenario.name
    assert row["处置结果"] == "需跟进"
    assert row["备注"] == record.notes
    assert second_step.phrases[plain_row].text in row["使用话术"]
    QApplication.processEvents()
