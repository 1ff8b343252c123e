"""What the demo event needs beyond its event file: a scoring rubric and a published agenda."""

from __future__ import annotations

from pitchday.models import Event
from pitchday.services import rubric


def prepare(event: Event) -> None:
    rubric.ensure_default_rubric(event)
