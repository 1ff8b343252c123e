"""Public pages: no login, nothing private."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for

from pitchday.extensions import db
from pitchday.models import Event
from pitchday.services import agenda

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    """The events, newest first."""
    events = db.session.execute(db.select(Event).order_by(Event.created_at.desc())).scalars().all()
    return render_template("public/home.html", events=events)


@bp.route("/e/<slug>")
def event(slug: str):
    """An event's programme: the published agenda, or the pitches until one is published."""
    event = db.one_or_404(db.select(Event).filter_by(slug=slug))
    version = agenda.latest_published(event)
    days = agenda.agenda_by_day(version) if version else []
    return render_template("public/event.html", event=event, version=version, days=days)


@bp.route("/langue/<lang>")
def switch_language(lang: str):
    """Switch between French and English, then go back where the visitor was."""
    if lang in ("fr", "en"):
        session["lang"] = lang
    target = request.referrer or ""
    if not target.startswith(request.host_url):
        target = url_for("public.home")
    return redirect(target)
