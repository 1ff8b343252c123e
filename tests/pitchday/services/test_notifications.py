"""A newly published version tells the jurors and companies it moves, and nobody else, by real SMTP."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from pitchday.extensions import db
from pitchday.models import OutboundMail
from pitchday.services import moves, notifications, solving, versions
from pitchday.services.moves import PlanningError
from tests.builders import import_event


@pytest.fixture
def mail_ctx(make_app, smtp_server):
    app = make_app(**smtp_server.config(), MAIL_RETRY_DELAYS=(0.1,), BASE_URL="https://pitchday.cci.example")
    with app.app_context():
        yield app


def published_first(rouen):
    event = import_event(rouen)
    first = versions.publish(versions.save_result(event, solving.solve_now(event, time_limit=5)))
    db.session.commit()
    return event, first


def move_somewhere(version, session):
    """The first free slot the pitch can move to under every hard rule (a checked hand move)."""
    event = version.event
    for day in event.days:
        for start in range(day.start_min, day.end_min, event.grid_min or 5):
            for room in event.rooms:
                if (day.date, start, room.key) == (session.date, session.start_min, session.room.key):
                    continue
                try:
                    return moves.move_pitch(version, session.pitch, day=day.date, start=start, room=room)
                except PlanningError:
                    db.session.rollback()
    raise AssertionError("no free slot for the pitch")


def test_the_first_publication_sends_nothing(mail_ctx, rouen, smtp_server):
    for expert in rouen["experts"]:
        expert["email"] = f"{expert['id']}@example.org"
    published_first(rouen)
    assert db.session.execute(db.select(OutboundMail)).first() is None


def test_a_version_that_moves_two_reachable_jurors_and_one_company_sends_three_messages(
    mail_ctx, rouen, smtp_server
):
    event, first = published_first(rouen)
    moved = min(first.sessions, key=lambda s: (s.date, s.start_min))
    pitch = moved.pitch
    reachable = [seat.expert for seat in moved.seats][:2]
    silent = [seat.expert for seat in moved.seats][2:]
    pitch.contact_email = "contact@entreprise.example"
    for expert in reachable:
        expert.email = f"{expert.key}@example.org"
    db.session.commit()

    draft = move_somewhere(first, moved)
    db.session.commit()
    second = versions.publish(draft)
    queued = db.session.execute(db.select(OutboundMail)).scalars().all()
    assert smtp_server.recorder.messages == []  # nothing leaves before the commit
    db.session.commit()

    received = smtp_server.recorder.wait_for(3)
    assert len(queued) == 3 and len(received) == 3
    by_recipient = {message["To"]: message for message in received}
    assert set(by_recipient) == {"contact@entreprise.example"} | {expert.email for expert in reachable}
    new_session = next(s for s in second.sessions if s.pitch_id == pitch.id)
    zone = ZoneInfo(event.timezone)
    start = datetime.combine(new_session.date, datetime.min.time(), zone) + timedelta(
        minutes=new_session.start_min
    )

    company = by_recipient["contact@entreprise.example"]
    text = company.get_body(("plain",)).get_content()
    assert (
        new_session.room.name in text and "— English —" in text and "https://pitchday.cci.example/e/" in text
    )
    (company_ics,) = [
        part for part in company.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    (entry,) = Calendar.from_ical(company_ics.get_content()).walk("VEVENT")
    assert entry.decoded("dtstart") == start and new_session.room.name in str(entry["location"])

    for expert in reachable:
        message = by_recipient[expert.email]
        body = message.get_body(("plain",)).get_content()
        assert expert.name in body and pitch.company in body and "Déplacé" in body and "Moved" in body
        assert "https://pitchday.cci.example/jury/" in body
        (ics,) = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
        entries = Calendar.from_ical(ics.get_content()).walk("VEVENT")
        judged = sorted(
            (s for s in second.sessions if any(seat.expert_id == expert.id for seat in s.seats)),
            key=lambda s: (s.date, s.start_min),
        )
        assert [e.decoded("dtstart") for e in entries] == [
            datetime.combine(s.date, datetime.min.time(), zone) + timedelta(minutes=s.start_min)
            for s in judged
        ]

    # The organiser can see who was concerned but could not be told.
    experts, pitches = notifications.people_to_tell(second, first)
    assert set(silent) <= set(experts) and pitch in pitches
    assert all(not expert.email for expert in silent)


def test_a_republished_identical_schedule_tells_nobody(mail_ctx, rouen):
    for expert in rouen["experts"]:
        expert["email"] = f"{expert['id']}@example.org"
    for pitch in rouen["pitches"]:
        pitch["contact_email"] = f"{pitch['id']}@example.org"
    event, first = published_first(rouen)
    same = versions.save_result(event, solving.solve_now(event, time_limit=5))
    same.sessions.clear()
    for session in first.sessions:  # the same slots and panels, as a new version
        from pitchday.models import PanelSeat, ScheduledSession

        same.sessions.append(
            ScheduledSession(
                pitch=session.pitch,
                room=session.room,
                date=session.date,
                start_min=session.start_min,
                end_min=session.end_min,
                seats=[PanelSeat(expert=s.expert, position=s.position) for s in session.seats],
            )
        )
    db.session.flush()
    versions.publish(same)
    assert db.session.execute(db.select(OutboundMail)).first() is None
