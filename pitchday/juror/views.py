"""The juror's pages, reached by a personal link: no account, no password."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from pitchday.juror.forms import field_name, scoring_form
from pitchday.models import Expert
from pitchday.security import juror_of_link
from pitchday.services import agenda, scoring

bp = Blueprint("juror", __name__)


def juror_or_403(token: str) -> Expert:
    """The expert who holds this link; an unknown or revoked link is refused."""
    expert = juror_of_link(token)
    if expert is None:
        abort(403, _("Ce lien de juré n'est pas (ou plus) valable. Demandez un nouveau lien à l'organisation."))
    return expert


@bp.route("/<token>")
def day(token: str):
    """The juror's day: the pitches on their panel, in order, the current one highlighted."""
    expert = juror_or_403(token)
    sessions = agenda.sessions_of_expert(expert)
    return render_template("juror/day.html", expert=expert, sessions=sessions, token=token,
                           current=scoring.current_session_id(sessions),
                           progress=scoring.progress_of(expert), criteria_count=scoring.criteria_count(expert))


@bp.route("/<token>/pitchs/<int:pitch_id>", methods=["GET", "POST"])
def pitch(token: str, pitch_id: int):
    """Score one pitch; a plain form that works without JavaScript (the script saves each change)."""
    expert = juror_or_403(token)
    sheet = _sheet_or_abort(expert, pitch_id)
    form = scoring_form(sheet.criteria)
    if form.validate_on_submit():
        marks = {c.id: form[field_name(c)].data for c in sheet.criteria if form[field_name(c)].data}
        try:
            scoring.submit(expert, pitch_id, form.client_id.data, marks, form.comment.data or "")
        except scoring.ScoringError as refusal:
            return _render_sheet(expert, token, scoring.sheet_of(expert, pitch_id), form, refusal.message), \
                refusal.status
        flash(_("Notes enregistrées."), "success")
        return redirect(url_for("juror.pitch", token=token, pitch_id=pitch_id))
    if form.is_submitted():
        why = (_("La page a expiré : rechargez-la puis notez à nouveau.") if "csrf_token" in form.errors
               else _("Le commentaire est trop long (5000 caractères au plus)."))
        return _render_sheet(expert, token, sheet, form, why), 422
    return _render_sheet(expert, token, sheet, form)


@bp.route("/<token>/pitchs/<int:pitch_id>/notes", methods=["POST"])
def autosave(token: str, pitch_id: int):
    """Save one change (JSON); a resubmission with the same client id is applied once."""
    expert = juror_or_403(token)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error=_("Requête illisible : un objet JSON est attendu.")), 422
    try:
        response = scoring.submit(expert, pitch_id, body.get("client_id"), body.get("scores") or {},
                                  body.get("comment"))
    except scoring.ScoringError as refusal:
        return jsonify(error=refusal.message, status="refused"), refusal.status
    return jsonify(response)


def _sheet_or_abort(expert: Expert, pitch_id: int) -> scoring.JurorSheet:
    try:
        return scoring.sheet_of(expert, pitch_id)
    except scoring.ScoringError as refusal:
        abort(refusal.status, refusal.message)


def _render_sheet(expert: Expert, token: str, sheet: scoring.JurorSheet, form, refusal: str = "") -> str:
    form.client_id.data = str(uuid.uuid4())  # a new id per rendering: a browser resubmit is applied once
    return render_template("juror/pitch.html", expert=expert, token=token, sheet=sheet, form=form,
                           pitch=sheet.session.pitch, refusal=refusal)
