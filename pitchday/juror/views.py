"""The juror's pages, reached by a personal link: no account, no password."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _

from pitchday.models import Expert
from pitchday.services import accounts, agenda

bp = Blueprint("juror", __name__)


def juror_or_403(token: str) -> Expert:
    """The expert who holds this link; an unknown or revoked link is refused."""
    expert = accounts.juror_from_token(token)
    if expert is None:
        abort(403, _("Ce lien de juré n'est pas (ou plus) valable. Demandez un nouveau lien à l'organisation."))
    return expert


@bp.route("/<token>")
def day(token: str):
    """The juror's day: the pitches on their panel, in order."""
    expert = juror_or_403(token)
    sessions = agenda.sessions_of_expert(expert)
    return render_template("juror/day.html", expert=expert, sessions=sessions, token=token)
