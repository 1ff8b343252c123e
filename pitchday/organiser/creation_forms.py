"""The forms of the guided creation of an event: one per step, rows for days, rooms, partners, criteria."""

from __future__ import annotations

import zoneinfo

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FieldList, FormField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from pitchday.forms import Form
from pitchday.organiser.forms import CriterionForm, DayForm, RulesForm
from scheduler import bounds

_REQUIRED = _l("Ce champ est obligatoire.")
_WHOLE = _l("Indiquez un nombre entier.")


class _Row:
    """A row of a step's table; a row left blank is no row at all (each page offers spare ones)."""

    class Meta:
        csrf = False  # the step's form carries the token

    # The fields whose emptiness makes the row empty (a default value or a ticked box alone does not count).
    typed_fields: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        fields = [self[name] for name in self.typed_fields] if self.typed_fields else list(self)
        return not any(
            isinstance(value, str) and value.strip() for field in fields for value in (field.raw_data or ())
        )

    def validate(self, extra_validators: dict | None = None) -> bool:
        return True if self.is_blank() else super().validate(extra_validators)


class DayRow(_Row, DayForm):
    """A day: its date, when pitches may start and end, its breaks (the day editing page's fields)."""


class RoomRow(_Row, Form):
    name = StringField(
        _l("Nom de la salle"),
        validators=[InputRequired(_REQUIRED), Length(max=bounds.NAME_LENGTH)],
    )
    capacity = IntegerField(
        _l("Capacité (places)"), validators=[Optional(), NumberRange(1, bounds.MAX_CAPACITY, _WHOLE)]
    )


class OrganisationRow(_Row, Form):
    name = StringField(
        _l("Organisation partenaire"), validators=[InputRequired(_REQUIRED), Length(max=bounds.NAME_LENGTH)]
    )
    required = BooleanField(_l("Un expert de cette organisation dans chaque jury"))
    typed_fields = ("name",)


class CriterionRow(_Row, CriterionForm):
    """A criterion of the rubric (the rubric editing page's fields); its scale comes filled in."""

    typed_fields = ("label", "description", "weight")


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class EventStepForm(Form):
    name = StringField(
        _l("Nom de l'événement"), validators=[InputRequired(_REQUIRED), Length(max=bounds.NAME_LENGTH)]
    )
    venue = StringField(_l("Lieu"), validators=[InputRequired(_REQUIRED), Length(max=bounds.NAME_LENGTH)])
    timezone = SelectField(_l("Fuseau horaire"), validators=[InputRequired(_REQUIRED)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = time_zone_choices()


class DaysStepForm(Form):
    days = FieldList(FormField(DayRow), min_entries=1, max_entries=30)


class RoomsStepForm(Form):
    rooms = FieldList(FormField(RoomRow), min_entries=1, max_entries=100)


class PanelStepForm(RulesForm):
    """The partners that send experts, then the panel rules and durations (the rules form's fields)."""

    organisations = FieldList(FormField(OrganisationRow), min_entries=1, max_entries=100)


class RubricStepForm(Form):
    criteria = FieldList(FormField(CriterionRow), min_entries=1, max_entries=30)
