"""The step guidance box at the default window size: all its text shows, or it scrolls visibly."""

from __future__ import annotations

from pytestqt.exceptions import TimeoutError as WaitTimeout

from tests.helpers import MINIMAL_PACK, write_pack


def guidance_state(panel) -> tuple[bool, bool]:
    """(all the text fits in the visible box, the vertical scroll bar is showing)."""
    area, label = panel.checklist.guidance_area, panel.checklist.guidance
    needed = label.heightForWidth(area.viewport().width())
    bar = area.verticalScrollBar()
    return needed <= area.viewport().height(), bar.isVisible() and bar.maximum() > 0


def test_every_built_in_steps_guidance_shows_in_full_or_scrolls_visibly(seatside, qtbot):
    panel, model = seatside.panel, seatside.model
    panel.show()
    qtbot.waitExposed(panel)
    default_size = panel.size()
    model.start_call()
    cut = []
    for scenario in model.library.scenarios:
        model.choose_scenario(scenario.id)
        for step in scenario.steps:
            assert model.call.current_step_id() == step.id
            # All of it shows, or (a long one) it scrolls with its scroll bar showing.
            try:
                qtbot.waitUntil(lambda: guidance_state(panel) in ((True, False), (False, True)), timeout=2000)
            except WaitTimeout:
                cut.append((f"{scenario.id}/{step.id}", guidance_state(panel)))
            model.tick_current()
    assert panel.size() == default_size
    assert cut == []


def test_guidance_longer_than_the_box_scrolls_with_its_scroll_bar_showing(make_app, tmp_path, qtbot):
    facts = "\n".join(f"          - 第{n}条要点：核对客户身份后再说明处理时限和后续的回访安排" for n in range(30))
    pack = MINIMAL_PACK.replace("        mandatory: true\n", f"        mandatory: true\n        facts:\n{facts}\n", 1)
    folder = write_pack(tmp_path / "packs", "long.yaml", pack).parent
    app = make_app(builtin=False, pack_dirs=[folder])
    app.model.choose_scenario("test-scenario")
    app.panel.show()
    qtbot.waitExposed(app.panel)
    area = app.panel.checklist.guidance_area
    assert "第29条要点" in app.panel.checklist.guidance.text()
    qtbot.waitUntil(lambda: guidance_state(app.panel) == (False, True), timeout=2000)
    line = app.panel.checklist.guidance.fontMetrics().lineSpacing()
    assert area.viewport().height() >= 5 * line  # a real window onto the text, not a sliver
