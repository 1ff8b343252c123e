"""Every bound of the event file, in one place: how long each text, how large each number, which dates.

``scheduler.io`` checks them when it reads a file, and the app checks every edit, CSV import and
form against the same reader (``pitchday.services.editing.check_event``); the database columns
are sized from these lengths (``pitchday.models``), so that what was read always fits where it
is stored (PostgreSQL refuses a text longer than its column, SQLite does not).
"""

from __future__ import annotations

from datetime import date

# --- texts (characters) ---------------------------------------------------------------------------
ID_LENGTH = 80  # room, organisation, pitch and expert ids
NAME_LENGTH = 200  # the event's name and venue, room, organisation and expert names, a company
TIMEZONE_LENGTH = 64
SECTOR_LENGTH = 80
CITY_LENGTH = 120
BREAK_LABEL_LENGTH = 120
TITLE_LENGTH = 2000  # a pitch's title (a text column: the bound keeps pages readable)
TOPIC_LENGTH = 200
TOPICS_PER_ITEM = 50

# --- numbers --------------------------------------------------------------------------------------
MAX_GRID_MIN = 60
MAX_DURATION_MIN = 600  # a talk, its questions, a changeover
MAX_CAPACITY = 100_000
MAX_PANEL_SIZE = 20
MAX_PITCHES_PER_EXPERT = 1000
MAX_WEIGHT = 1_000_000

# --- dates ----------------------------------------------------------------------------------------
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)


def first_control_character(text: str) -> str | None:
    """The first control character of ``text`` (C0 including NUL, DEL, C1), else None.

    None belongs in a one-line text: NUL is refused by PostgreSQL, a CR LF in an id breaks the
    calendar files it names, and the rest is invisible on a page.
    """
    for char in text:
        code = ord(char)
        if code < 0x20 or 0x7F <= code < 0xA0:
            return char
    return None
