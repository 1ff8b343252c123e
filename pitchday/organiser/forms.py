from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, NumberRange, ValidationError


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), Email(check_deliverability=False)])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired()])


class ImportEventForm(FlaskForm):
    event_file = FileField(_l("Fichier d'événement (JSON)"), validators=[FileRequired()])


class ConfirmForm(FlaskForm):
    """An empty form: a button that changes something, protected by the CSRF token."""


class SolveForm(FlaskForm):
    time_limit = DecimalField(_l("Durée de calcul maximale (secondes)"), default=30, places=None,
                              validators=[InputRequired(_l("Indiquez une durée en secondes.")),
                                          NumberRange(1, 600, _l("Entre 1 et 600 secondes."))])


def _clock(form, field) -> None:  # noqa: ANN001 (WTForms validator signature)
    """An HH:MM clock time, kept in field.minutes."""
    text = (field.data or "").strip()
    hours, _sep, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(hours) <= 24 and int(minutes) < 60):
        raise ValidationError(_l("Heure attendue au format HH:MM, par exemple 14:30."))
    field.minutes = int(hours) * 60 + int(minutes)


class MoveForm(FlaskForm):
    pitch = SelectField(_l("Pitch"), validators=[InputRequired()])
    day = SelectField(_l("Jour"), validators=[InputRequired()])
    start = StringField(_l("Heure de début"), validators=[InputRequired(_l("Indiquez une heure.")), _clock])
    room = SelectField(_l("Salle"), validators=[InputRequired()])


class JurorLockForm(FlaskForm):
    pitch = SelectField(_l("Pitch"), validators=[InputRequired()])
    expert = SelectField(_l("Juré"), validators=[InputRequired()])


class DelayForm(FlaskForm):
    minutes = IntegerField(_l("Retard (minutes)"), default=15,
                           validators=[InputRequired(_l("Indiquez un nombre de minutes.")),
                                       NumberRange(-120, 240, _l("Entre -120 et 240 minutes."))])
    day = SelectField(_l("Jour"), validators=[InputRequired()])
    after = StringField(_l("Pour les pitchs commençant à partir de"),
                        validators=[InputRequired(_l("Indiquez une heure.")), _clock])
    room = SelectField(_l("Salle"), default="")


class AbsentForm(FlaskForm):
    expert = SelectField(_l("Juré absent"), validators=[InputRequired()])
    day = SelectField(_l("Jour"), validators=[InputRequired()])
    after = StringField(_l("Absent à partir de"), validators=[InputRequired(_l("Indiquez une heure.")), _clock])
    time_limit = DecimalField(_l("Durée de calcul maximale (secondes)"), default=10, places=None,
                              validators=[InputRequired(), NumberRange(1, 600, _l("Entre 1 et 600 secondes."))])


class CsvImportForm(FlaskForm):
    csv_file = FileField(_l("Fichier CSV"), validators=[FileRequired(_l("Choisissez un fichier CSV."))])
