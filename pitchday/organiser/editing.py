"""Editing an event by hand: one list page, and one form page per day, room, partner, pitch, juror, criterion."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from pitchday.access import event_for
from pitchday.extensions import db
from pitchday.models import Criterion, Event, EventDay, Expert, Organisation, Pitch, Room
from pitchday.organiser import forms
from pitchday.organiser.blueprint import bp
from pitchday.services import editing
from pitchday.services.agenda import format_clock
from pitchday.services.teams import Permission as P

# kind in the URL -> (model, form, title)
KINDS = {
    "jours": (EventDay, forms.DayForm, _l("Jour")),
    "salles": (Room, forms.RoomForm, _l("Salle")),
    "organisations": (Organisation, forms.OrganisationForm, _l("Organisation")),
    "pitchs": (Pitch, forms.PitchForm, _l("Pitch")),
    "jures": (Expert, forms.ExpertForm, _l("Juré")),
    "criteres": (Criterion, forms.CriterionForm, _l("Critère de notation")),
}


def _permission(kind: str) -> P:
    """The rubric belongs to the scoring side; every other part of the event to the planners."""
    return P.RUBRIC if kind == "criteres" else P.EDIT


def _item(kind: str, event: Event, item_id: int | None):
    if kind not in KINDS:
        abort(404)
    if item_id is None:
        return None
    return db.one_or_404(db.select(KINDS[kind][0]).filter_by(id=item_id, event_id=event.id))


def _choices(kind: str, event: Event, form) -> None:
    if kind == "pitchs":
        form.rooms.choices = [(r.key, r.name) for r in event.rooms]
    if kind == "jures":
        form.organisation.choices = [(o.key, o.name) for o in event.organisations]
        form.conflicts.choices = [(p.key, p.company) for p in event.pitches]


def _prefill(kind: str, item, form) -> None:
    """The form's fields from the stored item (on GET)."""
    if kind == "jours":
        form.day.data, form.start.data, form.end.data = (
            item.date,
            format_clock(item.start_min),
            format_clock(item.end_min),
        )
        form.breaks.data = "\n".join(
            f"{format_clock(b.start_min)}-{format_clock(b.end_min)} {b.label}".strip() for b in item.breaks
        )
    elif kind == "organisations":
        form.key.data, form.name.data, form.required.data = (
            item.key,
            item.name,
            item.panel_required_rank is not None,
        )
    elif kind == "salles":
        form.key.data, form.name.data, form.capacity.data = item.key, item.name, item.capacity
    elif kind == "pitchs":
        form.process(obj=item)
        form.topics.data = ", ".join(item.topics)
        form.rooms.data = [pr.room.key for pr in item.allowed_rooms]
        form.windows.data = editing.format_windows(item.windows)
    elif kind == "jures":
        form.process(obj=item)
        form.organisation.data = item.organisation.key
        form.topics.data = ", ".join(item.topics)
        form.conflicts.data = [c.pitch.key for c in item.conflicts]
        form.windows.data = editing.format_windows(item.windows)
    elif kind == "criteres":
        form.process(obj=item)


def _save(kind: str, event: Event, item, form):
    data = form.data
    if kind == "jours":
        return editing.save_day(
            event,
            item,
            editing.DayInput(
                date=data["day"], start=form.start.minutes, end=form.end.minutes, breaks=data["breaks"] or ""
            ),
        )
    if kind == "salles":
        return editing.save_room(event, item, key=data["key"], name=data["name"], capacity=data["capacity"])
    if kind == "organisations":
        return editing.save_organisation(
            event, item, key=data["key"], name=data["name"], required=data["required"]
        )
    if kind == "pitchs":
        return editing.save_pitch(
            event,
            item,
            editing.PitchInput(
                key=data["key"],
                company=data["company"],
                title=data["title"],
                sector=data["sector"],
                city=data["city"] or "",
                topics=data["topics"] or "",
                duration_min=data["duration_min"],
                qa_min=data["qa_min"],
                rooms=data["rooms"] or [],
                windows=data["windows"] or "",
                contact_email=data["contact_email"],
            ),
        )
    if kind == "jures":
        return editing.save_expert(
            event,
            item,
            editing.ExpertInput(
                key=data["key"],
                name=data["name"],
                organisation=data["organisation"],
                topics=data["topics"] or "",
                min_pitches=data["min_pitches"],
                max_pitches=data["max_pitches"],
                conflicts=data["conflicts"] or [],
                windows=data["windows"] or "",
                email=data["email"],
            ),
        )
    return editing.save_criterion(
        event,
        item,
        label=data["label"],
        description=data["description"] or "",
        weight=float(data["weight"]),
        scale_min=data["scale_min"],
        scale_max=data["scale_max"],
    )


@bp.route("/evenements/<slug>/modifier", methods=["GET", "POST"])
@login_required
def edit_event(slug: str):
    """Everything the organiser can edit, and the panel rules form."""
    event = event_for(slug, P.EDIT if request.method == "POST" else P.READ)
    rules = forms.RulesForm(obj=event, max_per_organisation=event.panel_max_per_organisation)
    status = 200
    if rules.validate_on_submit():
        try:
            editing.save_rules(
                event,
                panel_size=rules.panel_size.data,
                max_per_organisation=rules.max_per_organisation.data,
                duration_min=rules.duration_min.data,
                qa_min=rules.qa_min.data,
                changeover_min=rules.changeover_min.data,
            )
        except editing.EditError as error:
            flash(str(error), "error")
            status = 422
        else:
            flash(_("Règles enregistrées."), "success")
            return redirect(url_for("organiser.edit_event", slug=slug))
    elif rules.errors:
        status = 422
    criteria = (
        db.session.execute(db.select(Criterion).filter_by(event_id=event.id).order_by(Criterion.position))
        .scalars()
        .all()
    )
    return render_template(
        "organiser/edit_event.html", event=event, rules=rules, criteria=criteria, confirm=forms.ConfirmForm()
    ), status


@bp.route("/evenements/<slug>/modifier/<kind>/nouveau", methods=["GET", "POST"])
@bp.route("/evenements/<slug>/modifier/<kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit_item(slug: str, kind: str, item_id: int | None = None):
    """Add or change one day, room, organisation, pitch, juror or criterion."""
    event = event_for(slug, _permission(kind))
    item = _item(kind, event, item_id)
    form = KINDS[kind][1]()
    _choices(kind, event, form)
    status = 200
    if form.validate_on_submit():
        try:
            _save(kind, event, item, form)
        except editing.EditError as error:
            flash(str(error), "error")
            status = 422
        else:
            flash(_("Enregistré."), "success")
            return redirect(url_for("organiser.edit_event", slug=slug) + f"#{kind}")
    elif form.errors:
        status = 422
    elif item is not None:
        _prefill(kind, item, form)
    return render_template(
        "organiser/edit_item.html", event=event, form=form, kind=kind, item=item, title=KINDS[kind][2]
    ), status


@bp.route("/evenements/<slug>/modifier/<kind>/<int:item_id>/supprimer", methods=["POST"])
@login_required
def delete_item(slug: str, kind: str, item_id: int):
    """Delete a day, room, organisation, pitch or juror that no schedule uses."""
    event = event_for(slug, _permission(kind))
    item = _item(kind, event, item_id)
    delete = {
        "jours": editing.delete_day,
        "salles": editing.delete_room,
        "organisations": editing.delete_organisation,
        "pitchs": editing.delete_pitch,
        "jures": editing.delete_expert,
    }.get(kind)
    if delete is None or not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        delete(item)
    except editing.EditError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("Supprimé."), "success")
    return redirect(url_for("organiser.edit_event", slug=slug) + f"#{kind}")
