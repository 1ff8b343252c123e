"""The board's forms: buttons protected by the CSRF token, and the automatic lock delay."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, StopValidation

from pitchday.forms import Form
from pitchday.services.juror_feedback import MAX_FEEDBACK_LENGTH


class ActionForm(Form):
    """An empty form: a button that changes something."""


class LockDelayForm(Form):
    lock_after_min = IntegerField(
        _l("Verrouillage automatique (minutes après la fin du pitch)"),
        validators=[InputRequired(), NumberRange(min=0, max=7 * 24 * 60)],
    )


def sent(form: Form, field: Field) -> None:
    """The field is in the request, even empty: a request without it must not blank the company's text."""
    if not field.raw_data:
        raise StopValidation(
            _l("« %(field)s » manque dans l'envoi : rechargez la page et réessayez.", field=field.label.text)
        )


class ModerationForm(Form):
    """The organiser's wording of one juror's feedback for the company (an empty text is a choice)."""

    strengths = TextAreaField(_l("Points forts"), validators=[sent, Length(max=MAX_FEEDBACK_LENGTH)])
    improvements = TextAreaField(
        _l("Pistes d'amélioration"), validators=[sent, Length(max=MAX_FEEDBACK_LENGTH)]
    )
