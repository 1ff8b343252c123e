"""The juror's pages, reached by a personal link: no account, no password."""

from __future__ import annotations

import uuid

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from pitchday.juror.forms import feedback_of_form, field_name, scoring_form
from pitchday.models import Expert
from pitchday.public.views import asset_url
from pitchday.security import juror_of_link
from pitchday.services import agenda, devices, scoring

# What the juror's pages load, cached by the service worker so that every page opens offline.
JUROR_ASSETS = ("css/app.css", "css/scoring.css", "js/juror.js", "img/pitchday-icon.svg")

bp = Blueprint("juror", __name__)


def juror_or_403(token: str) -> Expert:
    """The expert who holds this link; an unknown or revoked link is refused."""
    expert = juror_of_link(token)
    if expert is None:
        abort(
            403, _("Ce lien de juré n'est pas (ou plus) valable. Demandez un nouveau lien à l'organisation.")
        )
    return expert


@bp.route("/<token>/")  # the service worker's scope: the page opens offline at this address
@bp.route("/<token>")  # registered first: the address printed on cards
def day(token: str) -> ResponseReturnValue:
    """The juror's day: the pitches on their panel, in order, the current one highlighted."""
    expert = juror_or_403(token)
    sessions = agenda.sessions_of_expert(expert)
    return render_template(
        "juror/day.html",
        expert=expert,
        sessions=sessions,
        token=token,
        current=scoring.current_session_id(sessions),
        locks=scoring.locks_of(expert.event, sessions),
        progress=scoring.progress_of(expert),
        criteria_count=scoring.criteria_count(expert),
    )


@bp.route("/<token>/pitchs/<int:pitch_id>", methods=["GET", "POST"])
def pitch(token: str, pitch_id: int) -> ResponseReturnValue:
    """Score one pitch; a plain form that works without JavaScript (the script saves each change)."""
    expert = juror_or_403(token)
    sheet = _sheet_or_abort(expert, pitch_id)
    form = scoring_form(sheet.criteria)
    if form.validate_on_submit():
        marks = {c.id: form[field_name(c)].data for c in sheet.criteria if form[field_name(c)].data}
        try:
            scoring.submit(
                expert,
                pitch_id,
                form.client_id.data,
                marks,
                form.comment.data or "",
                feedback=feedback_of_form(form),
            )
        except scoring.ScoringError as refusal:
            return _render_sheet(
                expert, token, scoring.sheet_of(expert, pitch_id), form, refusal.message
            ), refusal.status
        flash(_("Notes enregistrées."), "success")
        return redirect(url_for("juror.pitch", token=token, pitch_id=pitch_id))
    if form.is_submitted():
        why = (
            _("La page a expiré : rechargez-la puis notez à nouveau.")
            if "csrf_token" in form.errors
            else _("Un texte est trop long (5000 caractères au plus) : raccourcissez-le.")
        )
        return _render_sheet(expert, token, sheet, form, why), 422
    return _render_sheet(expert, token, sheet, form)


@bp.route("/<token>/pitchs/<int:pitch_id>/notes", methods=["POST"])
def autosave(token: str, pitch_id: int) -> ResponseReturnValue:
    """Save one change (JSON); a resubmission with the same client id is applied once."""
    expert = juror_or_403(token)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error=_("Requête illisible : un objet JSON est attendu.")), 422
    report = devices.report_of(body.get("device"))
    try:
        response = scoring.submit(
            expert,
            pitch_id,
            body.get("client_id"),
            body.get("scores") or {},
            body.get("comment"),
            changed_at=scoring.moment_of_change(body.get("changed_at"), body.get("sent_at")),
            device_id=report.device_id if report else None,
            device_order=body.get("order"),
            feedback=body,
        )
    except scoring.ScoringError as refusal:
        # The marks as stored, so that the sheet shows them again instead of the refused ones.
        return jsonify(
            error=refusal.message, status="refused", sheet=_stored_sheet(expert, pitch_id)
        ), refusal.status
    devices.heard(expert, report, current_app.config["JUROR_OFFLINE_AFTER_SECONDS"])
    return jsonify(response)


@bp.route("/<token>/etat")
def state(token: str) -> ResponseReturnValue:
    """What an open page must follow (JSON): a sheet's stored marks and lock, or the day's locks.

    The juror app asks every few seconds while a page is shown, with its device's report (its id and
    how many changes wait in its queue), which the organiser's board reads. It also gives a fresh
    CSRF token: a page opened from the offline cache may carry one from an expired session.
    """
    expert = juror_or_403(token)
    devices.heard(
        expert,
        devices.report_of(
            {
                "id": request.args.get("device"),
                "kind": request.args.get("kind", ""),
                "pending": request.args.get("pending"),
            }
        ),
        current_app.config["JUROR_OFFLINE_AFTER_SECONDS"],
    )
    answer: dict = {"csrf_token": generate_csrf(), "poll_seconds": current_app.config["JUROR_POLL_SECONDS"]}
    pitch_id = request.args.get("pitch", "")
    if pitch_id.isdigit() and len(pitch_id) <= 9:  # a database integer; anything else is no pitch of theirs
        answer["sheet"] = _stored_sheet(expert, int(pitch_id))
    else:
        sessions = agenda.sessions_of_expert(expert)
        answer["locks"] = {
            str(pitch): locked for pitch, locked in scoring.locks_of(expert.event, sessions).items()
        }
    return jsonify(answer)


@bp.route("/<token>/hors-ligne.json")
def offline_pages(token: str) -> ResponseReturnValue:
    """The addresses the service worker keeps for offline use: the day, every sheet of the panel, the assets."""
    expert = juror_or_403(token)
    sessions = agenda.sessions_of_expert(expert)
    pages = [home_of(token)]
    for session in sessions:
        try:
            scoring.right_to_score(expert, session.pitch_id)
        except scoring.ScoringError:
            continue  # a declared conflict: the sheet is refused, nothing to keep
        pages.append(url_for("juror.pitch", token=token, pitch_id=session.pitch_id))
    return jsonify(
        pages=pages,
        assets=[asset_url(name) for name in JUROR_ASSETS],
        manifest=url_for("juror.manifest", token=token),
    )


@bp.route("/<token>/sw.js")
def service_worker(token: str) -> ResponseReturnValue:
    """The service worker, served under the juror's link so that its scope is the juror's pages alone."""
    juror_or_403(token)
    with current_app.open_resource("static/js/juror-sw.js") as script:  # small: read whole, the file closed
        response = Response(script.read(), mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = home_of(token)
    return response


@bp.route("/<token>/manifest.webmanifest")
def manifest(token: str) -> ResponseReturnValue:
    """The web app manifest: a tablet can pin the juror's day to its home screen and open it offline."""
    expert = juror_or_403(token)
    home = home_of(token)
    response = jsonify(
        name=_("PitchDay — jury de %(name)s", name=expert.name),
        short_name=_("Jury PitchDay"),
        lang=str(get_locale() or "fr"),
        start_url=home,
        scope=home,
        display="standalone",
        background_color="#f3f5f9",
        theme_color="#0b5fff",
        icons=[
            {
                "src": asset_url("img/pitchday-icon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            }
        ],
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.app_template_global()
def home_of(token: str) -> str:
    """The juror's day at the service worker's scope (``/jury/<token>/``): the address that opens offline."""
    return url_for("juror.day", token=token) + "/"


def _stored_sheet(expert: Expert, pitch_id: int) -> dict | None:
    """The juror's marks, comment and lock on a pitch as stored, as JSON data; None if they may not see it."""
    try:
        sheet = scoring.sheet_of(expert, pitch_id)
    except scoring.ScoringError:
        return None
    return {
        "pitch": pitch_id,
        "locked": sheet.locked,
        "comment": sheet.comment,
        "feedback": sheet.feedback.as_json(),
        "scores": {str(criterion_id): value for criterion_id, value in sorted(sheet.values.items())},
    }


def _sheet_or_abort(expert: Expert, pitch_id: int) -> scoring.JurorSheet:
    try:
        return scoring.sheet_of(expert, pitch_id)
    except scoring.ScoringError as refusal:
        abort(refusal.status, refusal.message)


def _render_sheet(expert: Expert, token: str, sheet: scoring.JurorSheet, form, refusal: str = "") -> str:
    form.client_id.data = str(uuid.uuid4())  # a new id per rendering: a browser resubmit is applied once
    return render_template(
        "juror/pitch.html",
        expert=expert,
        token=token,
        sheet=sheet,
        form=form,
        pitch=sheet.session.pitch,
        refusal=refusal,
    )
