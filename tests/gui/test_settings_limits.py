"""The settings dialog takes its limits from the schema."""

from __future__ import annotations

from desktop.core.seat.settings import SCHEMA
from desktop.ui.settings_dialog import SettingsDialog


def test_dialog_controls_use_the_schemas_ranges(seatside, qtbot):
    dialog = SettingsDialog(seatside.settings, str(seatside.data_dir))
    qtbot.addWidget(dialog)
    for name in ("opacity", "font_size", "complaint_days"):
        control = getattr(dialog, name)
        assert (control.minimum(), control.maximum()) == (SCHEMA[name].minimum, SCHEMA[name].maximum), name
    modes = [dialog.insert_mode.itemData(i) for i in range(dialog.insert_mode.count())]
    themes = [dialog.theme.itemData(i) for i in range(dialog.theme.count())]
    assert tuple(modes) == SCHEMA["insert_mode"].choices and tuple(themes) == SCHEMA["theme"].choices
