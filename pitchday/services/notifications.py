"""Telling the people concerned when a new version of the agenda is published.

When a version replaces a published one, each juror whose panels or times changed receives what
changed and their whole updated day as a calendar file, and each company whose slot changed
receives its new time and room. Nobody else is written to: a version that moves two jurors and
one company sends three messages. The first publication sends nothing: the juror links and
access cards announce the day (``organiser/cards``).

Messages are French first, then English (the app does not know a juror's or a company's
language), each half worded from the catalogue in its own language. They are queued in
``outbound_mails`` and sent after the request's commit (``pitchday.services.mail``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from pitchday.links import absolute_url
from pitchday.models import Event, Expert, OutboundMail, Pitch, ScheduledSession, ScheduleVersion
from pitchday.services import accounts, calendar, mail
from pitchday.services.agenda import format_clock


@dataclass(frozen=True, order=True)
class Slot:
    """Where and when a pitch is: what a juror or a company is told."""

    date: date
    start: int
    end: int
    room: str

    @classmethod
    def of(cls, session: ScheduledSession) -> Slot:
        return cls(session.date, session.start_min, session.end_min, session.room.name)

    def words(self) -> str:
        return _(
            "%(date)s, %(start)s–%(end)s, %(room)s",
            date=format_date(self.date, "full"),
            start=format_clock(self.start),
            end=format_clock(self.end),
            room=self.room,
        )


@dataclass(frozen=True)
class JurorChange:
    """One line of a juror's message: a pitch added to, removed from or moved in their day."""

    company: str
    before: Slot | None
    after: Slot | None

    def words(self) -> str:
        if self.before is None:
            return _("Nouveau : %(company)s — %(slot)s", company=self.company, slot=self.after.words())
        if self.after is None:
            return _("Retiré : %(company)s (était %(slot)s)", company=self.company, slot=self.before.words())
        return _(
            "Déplacé : %(company)s — %(before)s → %(after)s",
            company=self.company,
            before=self.before.words(),
            after=self.after.words(),
        )


def version_published(version: ScheduleVersion, previous: ScheduleVersion | None) -> list[OutboundMail]:
    """Queue the messages a newly published version calls for; the request's commit sends them."""
    experts, pitches = people_to_tell(version, previous)
    sessions = {session.pitch_id: session for session in version.sessions}
    sent = [
        _tell_juror(version.event, expert, version, juror_changes(expert, previous, version))
        for expert in experts
        if expert.email
    ]
    sent += [
        _tell_company(version.event, pitch, version, sessions[pitch.id])
        for pitch in pitches
        if pitch.contact_email
    ]
    return sent


def juror_changes(expert: Expert, previous: ScheduleVersion, version: ScheduleVersion) -> list[JurorChange]:
    """What changed in the expert's day between two versions, in time order."""
    before = _day_of(expert, previous)
    after = _day_of(expert, version)
    changes = [
        JurorChange(company, before.get(company), after.get(company))
        for company in before.keys() | after.keys()
        if before.get(company) != after.get(company)
    ]
    return sorted(changes, key=lambda change: (change.after or change.before, change.company))


def _day_of(expert: Expert, version: ScheduleVersion) -> dict[str, Slot]:
    return {
        session.pitch.company: Slot.of(session)
        for session in version.sessions
        if any(seat.expert_id == expert.id for seat in session.seats)
    }


def people_to_tell(
    version: ScheduleVersion, previous: ScheduleVersion | None
) -> tuple[list[Expert], list[Pitch]]:
    """The jurors and companies a publication concerns, address or not (the organiser's preview)."""
    if previous is None:
        return [], []
    experts = [expert for expert in version.event.experts if juror_changes(expert, previous, version)]
    old_slots = {session.pitch_id: Slot.of(session) for session in previous.sessions}
    pitches = [
        session.pitch for session in version.sessions if old_slots.get(session.pitch_id) != Slot.of(session)
    ]
    return experts, pitches


def _tell_juror(
    event: Event, expert: Expert, version: ScheduleVersion, changes: list[JurorChange]
) -> OutboundMail:
    link = _juror_link(expert)

    def write() -> str:
        lines = [
            _("Bonjour %(name)s,", name=expert.name),
            "",
            _(
                "Le planning de %(event)s a été mis à jour (version %(number)d). Ce qui change pour vous :",
                event=event.name,
                number=version.number,
            ),
            "",
        ]
        lines += [f"- {change.words()}" for change in changes]
        lines += [
            "",
            _(
                "Votre journée complète est en pièce jointe (fichier de calendrier) et sur votre lien "
                "personnel : %(link)s",
                link=link,
            ),
        ]
        return "\n".join(lines)

    subject = mail.subject_in_both(lambda: _("%(event)s : votre planning de jury a changé", event=event.name))
    return mail.queue_message(
        expert.email,
        subject,
        mail.in_french_then_english(write),
        kind="juror-schedule",
        event=event,
        attachments=[
            mail.Attachment(
                f"jury-{expert.key}.ics", calendar.juror_calendar(expert, version), "text/calendar"
            )
        ],
    )


def _tell_company(
    event: Event, pitch: Pitch, version: ScheduleVersion, session: ScheduledSession
) -> OutboundMail:
    slot = Slot.of(session)

    def write() -> str:
        return "\n".join(
            [
                _("Bonjour,"),
                "",
                _(
                    "Le planning de %(event)s a été mis à jour (version %(number)d). Le pitch de %(company)s, "
                    "« %(title)s », a lieu désormais :",
                    event=event.name,
                    number=version.number,
                    company=pitch.company,
                    title=pitch.title,
                ),
                "",
                f"  {slot.words()}",
                f"  {event.venue}",
                "",
                _("Le programme à jour : %(link)s", link=absolute_url("public.event", slug=event.slug)),
            ]
        )

    subject = mail.subject_in_both(lambda: _("%(event)s : nouvel horaire de votre pitch", event=event.name))
    return mail.queue_message(
        pitch.contact_email,
        subject,
        mail.in_french_then_english(write),
        kind="company-slot",
        event=event,
        attachments=[
            mail.Attachment(
                f"pitch-{pitch.key}.ics", calendar.pitch_calendar(event, version, session), "text/calendar"
            )
        ],
    )


def _juror_link(expert: Expert) -> str:
    access = accounts.current_juror_link(expert) or accounts.issue_juror_link(expert)
    return absolute_url("juror.day", token=access.token)
