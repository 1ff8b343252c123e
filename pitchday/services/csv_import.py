"""Pitches and experts from spreadsheet files (CSV): French spreadsheets' semicolons, UTF-8 or Latin-1.

A file is taken whole or not at all: every bad row is reported (line, column,
what is wrong), and nothing is kept unless every row is good. A row whose id
already exists updates that pitch or expert; the others are added.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pitchday import numbers
from pitchday.extensions import db
from pitchday.models import AvailabilityWindow, Event, Expert, ExpertConflict, Organisation, Pitch, PitchRoom
from pitchday.services import contacts
from pitchday.services.event_io import describe_refusal, to_scheduler_event
from scheduler import bounds
from scheduler import io as sio

# (column, required, what it holds) — shown on the import page.
PITCH_COLUMNS = [
    ("id", True, _l("identifiant unique du projet (lettres, chiffres, tirets), ex. projet-8")),
    ("entreprise", True, _l("nom de l'entreprise")),
    ("titre", True, _l("titre du pitch")),
    ("secteur", True, _l("secteur d'activité")),
    ("ville", False, _l("ville")),
    ("themes", False, _l("thèmes séparés par des virgules")),
    ("duree_min", False, _l("durée de la présentation en minutes (sinon celle de l'événement)")),
    ("questions_min", False, _l("durée des questions en minutes (sinon celle de l'événement)")),
    ("salles", False, _l("identifiants des salles autorisées, séparés par des virgules (vide : toutes)")),
    (
        "disponibilites",
        False,
        _l("créneaux « AAAA-MM-JJ HH:MM-HH:MM » séparés par des virgules (vide : toujours)"),
    ),
    ("email_contact", False, _l("e-mail du contact de l'entreprise, pour la prévenir (vide : personne)")),
]
EXPERT_COLUMNS = [
    ("id", True, _l("identifiant unique du juré (lettres, chiffres, tirets), ex. uimm-3")),
    ("nom", True, _l("nom du juré")),
    ("organisation", True, _l("identifiant ou nom de l'organisation partenaire")),
    ("themes", False, _l("thèmes séparés par des virgules")),
    ("min_pitchs", False, _l("nombre minimum de pitchs à juger")),
    ("max_pitchs", False, _l("nombre maximum de pitchs à juger")),
    ("conflits", False, _l("identifiants des projets qu'il ne doit pas juger, séparés par des virgules")),
    (
        "disponibilites",
        False,
        _l("créneaux « AAAA-MM-JJ HH:MM-HH:MM » séparés par des virgules (vide : toujours)"),
    ),
    ("email", False, _l("e-mail du juré, pour le prévenir des changements (vide : personne)")),
]

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_DIGITS = re.compile(r"[0-9]+")
_WINDOW = re.compile(r"(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})", re.ASCII)


# What is wrong with a file, a row or a cell, by code; worded when the report is shown.
PROBLEMS = {
    "unreadable_line": _l("ligne illisible (%(reason)s)."),
    "empty_file": _l("le fichier est vide."),
    "unknown_column": _l("colonne inconnue (voir la liste des colonnes attendues)."),
    "missing_column": _l("colonne obligatoire absente."),
    "too_many_values": _l(
        "trop de valeurs sur la ligne (%(values)s valeurs pour %(columns)s colonnes) ; un point-virgule de trop ?"
    ),
    "no_rows": _l("aucune ligne de données sous l'en-tête."),
    "event_invalid": _l("l'événement ne serait plus valide : %(why)s"),
    "unknown_room": _l("salle « %(room)s » inconnue (salles : %(known)s)."),
    "unknown_organisation": _l("organisation « %(organisation)s » inconnue (organisations : %(known)s)."),
    "max_below_min": _l("le maximum (%(high)s) est plus petit que le minimum (%(low)s)."),
    "unknown_pitch": _l("projet « %(pitch)s » inconnu."),
    "empty_id": _l("identifiant vide."),
    "bad_id": _l("« %(id)s » : un identifiant n'a que des lettres, chiffres, points et tirets."),
    "id_twice": _l("« %(id)s » apparaît deux fois dans le fichier."),
    "required": _l("valeur obligatoire manquante."),
    "bad_email": _l("« %(value)s » n'est pas une adresse e-mail."),
    "not_whole": _l("« %(value)s » n'est pas un nombre entier positif."),
    "too_big": _l("%(value)s est trop grand (%(maximum)s au plus)."),
    "zero_duration": _l("la durée doit être supérieure à zéro."),
    "off_grid_minutes": _l("%(value)s min n'est pas un multiple de la grille de %(grid)s min."),
    "window_format": _l("« %(window)s » : format attendu AAAA-MM-JJ HH:MM-HH:MM."),
    "window_impossible": _l("« %(window)s » : date ou heure impossible."),
    "window_not_event_day": _l("le %(day)s n'est pas un jour de l'événement."),
    "window_backwards": _l("« %(window)s » : la fin doit venir après le début."),
    "window_off_grid": _l("« %(window)s » : heures hors de la grille de %(grid)s min."),
}


@dataclass(frozen=True)
class CsvProblem:
    """One problem of a file: where (line, column) and what, as a code of :data:`PROBLEMS` and parameters."""

    line: int
    column: str
    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """What is wrong, in the visitor's language."""
        params = dict(self.params)
        if isinstance(params.get("why"), sio.EventFormatError):
            params["why"] = describe_refusal(params["why"])
        return str(PROBLEMS[self.code]) % params if params else str(PROBLEMS[self.code])

    def __str__(self) -> str:
        if self.column:
            return _(
                "ligne %(line)s, colonne « %(column)s » : %(message)s",
                line=self.line,
                column=self.column,
                message=self.message,
            )
        return _("ligne %(line)s : %(message)s", line=self.line, message=self.message)


class CsvImportError(ValueError):
    """A file refused whole, with every problem found."""

    def __init__(self, problems: list[CsvProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class _RowError(Exception):
    def __init__(self, column: str, code: str, **params: object) -> None:
        super().__init__(code)
        self.column, self.code, self.params = column, code, params


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else Windows-1252/Latin-1 as French spreadsheets save."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _normalise(header: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def read_rows(raw: bytes, columns: list[tuple[str, bool, str]]) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) for each row; header problems raise CsvImportError."""
    text = decode(raw)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _rows(reader, columns)
    except csv.Error as error:  # a cell over the csv module's 128 KiB limit, a NUL byte...
        raise CsvImportError(
            [CsvProblem(reader.line_num, "", "unreadable_line", {"reason": str(error)})]
        ) from None


def _rows(reader, columns: list[tuple[str, bool, str]]) -> list[tuple[int, dict[str, str]]]:
    try:
        header = next(reader)
    except StopIteration:
        raise CsvImportError([CsvProblem(1, "", "empty_file")]) from None
    names = [_normalise(h) for h in header]
    known = {name for name, _required, _what in columns}
    problems = [
        CsvProblem(1, h, "unknown_column")
        for h, name in zip(header, names, strict=True)
        if name and name not in known
    ]
    problems += [
        CsvProblem(1, name, "missing_column")
        for name, required, _what in columns
        if required and name not in names
    ]
    if problems:
        raise CsvImportError(problems)
    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
            rows.append((line, {"__extra__": f"{len(cells)}/{len(names)}"}))
            continue
        rows.append(
            (
                line,
                {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names) if name},
            )
        )
    return rows


def import_pitches(event: Event, raw: bytes) -> list[Pitch]:
    """Add or update the pitches of a CSV file; refused whole on any bad row."""
    rows = read_rows(raw, PITCH_COLUMNS)
    rooms = {room.key: room for room in event.rooms}
    existing = {pitch.key: pitch for pitch in event.pitches}
    grid = event.grid_min or 5

    def apply(row: dict[str, str], seen: set[str]) -> Pitch:
        key = _ident(row, seen)
        values = {column: _required(row, column) for column in ("entreprise", "titre", "secteur")}
        duration = _minutes(row, "duree_min", grid, positive=True)
        qa = _minutes(row, "questions_min", grid, positive=False)
        allowed = _list(row, "salles")
        for room_key in allowed:
            if room_key not in rooms:
                raise _RowError("salles", "unknown_room", room=room_key, known=", ".join(rooms))
        windows = _windows(row, event, grid)
        contact_email = _address(row, "email_contact")
        pitch = existing.get(key) or Pitch(key=key, position=_next_position(event.pitches))
        pitch.company, pitch.title, pitch.sector = values["entreprise"], values["titre"], values["secteur"]
        pitch.city, pitch.topics = row.get("ville", ""), _list(row, "themes")
        pitch.duration_min, pitch.qa_min = duration, qa
        pitch.allowed_rooms = [PitchRoom(room=rooms[k], position=i) for i, k in enumerate(allowed)]
        pitch.windows = [
            AvailabilityWindow(position=i, date=d, start_min=s, end_min=e)
            for i, (d, s, e) in enumerate(windows)
        ]
        pitch.contact_email = contact_email
        if pitch not in event.pitches:
            event.pitches.append(pitch)
        return pitch

    return _import(event, rows, apply)


def import_experts(event: Event, raw: bytes) -> list[Expert]:
    """Add or update the experts of a CSV file; refused whole on any bad row."""
    rows = read_rows(raw, EXPERT_COLUMNS)
    organisations: dict[str, Organisation] = {}
    for org in event.organisations:
        organisations[org.key.lower()] = org
        organisations[org.name.lower()] = org
    pitches = {pitch.key: pitch for pitch in event.pitches}
    existing = {expert.key: expert for expert in event.experts}
    grid = event.grid_min or 5

    def apply(row: dict[str, str], seen: set[str]) -> Expert:
        key = _ident(row, seen)
        name = _required(row, "nom")
        org_text = _required(row, "organisation")
        organisation = organisations.get(org_text.lower())
        if organisation is None:
            raise _RowError(
                "organisation",
                "unknown_organisation",
                organisation=org_text,
                known=", ".join(o.key for o in event.organisations),
            )
        low = _whole(row, "min_pitchs", bounds.MAX_PITCHES_PER_EXPERT)
        high = _whole(row, "max_pitchs", bounds.MAX_PITCHES_PER_EXPERT)
        if low is not None and high is not None and low > high:
            raise _RowError("max_pitchs", "max_below_min", high=high, low=low)
        conflicts = _list(row, "conflits")
        for pitch_key in conflicts:
            if pitch_key not in pitches:
                raise _RowError("conflits", "unknown_pitch", pitch=pitch_key)
        windows = _windows(row, event, grid)
        email = _address(row, "email")
        expert = existing.get(key) or Expert(key=key, position=_next_position(event.experts))
        expert.name, expert.organisation, expert.topics = name, organisation, _list(row, "themes")
        expert.min_pitches, expert.max_pitches = low, high
        expert.conflicts = [ExpertConflict(pitch=pitches[k], position=i) for i, k in enumerate(conflicts)]
        expert.windows = [
            AvailabilityWindow(position=i, date=d, start_min=s, end_min=e)
            for i, (d, s, e) in enumerate(windows)
        ]
        expert.email = email
        if expert not in event.experts:
            event.experts.append(expert)
        return expert

    return _import(event, rows, apply)


def _import(event: Event, rows: list[tuple[int, dict[str, str]]], apply: Callable) -> list:
    """Apply every row inside a savepoint; any problem undoes them all."""
    problems: list[CsvProblem] = []
    done = []
    seen: set[str] = set()
    savepoint = db.session.begin_nested()
    with db.session.no_autoflush:
        for line, row in rows:
            if "__extra__" in row:
                values, columns = row["__extra__"].split("/")
                problems.append(
                    CsvProblem(line, "", "too_many_values", {"values": values, "columns": columns})
                )
                continue
            try:
                done.append(apply(row, seen))
            except _RowError as error:
                problems.append(CsvProblem(line, error.column, error.code, error.params))
    if not rows and not problems:
        problems.append(CsvProblem(2, "", "no_rows"))
    if not problems:
        # Checked before the flush, with the bounds of the event file: a text too long for its column
        # must be a line of the report, not PostgreSQL's refusal at the flush.
        try:
            with db.session.no_autoflush:
                sio.parse_event(sio.event_to_dict(to_scheduler_event(event)))
        except (sio.EventFormatError, ValueError) as error:
            # The refusal itself is kept, and worded when the report is shown.
            why = error if isinstance(error, sio.EventFormatError) else str(error)
            problems.append(CsvProblem(0, "", "event_invalid", {"why": why}))
        else:
            db.session.flush()
    if problems:
        savepoint.rollback()
        db.session.expire(event)
        raise CsvImportError(problems)
    savepoint.commit()
    return done


def _next_position(items: list) -> int:
    return max((item.position for item in items), default=-1) + 1


def _ident(row: dict[str, str], seen: set[str]) -> str:
    key = row.get("id", "")
    if not key:
        raise _RowError("id", "empty_id")
    if not _ID.fullmatch(key):
        raise _RowError("id", "bad_id", id=key)
    if key in seen:
        raise _RowError("id", "id_twice", id=key)
    seen.add(key)
    return key


def _required(row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    if not value:
        raise _RowError(column, "required")
    return value


def _address(row: dict[str, str], column: str) -> str | None:
    try:
        return contacts.checked_address(row.get(column, ""))
    except contacts.InvalidAddress as error:
        raise _RowError(column, "bad_email", value=error.value) from None


def _list(row: dict[str, str], column: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,|]", row.get(column, "")) if item.strip()]


def _whole(row: dict[str, str], column: str, maximum: int) -> int | None:
    text = row.get(column, "")
    if not text:
        return None
    if not _DIGITS.fullmatch(text):  # ASCII digits only: "²".isdigit() is True, int("²") fails
        raise _RowError(column, "not_whole", value=text[:40])
    if len(text) > 9 or int(text) > maximum:
        raise _RowError(column, "too_big", value=text[:40], maximum=numbers.number(maximum))
    return int(text)


def _minutes(row: dict[str, str], column: str, grid: int, *, positive: bool) -> int | None:
    value = _whole(row, column, bounds.MAX_DURATION_MIN)
    if value is None:
        return None
    if positive and value == 0:
        raise _RowError(column, "zero_duration")
    if value % grid:
        raise _RowError(column, "off_grid_minutes", value=value, grid=grid)
    return value


def _windows(row: dict[str, str], event: Event, grid: int) -> list[tuple[date, int, int]]:
    text = row.get("disponibilites", "")
    if not text:
        return []
    days = {day.date for day in event.days}
    windows = []
    for part in (p.strip() for p in re.split(r"[,|]", text) if p.strip()):
        match = _WINDOW.fullmatch(part)
        if not match:
            raise _RowError("disponibilites", "window_format", window=part)
        try:
            on = date.fromisoformat(match[1])
            start, end = sio.parse_clock(match[2].zfill(5)), sio.parse_clock(match[3].zfill(5))
        except ValueError:
            raise _RowError("disponibilites", "window_impossible", window=part) from None
        if on not in days:
            raise _RowError("disponibilites", "window_not_event_day", day=on.strftime("%d/%m/%Y"))
        if end <= start:
            raise _RowError("disponibilites", "window_backwards", window=part)
        if start % grid or end % grid:
            raise _RowError("disponibilites", "window_off_grid", window=part, grid=grid)
        windows.append((on, start, end))
    return windows
