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
    assert "这是规定" in tip and "保护" in tip
    assert notes.highlighter.tooltip_at(1) == ""


def test_phrase_with_a_banned_word_is_flagged_in_the_list(make_app, tmp_path):
    from tests.helpers import MINIMAL_PACK, write_pack

    folder = write_pack(tmp_path / "p", "t.yaml", MINIMAL_PACK.replace("请您稍等", "我不知道，请您稍等")).parent
    app = make_app(builtin=False, pack_dirs=[folder])
    app.model.choose_scenario("test-scenario")
    item = app.panel.phrases.item(1)
    assert item.text().startswith("2. ⚠ ") and "我不知道" in item.toolTip()
