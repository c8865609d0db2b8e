"""Server-side SVG charts: markup built here, escaped, inlined in the page (no script).

Only presentation attributes are used (no ``style``), so the strict
content-security policy applies unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

BAR_HEIGHT = 22
BAR_GAP = 6
LABEL_WIDTH = 150
VALUE_WIDTH = 70
CHART_WIDTH = 640


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str | None = None  # how the value is shown; the number itself when None
    tone: str = "normal"  # normal | warn | alert


def _number(value: float) -> str:
    return f"{value:g}" if float(value) != int(value) else str(int(value))


def bar_chart(bars: Sequence[Bar], *, title: str, empty_text: str) -> Markup:
    """A horizontal bar chart, one row per bar, scaled to the largest value."""
    if not bars:
        return Markup('<p class="empty">{}</p>').format(empty_text)
    top = max((bar.value for bar in bars), default=0) or 1
    height = len(bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        Markup(
            '<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" '
            'viewBox="0 0 {w} {h}" width="{w}" height="{h}"><title>{t}</title>'
        ).format(w=CHART_WIDTH, h=height, t=title)
    ]
    for index, bar in enumerate(bars):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        width = max(0.0, bar.value) / top * span
        shown = bar.text if bar.text is not None else _number(bar.value)
        parts.append(
            Markup(
                '<g class="bar bar-{tone}"><text x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
                '<rect x="{x}" y="{y}" width="{width:.1f}" height="{h}" rx="3"></rect>'
                '<text class="value" x="{vx:.1f}" y="{ty}">{shown}</text></g>'
            ).format(
                tone=bar.tone if bar.tone in {"normal", "warn", "alert"} else "normal",
                lx=LABEL_WIDTH - 8,
                ty=y + BAR_HEIGHT - 6,
                label=_clip(bar.label),
                x=LABEL_WIDTH,
                y=y,
                width=width,
                h=BAR_HEIGHT,
                vx=LABEL_WIDTH + width + 6,
                shown=shown,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def column_chart(columns: Sequence[tuple[str, float]], *, title: str, empty_text: str) -> Markup:
    """Vertical columns (e.g. calls per hour), labels under each column."""
    if not columns or not any(value for _, value in columns):
        return Markup('<p class="empty">{}</p>').format(empty_text)
    top = max(value for _, value in columns) or 1
    plot_height = 160
    step = max(14, min(48, (CHART_WIDTH - 20) // len(columns)))
    width = 20 + step * len(columns)
    parts = [
        Markup(
            '<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" '
            'viewBox="0 0 {w} {h}" width="{w}" height="{h}"><title>{t}</title>'
        ).format(w=width, h=plot_height + 40, t=title)
    ]
    for index, (label, value) in enumerate(columns):
        bar = max(0.0, value) / top * plot_height
        x = 10 + index * step
        parts.append(
            Markup(
                '<g class="bar bar-normal"><rect x="{x}" y="{y:.1f}" width="{bw}" height="{bh:.1f}" rx="2">'
                "<title>{label}: {shown}</title></rect>"
                '<text x="{cx}" y="{ly}" text-anchor="middle">{label}</text></g>'
            ).format(
                x=x,
                y=plot_height - bar + 8,
                bw=step - 4,
                bh=bar,
                label=_clip(label, 6),
                shown=_number(value),
                cx=x + (step - 4) / 2,
                ly=plot_height + 26,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _clip(text: str, limit: int = 14) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["Bar", "bar_chart", "column_chart", "escape"]
