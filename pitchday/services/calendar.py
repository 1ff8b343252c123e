"""Calendar feeds (iCalendar, RFC 5545) of a published schedule, to subscribe to from a phone.

Each pitch keeps one UID across versions (pitch key, event slug, ``@pitchday``: not the site's
address, which may change between two publications and would then duplicate every pitch), and the
SEQUENCE is the version number: when the organisers publish a shifted schedule, a subscribed
calendar moves the pitch instead of adding a second copy of it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from pitchday.models import Event, Expert, ScheduledSession, ScheduleVersion
from pitchday.services.agenda import EVERYTHING, AgendaFilter, local_moment

PRODUCT_ID = "-//PitchDay//Agenda public//FR"
JUROR_PRODUCT_ID = "-//PitchDay//Agenda du jury//FR"
UID_DOMAIN = "pitchday"


def pitch_uid(event: Event, session: ScheduledSession) -> str:
    """The identity of a pitch in every calendar, whatever version placed it."""
    return f"{session.pitch.key}.{event.slug}@{UID_DOMAIN}"


def local_datetime(event: Event, session_date: date, minutes: int) -> datetime:
    return local_moment(session_date, minutes, event.timezone)


def calendar_feed(
    event: Event, version: ScheduleVersion | None, *, name: str, only: AgendaFilter = EVERYTHING
) -> bytes:
    """The pitches of the version that the filter keeps, as an .ics file (empty before publication)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", event.timezone)
    if version is not None:
        stamp = version.published_at or version.created_at
        for session in sorted(version.sessions, key=lambda s: (s.date, s.start_min, s.room.position)):
            if only.keeps(session):
                calendar.add_component(_pitch_event(event, version, session, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def pitch_calendar(event: Event, version: ScheduleVersion, session: ScheduledSession) -> bytes:
    """One pitch as an .ics file (the company's new slot), with the same UID as in the public feeds."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(_pitch_event(event, version, session, version.published_at or version.created_at))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def juror_calendar(expert: Expert, version: ScheduleVersion | None) -> bytes:
    """The pitches the expert judges in the version, as an iCalendar file for their phone."""
    event = expert.event
    calendar = Calendar()
    calendar.add("prodid", JUROR_PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{event.name} — {expert.name}")
    stamp = _as_utc((version.published_at or version.created_at) if version else datetime.now(UTC))
    for s in sorted(version.sessions if version else [], key=lambda s: (s.date, s.start_min)):
        if not any(seat.expert_id == expert.id for seat in s.seats):
            continue
        entry = CalendarEvent()
        # One UID per pitch and juror across versions: a re-published schedule moves the entry.
        entry.add("uid", f"{s.pitch.key}.{expert.key}.{event.slug}@{UID_DOMAIN}")
        entry.add("sequence", version.number or 0)
        entry.add("dtstamp", stamp)
        entry.add("dtstart", local_moment(s.date, s.start_min, event.timezone))
        entry.add("dtend", local_moment(s.date, s.end_min, event.timezone))
        entry.add("summary", _("Jury : %(company)s", company=s.pitch.company))
        entry.add("location", f"{s.room.name}, {event.venue}")
        others = ", ".join(seat.expert.name for seat in s.seats if seat.expert_id != expert.id)
        entry.add(
            "description",
            _(
                "%(title)s\nSecteur : %(sector)s\nAvec : %(others)s",
                title=s.pitch.title,
                sector=s.pitch.sector,
                others=others,
            ),
        )
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _pitch_event(
    event: Event, version: ScheduleVersion, session: ScheduledSession, stamp: datetime
) -> CalendarEvent:
    pitch = session.pitch
    entry = CalendarEvent()
    entry.add("uid", pitch_uid(event, session))
    entry.add("sequence", version.number or 0)
    entry.add("dtstamp", _as_utc(stamp))
    entry.add("last-modified", _as_utc(stamp))
    entry.add("dtstart", local_datetime(event, session.date, session.start_min))
    entry.add("dtend", local_datetime(event, session.date, session.end_min))
    entry.add("summary", f"{pitch.company} — {pitch.title}")
    entry.add("location", f"{session.room.name}, {event.venue}")
    entry.add("description", f"{pitch.company} ({pitch.city}) · {pitch.sector}\n{pitch.title}")
    entry.add("categories", [pitch.sector])
    return entry


def _as_utc(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back without their zone."""
    utc = ZoneInfo("UTC")
    return moment.replace(tzinfo=utc) if moment.tzinfo is None else moment.astimezone(utc)
