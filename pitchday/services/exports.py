"""What leaves the workspace: the schedule as CSV and as a schedule file, each juror's calendar, access cards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import qrcode
import qrcode.image.svg
from markupsafe import Markup

from pitchday.models import Event, Expert, JurorAccess, ScheduleVersion
from pitchday.services import versions
from pitchday.services.agenda import format_clock
from pitchday.services.spreadsheets import spreadsheet_csv
from scheduler import data as sd
from scheduler import io as sio

CSV_COLUMNS = ["date", "debut", "fin", "salle", "pitch", "entreprise", "titre", "secteur", "ville", "jury"]


def schedule_csv(event: Event, version: ScheduleVersion) -> str:
    """The schedule as a semicolon-separated file that French spreadsheets open as they are (BOM, ';')."""
    rows = [
        [
            s.date.isoformat(),
            format_clock(s.start_min),
            format_clock(s.end_min),
            s.room.name,
            s.pitch.key,
            s.pitch.company,
            s.pitch.title,
            s.pitch.sector,
            s.pitch.city,
            ", ".join(seat.expert.name for seat in s.seats),
        ]
        for s in sorted(version.sessions, key=lambda s: (s.date, s.start_min, s.room.position))
    ]
    return spreadsheet_csv(CSV_COLUMNS, rows)


def schedule_file(version: ScheduleVersion) -> dict:
    """The version as a ``pitchday-schedule/1`` file."""
    terms = sd.ScoreTerms(**version.terms) if version.terms else None
    result = sd.Result(
        status=sd.Status(version.status),
        sessions=versions.to_scheduler_sessions(version),
        score=version.score,
        terms=terms,
        best_bound=version.best_bound,
        solve_seconds=version.solve_seconds or 0.0,
        conflicts=tuple(
            sd.Conflict(c["rule"], c["message"], tuple(c.get("involves", ())))
            for c in version.conflicts or ()
        ),
    )
    return sio.result_to_dict(result)


def _as_utc(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back without their zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def qr_svg(text: str) -> Markup:
    """A QR code as inline SVG (no image file, no script), scaled by CSS."""
    image = qrcode.make(
        text, image_factory=qrcode.image.svg.SvgPathImage, error_correction=qrcode.constants.ERROR_CORRECT_M
    )
    return Markup(image.to_string(encoding="unicode"))


@dataclass(frozen=True)
class AccessCard:
    expert: Expert
    link: str
    qr: Markup


def access_cards(links: list[JurorAccess], url_for_token: Callable[[str], str]) -> list[AccessCard]:
    """One printable card per juror: name, organisation, personal link and its QR code."""
    cards = []
    for access in links:
        link = url_for_token(access.token)
        cards.append(AccessCard(expert=access.expert, link=link, qr=qr_svg(link)))
    return cards
