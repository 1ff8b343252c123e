import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from pitchday.forms import FiniteDecimalField, Form
from pitchday.models import Criterion, Event, EventDay, Expert, Organisation, Pitch, Room
from pitchday.services import editing
from pitchday.services.agenda import format_clock
from pitchday.services.editing import SCALE_BOUND


class LoginForm(Form):
    # No format check here: logging in only needs the address to match an account, and a
    # strict validator would refuse real intranet addresses (and the demo's pitchday.local).
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired()])


class ChangePasswordForm(Form):
    current = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired()])
    new = PasswordField(
        _l("Nouveau mot de passe (10 caractères au moins)"),
        validators=[DataRequired(), Length(min=10, max=200, message=_l("Entre 10 et 200 caractères."))],
    )
    confirm = PasswordField(
        _l("Nouveau mot de passe, à nouveau"),
        validators=[DataRequired(), EqualTo("new", _l("Les deux mots de passe diffèrent."))],
    )


class ImportEventForm(Form):
    event_file = FileField(_l("Fichier d'événement (JSON)"), validators=[FileRequired()])


class ConfirmForm(Form):
    """An empty form: a button that changes something, protected by the CSRF token."""


class SolveForm(Form):
    time_limit = FiniteDecimalField(
        _l("Durée de calcul maximale (secondes)"),
        default=30,
        places=None,
        validators=[
            InputRequired(_l("Indiquez une durée en secondes.")),
            NumberRange(1, 600, _l("Entre 1 et 600 secondes.")),
        ],
    )


_CLOCK_TEXT = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def _clock_validator(*, may_end_the_day: bool):
    """An HH:MM clock time, kept in field.minutes; 24:00 only where it ends something (a day's end)."""

    def check(form: Form, field: Field) -> None:
        match = _CLOCK_TEXT.fullmatch((field.data or "").strip())  # ASCII digits: "²:30" is no clock
        minutes = int(match[1]) * 60 + int(match[2]) if match and int(match[2]) < 60 else None
        latest = 24 * 60 if may_end_the_day else 24 * 60 - 1
        if minutes is None or minutes > latest:
            raise ValidationError(
                _l(
                    "Heure attendue au format HH:MM, entre 00:00 et %(latest)s, par exemple 14:30.",
                    latest="24:00" if may_end_the_day else "23:59",
                )
            )
        field.minutes = minutes

    return check


_clock = _clock_validator(may_end_the_day=False)
_end_clock = _clock_validator(may_end_the_day=True)


class MoveForm(Form):
    pitch = SelectField(_l("Pitch"), validators=[InputRequired()])
    day = SelectField(_l("Jour"), validators=[InputRequired()])
    start = StringField(_l("Heure de début"), validators=[InputRequired(_l("Indiquez une heure.")), _clock])
    room = SelectField(_l("Salle"), validators=[InputRequired()])


class JurorLockForm(Form):
    pitch = SelectField(_l("Pitch"), validators=[InputRequired()])
    expert = SelectField(_l("Juré"), validators=[InputRequired()])


class DelayForm(Form):
    minutes = IntegerField(
        _l("Retard (minutes)"),
        default=15,
        validators=[
            InputRequired(_l("Indiquez un nombre de minutes.")),
            NumberRange(-120, 240, _l("Entre -120 et 240 minutes.")),
        ],
    )
    day = SelectField(_l("Jour"), validators=[InputRequired()])
    after = StringField(
        _l("Pour les pitchs commençant à partir de"),
        validators=[InputRequired(_l("Indiquez une heure.")), _clock],
    )
    room = SelectField(_l("Salle"), default="")


class AbsentForm(Form):
    expert = SelectField(_l("Juré absent"), validators=[InputRequired()])
    day = SelectField(_l("Jour"), validators=[InputRequired()])
    after = StringField(
        _l("Absent à partir de"), validators=[InputRequired(_l("Indiquez une heure.")), _clock]
    )
    time_limit = FiniteDecimalField(
        _l("Durée de calcul maximale (secondes)"),
        default=10,
        places=None,
        validators=[InputRequired(), NumberRange(1, 600, _l("Entre 1 et 600 secondes."))],
    )


class CsvImportForm(Form):
    csv_file = FileField(_l("Fichier CSV"), validators=[FileRequired(_l("Choisissez un fichier CSV."))])


_REQUIRED = _l("Ce champ est obligatoire.")
_SCALE_RANGE = _l("Une note entre %(min)s et %(max)s.")
_WHOLE = _l("Indiquez un nombre entier.")


def _key_field(label) -> StringField:
    return StringField(
        label,
        validators=[
            InputRequired(_REQUIRED),
            Length(max=80, message=_l("80 caractères au plus.")),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                message=_l("Lettres, chiffres, points et tirets seulement (pas d'espace)."),
            ),
        ],
    )


class ItemForm(Form):
    """A form of one part of an event (a day, a room, a partner, a pitch, a juror, a criterion) that
    knows its part: the choices it offers, how a stored one fills it, and how it is saved."""

    def offer_choices(self, event: Event) -> None:
        """Fill the choices of its select fields from the event (the rooms, partners, pitches)."""

    def fill_from(self, item: object) -> None:
        """The fields from the stored item (on GET)."""
        self.process(obj=item)

    def save(self, event: Event, item: object) -> object:
        """Add (item None) or change the item through the editing service; raises editing.EditError."""
        raise NotImplementedError


class DayForm(ItemForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Indiquez une date valide."))])
    start = StringField(_l("Début (HH:MM)"), validators=[InputRequired(_REQUIRED), _clock])
    end = StringField(_l("Fin (HH:MM)"), validators=[InputRequired(_REQUIRED), _end_clock])
    breaks = TextAreaField(_l("Pauses, une par ligne : 12:30-14:00 Déjeuner"))

    def fill_from(self, item: EventDay) -> None:
        self.day.data, self.start.data, self.end.data = (
            item.date,
            format_clock(item.start_min),
            format_clock(item.end_min),
        )
        self.breaks.data = "\n".join(
            f"{format_clock(b.start_min)}-{format_clock(b.end_min)} {b.label}".strip() for b in item.breaks
        )

    def save(self, event: Event, item: EventDay | None) -> EventDay:
        return editing.save_day(
            event,
            item,
            editing.DayInput(
                date=self.day.data,
                start=self.start.minutes,
                end=self.end.minutes,
                breaks=self.breaks.data or "",
            ),
        )


class RoomForm(ItemForm):
    key = _key_field(_l("Identifiant"))
    name = StringField(_l("Nom"), validators=[InputRequired(_REQUIRED), Length(max=200)])
    capacity = IntegerField(_l("Capacité (places)"), validators=[Optional(), NumberRange(1, 100000, _WHOLE)])

    def fill_from(self, item: Room) -> None:
        self.key.data, self.name.data, self.capacity.data = item.key, item.name, item.capacity

    def save(self, event: Event, item: Room | None) -> Room:
        return editing.save_room(
            event, item, key=self.key.data, name=self.name.data, capacity=self.capacity.data
        )


class OrganisationForm(ItemForm):
    key = _key_field(_l("Identifiant"))
    name = StringField(_l("Nom"), validators=[InputRequired(_REQUIRED), Length(max=200)])
    required = BooleanField(_l("Chaque jury doit compter un expert de cette organisation"))

    def fill_from(self, item: Organisation) -> None:
        self.key.data, self.name.data, self.required.data = (
            item.key,
            item.name,
            item.panel_required_rank is not None,
        )

    def save(self, event: Event, item: Organisation | None) -> Organisation:
        return editing.save_organisation(
            event, item, key=self.key.data, name=self.name.data, required=self.required.data
        )


class PitchForm(ItemForm):
    key = _key_field(_l("Identifiant"))
    company = StringField(_l("Entreprise"), validators=[InputRequired(_REQUIRED), Length(max=200)])
    title = StringField(_l("Titre du pitch"), validators=[InputRequired(_REQUIRED)])
    sector = StringField(_l("Secteur"), validators=[InputRequired(_REQUIRED), Length(max=80)])
    city = StringField(_l("Ville"), validators=[Length(max=120)])
    topics = StringField(_l("Thèmes (séparés par des virgules)"))
    duration_min = IntegerField(
        _l("Durée de présentation (min, vide : celle de l'événement)"),
        validators=[Optional(), NumberRange(1, 600, _WHOLE)],
    )
    qa_min = IntegerField(
        _l("Durée des questions (min, vide : celle de l'événement)"),
        validators=[Optional(), NumberRange(0, 600, _WHOLE)],
    )
    rooms = SelectMultipleField(_l("Salles autorisées (aucune : toutes)"))
    windows = TextAreaField(_l("Disponibilités (vide : toujours) : 2023-11-30 14:00-17:30, ..."))
    contact_email = StringField(
        _l("E-mail du contact de l'entreprise (facultatif : pour la prévenir)"),
        validators=[Optional(), Length(max=254)],
    )

    def offer_choices(self, event: Event) -> None:
        self.rooms.choices = [(r.key, r.name) for r in event.rooms]

    def fill_from(self, item: Pitch) -> None:
        self.process(obj=item)
        self.topics.data = ", ".join(item.topics)
        self.rooms.data = [pr.room.key for pr in item.allowed_rooms]
        self.windows.data = editing.format_windows(item.windows)

    def save(self, event: Event, item: Pitch | None) -> Pitch:
        return editing.save_pitch(
            event,
            item,
            editing.PitchInput(
                key=self.key.data,
                company=self.company.data,
                title=self.title.data,
                sector=self.sector.data,
                city=self.city.data or "",
                topics=self.topics.data or "",
                duration_min=self.duration_min.data,
                qa_min=self.qa_min.data,
                rooms=self.rooms.data or [],
                windows=self.windows.data or "",
                contact_email=self.contact_email.data,
            ),
        )


class ExpertForm(ItemForm):
    key = _key_field(_l("Identifiant"))
    name = StringField(_l("Nom"), validators=[InputRequired(_REQUIRED), Length(max=200)])
    organisation = SelectField(_l("Organisation"), validators=[InputRequired(_REQUIRED)])
    topics = StringField(_l("Thèmes (séparés par des virgules)"))
    min_pitches = IntegerField(_l("Minimum de pitchs"), validators=[Optional(), NumberRange(0, 1000, _WHOLE)])
    max_pitches = IntegerField(_l("Maximum de pitchs"), validators=[Optional(), NumberRange(0, 1000, _WHOLE)])
    conflicts = SelectMultipleField(_l("Conflits d'intérêts (projets qu'il ne juge pas)"))
    windows = TextAreaField(_l("Disponibilités (vide : toujours) : 2023-11-30 14:00-17:30, ..."))
    email = StringField(
        _l("E-mail (facultatif : pour le prévenir des changements)"), validators=[Optional(), Length(max=254)]
    )

    def offer_choices(self, event: Event) -> None:
        self.organisation.choices = [(o.key, o.name) for o in event.organisations]
        self.conflicts.choices = [(p.key, p.company) for p in event.pitches]

    def fill_from(self, item: Expert) -> None:
        self.process(obj=item)
        self.organisation.data = item.organisation.key
        self.topics.data = ", ".join(item.topics)
        self.conflicts.data = [c.pitch.key for c in item.conflicts]
        self.windows.data = editing.format_windows(item.windows)

    def save(self, event: Event, item: Expert | None) -> Expert:
        return editing.save_expert(
            event,
            item,
            editing.ExpertInput(
                key=self.key.data,
                name=self.name.data,
                organisation=self.organisation.data,
                topics=self.topics.data or "",
                min_pitches=self.min_pitches.data,
                max_pitches=self.max_pitches.data,
                conflicts=self.conflicts.data or [],
                windows=self.windows.data or "",
                email=self.email.data,
            ),
        )


class RulesForm(Form):
    panel_size = IntegerField(
        _l("Jurés par jury"), validators=[InputRequired(_REQUIRED), NumberRange(1, 20, _WHOLE)]
    )
    max_per_organisation = IntegerField(
        _l("Au plus par organisation dans un jury (vide : sans limite)"),
        validators=[Optional(), NumberRange(1, 20, _WHOLE)],
    )
    duration_min = IntegerField(
        _l("Durée d'une présentation (min)"),
        validators=[InputRequired(_REQUIRED), NumberRange(1, 600, _WHOLE)],
    )
    qa_min = IntegerField(
        _l("Durée des questions (min)"), validators=[Optional(), NumberRange(0, 600, _WHOLE)]
    )
    changeover_min = IntegerField(
        _l("Battement entre deux pitchs (min)"), validators=[Optional(), NumberRange(0, 600, _WHOLE)]
    )


class CriterionForm(ItemForm):
    label = StringField(_l("Critère"), validators=[InputRequired(_REQUIRED), Length(max=200)])
    description = TextAreaField(_l("Description"))
    weight = FiniteDecimalField(
        _l("Poids"),
        places=None,
        validators=[InputRequired(_REQUIRED), NumberRange(0.01, 1000, _l("Un poids positif."))],
    )
    scale_min = IntegerField(
        _l("Note la plus basse"),
        default=0,
        validators=[InputRequired(_REQUIRED), NumberRange(-SCALE_BOUND, SCALE_BOUND, _SCALE_RANGE)],
    )
    scale_max = IntegerField(
        _l("Note la plus haute"),
        default=10,
        validators=[InputRequired(_REQUIRED), NumberRange(-SCALE_BOUND, SCALE_BOUND, _SCALE_RANGE)],
    )

    def save(self, event: Event, item: Criterion | None) -> Criterion:
        return editing.save_criterion(
            event,
            item,
            label=self.label.data,
            description=self.description.data or "",
            weight=float(self.weight.data),
            scale_min=self.scale_min.data,
            scale_max=self.scale_max.data,
        )


TEAM_ROLE_CODES = ("owner", "planner", "scoring", "viewer")


def _role_choices() -> list[tuple[str, str]]:
    from pitchday.organiser.labels import role_label

    return [(code, role_label(code)) for code in TEAM_ROLE_CODES]


class InviteForm(Form):
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[DataRequired(_l("Indiquez l'adresse e-mail de la personne invitée.")), Length(max=254)],
    )
    role = SelectField(_l("Rôle"), validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()


class RoleForm(Form):
    role = SelectField(_l("Rôle"), validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()


class AcceptInvitationForm(Form):
    name = StringField(_l("Votre nom"), validators=[Optional(), Length(max=200)])
    password = PasswordField(
        _l("Mot de passe"), validators=[DataRequired(_l("Choisissez un mot de passe.")), Length(max=200)]
    )
    confirm = PasswordField(_l("Mot de passe (à nouveau)"), validators=[Optional(), Length(max=200)])
