"""The base of every form of the app: what a hostile body can send is bounded here, once.

- Only the form's own file fields read file parts (an e-mail sent as a file is a missing e-mail,
  not a file object in a text field), and a JSON body is read only when it is an object of
  texts and numbers.
- Every text field refuses control characters (NUL above all: PostgreSQL refuses it in text) and
  has a length limit even when its form states none; every whole number has a range even when
  its field states none.
- Decimal fields refuse NaN and infinities (``Decimal("sNaN") < 1`` raises instead of answering).

Each refusal is a field error in the visitor's language that names the field and what is wrong.
"""

from __future__ import annotations

import decimal

from flask import request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict, MultiDict
from wtforms import DecimalField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import Length

# Above the longest text any column holds (Text columns such as a pitch's title included).
DEFAULT_TEXT_LENGTH = 2000
DEFAULT_TEXTAREA_LENGTH = 10_000
# Every whole number of a form: far beyond any real value, far below a database integer's limit.
LARGEST_WHOLE = 1_000_000
# Control characters a text area may hold: tab and line breaks; a one-line field holds none.
TEXTAREA_CONTROLS = frozenset("\t\n\r")
SUBMIT_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def first_control_character(text: str, allowed: frozenset[str] = frozenset()) -> str | None:
    """The first control character (C0, DEL, C1) of ``text`` that is not allowed, else None."""
    for char in text:
        code = ord(char)
        if (code < 0x20 or 0x7F <= code < 0xA0) and char not in allowed:
            return char
    return None


def _json_formdata() -> MultiDict | None:
    """A JSON object of texts, numbers and lists of texts, as form data; anything else is no data."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    pairs = []
    for key, value in body.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str):
                pairs.append((key, item))
            elif isinstance(item, int | float) and not isinstance(item, bool):
                pairs.append((key, str(item)))
    return ImmutableMultiDict(pairs)


class Form(FlaskForm):
    """FlaskForm with the app's bounds on every field (see the module's docstring)."""

    class Meta:
        def wrap_formdata(self, form: FlaskForm, formdata: object) -> object:
            if not _is_auto(formdata):
                return formdata
            if request.method not in SUBMIT_METHODS:
                return None
            file_fields = {name for name, field in form._fields.items() if isinstance(field, FileField)}
            files = MultiDict(
                [(key, value) for key, value in request.files.items(multi=True) if key in file_fields]
            )
            if request.form or files:
                return CombinedMultiDict((ImmutableMultiDict(files), request.form)) if files else request.form
            if request.is_json:
                return _json_formdata()
            return None

    def validate(self, extra_validators: dict | None = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            problem = _bound_problem(field)
            if problem:
                field.errors = [*field.errors, problem] if isinstance(field.errors, list) else [problem]
                valid = False
        return valid


def _is_auto(formdata) -> bool:
    from flask_wtf.form import _Auto

    return formdata is _Auto


def _stated_max_length(field) -> int | None:
    lengths = [v.max for v in field.validators if isinstance(v, Length) and v.max not in (None, -1)]
    return min(lengths) if lengths else None


def _bound_problem(field) -> str | None:
    """What is out of bounds in a field's value that its own validators may not check."""
    label = str(field.label.text)
    if isinstance(field, StringField | TextAreaField | PasswordField) and isinstance(field.data, str):
        allowed = TEXTAREA_CONTROLS if isinstance(field, TextAreaField) else frozenset()
        char = first_control_character(field.data, allowed)
        if char is not None:
            return _(
                "« %(field)s » contient un caractère de contrôle interdit (U+%(code)04X) : retirez-le.",
                field=label,
                code=ord(char),
            )
        limit = _stated_max_length(field) or (
            DEFAULT_TEXTAREA_LENGTH if isinstance(field, TextAreaField) else DEFAULT_TEXT_LENGTH
        )
        if len(field.data) > limit:
            return _(
                "« %(field)s » : %(length)d caractères, %(limit)d au plus.",
                field=label,
                length=len(field.data),
                limit=limit,
            )
    if isinstance(field, IntegerField) and isinstance(field.data, int) and abs(field.data) > LARGEST_WHOLE:
        return _(
            "« %(field)s » : %(value)s est hors des bornes (entre %(low)d et %(high)d).",
            field=label,
            value=field.data,
            low=-LARGEST_WHOLE,
            high=LARGEST_WHOLE,
        )
    return None


class FiniteDecimalField(DecimalField):
    """A decimal number, never NaN or infinite, of at most 20 characters."""

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:
            return
        text = valuelist[0].strip() if isinstance(valuelist[0], str) else ""
        try:
            number = decimal.Decimal(text.replace(",", ".")) if len(text) <= 20 else None
        except (decimal.InvalidOperation, ValueError):
            number = None
        if number is None or not number.is_finite():
            self.data = None
            raise ValueError(_("« %(value)s » n'est pas un nombre (exemple : 2,5 ou 2.5).", value=text[:20]))
        self.data = number
