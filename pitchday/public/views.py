"""Public pages: no login, nothing private (no jurors, no panels, no marks before the results)."""

from __future__ import annotations

import json
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from pitchday.access import public_event
from pitchday.extensions import db
from pitchday.models import Event, Room, ScheduledSession
from pitchday.public.caching import (
    ProgrammeFacts,
    asset_stamp,
    cached_response,
    content_etag_response,
    content_stamp,
    last_modified,
    load_programme,
    page_key,
    programme_facts,
    public_memo,
    results_stamp,
)
from pitchday.services import agenda, calendar, now_next, programmes, ranking, teams
from pitchday.services.agenda import AgendaFilter, format_clock

bp = Blueprint("public", __name__)

# Room boards and the "now/next" page ask this often; browsers may go faster in tests.
POLL_SECONDS = 20


@bp.app_template_global()
def asset_url(filename: str) -> str:
    """The URL of a static file with its content hash, so it can be cached for a year."""
    return url_for("static", filename=filename, v=asset_stamp(current_app.static_folder, filename))


@bp.app_template_filter("break_title")
def break_title(label: str) -> str:
    """How a break reads everywhere: « Pause — Déjeuner »; one already called « Pause » reads « Pause »."""
    word = _("Pause")
    if not label.strip() or label.strip().casefold() in {word.casefold(), "pause"}:
        return word
    return _("Pause — %(label)s", label=label.strip())


@bp.after_app_request
def cache_versioned_assets(response: Response) -> Response:
    """A static file asked for with its hash never changes under that URL."""
    if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = 365 * 24 * 3600
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


@bp.route("/")
def home() -> ResponseReturnValue:
    """The events, newest first."""
    events = db.session.execute(db.select(Event).order_by(Event.created_at.desc())).scalars().all()
    return render_template("public/home.html", events=events, programmes=programmes.public_programmes())


@bp.route("/programme/<slug>")
def programme(slug: str) -> ResponseReturnValue:
    """A programme's events by city and date, each linking to its own programme page."""
    found = teams.programme_by_slug(slug)
    if found is None:
        abort(404)
    return render_template("public/programme.html", programme=found, events=programmes.events_of(found))


@bp.route("/e/<slug>")
def event(slug: str) -> ResponseReturnValue:
    """An event's programme: the published agenda, or the pitches until one is published."""
    facts: ProgrammeFacts = public_memo().get(
        ("programme", slug), lambda: programme_facts(public_event(slug))
    )
    sector, room = request.args.get("secteur", ""), request.args.get("salle", "")
    only = AgendaFilter(
        sector=sector if sector in facts.sectors else "", room=room if room in facts.room_keys else ""
    )

    def render() -> str:
        event, version = load_programme(facts)
        days = agenda.public_agenda(version) if version else []
        return render_template(
            "public/event.html",
            event=event,
            version=version,
            only=only,
            days=days,
            sectors=list(facts.sectors),
            any_shown=any(day.shows_any(only) for day in days),
        )

    return cached_response(
        page_key(facts.content_stamp, "agenda", only.sector, only.room), facts.last_modified, render
    )


@bp.route("/e/<slug>/maintenant")
def now_page(slug: str) -> ResponseReturnValue:
    """En ce moment / À suivre, room by room; ``?now=2023-11-30T10:05`` shows another moment (demos, tests)."""
    event = public_event(slug)
    version = agenda.latest_published(event)
    state = now_next.now_next(event, version, _clock(event.timezone))
    return render_template(
        "public/now.html",
        event=event,
        state=state,
        override=request.args.get("now", ""),
        feed_url=_feed_url(event),
        poll_seconds=POLL_SECONDS,
    )


@bp.route("/e/<slug>/salle/<room_key>")
def room_board(slug: str, room_key: str) -> ResponseReturnValue:
    """The screen at a room's door: the pitch under way and the next one, in large type."""
    event = public_event(slug)
    room = _room_or_404(event, room_key)
    version = agenda.latest_published(event)
    state = now_next.now_next(event, version, _clock(event.timezone))
    room_state = next(r for r in state.rooms if r.room.id == room.id)
    return render_template(
        "public/room_board.html",
        event=event,
        state=state,
        room_state=room_state,
        feed_url=_feed_url(event),
        poll_seconds=POLL_SECONDS,
    )


@bp.route("/e/<slug>/maintenant.json")
def now_feed(slug: str) -> ResponseReturnValue:
    """Now and next in every room, as JSON for the pages that refresh themselves (304 when unchanged)."""
    # Every phone polls this: the event is found through the programme's memo (no query), and the
    # answer is computed once per event, minute and language each second, per process.
    facts: ProgrammeFacts = public_memo().get(
        ("programme", slug), lambda: programme_facts(public_event(slug))
    )
    clock = _clock(facts.timezone)

    def build() -> bytes:
        event = db.session.get(Event, facts.event_id)
        state = now_next.now_next(event, agenda.latest_published(event), clock)
        return json.dumps(_now_next_json(state), ensure_ascii=False, separators=(",", ":")).encode()

    body = public_memo().get(
        ("now", facts.event_id, clock.replace(second=0, microsecond=0), str(get_locale())), build
    )
    return content_etag_response(body, "application/json")


@bp.route("/e/<slug>/agenda.ics")
def calendar_all(slug: str) -> ResponseReturnValue:
    """The whole published agenda, to subscribe to in a calendar app."""
    event = public_event(slug)
    return _calendar_response(event, agenda.EVERYTHING, event.name)


@bp.route("/e/<slug>/agenda/salle/<room_key>.ics")
def calendar_room(slug: str, room_key: str) -> ResponseReturnValue:
    """The pitches of one room, as a calendar."""
    event = public_event(slug)
    room = _room_or_404(event, room_key)
    return _calendar_response(event, AgendaFilter(room=room.key), f"{event.name} — {room.name}")


@bp.route("/e/<slug>/agenda/secteur/<sector>.ics")
def calendar_sector(slug: str, sector: str) -> ResponseReturnValue:
    """The pitches of one sector, as a calendar."""
    event = public_event(slug)
    if sector not in agenda.sectors(event):
        abort(404, _("Aucun projet de ce secteur dans cet événement."))
    return _calendar_response(event, AgendaFilter(sector=sector), f"{event.name} — {sector}")


@bp.route("/e/<slug>/resultats")
def results(slug: str) -> ResponseReturnValue:
    """The ranking, once the organisers publish it; before that, a message and no data."""
    event = public_event(slug)
    version = agenda.latest_published(event)

    def render() -> str:
        return render_template(
            "public/results.html", event=event, ranking=ranking.public_results(event) or []
        )

    return cached_response(
        page_key(content_stamp(event, version), "results", event.results_published, results_stamp(event)),
        None,
        render,
    )


@bp.route("/langue/<lang>")
def switch_language(lang: str) -> ResponseReturnValue:
    """Switch between French and English, then go back where the visitor was."""
    if lang in ("fr", "en"):
        session["lang"] = lang
    target = request.referrer or ""
    if not target.startswith(request.host_url):
        target = url_for("public.home")
    return redirect(target)


def _room_or_404(event: Event, room_key: str) -> Room:
    room = next((room for room in event.rooms if room.key == room_key), None)
    if room is None:
        abort(404, _("Cette salle n'existe pas dans cet événement."))
    return room


def _clock(timezone: str) -> datetime:
    try:
        return now_next.event_clock(timezone, request.args.get("now"))
    except now_next.ClockError as error:
        abort(400, str(error))


def _feed_url(event: Event) -> str:
    override = request.args.get("now")
    return url_for("public.now_feed", slug=event.slug, **({"now": override} if override else {}))


def _now_next_json(state: now_next.NowNext) -> dict:
    today = state.at.date()

    def pitch(session: ScheduledSession | None) -> dict | None:
        if session is None:
            return None
        return {
            "key": session.pitch.key,
            "company": session.pitch.company,
            "title": session.pitch.title,
            "city": session.pitch.city,
            "sector": session.pitch.sector,
            "start": format_clock(session.start_min),
            "end": format_clock(session.end_min),
            "day": "" if session.date == today else format_date(session.date, "full"),
        }

    return {
        "version": state.version.number if state.version else None,
        "now": state.at.isoformat(timespec="minutes"),
        "clock": f"{state.at.hour:02d}:{state.at.minute:02d}",
        "today": format_date(today, "full"),
        "rooms": [
            {
                "key": r.room.key,
                "name": r.room.name,
                "current": pitch(r.current),
                "next": pitch(r.next),
                "in_break": r.in_break,
                "break": r.break_label,
                "break_title": break_title(r.break_label) if r.in_break else "",
            }
            for r in state.rooms
        ],
    }


def _calendar_response(event: Event, only: AgendaFilter, name: str) -> Response:
    version = agenda.latest_published(event)
    body = calendar.calendar_feed(event, version, name=name, only=only)
    response = content_etag_response(body, "text/calendar", last_modified(event, version))
    response.mimetype_params["charset"] = "utf-8"
    return response
