"""Theme (system, light, dark) for the whole application, on the Fusion style."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

_DARK = {
    QPalette.ColorRole.Window: "#202124",
    QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#17181a",
    QPalette.ColorRole.AlternateBase: "#2a2b2e",
    QPalette.ColorRole.ToolTipBase: "#2a2b2e",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#2d2e31",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.BrightText: "#ff8a80",
    QPalette.ColorRole.Highlight: "#2f7d73",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#8ab4f8",
}


# Light: Fusion's own palette, with a selection dark enough for white text (WCAG AA).
_LIGHT = {
    QPalette.ColorRole.Highlight: "#1f6aa5",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#5f6368",
    QPalette.ColorRole.Link: "#1a56b8",
}

# Colours the widgets use beyond the palette, per theme. Every text colour here reaches
# 4.5:1 (WCAG AA) on every background it is drawn on (tests/gui/test_theme_contrast.py).
TEXT_COLOURS: dict[str, dict[str, str]] = {
    "light": {
        "step_highlight": "#fff1c2",  # background of the current step
        "required": "#b3261e",  # mandatory steps, overdue follow-ups, missing steps
        "warning": "#8a5300",  # pack problems
    },
    "dark": {
        "step_highlight": "#4f3e0c",
        "required": "#ffb4ab",
        "warning": "#f3c261",
    },
}
COLOUR_PROPERTY = "seatsideColour"  # a widget's text colour name, re-applied when the theme changes


def theme_name(app: QApplication | None = None) -> str:
    """"dark" or "light": the theme in effect now."""
    app = app or QApplication.instance()  # type: ignore[assignment]  # the one QApplication
    return "dark" if app is not None and is_dark(app) else "light"


def theme_colour(name: str, app: QApplication | None = None) -> QColor:
    """The colour ``name`` (a key of TEXT_COLOURS) in the theme in effect."""
    return QColor(TEXT_COLOURS[theme_name(app)][name])


def set_text_colour(widget: QWidget, name: str | None) -> None:
    """Draw ``widget``'s text in colour ``name`` (None: the palette's), following theme changes."""
    widget.setProperty(COLOUR_PROPERTY, name or "")
    widget.setStyleSheet(f"color: {theme_colour(name).name()}" if name else "")


def light_palette(app: QApplication) -> QPalette:
    palette = app.style().standardPalette()
    for role, colour in _LIGHT.items():
        palette.setColor(QPalette.ColorGroup.Active, role, QColor(colour))
        palette.setColor(QPalette.ColorGroup.Inactive, role, QColor(colour))
    return palette


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7378"))
    return palette


def system_prefers_dark(app: QApplication) -> bool:
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, theme: str) -> None:
    """Follow the system's light/dark preference, or force one."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    dark = theme == "dark" or (theme == "system" and system_prefers_dark(app))
    app.setPalette(dark_palette() if dark else light_palette(app))
    for widget in app.allWidgets():
        name = widget.property(COLOUR_PROPERTY)
        if name:
            set_text_colour(widget, name)


def is_dark(app: QApplication) -> bool:
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128
