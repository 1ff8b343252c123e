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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

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


@dataclass(frozen=True)
class CsvProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"ligne {self.line}" + (f", colonne « {self.column} »" if self.column else "")
        return f"{where} : {self.message}"


class CsvImportError(ValueError):
    """A file refused whole, with every problem found."""

    def __init__(self, problems: list[CsvProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class _RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


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
        raise CsvImportError([CsvProblem(reader.line_num, "", f"ligne illisible ({error}).")]) from None


def _rows(reader, columns: list[tuple[str, bool, str]]) -> list[tuple[int, dict[str, str]]]:
    try:
        header = next(reader)
    except StopIteration:
        raise CsvImportError([CsvProblem(1, "", "le fichier est vide.")]) from None
    names = [_normalise(h) for h in header]
    known = {name for name, _required, _what in columns}
    problems = [
        CsvProblem(1, h, "colonne inconnue (voir la liste des colonnes attendues).")
        for h, name in zip(header, names, strict=True)
        if name and name not in known
    ]
    problems += [
        CsvProblem(1, name, "colonne obligatoire absente.")
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
            rows.append((line, {"__extra__": f"{len(cells)} valeurs pour {len(names)} colonnes"}))
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
                raise _RowError("salles", f"salle « {room_key} » inconnue (salles : {', '.join(rooms)}).")
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
                f"organisation « {org_text} » inconnue (organisations : "
                f"{', '.join(o.key for o in event.organisations)}).",
            )
        low = _whole(row, "min_pitchs", bounds.MAX_PITCHES_PER_EXPERT)
        high = _whole(row, "max_pitchs", bounds.MAX_PITCHES_PER_EXPERT)
        if low is not None and high is not None and low > high:
            raise _RowError("max_pitchs", f"le maximum ({high}) est plus petit que le minimum ({low}).")
        conflicts = _list(row, "conflits")
        for pitch_key in conflicts:
            if pitch_key not in pitches:
                raise _RowError("conflits", f"projet « {pitch_key} » inconnu.")
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
                problems.append(
                    CsvProblem(
                        line,
                        "",
                        f"trop de valeurs sur la ligne ({row['__extra__']}) ; un point-virgule de trop ?",
                    )
                )
                continue
            try:
                done.append(apply(row, seen))
            except _RowError as error:
                problems.append(CsvProblem(line, error.column, error.message))
    if not rows and not problems:
        problems.append(CsvProblem(2, "", "aucune ligne de données sous l'en-tête."))
    if not problems:
        # Checked before the flush, with the bounds of the event file: a text too long for its column
        # must be a line of the report, not PostgreSQL's refusal at the flush.
        try:
            with db.session.no_autoflush:
                sio.parse_event(sio.event_to_dict(to_scheduler_event(event)))
        except (sio.EventFormatError, ValueError) as error:
            why = describe_refusal(error) if isinstance(error, sio.EventFormatError) else str(error)
            problems.append(CsvProblem(0, "", f"l'événement ne serait plus valide : {why}"))
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
        raise _RowError("id", "identifiant vide.")
    if not _ID.fullmatch(key):
        raise _RowError("id", f"« {key} » : un identifiant n'a que des lettres, chiffres, points et tirets.")
    if key in seen:
        raise _RowError("id", f"« {key} » apparaît deux fois dans le fichier.")
    seen.add(key)
    return key


def _required(row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    if not value:
        raise _RowError(column, "valeur obligatoire manquante.")
    return value


def _address(row: dict[str, str], column: str) -> str | None:
    try:
        return contacts.checked_address(row.get(column, ""))
    except contacts.InvalidAddress as error:
        raise _RowError(column, f"« {error.value} » n'est pas une adresse e-mail.") from None


def _list(row: dict[str, str], column: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,|]", row.get(column, "")) if item.strip()]


def _whole(row: dict[str, str], column: str, maximum: int) -> int | None:
    text = row.get(column, "")
    if not text:
        return None
    if not _DIGITS.fullmatch(text):  # ASCII digits only: "²".isdigit() is True, int("²") fails
        raise _RowError(column, f"« {text[:40]} » n'est pas un nombre entier positif.")
    if len(text) > 9 or int(text) > maximum:
        raise _RowError(column, f"{text[:40]} est trop grand ({maximum} au plus).")
    return int(text)


def _minutes(row: dict[str, str], column: str, grid: int, *, positive: bool) -> int | None:
    value = _whole(row, column, bounds.MAX_DURATION_MIN)
    if value is None:
        return None
    if positive and value == 0:
        raise _RowError(column, "la durée doit être supérieure à zéro.")
    if value % grid:
        raise _RowError(column, f"{value} min n'est pas un multiple de la grille de {grid} min.")
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
            raise _RowError("disponibilites", f"« {part} » : format attendu AAAA-MM-JJ HH:MM-HH:MM.")
        try:
            on = date.fromisoformat(match[1])
            start, end = sio.parse_clock(match[2].zfill(5)), sio.parse_clock(match[3].zfill(5))
        except ValueError:
            raise _RowError("disponibilites", f"« {part} » : date ou heure impossible.") from None
        if on not in days:
            raise _RowError(
                "disponibilites", f"le {on.strftime('%d/%m/%Y')} n'est pas un jour de l'événement."
            )
        if end <= start:
            raise _RowError("disponibilites", f"« {part} » : la fin doit venir après le début.")
        if start % grid or end % grid:
            raise _RowError("disponibilites", f"« {part} » : heures hors de la grille de {grid} min.")
        windows.append((on, start, end))
    return windows
