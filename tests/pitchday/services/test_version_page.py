"""The version page's content in one call: costs, changes against the version compared, locks, the day."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pitchday.extensions import db
from pitchday.services import locks, solving, versions
from pitchday.services.version_page import version_page
from tests.builders import import_event


def _draft(event):
    draft = versions.save_result(event, solving.solve_now(event, time_limit=10))
    db.session.flush()
    return draft


def _before_the_event(event) -> datetime:
    return datetime(2000, 1, 1, 12, 0, tzinfo=ZoneInfo(event.timezone))


def test_a_first_draft_is_compared_with_nothing_and_shows_its_costs(ctx, rouen):
    event = import_event(rouen)
    draft = _draft(event)
    page = version_page(event, draft, at=_before_the_event(event))
    assert page.published is None and page.compared is None and page.changes == []
    assert page.day_of is None  # the event is not running in 2000
    assert page.score == sum(points for _label, _value, _weight, points in page.terms)
    assert [version.id for version in page.versions] == [draft.id]
    assert len(page.grid) == len(event.days)
    assert set(page.context()) >= {"event", "version", "grid", "breakdown", "locked_slots", "locked_jurors"}


def test_a_draft_is_compared_with_the_schedule_on_line_and_that_one_with_the_one_it_replaced(ctx, rouen):
    event = import_event(rouen)
    first = versions.publish(_draft(event))
    second = _draft(event)
    assert version_page(event, second, at=_before_the_event(event)).compared.id == first.id
    versions.publish(second)
    page = version_page(event, second, at=_before_the_event(event))
    assert page.published.id == second.id and page.compared.id == first.id
    # Asked for explicitly, another version is compared instead.
    assert version_page(event, first, at=_before_the_event(event), compared=second).compared.id == second.id


def test_the_page_shows_the_events_slot_and_panel_locks(ctx, rouen):
    event = import_event(rouen)
    draft = _draft(event)
    session = draft.sessions[0]
    slot = locks.lock_session(session)
    seat = locks.lock_juror(session.pitch, session.seats[0].expert)
    page = version_page(event, draft, at=_before_the_event(event))
    assert page.locked_slots == {session.pitch_id: slot}
    assert page.locked_jurors == {(seat.pitch_id, seat.expert_id)}
