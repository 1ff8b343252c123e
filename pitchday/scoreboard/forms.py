"""The board's forms: buttons protected by the CSRF token, and the automatic lock delay."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from pitchday.forms import Form


class ActionForm(Form):
    """An empty form: a button that changes something."""


class LockDelayForm(Form):
    lock_after_min = IntegerField(_l("Verrouillage automatique (minutes après la fin du pitch)"),
                                  validators=[InputRequired(), NumberRange(min=0, max=7 * 24 * 60)])
