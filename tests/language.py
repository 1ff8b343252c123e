"""Is a text written in one language? The catalogue's French sources found in what an English visitor reads.

The French of the app is the source text of the catalogue (pitchday/translations): a piece of a
``msgid`` whose English differs, found in an English page or message, is French left untranslated
(a string not wrapped in ``_()``, a message stored already worded, a refusal worded in the wrong
language). Pieces are the runs of text between placeholders, long enough (two words or more) not to
be mistaken for a name in the event's own data (a room called « Salle Seine »).
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

from babel.messages.pofile import read_po

PO_FILE = (
    Path(__file__).resolve().parents[1] / "pitchday" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
)
_PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sdf]|%[sdf%]|\{[A-Za-z_]+\}|<[^>]*>")
_TAG = re.compile(r"<[^>]*>")
_MIN_LENGTH = 12


def _forms(text: str | tuple) -> tuple[str, ...]:
    return text if isinstance(text, tuple) else (text,)


@functools.cache
def french_pieces() -> frozenset[str]:
    """Runs of the catalogue's French source text that its English does not share."""
    with PO_FILE.open("rb") as po:
        catalogue = read_po(po)
    pieces: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        english = " ".join(_forms(message.string))
        for source in _forms(message.id):
            for piece in _PLACEHOLDER.split(source):
                piece = " ".join(piece.split()).strip(" ,.:;()«»—–-")
                if len(piece) >= _MIN_LENGTH and " " in piece and piece not in english:
                    pieces.add(piece)
    return frozenset(pieces)


# Attributes whose words reach a person: read aloud, shown on hover or in an empty field, or written
# into the page by its scripts (data-msg-*).
_SPOKEN_ATTRIBUTE = re.compile(r'\s(?:aria-label|title|placeholder|alt|data-msg-[a-z-]+)="([^"]*)"')


def readable_text(page: str) -> str:
    """What a reader sees of an HTML page or a message: tags gone, entities decoded, spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(_TAG.sub(" ", page)).split())


def everything_read(page: str) -> str:
    """The page's text and the words of its attributes that people read or hear."""
    spoken = " | ".join(html.unescape(value) for value in _SPOKEN_ATTRIBUTE.findall(page))
    return readable_text(page) + " | " + " ".join(spoken.split())


def french_in(text: str) -> list[str]:
    """The catalogue's French pieces found in ``text`` (an English page or message should have none)."""
    seen = everything_read(text)
    return sorted(piece for piece in french_pieces() if piece in seen)
