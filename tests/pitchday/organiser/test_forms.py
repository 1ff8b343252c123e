"""The editing forms own their part: the choices they offer, how a stored item fills them, how they save.

A form filled from an item and saved unchanged gives the same item back: what fill_from writes is
what save reads, for every kind of item of the Rouen event.
"""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectField, SelectMultipleField

from pitchday.extensions import db
from pitchday.organiser import forms
from pitchday.services import event_io, rubric
from tests.builders import import_event

PARTS = {
    forms.DayForm: "days",
    forms.RoomForm: "rooms",
    forms.OrganisationForm: "organisations",
    forms.PitchForm: "pitches",
    forms.ExpertForm: "experts",
    forms.CriterionForm: rubric.criteria_of,
}


def as_posted(form: forms.ItemForm) -> MultiDict:
    """What a browser sends back from the form as the page shows it."""
    posted = MultiDict()
    for field in form:
        if isinstance(field, SelectMultipleField):
            posted.setlist(field.name, list(field.data or []))
        elif isinstance(field, BooleanField):
            if field.data:
                posted[field.name] = "y"
        elif isinstance(field, SelectField):
            posted[field.name] = field.data or ""
        else:
            posted[field.name] = field._value()
    return posted


@pytest.mark.parametrize("form_class", list(PARTS), ids=lambda form_class: form_class.__name__)
def test_an_item_filled_in_and_saved_unchanged_stays_the_same(app, rouen, form_class):
    with app.test_request_context():
        event = import_event(rouen)
        if form_class is forms.CriterionForm:
            rubric.ensure_default_rubric(event)
        part = PARTS[form_class]
        items = part(event) if callable(part) else list(getattr(event, part))
        before = (
            event_io.export_event(event),
            [(c.label, c.weight, c.scale_min) for c in rubric.criteria_of(event)],
        )
        assert items
        for item in items:
            shown = form_class(formdata=None)
            shown.offer_choices(event)
            shown.fill_from(item)
            form = form_class(formdata=as_posted(shown))
            form.offer_choices(event)
            assert form.validate(), form.errors
            assert form.save(event, item) is item
        db.session.flush()
        after = (
            event_io.export_event(event),
            [(c.label, c.weight, c.scale_min) for c in rubric.criteria_of(event)],
        )
        assert after == before


def test_the_juror_form_offers_the_events_partners_and_pitches(app, rouen):
    with app.test_request_context():
        event = import_event(rouen)
        form = forms.ExpertForm(formdata=None)
        form.offer_choices(event)
        assert form.organisation.choices == [(o.key, o.name) for o in event.organisations]
        assert form.conflicts.choices == [(p.key, p.company) for p in event.pitches]


def test_a_new_room_is_saved_from_its_form(app, rouen):
    with app.test_request_context():
        event = import_event(rouen)
        form = forms.RoomForm(
            formdata=MultiDict({"key": "salle-neuve", "name": "Salle neuve", "capacity": "40"})
        )
        assert form.validate(), form.errors
        room = form.save(event, None)
        assert (room.key, room.name, room.capacity, room.event) == ("salle-neuve", "Salle neuve", 40, event)
