"""The company's chart, drawn on the server as SVG: no script, and the same drawing in the page and the PDF.

Colours are SVG attributes (not classes), so that the PDF, which has no page stylesheet, draws it alike.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from pitchday.services.feedback import CriterionComparison

WIDTH = 340
LEFT, RIGHT = 8, 332
ROW = 46  # a criterion: its label, then its bar
PITCH_COLOUR = "#0b5fff"
EVENT_COLOUR = "#b35900"
TRACK_COLOUR = "#e3e7ef"
TEXT_COLOUR = "#1f2430"
# The PDF's shipped font (pitchday/company/pdf.py), else the browser's own sans-serif.
FONT_FAMILY = "PitchDay Sans, sans-serif"


def _share(value: float, criterion: CriterionComparison) -> float:
    return (value - criterion.scale_min) / (criterion.scale_max - criterion.scale_min)


def _x(value: float, criterion: CriterionComparison) -> float:
    return round(LEFT + (RIGHT - LEFT) * max(0.0, min(1.0, _share(value, criterion))), 1)


def criteria_chart(
    criteria: list[CriterionComparison],
    *,
    title: str,
    pitch_label: str,
    event_label: str,
    number: Callable[[float], str],
) -> Markup:
    """One bar per criterion (the pitch's mean) with a tick at the event's mean, each on its own scale.

    ``number`` formats a mean in the reader's locale (1,5 in French, 1.5 in English).
    """
    height = 30 + ROW * len(criteria)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="criteria-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" font-family="{FONT_FAMILY}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )
    # The legend: what the bar and the tick stand for.
    legend = (
        f'<rect x="{LEFT}" y="6" width="14" height="10" fill="{PITCH_COLOUR}"/>'
        f'<text x="{LEFT + 20}" y="15" font-size="11" fill="{TEXT_COLOUR}">{escape(pitch_label)}</text>'
        f'<line x1="{WIDTH // 2 + 7}" y1="4" x2="{WIDTH // 2 + 7}" y2="18" stroke="{EVENT_COLOUR}" '
        f'stroke-width="3"/>'
        f'<text x="{WIDTH // 2 + 16}" y="15" font-size="11" fill="{TEXT_COLOUR}">{escape(event_label)}</text>'
    )
    parts = [svg, legend]
    for index, criterion in enumerate(criteria):
        top = 30 + index * ROW
        pitch = "—" if criterion.pitch_mean is None else number(criterion.pitch_mean)
        event = "—" if criterion.event_mean is None else number(criterion.event_mean)
        parts.append(
            f'<text x="{LEFT}" y="{top + 12}" font-size="12" font-weight="bold" fill="{TEXT_COLOUR}">'
            f"{escape(criterion.label)}</text>"
        )
        parts.append(
            f'<text x="{RIGHT}" y="{top + 12}" font-size="11" text-anchor="end" fill="{TEXT_COLOUR}">'
            f"{escape(pitch)} / {escape(event)} "
            f"({criterion.scale_min}–{criterion.scale_max})</text>"
        )
        parts.append(
            f'<rect x="{LEFT}" y="{top + 18}" width="{RIGHT - LEFT}" height="14" rx="3" '
            f'fill="{TRACK_COLOUR}"/>'
        )
        if criterion.pitch_mean is not None:
            width = round(_x(criterion.pitch_mean, criterion) - LEFT, 1)
            parts.append(
                f'<rect x="{LEFT}" y="{top + 18}" width="{width}" height="14" rx="3" fill="{PITCH_COLOUR}"/>'
            )
        if criterion.event_mean is not None:
            x = _x(criterion.event_mean, criterion)
            parts.append(
                f'<line x1="{x}" y1="{top + 14}" x2="{x}" y2="{top + 36}" stroke="{EVENT_COLOUR}" '
                f'stroke-width="3"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
