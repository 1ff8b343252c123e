"""HTTP validators for the public pages: a phone on the venue's weak Wi-Fi re-downloads only what changed.

A page's ETag is computed before it is rendered, from what decides its content (published
version, language, filters...), so an unchanged page costs a 304 and no rendering.

Hundreds of phones ask for the same programme: each server process also remembers, for
about a second, what the pages are made of (``PublicMemo``), and keeps the rendered
anonymous pages by ETag, so most requests cost no query and no rendering. A commit in
this process that changes anything but marks forgets the memo at once; other processes
see the change within ``PUBLIC_MEMO_SECONDS``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import Response, current_app, has_app_context, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, joinedload, selectinload

from pitchday.extensions import db
from pitchday.models import (
    Event,
    EventDay,
    JurorComment,
    Pitch,
    ScheduledSession,
    ScheduleVersion,
    Score,
    ScoreAudit,
    ScoreSubmission,
)
from pitchday.services import agenda

PUBLIC_MEMO_SECONDS = 1.0
MEMO_ENTRIES = 1024
RENDERED_PAGES = 256
# Written at every autosave, shown on no memoised page: their commits keep the memo.
_UNSHOWN_MODELS = (Score, ScoreAudit, ScoreSubmission, JurorComment)
_EXTENSION_KEY = "pitchday_public_memo"
_CHANGED_KEY = "pitchday_public_changed"
_CREATE_LOCK = threading.Lock()


class PublicMemo:
    """Values computed from the database, reused for ``seconds``; bounded, thread-safe."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._pages: OrderedDict[str, bytes] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        now = time.monotonic()
        with self._lock:
            found = self._values.get(key)
        if found is not None and now - found[0] < self.seconds:
            return found[1]
        value = compute()  # outside the lock: a slow query must not hold up the other threads
        with self._lock:
            self._values[key] = (now, value)
            while len(self._values) > MEMO_ENTRIES:
                self._values.popitem(last=False)
        return value

    def page(self, etag: str, render: Callable[[], str | bytes]) -> bytes:
        """The page rendered for this ETag (the ETag names its whole content)."""
        with self._lock:
            body = self._pages.get(etag)
            if body is not None:
                self._pages.move_to_end(etag)
                return body
        rendered = render()
        body = rendered.encode() if isinstance(rendered, str) else rendered
        with self._lock:
            self._pages[etag] = body
            while len(self._pages) > RENDERED_PAGES:
                self._pages.popitem(last=False)
        return body

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._pages.clear()


def public_memo() -> PublicMemo:
    """This app's memo (one per app: test apps on other databases never share it)."""
    extensions = current_app.extensions
    if _EXTENSION_KEY not in extensions:
        with _CREATE_LOCK:
            extensions.setdefault(
                _EXTENSION_KEY, PublicMemo(current_app.config.get("PUBLIC_MEMO_SECONDS", PUBLIC_MEMO_SECONDS))
            )
    return extensions[_EXTENSION_KEY]


@sa_event.listens_for(Session, "after_flush")
def _note_public_change(session: Session, _context) -> None:
    if any(
        not isinstance(instance, _UNSHOWN_MODELS)
        for instance in (*session.new, *session.dirty, *session.deleted)
    ):
        session.info[_CHANGED_KEY] = True


@sa_event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED_KEY, False) and has_app_context():
        public_memo().clear()


@sa_event.listens_for(Session, "after_rollback")
def _keep_after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED_KEY, None)


def cached_response(
    key: Iterable[object], last_modified: datetime | None, build: Callable[[], Response | str | bytes]
) -> Response:
    """The response ``build`` makes, with validators; a 304 without calling it when the visitor has it.

    A visitor's page is rendered once per ETag and process; an organiser's (their menu, their
    form token) or one carrying a flashed message is rendered for them alone.
    """
    parts = [*key, templates_stamp(), _viewer()]
    etag = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    elif current_user.is_authenticated or session.get("_flashes"):
        response = make_response(build())
    else:
        response = current_app.response_class(public_memo().page(etag, build), mimetype="text/html")
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    return with_revalidation(response).make_conditional(request)


def content_etag_response(body: bytes, mimetype: str, last_modified: datetime | None = None) -> Response:
    """A small generated body (JSON, .ics) validated by a hash of the body itself."""
    response = current_app.response_class(body, mimetype=mimetype)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified
    return with_revalidation(response).make_conditional(request)


def with_revalidation(response: Response) -> Response:
    """Caches may keep the page but must ask each time; a signed-in organiser's pages stay private."""
    response.cache_control.no_cache = True
    if current_user.is_authenticated:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def _viewer() -> str:
    """Organisers see their own menu in the header: their pages must not match a visitor's."""
    return f"organiser:{current_user.get_id()}" if current_user.is_authenticated else "public"


@cache
def templates_stamp() -> str:
    """Changes when a deployment changes the templates, so that old copies stop validating."""
    folder = Path(current_app.template_folder or "templates")
    if not folder.is_absolute():
        folder = Path(current_app.root_path) / folder
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.html")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def asset_stamp(static_folder: str, filename: str) -> str:
    """A short hash of a static file, put in its URL so that it can be cached for a long time."""
    return hashlib.sha256((Path(static_folder) / filename).read_bytes()).hexdigest()[:10]


# --- what the public pages are made of: their ETags, their Last-Modified, their loading -----------


@dataclass(frozen=True)
class ProgrammeFacts:
    """What the programme's ETag and filters depend on, remembered for a second per process."""

    event_id: int
    version_id: int | None
    content_stamp: str
    last_modified: datetime
    sectors: tuple[str, ...]
    room_keys: frozenset[str]
    timezone: str


def programme_facts(event: Event) -> ProgrammeFacts:
    """What the programme page and the now/next feed of an event are made of (kept in the memo)."""
    version = agenda.latest_published(event)
    return ProgrammeFacts(
        event.id,
        version.id if version else None,
        content_stamp(event, version),
        last_modified(event, version),
        tuple(agenda.sectors(event)),
        frozenset(room.key for room in event.rooms),
        event.timezone,
    )


def load_programme(facts: ProgrammeFacts) -> tuple[Event, ScheduleVersion | None]:
    """The event and published version of a programme page, with everything the page reads loaded at once."""
    event = db.session.get(
        Event,
        facts.event_id,
        options=[
            selectinload(Event.pitches),
            selectinload(Event.rooms),
            selectinload(Event.days).selectinload(EventDay.breaks),
        ],
    )
    version = (
        db.session.get(
            ScheduleVersion,
            facts.version_id,
            options=[
                selectinload(ScheduleVersion.sessions).options(
                    joinedload(ScheduledSession.pitch), joinedload(ScheduledSession.room)
                )
            ],
        )
        if facts.version_id
        else None
    )
    return event, version


def page_key(content_stamp: str, *parts: object) -> list[object]:
    """What a public page's ETag is made of: its content, the visitor's language, and the page's own parts."""
    return [content_stamp, str(get_locale()), *parts]


def content_stamp(event: Event, version: ScheduleVersion | None) -> str:
    """What a public page's content depends on, for its ETag: the published version, and what the
    organisers may still edit under it (a company's name, a room's, a break's label)."""
    public_data = [(p.key, p.company, p.title, p.city, p.sector) for p in event.pitches]
    public_data += [(r.key, r.name) for r in event.rooms]
    public_data += [(b.start_min, b.end_min, b.label) for day in event.days for b in day.breaks]
    facts = [
        event.id,
        event.name,
        event.venue,
        event.results_published,
        version.id if version else None,
        public_data,
    ]
    return hashlib.sha256(repr(facts).encode()).hexdigest()[:24]


def last_modified(event: Event, version: ScheduleVersion | None) -> datetime:
    """A public page's Last-Modified: the publication of its version, or the event's creation."""
    return (version.published_at if version else None) or event.created_at


def results_stamp(event: Event) -> object:
    """Results can change while marks come in: the page validates against the latest mark."""
    if not event.results_published:
        return None
    return tuple(
        db.session.execute(
            db.select(db.func.count(Score.id), db.func.max(Score.updated_at))
            .join(Pitch, Score.pitch_id == Pitch.id)
            .where(Pitch.event_id == event.id)
        ).one()
    )
