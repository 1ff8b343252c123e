"""What the demo event needs beyond its event file: a rubric, a published agenda, open scoring."""

from __future__ import annotations

from pitchday.extensions import db
from pitchday.models import Event, ScoringSettings
from pitchday.services import agenda, rubric, solving, versions
from pitchday.services.wording import Origin

# The demo's pitches took place in 2023: without this, every scoring sheet would already be locked
# and a visitor could not try the jurors' tablets. About a century, in minutes.
DEMO_LOCK_AFTER_MIN = 100 * 365 * 24 * 60


def prepare(event: Event) -> None:
    """Give the demo its rubric, open scoring and, the first time, a solved and published agenda."""
    rubric.ensure_default_rubric(event)
    if db.session.get(ScoringSettings, event.id) is None:
        # Beyond the 7 days an organiser may choose (scoring.set_lock_after): only the demo needs it.
        db.session.add(ScoringSettings(event_id=event.id, lock_after_min=DEMO_LOCK_AFTER_MIN))
        db.session.flush()
    if agenda.latest_published(event) is None:
        result = solving.solve_now(event, time_limit=10.0)
        if result.status.has_schedule:
            versions.publish(versions.save_result(event, result, Origin("demo")))
