"""The juror's scoring form, built from the event's rubric."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import Length, Optional

from pitchday.forms import Form
from pitchday.models import Criterion
from pitchday.services.juror_feedback import MAX_FEEDBACK_LENGTH
from pitchday.services.scoring import MAX_COMMENT_LENGTH


def field_name(criterion: Criterion) -> str:
    return f"c{criterion.id}"


def scoring_form(criteria: list[Criterion]) -> Form:
    """One radio group per criterion (its whole scale), a comment, and the submission's client id."""

    class ScoringForm(Form):
        client_id = HiddenField()
        comment = TextAreaField(_l("Commentaire"), validators=[Optional(), Length(max=MAX_COMMENT_LENGTH)])
        strengths = TextAreaField(
            _l("Points forts"), validators=[Optional(), Length(max=MAX_FEEDBACK_LENGTH)]
        )
        improvements = TextAreaField(
            _l("Pistes d'amélioration"), validators=[Optional(), Length(max=MAX_FEEDBACK_LENGTH)]
        )
        follow_up = BooleanField(_l("Je souhaite suivre ce projet"))
        # Sent with the feedback fields: a sheet whose feedback is released (disabled) sends neither.
        feedback_sent = HiddenField()

    for criterion in criteria:
        # The scale is checked by the scoring service, which refuses a wrong mark with its reason.
        setattr(
            ScoringForm,
            field_name(criterion),
            RadioField(
                criterion.label,
                choices=[str(v) for v in range(criterion.scale_min, criterion.scale_max + 1)],
                validators=[Optional()],
                validate_choice=False,
            ),
        )
    return ScoringForm()


def feedback_of_form(form: Form) -> dict:
    """The feedback for the company as the plain form sent it (an unticked box sends nothing: False);
    nothing when the form's feedback was disabled (released to the company)."""
    if not form.feedback_sent.data:
        return {}
    return {
        "strengths": form.strengths.data or "",
        "improvements": form.improvements.data or "",
        "follow_up": bool(form.follow_up.data),
    }
