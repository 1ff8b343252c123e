"""The feedback a juror writes for the company on their sheet: strengths, improvements, a follow-up offer.

It travels with their marks (the same autosave, the same queue on the tablet, the same "latest change
wins"): ``checked_juror_feedback`` reads it from a submission and ``apply_juror_feedback`` stores it
inside ``scoring.submit``. Kept apart from pitchday.services.feedback (moderation, release, the company's
page), which needs the ranking, itself built on scoring. Operations flush and never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from pitchday.extensions import db
from pitchday.models import FeedbackRelease, JurorFeedback

if TYPE_CHECKING:
    from pitchday.services.scoring import AuditTrail  # the type only: scoring imports this module

MAX_FEEDBACK_LENGTH = 5000
TEXT_FIELDS = ("strengths", "improvements")
FIELDS = (*TEXT_FIELDS, "follow_up")


class FeedbackError(Exception):
    """A refused feedback change: the HTTP status that fits and the reason, in the visitor's language."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class JurorFeedbackFields:
    """What a juror wrote for the company on one pitch, as their sheet shows it."""

    strengths: str = ""
    improvements: str = ""
    follow_up: bool = False
    released: bool = False  # released to the company: it no longer changes (see refuse_changes_once_released)

    def as_json(self) -> dict:
        return {"strengths": self.strengths, "improvements": self.improvements, "follow_up": self.follow_up}


def field_label(field: str) -> str:
    return {
        "strengths": _("Points forts"),
        "improvements": _("Pistes d'amélioration"),
        "follow_up": _("Je souhaite suivre ce projet"),
    }[field]


def fields_of(submission: object) -> dict:
    """The feedback fields a submission carries, as sent (unchecked): what its digest covers."""
    if not isinstance(submission, dict):
        return {}
    return {name: submission[name] for name in FIELDS if submission.get(name) is not None}


def checked_juror_feedback(submission: dict) -> dict[str, str | bool]:
    """The feedback fields a submission carries (any of strengths, improvements, follow_up), checked.

    A field left out is left as stored; a wrong one refuses the whole submission with its reason.
    """
    wanted: dict[str, str | bool] = {}
    for field in TEXT_FIELDS:
        if field not in submission or submission[field] is None:
            continue
        text = submission[field]
        label = field_label(field)
        if not isinstance(text, str):
            raise FeedbackError(422, _("« %(field)s » doit être un texte.", field=label))
        if "\x00" in text:  # PostgreSQL refuses it in text: a clear 422, not a 500
            raise FeedbackError(
                422,
                _("« %(field)s » contient un caractère invisible interdit (NUL) : retirez-le.", field=label),
            )
        if len(text) > MAX_FEEDBACK_LENGTH:
            raise FeedbackError(
                422,
                _(
                    "« %(field)s » est trop long (%(length)d caractères, %(limit)d au plus).",
                    field=label,
                    length=len(text),
                    limit=MAX_FEEDBACK_LENGTH,
                ),
            )
        wanted[field] = text.strip()
    if "follow_up" in submission and submission["follow_up"] is not None:
        follow_up = submission["follow_up"]
        if not isinstance(follow_up, bool):
            raise FeedbackError(
                422, _("« %(field)s » se coche ou se décoche (vrai ou faux).", field=field_label("follow_up"))
            )
        wanted["follow_up"] = follow_up
    return wanted


_FEEDBACK_OF_JUROR = select(JurorFeedback).where(
    JurorFeedback.expert_id == bindparam("expert_id"), JurorFeedback.pitch_id == bindparam("pitch_id")
)


def feedback_row(expert_id: int, pitch_id: int) -> JurorFeedback | None:
    return db.session.execute(
        _FEEDBACK_OF_JUROR, {"expert_id": expert_id, "pitch_id": pitch_id}
    ).scalar_one_or_none()


def juror_fields(expert_id: int, pitch_id: int) -> JurorFeedbackFields:
    """The juror's own feedback on a pitch (empty when they have written none)."""
    row = feedback_row(expert_id, pitch_id)
    released = is_released(pitch_id)
    if row is None:
        return JurorFeedbackFields(released=released)
    return JurorFeedbackFields(row.strengths, row.improvements, row.follow_up, released)


def is_released(pitch_id: int) -> bool:
    return (
        db.session.execute(
            select(FeedbackRelease.pitch_id).where(
                FeedbackRelease.pitch_id == pitch_id, FeedbackRelease.released_at.is_not(None)
            )
        ).first()
        is not None
    )


def refuse_changes_once_released(expert_id: int, pitch_id: int, wanted: dict[str, str | bool]) -> None:
    """Once the company can read the feedback, a juror's change to it is refused: what the organisers
    released is what the company reads. Sending the stored words again (the sheet's button sends every
    field) is no change; the organisers withdraw the release to let the jurors write again."""
    if not wanted or not is_released(pitch_id):
        return
    stored = juror_fields(expert_id, pitch_id)
    if any(getattr(stored, name) != value for name, value in wanted.items()):
        raise FeedbackError(
            409,
            _(
                "Le retour a été publié pour l'entreprise : il ne peut plus changer. "
                "Adressez-vous à l'organisation pour le rouvrir."
            ),
        )


def apply_juror_feedback(
    expert_id: int,
    pitch_id: int,
    wanted: dict[str, str | bool],
    audit: AuditTrail,
    changed_at: datetime,
    later: Callable[[datetime | None, datetime], bool],
) -> dict[str, str | bool]:
    """Store the fields asked for, each unless a later change of it is stored; the stored fields sent.

    ``audit`` is the submission's ``scoring.AuditTrail``; ``later(stored, incoming)`` is the scoring
    service's rule for which change is the latest (passed in: this module does not import scoring).
    """
    if not wanted:
        return {}
    row = feedback_row(expert_id, pitch_id)
    if row is None:
        row = JurorFeedback(
            pitch_id=pitch_id, expert_id=expert_id, strengths="", improvements="", follow_up=False
        )
        db.session.add(row)
    stored: dict[str, str | bool] = {}
    for field, value in wanted.items():
        before = getattr(row, field)
        stamp = f"{field}_changed_at"
        if later(getattr(row, stamp), changed_at):
            if before != value:
                audit.feedback(field, before, value, superseded=True)
            stored[field] = before
            continue
        setattr(row, stamp, changed_at)
        stored[field] = value
        if before == value:
            continue
        setattr(row, field, value)
        audit.feedback(field, before, value)
    return stored
