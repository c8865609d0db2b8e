"""The wired app with bad packs beside good ones: the good load, the bad are listed."""

from __future__ import annotations

import os

import pytest

from tests.helpers import MINIMAL_PACK, write_pack


@pytest.mark.expect_log
def test_the_panel_loads_the_good_packs_and_lists_the_bad_ones(make_app, isolated_dirs):
    packs = isolated_dirs / "packs"
    write_pack(packs, "a-good.yaml", MINIMAL_PACK)
    write_pack(packs, "b-huge.yaml", "pack:\n  name: x\n  version: " + "9" * 50_000 + "\nscenarios: []\n")
    os.mkfifo(packs / "c-pipe.yaml")
    (packs / "d-zero.yaml").symlink_to("/dev/zero")
    app = make_app()
    assert app.packs.library.get("test-scenario") is not None
    assert len(app.packs.library) > 1  # the built-in scenarios too
    label = app.panel.problem_label
    assert not label.isHidden() and "已跳过 3 个" in label.text()
    for bad in ("b-huge.yaml", "c-pipe.yaml", "d-zero.yaml"):
        assert bad in label.toolTip()
