"""The notes box: banned phrases underlined as the seat types."""

from __future__ import annotations

from PySide6.QtGui import QTextCharFormat

from tests.gui.conftest import type_text


def underlined_ranges(editor) -> list[tuple[int, int]]:
    ranges = []
    block = editor.document().firstBlock()
    while block.isValid():
        for fmt in block.layout().formats():
            if fmt.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline:
                ranges.append((block.position() + fmt.start, fmt.length))
        block = block.next()
    return ranges


def test_banned_phrase_is_underlined_with_a_suggestion(seatside, qtbot):
    seatside.model.start_call()
    notes = seatside.panel.notes
    type_text(notes.editor, "跟客户说了这是规定，", preedit="zheshiguiding")
    type_text(notes.editor, "您听我说")
    assert underlined_ranges(notes.editor) == [(5, 4), (10, 4)]
    tip = notes.highlighter.tooltip_at(6)
    assert "这是规定" in tip and "保护" in tip and "拿规定压人" in tip  # the reason, in words
    assert notes.highlighter.tooltip_at(1) == ""


def test_phrase_with_a_banned_word_is_flagged_in_the_list(make_app, tmp_path):
    from tests.helpers import MINIMAL_PACK, write_pack

    folder = write_pack(tmp_path / "p", "t.yaml", MINIMAL_PACK.replace("请您稍等", "我不知道，请您稍等")).parent
    app = make_app(builtin=False, pack_dirs=[folder])
    app.model.choose_scenario("test-scenario")
    item = app.panel.phrases.item(1)
    assert item.text().startswith("2. ⚠ ") and "我不知道" in item.toolTip()


def luhn_card(prefix: str = "622202123456789") -> str:
    from stdnum import luhn

    return prefix + luhn.calc_check_digit(prefix)


def test_numbers_in_notes_are_masked_when_saved_never_in_the_editor(seatside, qtbot):
    model, editor = seatside.model, seatside.panel.notes.editor
    model.start_call()
    card = luhn_card()
    typed = f"客户卡号{card}，手机13812345678，金额20000.00元"
    with qtbot.waitSignal(model.notesSaved, timeout=3000) as saved:
        type_text(editor, typed)
        editor.moveCursor(editor.textCursor().MoveOperation.End)
    # The editor is the seat's: what they typed stays as typed while the call goes on.
    assert editor.toPlainText() == typed
    assert editor.textCursor().position() == len(typed)
    stored = seatside.worker.call(lambda store: store.get_call(saved.args[0]).notes)
    # The draft is masked as the final record will be: the amount stays readable.
    expected = f"客户卡号{card[:6]}{'*' * (len(card) - 10)}{card[-4:]}，手机*******5678，金额20000.00元"
    assert stored == expected
    raw = (seatside.data_dir / "seatside.db").read_bytes() + (seatside.data_dir / "seatside.db-wal").read_bytes()
    assert card.encode() not in raw and b"13812345678" not in raw
    with qtbot.waitSignal(model.callEnded, timeout=5000):
        model.end_call("resolved")
    assert seatside.worker.call(lambda store: store.get_call(saved.args[0]).notes) == expected


def test_customer_reference_shows_earlier_calls(seatside, qtbot):
    model, notes = seatside.model, seatside.panel.notes
    # As with an OS key store (without one, a typed number finds no history at all).
    seatside.worker.call(lambda store: setattr(store, "history_key", b"k" * 32))
    model.start_call()
    model.choose_scenario("card-retained-atm")
    type_text(notes.reference, "13812345678")
    with qtbot.waitSignal(model.historyLoaded):
        notes.reference.editingFinished.emit()
    assert notes.reference.text() == "*******5678"
    type_text(notes.editor, "第一次来电，已挂失")
    dialog_done = qtbot.waitSignal(model.callEnded)
    with dialog_done:  # the hand-overs kept, as the wrap-up does when they are left ticked
        model.end_call("follow-up", end_reason="test", kept=model.scenario.continuity)
    model.start_call()
    type_text(notes.reference, "138-1234-5678")
    with qtbot.waitSignal(model.historyLoaded) as loaded:
        notes.reference.editingFinished.emit()
    (earlier,) = loaded.args[0]
    assert earlier.notes == "第一次来电，已挂失"
    assert not notes.history.isHidden() and notes.history.count() == 1
    text = notes.history.item(0).text()
    assert "ATM吞卡与挂失" in text and "需跟进" in text and "取卡" in text  # open hand-over follow-up


def test_call_in_progress_survives_a_restart(make_app, qtbot):
    first = make_app()
    model = first.model
    model.start_call()
    model.choose_scenario("atm-cash-retained")
    model.tick_current()
    type_text(first.panel.notes.editor, "老人家很着急，已登记吞钞")
    model.flush()
    first.hotkeys.close()
    first.worker.shutdown()  # the process dies: no end_call, no closing save
    first.closed = True
    second = make_app()
    qtbot.waitSignal(second.model.recovered, timeout=3000)
    qtbot.waitUntil(lambda: second.model.in_call, timeout=3000)
    restored = second.model
    assert restored.scenario.id == "atm-cash-retained" and restored.current_index() == 1
    assert second.panel.notes.editor.toPlainText() == "老人家很着急，已登记吞钞"
    assert second.panel.call_button.text() == "结束通话"
    with qtbot.waitSignal(restored.callEnded) as ended:
        restored.end_call("resolved")
    record = second.worker.call(lambda store: store.get_call(ended.args[0]))
    assert record.status == "ended" and [s.step_id for s in record.steps] == [restored.scenario.steps[0].id]
