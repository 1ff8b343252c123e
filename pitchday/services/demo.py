"""What the demo event needs beyond its event file: a scoring rubric and a published agenda."""

from __future__ import annotations

from pitchday.models import Event
from pitchday.services import agenda, rubric, schedules


def prepare(event: Event) -> None:
    """Give the demo its rubric and, the first time, a solved and published agenda."""
    rubric.ensure_default_rubric(event)
    if agenda.latest_published(event) is None:
        result = schedules.solve_now(event, time_limit=10.0)
        if result.status.has_schedule:
            schedules.publish(schedules.save_result(event, result, note="Démonstration"))
