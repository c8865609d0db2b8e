"""Every text/background pair each theme uses reaches WCAG AA (4.5:1); the widgets use them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from desktop.ui.appearance import TEXT_COLOURS, apply_theme, theme_colour

Role = QPalette.ColorRole
AA = 4.5


def luminance(colour: QColor) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.red()) + 0.7152 * linear(colour.green()) + 0.0722 * linear(colour.blue())


def contrast(foreground: QColor, background: QColor) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_on_known_pairs():
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast(QColor("#e8eaed"), QColor("#fff1c2")) < 1.2  # the old dark-theme current step


def pairs(theme: str) -> list[tuple[str, QColor, QColor]]:
    """(what, text colour, background) for every pair the theme draws."""
    palette = QApplication.instance().palette()
    extra = {name: QColor(value) for name, value in TEXT_COLOURS[theme].items()}
    found = []
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        def colour(role: Role, group: QPalette.ColorGroup = group) -> QColor:
            return palette.color(group, role)

        for text, back in ((Role.WindowText, Role.Window), (Role.Text, Role.Base), (Role.Text, Role.AlternateBase),
                           (Role.ButtonText, Role.Button), (Role.HighlightedText, Role.Highlight),
                           (Role.ToolTipText, Role.ToolTipBase), (Role.PlaceholderText, Role.Base),
                           (Role.Link, Role.Base), (Role.Link, Role.Window)):
            found.append((f"{group.name} {text.name} on {back.name}", colour(text), colour(back)))
        found.append((f"{group.name} current step text", colour(Role.Text), extra["step_highlight"]))
        for name in ("required", "warning"):
            for back in (Role.Window, Role.Base, Role.Button):
                found.append((f"{group.name} {name} on {back.name}", extra[name], colour(back)))
        found.append((f"{group.name} required on the current step", extra["required"], extra["step_highlight"]))
    return found


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_pair_reaches_wcag_aa(seatside, theme):
    seatside.settings.set("theme", theme)
    low = [(what, round(contrast(fg, bg), 2)) for what, fg, bg in pairs(theme) if contrast(fg, bg) < AA]
    assert low == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_checklist_draws_the_current_and_required_steps_in_the_themes_colours(seatside, qtbot, theme):
    seatside.model.choose_scenario("atm-cash-retained")
    seatside.settings.set("theme", theme)  # the widgets hear of the new palette by a posted event
    scenario, view = seatside.model.scenario, seatside.panel.checklist
    current = view.list.item(seatside.model.current_index())
    wanted = QColor(TEXT_COLOURS[theme]["step_highlight"])
    qtbot.waitUntil(lambda: current.background().color() == wanted, timeout=3000)
    for index, step in enumerate(scenario.steps):
        foreground = view.list.item(index).foreground()
        if step.mandatory:
            assert foreground.color() == QColor(TEXT_COLOURS[theme]["required"])
        else:
            assert foreground.style() == Qt.BrushStyle.NoBrush  # the palette's text colour
    assert any(step.mandatory for step in scenario.steps)
    assert seatside.panel.problem_label.styleSheet() == f"color: {theme_colour('warning').name()}"


def test_theme_switch_restyles_widgets_already_built(seatside):
    seatside.settings.set("theme", "light")
    apply_theme(QApplication.instance(), "dark")
    label = seatside.panel.problem_label
    assert label.styleSheet() == f"color: {TEXT_COLOURS['dark']['warning']}"
