"""The organisers' journal of an event: who did what, when, from what to what. Append-only.

The services record their own actions here (and only flush); the actor is the organiser the
current request is for, or nobody for the command line and background solves.
"""

from __future__ import annotations

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pitchday.extensions import db
from pitchday.models import Event, JournalEntry

# action code -> its label, worded in the reader's language when shown
ACTIONS = {
    "schedule.generated": _l("Génération d'un planning lancée"),
    "schedule.published": _l("Version publiée"),
    "schedule.moved": _l("Pitch déplacé à la main"),
    "schedule.delayed": _l("Décalage de la journée"),
    "schedule.absent": _l("Juré absent remplacé"),
    "planning.locked": _l("Verrou posé dans le planning"),
    "planning.unlocked": _l("Verrou retiré du planning"),
    "scoring.locked": _l("Notation verrouillée"),
    "scoring.unlocked": _l("Notation rouverte"),
    "scoring.lock_delay": _l("Délai de verrouillage changé"),
    "rubric.changed": _l("Grille de notation modifiée"),
    "rules.changed": _l("Règles des jurys modifiées"),
    "link.revoked": _l("Lien de juré révoqué"),
    "results.published": _l("Résultats publiés"),
    "results.unpublished": _l("Résultats retirés"),
    "team.role": _l("Rôle dans l'équipe donné ou changé"),
    "team.removed": _l("Membre retiré de l'équipe"),
    "team.invited": _l("Invitation envoyée"),
    "team.invitation_cancelled": _l("Invitation annulée"),
    "feedback.edited": _l("Retour d'un juré reformulé"),
    "feedback.hidden": _l("Retour d'un juré masqué"),
    "feedback.shown": _l("Retour d'un juré de nouveau visible"),
    "feedback.released": _l("Retour publié pour l'entreprise"),
    "feedback.withdrawn": _l("Retour retiré à l'entreprise"),
    "feedback.rank_shown": _l("Rang montré à l'entreprise"),
    "feedback.rank_hidden": _l("Rang caché à l'entreprise"),
    "feedback.link_issued": _l("Lien de retour créé pour l'entreprise"),
    "feedback.link_revoked": _l("Lien de retour de l'entreprise révoqué"),
}


def record(
    event: Event, action: str, *, subject: str = "", before: object = None, after: object = None
) -> JournalEntry:
    """Append one line to the event's journal (flushes; the request commits)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown journal action {action!r}")
    actor = _current_actor()
    entry = JournalEntry(
        event_id=event.id,
        action=action,
        subject=subject[:2000],
        before=before,
        after=after,
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else "",
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries_of(event: Event, limit: int = 2000) -> list[JournalEntry]:
    """The event's journal, latest first."""
    return list(
        db.session.execute(
            db.select(JournalEntry)
            .filter_by(event_id=event.id)
            .order_by(JournalEntry.at.desc(), JournalEntry.id.desc())
            .limit(limit)
        ).scalars()
    )


def label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def _current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None
