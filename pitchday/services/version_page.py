"""What the page of one schedule version shows, gathered in one call: the view adds only its forms.

The grid drawn to time, the day under way, the soft-rule costs and the score, why no schedule
exists, the solve that made it, what changed against the version compared, the event's versions and locks.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from pitchday.models import Event, Lock, ScheduleVersion, SolveJob
from pitchday.services import agenda, costs, day_of, locks, solving, timegrid, versions, wording


@dataclass(frozen=True)
class VersionPage:
    event: Event
    version: ScheduleVersion
    published: ScheduleVersion | None
    compared: ScheduleVersion | None
    grid: list[timegrid.GridDay]
    day_of: day_of.DayOf | None
    breakdown: list[costs.SoftItem]
    terms: list[tuple[str, int, int, int]]
    score: int | None
    conflicts: list[wording.ConflictView]
    solve_job: SolveJob | None  # the solve that made the version (its outcome, an absence not kept)
    term_labels: dict[str, str]
    changes: list[versions.PitchChange]
    versions: list[ScheduleVersion]
    locked_slots: dict[int, Lock]
    locked_jurors: set[tuple[int, int]]

    def context(self) -> dict[str, object]:
        """The template's names, one per field."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


def version_page(
    event: Event, shown: ScheduleVersion, *, at: datetime, compared: ScheduleVersion | None = None
) -> VersionPage:
    """The version page at the moment ``at``, compared with ``compared`` (by default: a draft with the
    schedule on line, the schedule on line with the one it replaced)."""
    published = agenda.latest_published(event)
    compared = compared or versions.compared_by_default(shown, published)
    placed = bool(shown.sessions)
    return VersionPage(
        event=event,
        version=shown,
        published=published,
        compared=compared,
        grid=timegrid.version_grid(event, shown),
        day_of=day_of.day_of(event, published, at),
        breakdown=costs.soft_breakdown(event, shown) if placed else [],
        terms=costs.terms_table(event, shown) if placed else [],
        # The header's score is the table's sum, recounted like it (the stored one predates data edits).
        score=costs.score_of(event, shown) if placed and shown.score is not None else shown.score,
        conflicts=wording.explain_conflicts(event, shown),
        solve_job=solving.job_of_version(shown),
        term_labels=wording.TERM_LABELS,
        changes=versions.version_changes(event, compared, shown) if compared and placed else [],
        versions=versions.versions_of(event),
        locked_slots=locks.slot_locks(event),
        locked_jurors=locks.juror_locks(event),
    )
