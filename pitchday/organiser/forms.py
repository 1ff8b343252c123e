from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), Email(check_deliverability=False)])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired()])


class ImportEventForm(FlaskForm):
    event_file = FileField(_l("Fichier d'événement (JSON)"), validators=[FileRequired()])


class ConfirmForm(FlaskForm):
    """An empty form: a button that changes something, protected by the CSRF token."""
