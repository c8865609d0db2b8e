"""The settings schema: ranges and choices, typed getters, a private file written at once."""

from __future__ import annotations

import json
import stat

import pytest

from desktop.core.seat.settings import SCHEMA, Settings, limits


def test_every_default_is_allowed_by_its_own_schema():
    for setting in SCHEMA.values():
        assert setting.allows(setting.default), setting.name
        if isinstance(setting.default, int) and not isinstance(setting.default, bool):
            assert setting.minimum is not None and setting.maximum is not None, (
                f"{setting.name} is a number without a range"
            )


@pytest.mark.parametrize(
    ("name", "bad"),
    [("opacity", 39), ("opacity", 101), ("font_size", -1), ("complaint_days", 0), ("notes_autosave_ms", 10),
     ("theme", "purple"), ("insert_mode", "shout"), ("language", "fr")],
)
def test_out_of_range_values_are_refused_and_read_back_as_the_default(tmp_path, name, bad):
    path = tmp_path / "settings.json"
    settings = Settings(path)
    with pytest.raises(ValueError, match=name):
        settings.set(name, bad)
    path.write_text(json.dumps({name: bad}), encoding="utf-8")
    assert Settings(path).get(name) == SCHEMA[name].default


def test_typed_getters(tmp_path):
    settings = Settings(tmp_path / "settings.json")
    settings.set("opacity", 80)
    assert settings.integer("opacity") == 80
    assert settings.text("theme") == "system"
    assert settings.flag("compact") is False
    with pytest.raises(TypeError):
        settings.integer("theme")
    with pytest.raises(TypeError):
        settings.flag("opacity")
    assert limits("opacity") == (40, 100)
    with pytest.raises(KeyError):
        limits("theme")


def test_the_file_is_private_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "settings.json"
    Settings(path).set("seat_id", "A1024")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
