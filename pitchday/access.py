"""The one check of every organiser page: which event, and may the current account do this to it.

An event outside the account's teams answers 404, exactly as a slug that does not exist, so
slugs do not leak; a known event and a role without the permission answers 403. The roles
themselves are in pitchday.services.teams.PERMISSIONS.
"""

from __future__ import annotations

from flask import abort, g
from flask_babel import gettext as _
from flask_login import current_user

from pitchday.extensions import db
from pitchday.models import Event, Programme
from pitchday.services import teams
from pitchday.services.teams import Permission


def event_by_slug(slug: str) -> Event | None:
    """The one lookup of an event by the slug of its URLs (organiser pages, public pages, the command line)."""
    return db.session.execute(db.select(Event).filter_by(slug=slug)).scalar_one_or_none()


def event_for(slug: str, permission: Permission) -> Event:
    """The event for the current account and permission, or 404 / 403."""
    event = event_by_slug(slug)
    if event is None:
        abort(404)
    authorise(event, permission)
    return event


def public_event(slug: str) -> Event:
    """The event of a public page (no account needed), or a 404 that says what to do."""
    event = event_by_slug(slug)
    if event is None:
        abort(
            404,
            _(
                "Aucun événement ne porte ce nom. Vérifiez le lien, ou choisissez un événement depuis l'accueil."
            ),
        )
    return event


def authorise(event: Event, permission: Permission) -> teams.Role:
    """404 when the account holds no role in the event, 403 when its role lacks the permission."""
    role = role_here(event)
    if role is None:
        abort(404)
    if not teams.may(role, permission):
        abort(403, _("Votre rôle dans cet événement ne permet pas cette action."))
    return role


def role_here(event: Event) -> teams.Role | None:
    """The current account's role in the event, looked up once per request."""
    if not current_user.is_authenticated:
        return None
    known: dict[int, teams.Role | None] = g.setdefault("pitchday_roles", {})
    if event.id not in known:
        known[event.id] = teams.role_in(current_user, event)
    return known[event.id]


def can(event: Event, permission: str) -> bool:
    """For templates: show an action only to those who may do it."""
    return teams.may(role_here(event), Permission(permission))


def programme_for(slug: str) -> Programme:
    """The programme for its coordinators; 404 for an account with no role in it, 403 for a member of one event."""
    programme = teams.programme_by_slug(slug)
    if programme is None or not current_user.is_authenticated:
        abort(404)
    if teams.coordinates(current_user, programme.id):
        return programme
    if any(role_here(event) is not None for event in programme.events):
        abort(403, _("Seuls les coordinateurs du programme voient cette page."))
    abort(404)
