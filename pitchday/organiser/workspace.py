"""The planning workspace: generate, look, lock, move, publish, and the day's delays and absences."""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from pitchday.access import event_for
from pitchday.downloads import download, json_download
from pitchday.extensions import db
from pitchday.links import absolute_url
from pitchday.models import Event, Expert, Lock, Pitch, Room, ScheduledSession, ScheduleVersion, SolveJob
from pitchday.organiser.blueprint import bp
from pitchday.organiser.forms import AbsentForm, ConfirmForm, DelayForm, JurorLockForm, MoveForm, SolveForm
from pitchday.organiser.labels import job_message, status_label, worker_label
from pitchday.services import (
    accounts,
    agenda,
    calendar,
    costs,
    day_of,
    exports,
    locks,
    moves,
    notifications,
    now_next,
    solving,
    versions,
    wording,
)
from pitchday.services.agenda import format_clock
from pitchday.services.teams import Permission as P
from pitchday.services.version_page import version_page
from pitchday.urls import row_id


def _version(event: Event, version_id: int) -> ScheduleVersion:
    return db.one_or_404(db.select(ScheduleVersion).filter_by(id=version_id, event_id=event.id))


def _of_event(model: type, event: Event, key: str):
    """A pitch, expert or room of the event by its key, or a 404."""
    return db.one_or_404(db.select(model).filter_by(event_id=event.id, key=key))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _flash_reasons(error: moves.PlanningError, headline: str) -> None:
    flash(headline + " " + " ".join(error.reasons), "error")


@bp.route("/evenements/<slug>/planning")
@login_required
def workspace(slug: str) -> ResponseReturnValue:
    """The event's schedules: generate one, follow the solve, open a version."""
    event = event_for(slug, P.READ)
    job = solving.latest_job(event)
    if job is not None:
        solving.refresh(job)
    return render_template(
        "organiser/workspace.html",
        event=event,
        job=job,
        form=SolveForm(),
        confirm=ConfirmForm(),
        versions=versions.versions_of(event),
        published=agenda.latest_published(event),
        idle_experts=costs.experts_who_cannot_sit(event),
        worker_label=worker_label(solving.job_state(job)) if job else "",
    )


@bp.route("/evenements/<slug>/planning/generer", methods=["POST"])
@login_required
def generate(slug: str) -> ResponseReturnValue:
    """Start a solve in the background."""
    event = event_for(slug, P.PLAN)
    form = SolveForm()
    if form.validate_on_submit():
        try:
            solving.start_solve(
                event, time_limit=float(form.time_limit.data), origin=wording.Origin("generated")
            )
        except solving.SolveError as error:
            flash(str(error), "error")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("organiser.workspace", slug=slug))


@bp.route("/evenements/<slug>/calculs/<int:job_id>.json")
@login_required
def job_status(slug: str, job_id: int) -> ResponseReturnValue:
    """The solve's progress, polled by the page every second."""
    event = event_for(slug, P.READ)
    job = solving.refresh(db.one_or_404(db.select(SolveJob).filter_by(id=job_id, event_id=event.id)))
    state = solving.job_state(job)
    state["status_label"] = status_label(job.status)
    state["message"] = job_message(job)
    state["worker_label"] = worker_label(state)
    state["version_url"] = (
        url_for("organiser.version", slug=slug, version_id=job.version_id) if job.version_id else None
    )
    return jsonify(state)


@bp.route("/evenements/<slug>/calculs/<int:job_id>/arreter", methods=["POST"])
@login_required
def stop_job(slug: str, job_id: int) -> ResponseReturnValue:
    """Stop the solve and keep the best schedule found so far."""
    event = event_for(slug, P.PLAN)
    job = db.one_or_404(db.select(SolveJob).filter_by(id=job_id, event_id=event.id))
    if ConfirmForm().validate_on_submit():
        try:
            solving.request_stop(job)
        except solving.SolveError as error:
            if _wants_json():
                return jsonify({"error": str(error)}), 409
            flash(str(error), "error")
    if _wants_json():
        return jsonify(solving.job_state(job))
    return redirect(url_for("organiser.workspace", slug=slug))


@bp.route("/evenements/<slug>/versions/<int:version_id>")
@login_required
def version(slug: str, version_id: int) -> ResponseReturnValue:
    """One schedule: the day under way if the event runs, a grid per day drawn to time, costs, changes."""
    event = event_for(slug, P.READ)
    shown = _version(event, version_id)
    move_form = _move_form(event)
    prefill = request.args.get("deplacer", "")
    if prefill:  # "Déplacer…" on a pitch, without scripts: the form starts from where it is
        _prefill_move(move_form, shown, prefill)
    return _render_version(event, shown, move_form=move_form)


def _render_version(
    event: Event, shown: ScheduleVersion, *, move_form: MoveForm, move_refusal: list[str] | None = None
):
    compare_id = request.args.get("comparer", type=row_id)
    clock, clock_override = _clock(event)
    page = version_page(event, shown, at=clock, compared=_version(event, compare_id) if compare_id else None)
    today = page.day_of
    context = page.context() | {
        "clock_override": clock_override,
        "now_query": {"now": clock_override} if clock_override else {},
        "confirm": ConfirmForm(formdata=None),
        "solve_form": SolveForm(formdata=None, time_limit=10),
        "move_form": move_form,
        "move_refusal": move_refusal,
        # Shown unbound: after a refused move, these keep their own values, not the move's fields.
        "juror_lock_form": _juror_lock_form(event, formdata=None),
        "delay_form": _delay_form(event, today, formdata=None),
        "absent_form": _absent_form(event, today, formdata=None),
    }
    return render_template("organiser/version.html", **context)


def _clock(event: Event) -> tuple[datetime, str]:
    """The event's clock, or the moment ``?now=`` asks for (a demo, a test), as on the public pages."""
    override = request.args.get("now", "")
    try:
        return now_next.event_clock(event.timezone, override or None), override
    except now_next.ClockError as error:
        flash(str(error), "error")
        return now_next.event_clock(event.timezone), ""


def _prefill_move(form: MoveForm, shown: ScheduleVersion, pitch_key: str) -> None:
    session = next((s for s in shown.sessions if s.pitch.key == pitch_key), None)
    if session is not None:
        form.pitch.data = pitch_key
        form.day.data = session.date.isoformat()
        form.start.data = format_clock(session.start_min)
        form.room.data = session.room.key


def _day_choices(event: Event) -> list[tuple[str, str]]:
    return [(d.date.isoformat(), d.date.strftime("%d/%m/%Y")) for d in event.days]


def _move_form(event: Event) -> MoveForm:
    form = MoveForm()
    form.pitch.choices = [(p.key, p.company) for p in event.pitches]
    form.day.choices = _day_choices(event)
    form.room.choices = [(r.key, r.name) for r in event.rooms]
    return form


def _juror_lock_form(event: Event, **bound) -> JurorLockForm:
    form = JurorLockForm(**bound)
    form.pitch.choices = [(p.key, p.company) for p in event.pitches]
    form.expert.choices = [(e.key, e.name) for e in event.experts]
    return form


def _delay_form(event: Event, today: day_of.DayOf | None = None, **bound) -> DelayForm:
    form = DelayForm(**bound)
    form.day.choices = _day_choices(event)
    form.room.choices = [("", _("Toutes les salles"))] + [(r.key, r.name) for r in event.rooms]
    if today is not None and not form.after.data:
        # On the day, what is late is what follows: the next pitch to start, today.
        form.day.data = today.day.date.isoformat()
        form.after.data = format_clock(
            today.next_start_min if today.next_start_min is not None else today.minute
        )
    return form


def _absent_form(event: Event, today: day_of.DayOf | None = None, **bound) -> AbsentForm:
    form = AbsentForm(**bound)
    form.expert.choices = [(e.key, e.name) for e in event.experts]
    form.day.choices = _day_choices(event)
    if today is not None and not form.after.data:
        form.day.data = today.day.date.isoformat()
        form.after.data = format_clock(today.minute)
    return form


def _back(slug: str, version_id: int):
    """Back to a version, on the same clock (a ``?now=`` stays: a demo of the day goes on)."""
    override = request.args.get("now")
    return redirect(
        url_for(
            "organiser.version", slug=slug, version_id=version_id, **({"now": override} if override else {})
        )
    )


def _form_errors(form) -> str:
    return " ".join(
        _("%(field)s : %(error)s", field=getattr(form, name).label.text, error=msg)
        for name, msgs in form.errors.items()
        for msg in msgs
    )


@bp.route("/evenements/<slug>/versions/<int:version_id>/publier", methods=["POST"])
@login_required
def publish(slug: str, version_id: int) -> ResponseReturnValue:
    """Publish a draft under the next version number."""
    event = event_for(slug, P.PLAN)
    draft = _version(event, version_id)
    if ConfirmForm().validate_on_submit():
        experts, pitches = notifications.people_to_tell(draft, agenda.latest_published(event))
        try:
            versions.publish(draft)
        except versions.ScheduleError as error:
            flash(str(error), "error")
        else:
            flash(_("Version %(number)d publiée.", number=draft.number), "success")
            _flash_who_is_told(experts, pitches)
    return _back(slug, version_id)


def _flash_who_is_told(experts: list, pitches: list) -> None:
    """Who the publication writes to, and who it concerns but cannot reach (no address)."""
    told = [e for e in experts if e.email] + [p for p in pitches if p.contact_email]
    if told:
        flash(
            ngettext(
                "%(num)d message part vers les personnes concernées (jurés et entreprises déplacés).",
                "%(num)d messages partent vers les personnes concernées (jurés et entreprises déplacés).",
                len(told),
            ),
            "success",
        )
    silent = [e.name for e in experts if not e.email] + [p.company for p in pitches if not p.contact_email]
    if silent:
        flash(_("Sans adresse e-mail, non prévenus : %(names)s.", names=", ".join(silent)), "error")


@bp.route("/evenements/<slug>/versions/<int:version_id>/replanifier", methods=["POST"])
@login_required
def replan(slug: str, version_id: int) -> ResponseReturnValue:
    """Solve again around the locks, changing as little as possible from this version."""
    event = event_for(slug, P.PLAN)
    base = _version(event, version_id)
    form = SolveForm()
    if not form.validate_on_submit():
        flash(_form_errors(form), "error")
        return _back(slug, version_id)
    try:
        solving.start_solve(
            event,
            time_limit=float(form.time_limit.data),
            spec=moves.replan_spec(event, base),
            origin=wording.replanned_from(base),
        )
    except solving.SolveError as error:
        flash(str(error), "error")
        return _back(slug, version_id)
    return redirect(url_for("organiser.workspace", slug=slug))


@bp.route("/evenements/<slug>/versions/<int:version_id>/deplacer", methods=["POST"])
@login_required
def move(slug: str, version_id: int) -> ResponseReturnValue:
    """Move a pitch (the form, or a drop on the grid): a new draft, refused with the reasons if a hard rule breaks.

    A refusal keeps what was asked: the page comes back with the form as it was sent, or a dropped pitch
    gets the reasons as JSON (422) to show where it was dropped.
    """
    event = event_for(slug, P.PLAN)
    base = _version(event, version_id)
    form = _move_form(event)
    if not form.validate_on_submit():
        return _move_refused(event, base, form, [_form_errors(form)])
    try:
        moved = moves.move_pitch(
            base,
            _of_event(Pitch, event, form.pitch.data),
            day=date.fromisoformat(form.day.data),
            start=form.start.minutes,
            room=_of_event(Room, event, form.room.data),
        )
    except moves.PlanningError as error:
        return _move_refused(event, base, form, error.reasons)
    flash(_("Pitch déplacé : nouveau brouillon créé."), "success")
    if _wants_json():
        override = request.args.get("now")
        return jsonify(
            {
                "url": url_for(
                    "organiser.version",
                    slug=slug,
                    version_id=moved.id,
                    **({"now": override} if override else {}),
                ),
                "version_id": moved.id,
            }
        )
    return _back(slug, moved.id)


def _move_refused(event: Event, base: ScheduleVersion, form: MoveForm, reasons: list[str]):
    if _wants_json():
        return jsonify({"refused": True, "reasons": reasons}), 422
    # 422 as for a drop: a refused request is a refused request (and keeps nothing: the request rolls back).
    return _render_version(event, base, move_form=form, move_refusal=reasons), 422


@bp.route("/evenements/<slug>/seances/<int:session_id>/verrouiller", methods=["POST"])
@login_required
def lock_session(slug: str, session_id: int) -> ResponseReturnValue:
    """Lock a pitch at its current time and room."""
    event = event_for(slug, P.PLAN)
    session = db.get_or_404(ScheduledSession, session_id)
    if session.version.event_id != event.id:
        abort(404)  # another event's session: as if it did not exist
    if ConfirmForm().validate_on_submit():
        locks.lock_session(session)
        flash(
            _("%(pitch)s est verrouillé à cet horaire et dans cette salle.", pitch=session.pitch.company),
            "success",
        )
    return _back(slug, session.version_id)


@bp.route("/evenements/<slug>/versions/<int:version_id>/verrouiller-jure", methods=["POST"])
@login_required
def lock_juror(slug: str, version_id: int) -> ResponseReturnValue:
    """Lock a juror on a pitch's panel."""
    event = event_for(slug, P.PLAN)
    form = _juror_lock_form(event)
    if form.validate_on_submit():
        try:
            locks.lock_juror(
                _of_event(Pitch, event, form.pitch.data), _of_event(Expert, event, form.expert.data)
            )
            flash(_("Juré verrouillé dans ce jury."), "success")
        except moves.PlanningError as error:
            _flash_reasons(error, "")
    return _back(slug, version_id)


@bp.route("/evenements/<slug>/versions/<int:version_id>/verrous/<int:lock_id>/supprimer", methods=["POST"])
@login_required
def unlock(slug: str, version_id: int, lock_id: int) -> ResponseReturnValue:
    """Remove a lock."""
    event = event_for(slug, P.PLAN)
    lock = db.one_or_404(db.select(Lock).filter_by(id=lock_id, event_id=event.id))
    if ConfirmForm().validate_on_submit():
        locks.unlock(lock)
        flash(_("Verrou retiré."), "success")
    return _back(slug, version_id)


@bp.route("/evenements/<slug>/versions/<int:version_id>/retard", methods=["POST"])
@login_required
def delay(slug: str, version_id: int) -> ResponseReturnValue:
    """Shift the rest of a day by some minutes and publish the result."""
    event = event_for(slug, P.PLAN)
    base = _version(event, version_id)
    form = _delay_form(event)
    if not form.validate_on_submit():
        flash(_form_errors(form), "error")
        return _back(slug, version_id)
    room = _of_event(Room, event, form.room.data) if form.room.data else None
    try:
        shifted = moves.delay(
            base,
            day=date.fromisoformat(form.day.data),
            after=form.after.minutes,
            minutes=form.minutes.data,
            room=room,
        )
    except moves.PlanningError as error:
        _flash_reasons(error, _("Décalage refusé :"))
        return _back(slug, version_id)
    flash(_("Décalage appliqué et publié (version %(number)d).", number=shifted.number), "success")
    return _back(slug, shifted.id)


@bp.route("/evenements/<slug>/versions/<int:version_id>/absent", methods=["POST"])
@login_required
def absent(slug: str, version_id: int) -> ResponseReturnValue:
    """An absent juror: their availability ends now, and a re-plan replaces them, changing little."""
    event = event_for(slug, P.PLAN)
    base = _version(event, version_id)
    form = _absent_form(event)
    if not form.validate_on_submit():
        flash(_form_errors(form), "error")
        return _back(slug, version_id)
    expert = _of_event(Expert, event, form.expert.data)
    try:
        solving.replace_absent(
            base,
            expert,
            day=date.fromisoformat(form.day.data),
            from_min=form.after.minutes,
            time_limit=float(form.time_limit.data),
        )
    except solving.SolveError as error:
        flash(str(error), "error")
        return _back(slug, version_id)
    return redirect(url_for("organiser.workspace", slug=slug))


@bp.route("/evenements/<slug>/versions/<int:version_id>/planning.csv")
@login_required
def export_csv(slug: str, version_id: int) -> ResponseReturnValue:
    """The schedule as a CSV file for spreadsheets."""
    event = event_for(slug, P.READ)
    return download(
        exports.schedule_csv(event, _version(event, version_id)), f"{slug}-planning-{version_id}.csv"
    )


@bp.route("/evenements/<slug>/versions/<int:version_id>/planning.json")
@login_required
def export_schedule(slug: str, version_id: int) -> ResponseReturnValue:
    """The schedule file (pitchday-schedule/1)."""
    event = event_for(slug, P.READ)
    return json_download(
        exports.schedule_file(_version(event, version_id)), f"{slug}-planning-{version_id}.json"
    )


@bp.route("/evenements/<slug>/versions/<int:version_id>/imprimer")
@login_required
def print_agenda(slug: str, version_id: int) -> ResponseReturnValue:
    """The agenda laid out for A4 paper."""
    event = event_for(slug, P.READ)
    shown = _version(event, version_id)
    return render_template(
        "organiser/print_agenda.html", event=event, version=shown, days=agenda.agenda_by_day(shown)
    )


@bp.route("/evenements/<slug>/jures/<expert_key>.ics")
@login_required
def juror_calendar(slug: str, expert_key: str) -> ResponseReturnValue:
    """A juror's pitches in the published schedule, as an iCalendar file."""
    event = event_for(slug, P.READ)
    expert = _of_event(Expert, event, expert_key)
    return download(
        calendar.juror_calendar(expert, agenda.latest_published(event)), f"{slug}-{expert_key}.ics"
    )


@bp.route("/evenements/<slug>/cartes")
@login_required
def access_cards(slug: str) -> ResponseReturnValue:
    """Printable access cards: each juror's personal link and its QR code, several per A4 page."""
    event = event_for(slug, P.JUROR_LINKS)
    cards = exports.access_cards(
        accounts.ensure_juror_links(event), lambda token: absolute_url("juror.day", token=token)
    )
    return render_template("organiser/cards.html", event=event, cards=cards)
