"""The organiser's scoring board: live ranking, who has scored, locks, audit log, exports."""

from __future__ import annotations

from functools import partial

from flask import (
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pitchday.access import event_for
from pitchday.downloads import download
from pitchday.extensions import db
from pitchday.infrastructure import live
from pitchday.models import Event, Pitch
from pitchday.scoreboard import charts, exports
from pitchday.scoreboard.blueprint import bp
from pitchday.scoreboard.forms import ActionForm, LockDelayForm
from pitchday.services import devices, ranking, rubric, scoring
from pitchday.services.teams import Permission as P


def board_payload(event_id: int) -> dict:
    return ranking.board(db.session.get(Event, event_id))


@bp.route("/<slug>")
@login_required
def board(slug: str) -> ResponseReturnValue:
    """The live board of an event."""
    event = event_for(slug, P.READ)
    lock_after = scoring.settings_of(event).lock_after_min
    # Beyond what an organiser may choose: the demo's "never" (a century of minutes is no figure to show).
    never_locks = lock_after > scoring.LONGEST_LOCK_AFTER_MIN
    strips = [
        (profile, charts.juror_strip(profile, _("Ses totaux"), _("Les autres jurés, mêmes pitchs")))
        for profile in ranking.juror_profiles(event)
    ]
    return render_template(
        "scoreboard/board.html",
        event=event,
        board=ranking.board(event),
        version=scoring.last_change(event.id),
        strips=strips,
        form=ActionForm(),
        devices=_device_rows(event),
        devices_poll_seconds=current_app.config["BOARD_DEVICES_POLL_SECONDS"],
        delay_form=LockDelayForm(lock_after_min=None if never_locks else lock_after),
        never_locks=never_locks,
        min_pitches=ranking.MIN_PITCHES_FOR_CORRECTION,
        spread=ranking.DISAGREEMENT_SPREAD,
    )


@bp.route("/<slug>/flux")
@login_required
def stream(slug: str) -> ResponseReturnValue:
    """Server-sent events: the board each time a mark or a lock changes."""
    event = event_for(slug, P.READ)
    # What the browser has: the last id the stream sent it (a reconnection), else the change its page was
    # drawn at (``depuis``): an older board, still cached by this process, must not overwrite that page.
    # A number the server wrote, or anything a client made up.
    last_seen = request.headers.get("Last-Event-ID", "") or request.args.get("depuis", "")
    events = live.event_stream(
        event.id,
        scoring.last_change,
        board_payload,
        max_seconds=current_app.config.get("SCOREBOARD_STREAM_SECONDS", 300),
        heartbeat_seconds=current_app.config.get("SCOREBOARD_HEARTBEAT_SECONDS", 15),
        last_seen=int(last_seen)
        if last_seen.isascii() and last_seen.isdigit() and len(last_seen) <= 18
        else None,
        long_streams=current_app.config["SCOREBOARD_LONG_STREAMS"],
    )
    return Response(
        stream_with_context(events),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@bp.route("/<slug>/pitchs/<int:pitch_id>/verrouiller", methods=["POST"])
@login_required
def lock(slug: str, pitch_id: int) -> ResponseReturnValue:
    """Freeze the jurors' marks on a pitch."""
    return _set_lock(slug, pitch_id, locked=True)


@bp.route("/<slug>/pitchs/<int:pitch_id>/rouvrir", methods=["POST"])
@login_required
def unlock(slug: str, pitch_id: int) -> ResponseReturnValue:
    """Let the jurors change their marks on a pitch again."""
    return _set_lock(slug, pitch_id, locked=False)


@bp.route("/<slug>/appareils.json")
@login_required
def device_states(slug: str) -> ResponseReturnValue:
    """The jurors' devices as the board shows them (JSON, polled by the board): last heard, what they hold."""
    event = event_for(slug, P.READ)
    return jsonify(devices=_device_rows(event))


@bp.route("/<slug>/resultats", methods=["POST"])
@login_required
def publish_results(slug: str) -> ResponseReturnValue:
    """Show the results on the public pages, or hide them again; asks first while pitches miss scores."""
    event = event_for(slug, P.SCORE)
    if ActionForm().validate_on_submit():
        if not event.results_published and request.form.get("confirmed") != "1":
            unfinished = ranking.unfinished_pitches(event)
            if unfinished:
                return render_template(
                    "scoreboard/confirm_publish.html",
                    event=event,
                    unfinished=unfinished,
                    form=ActionForm(),
                    devices=[row for row in _device_rows(event) if row["pending"]],
                )
        scoring.set_results_published(event, not event.results_published)
        flash(
            _("Résultats publiés.")
            if event.results_published
            else _("Résultats retirés des pages publiques."),
            "success",
        )
    return redirect(url_for("scoreboard.board", slug=slug))


@bp.route("/<slug>/delai", methods=["POST"])
@login_required
def lock_delay(slug: str) -> ResponseReturnValue:
    """Change how long after a pitch the jurors may still change their marks."""
    event = event_for(slug, P.SCORE)
    form = LockDelayForm()
    if form.validate_on_submit():
        scoring.set_lock_after(event, form.lock_after_min.data)
        flash(_("Délai de verrouillage enregistré."), "success")
    else:
        flash(_("Le délai doit être un nombre de minutes entre 0 et 10080 (7 jours)."), "error")
    return redirect(url_for("scoreboard.board", slug=slug))


@bp.route("/<slug>/journal")
@login_required
def audit(slug: str) -> ResponseReturnValue:
    """Every change of a mark, a comment or a lock, latest first (read-only)."""
    event = event_for(slug, P.READ)
    return render_template(
        "scoreboard/audit.html",
        event=event,
        entries=scoring.audit_log(event),
        local_time=partial(scoring.event_local_time, event),
        experts={e.id: e for e in event.experts},
        pitches={p.id: p for p in event.pitches},
        criteria={c.id: c for c in rubric.criteria_of(event)},
    )


@bp.route("/<slug>/notes.csv")
@login_required
def scores_csv(slug: str) -> ResponseReturnValue:
    """Every juror's marks, for a spreadsheet."""
    event = event_for(slug, P.READ)
    return download(exports.scores_csv(event), f"{event.slug}-notes.csv")


@bp.route("/<slug>/classement.csv")
@login_required
def ranking_csv(slug: str) -> ResponseReturnValue:
    """The ranking, for a spreadsheet."""
    event = event_for(slug, P.READ)
    return download(exports.ranking_csv(event), f"{event.slug}-classement.csv")


def _set_lock(slug: str, pitch_id: int, *, locked: bool):
    event = event_for(slug, P.SCORE)
    pitch = db.one_or_404(db.select(Pitch).filter_by(id=pitch_id, event_id=event.id))
    if ActionForm().validate_on_submit():
        scoring.set_lock(pitch, locked, current_user.email)
        flash(
            _("Notation de %(company)s verrouillée.", company=pitch.company)
            if locked
            else _("Notation de %(company)s rouverte.", company=pitch.company),
            "success",
        )
    return redirect(url_for("scoreboard.board", slug=slug))


def _device_rows(event: Event) -> list[dict]:
    """Each juror device's state, worded in the organiser's language (the board's table and its JSON)."""
    offline_after = current_app.config["JUROR_OFFLINE_AFTER_SECONDS"]
    return [
        {
            "juror": state.juror,
            "device": state.short_id,
            "kind": _device_kind(state.kind),
            "last_seen": scoring.event_local_time(event, state.last_seen_at).strftime("%H:%M:%S"),
            "pending": state.pending,
            "online": state.online,
            "status": device_status(state),
        }
        for state in devices.states_of(event, offline_after)
    ]


def device_status(state: devices.DeviceState) -> str:
    """ "à jour", "en ligne — 2 notes en cours d'envoi", "hors ligne depuis 4 min — 3 notes en attente"."""
    count = state.pending
    if state.online:
        if not count:
            return _("à jour")
        return ngettext(
            "en ligne — %(count)s note en cours d'envoi",
            "en ligne — %(count)s notes en cours d'envoi",
            count,
            count=format_number(count),
        )
    minutes = state.silent_seconds // 60
    since = (
        _("hors ligne depuis %(minutes)s min", minutes=format_number(minutes))
        if minutes
        else _("hors ligne depuis moins d'une minute")
    )
    held = (
        ngettext("%(count)s note en attente", "%(count)s notes en attente", count, count=format_number(count))
        if count
        else _("rien en attente")
    )
    return _("%(since)s — %(held)s", since=since, held=held)


def _device_kind(kind: str) -> str:
    return {"tablet": _("tablette"), "phone": _("téléphone"), "computer": _("ordinateur")}.get(
        kind, _("appareil")
    )
