"""The guided creation of an event in the browser: five short steps, then the editing pages."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from pitchday.organiser import creation_forms as forms
from pitchday.organiser.blueprint import bp
from pitchday.organiser.forms import ConfirmForm
from pitchday.services import creation
from pitchday.services.creation import STEPS, CreationError, Draft

DRAFT_KEY = "event_draft"
SPARE_ROWS = 2  # empty rows offered under what is already typed; "Ajouter des lignes" adds more

TITLES = {
    "evenement": _l("L'événement"),
    "jours": _l("Jours et pauses"),
    "salles": _l("Salles"),
    "jury": _l("Partenaires et règles des jurys"),
    "grille": _l("Grille de notation"),
}

# The steps made of rows: the form's list of rows, and the draft's.
_ROWS = {"jours": "days", "salles": "rooms", "jury": "organisations", "grille": "criteria"}
_DRAFT_ROWS = {"jours": "days", "salles": "rooms", "jury": "organisations", "grille": "rubric"}
# Which form field shows a refusal of an event file's field: part of the file -> its field -> the form's.
_FIELDS = {
    "event": {"name": "name", "venue": "venue", "timezone": "timezone"},
    "days": {"date": "day", "start": "start", "end": "end", "breaks": "breaks"},
    "rooms": {"name": "name", "id": "name", "capacity": "capacity"},
    "organisations": {"name": "name", "id": "name"},
    "panel": {"size": "panel_size", "max_per_organisation": "max_per_organisation"},
    "pitch_defaults": {
        "duration_min": "duration_min",
        "qa_min": "qa_min",
        "changeover_min": "changeover_min",
    },
}


def _draft() -> Draft:
    return Draft.from_session(session.get(DRAFT_KEY))


def _keep(draft: Draft) -> None:
    session[DRAFT_KEY] = draft.to_session()


@bp.route("/evenements/nouveau")
@login_required
def create_event() -> ResponseReturnValue:
    """Start (or resume) the guided creation: the first step not yet given."""
    return create_step(_draft().first_missing_step())


@bp.route("/evenements/nouveau/<step>", methods=["GET", "POST"])
@login_required
def create_step(step: str) -> ResponseReturnValue:
    """One step of the guided creation: shown with what was given, checked, kept, then the next step."""
    if step not in STEPS:
        abort(404)
    draft = _draft()
    if not draft.may_open(step):
        return redirect(url_for("organiser.create_step", step=draft.first_missing_step()))
    form = _form(step, draft)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                _give(step, draft, form)
                if step == STEPS[-1] and not {"more", "back"} & request.form.keys():
                    event = creation.create(draft, current_user)
            except CreationError as error:
                _show_refusal(form, step, error)
                status = 422  # the request rolls back: an event half made is not kept
            else:
                _keep(draft)
                if "more" in request.form:
                    _add_spare_rows(form, step)
                elif "back" in request.form:
                    return redirect(url_for("organiser.create_step", step=STEPS[STEPS.index(step) - 1]))
                elif step == STEPS[-1]:
                    session.pop(DRAFT_KEY, None)
                    flash(
                        _(
                            "Événement « %(name)s » créé. Ajoutez maintenant les pitchs et les jurés "
                            "(ici ou par un tableur CSV), puis générez le planning.",
                            name=event.name,
                        ),
                        "success",
                    )
                    return redirect(url_for("organiser.edit_event", slug=event.slug))
                else:
                    return redirect(url_for("organiser.create_step", step=STEPS[STEPS.index(step) + 1]))
        else:
            status = 422
            if "more" in request.form:
                _add_spare_rows(form, step)
        if status == 422:
            flash(_("Vérifiez les champs signalés : rien de ce que vous avez saisi n'est perdu."), "error")
    return render_template(
        "organiser/create_event.html",
        form=form,
        step=step,
        steps=STEPS,
        titles=TITLES,
        draft=draft,
        rows=_ROWS.get(step),
        abandon_form=ConfirmForm(),
    ), status


@bp.route("/evenements/nouveau/abandonner", methods=["POST"])
@login_required
def abandon_creation() -> ResponseReturnValue:
    """Forget the event being created."""
    if ConfirmForm().validate_on_submit():
        session.pop(DRAFT_KEY, None)
        flash(_("Création abandonnée : rien n'a été enregistré."), "success")
    return redirect(url_for("organiser.dashboard"))


# --- each step's form, from the draft (GET) or from what was sent (POST) ---------------------------


def _form(step: str, draft: Draft):
    if request.method == "POST":
        return _FORM_CLASSES[step]()
    if step == "evenement":
        return forms.EventStepForm(data=draft.event)
    if step == "jours":
        form = forms.DaysStepForm(
            data={
                "days": [
                    {
                        "day": _date(day["date"]),
                        "start": day["start"],
                        "end": day["end"],
                        "breaks": "\n".join(
                            f"{b['start']}-{b['end']} {b.get('label', '')}".strip()
                            for b in day.get("breaks", ())
                        ),
                    }
                    for day in draft.days
                ]
            }
        )
    elif step == "salles":
        form = forms.RoomsStepForm(
            data={"rooms": [{"name": r["name"], "capacity": r.get("capacity")} for r in draft.rooms]}
        )
    elif step == "jury":
        required = set(draft.panel.get("required_organisations", ()))
        form = forms.PanelStepForm(
            data={
                "organisations": [
                    {"name": o["name"], "required": o["id"] in required} for o in draft.organisations
                ],
                "panel_size": draft.panel.get("size"),
                "max_per_organisation": draft.panel.get("max_per_organisation"),
                "duration_min": draft.pitch_defaults.get("duration_min"),
                "qa_min": draft.pitch_defaults.get("qa_min"),
                "changeover_min": draft.pitch_defaults.get("changeover_min"),
            }
        )
    else:
        form = forms.RubricStepForm(data={"criteria": list(draft.rubric)})
    _add_spare_rows(form, step, given=len(getattr(draft, _DRAFT_ROWS[step])))
    return form


_FORM_CLASSES = {
    "evenement": forms.EventStepForm,
    "jours": forms.DaysStepForm,
    "salles": forms.RoomsStepForm,
    "jury": forms.PanelStepForm,
    "grille": forms.RubricStepForm,
}


def _date(text: str) -> date:
    return date.fromisoformat(text)


def _add_spare_rows(form, step: str, given: int | None = None) -> None:
    """SPARE_ROWS empty rows under the ``given`` ones (by default, under every row the page had)."""
    if step not in _ROWS:
        return
    rows = getattr(form, _ROWS[step])
    wanted = min((len(rows.entries) if given is None else given) + SPARE_ROWS, rows.max_entries)
    while len(rows.entries) < wanted:
        rows.append_entry()


def _first_part(path: str) -> str:
    """« breaks[0].start » → « breaks »: the row's own field that a nested refusal belongs to."""
    return path.split(".")[0].split("[")[0]


def _given_rows(form, step: str) -> list:
    return [entry.form for entry in getattr(form, _ROWS[step]) if not entry.form.is_blank()]


def _give(step: str, draft: Draft, form) -> None:
    """Hand the step's values to the creation service (which checks them with the event file's rules)."""
    if step == "evenement":
        creation.give_event(draft, name=form.name.data, venue=form.venue.data, timezone=form.timezone.data)
    elif step == "jours":
        days = []
        for row in _given_rows(form, step):
            try:
                breaks = creation.breaks_from_text(row.breaks.data or "")
            except CreationError as error:
                error.section, error.row, error.field = "days", len(days), "breaks"
                raise
            days.append(
                creation.DayInput(
                    date=row.day.data, start=row.start.minutes, end=row.end.minutes, breaks=breaks
                )
            )
        if not days:
            raise CreationError(_("Indiquez au moins un jour."), section="days", row=0, field="date")
        creation.give_days(draft, days)
    elif step == "salles":
        rooms = [
            creation.RoomInput(name=row.name.data, capacity=row.capacity.data)
            for row in _given_rows(form, step)
        ]
        if not rooms:
            raise CreationError(_("Indiquez au moins une salle."), section="rooms", row=0, field="name")
        creation.give_rooms(draft, rooms)
    elif step == "jury":
        creation.give_panel(
            draft,
            creation.PanelInput(
                organisations=tuple(
                    creation.OrganisationInput(name=row.name.data, required=bool(row.required.data))
                    for row in _given_rows(form, step)
                ),
                size=form.panel_size.data,
                max_per_organisation=form.max_per_organisation.data,
                duration_min=form.duration_min.data,
                qa_min=form.qa_min.data,
                changeover_min=form.changeover_min.data,
            ),
        )
    else:
        creation.give_rubric(
            draft,
            [
                creation.CriterionInput(
                    label=row.label.data.strip(),
                    description=(row.description.data or "").strip(),
                    weight=float(row.weight.data),
                    scale_min=row.scale_min.data,
                    scale_max=row.scale_max.data,
                )
                for row in _given_rows(form, step)
            ],
        )


def _show_refusal(form, step: str, error: CreationError) -> None:
    """Put the refusal beside the field it concerns; when none fits, at the top of the page."""
    target = None
    names = _FIELDS.get(error.section, {})
    if step in _ROWS and error.row is not None:
        rows = _given_rows(form, step)
        if error.row < len(rows):
            row = rows[error.row]
            target = row._fields.get(names.get(_first_part(error.field), "")) or next(iter(row))
    else:
        name = names.get(_first_part(error.field)) or names.get(error.section)
        target = form._fields.get(name) if name else None
    if target is None:
        flash(error.message, "error")
    else:
        target.errors = [*target.errors, error.message]
