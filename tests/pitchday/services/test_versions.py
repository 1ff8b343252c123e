"""Keeping and publishing schedules."""

from __future__ import annotations

import pytest

from pitchday.extensions import db
from pitchday.services import agenda, event_io, solving, versions
from scheduler.validate import check_schedule


def test_solved_schedule_is_kept_valid_and_published_as_version_1(ctx, rouen):
    event = event_io.import_event(rouen)

    result = solving.solve_now(event, time_limit=10)
    version = versions.save_result(event, result)
    versions.publish(version)
    db.session.commit()

    assert agenda.latest_published(event) == version
    assert version.number == 1
    stored = versions.to_scheduler_sessions(version)
    assert check_schedule(event_io.to_scheduler_event(event), stored) == []
    assert set(stored) == set(result.sessions)


def test_versions_are_numbered_in_publication_order(ctx, rouen):
    event = event_io.import_event(rouen)
    result = solving.solve_now(event, time_limit=10)
    first = versions.save_result(event, result)
    second = versions.save_result(event, result)

    versions.publish(second)
    versions.publish(first)

    assert (second.number, first.number) == (1, 2)
    assert agenda.latest_published(event) == first


def test_publishing_twice_is_refused(ctx, rouen):
    event = event_io.import_event(rouen)
    version = versions.publish(versions.save_result(event, solving.solve_now(event, time_limit=10)))

    with pytest.raises(versions.ScheduleError, match="déjà publié"):
        versions.publish(version)
