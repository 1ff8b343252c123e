"""Small inline SVG charts built on the server: no JavaScript library, nothing to load."""

from __future__ import annotations

import statistics

from markupsafe import Markup, escape

from pitchday.services.ranking import SCALE_MAX, JurorProfile

WIDTH, HEIGHT, LEFT, RIGHT = 320, 74, 12, 308


def _x(total: float) -> float:
    return round(LEFT + (RIGHT - LEFT) * total / SCALE_MAX, 1)


def juror_strip(profile: JurorProfile, own_label: str, panel_label: str) -> Markup:
    """Two rows of dots on a 0-100 axis: this juror's totals, and the other jurors' on the same pitches."""
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-label="{escape(profile.name)}"><title>{escape(profile.name)}</title>'
        )
    ]
    for y in (20, 46):
        parts.append(f'<line class="chart-axis" x1="{LEFT}" y1="{y}" x2="{RIGHT}" y2="{y}"/>')
    for row_y, values, dot, mean in (
        (20, profile.own, "chart-own", "chart-mean-own"),
        (46, profile.panel, "chart-panel", "chart-mean-panel"),
    ):
        for value in values:
            parts.append(f'<circle class="{dot}" cx="{_x(value)}" cy="{row_y}" r="4"/>')
        if values:
            mean_x = _x(statistics.fmean(values))
            parts.append(
                f'<line class="{mean}" x1="{mean_x}" y1="{row_y - 10}" x2="{mean_x}" y2="{row_y + 10}"/>'
            )
    parts.append(f'<text class="chart-label" x="{LEFT}" y="9">{escape(own_label)}</text>')
    parts.append(f'<text class="chart-label" x="{LEFT}" y="35">{escape(panel_label)}</text>')
    parts.append(f'<text class="chart-label" x="{LEFT}" y="70">0</text>')
    parts.append(f'<text class="chart-label" x="{RIGHT}" y="70" text-anchor="end">100</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
