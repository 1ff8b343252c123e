"""Editing an event by hand: one list page, and one form page per day, room, partner, pitch, juror, criterion."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from pitchday.access import event_for
from pitchday.extensions import db
from pitchday.models import Criterion, Event, EventDay, Expert, Organisation, Pitch, Room
from pitchday.organiser import forms
from pitchday.organiser.blueprint import bp
from pitchday.services import editing
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


@bp.route("/evenements/<slug>/modifier", methods=["GET", "POST"])
@login_required
def edit_event(slug: str) -> ResponseReturnValue:
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
def edit_item(slug: str, kind: str, item_id: int | None = None) -> ResponseReturnValue:
    """Add or change one day, room, organisation, pitch, juror or criterion."""
    event = event_for(slug, _permission(kind))
    item = _item(kind, event, item_id)
    form: forms.ItemForm = KINDS[kind][1]()
    form.offer_choices(event)
    status = 200
    if form.validate_on_submit():
        try:
            form.save(event, item)
        except editing.EditError as error:
            flash(str(error), "error")
            status = 422
        else:
            flash(_("Enregistré."), "success")
            return redirect(url_for("organiser.edit_event", slug=slug) + f"#{kind}")
    elif form.errors:
        status = 422
    elif item is not None:
        form.fill_from(item)
    return render_template(
        "organiser/edit_item.html", event=event, form=form, kind=kind, item=item, title=KINDS[kind][2]
    ), status


@bp.route("/evenements/<slug>/modifier/<kind>/<int:item_id>/supprimer", methods=["POST"])
@login_required
def delete_item(slug: str, kind: str, item_id: int) -> ResponseReturnValue:
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
