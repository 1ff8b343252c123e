"""Feedback for the companies: what the jurors write for them, its moderation, its release, the private links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pitchday.extensions import db
from pitchday.models.event import Expert, Pitch, utcnow


class JurorFeedback(db.Model):
    """What a juror writes for the company about one pitch (not the private comment), and its moderation.

    The juror's words stay as written; the organiser's edit is kept beside them (``edited_*``) and is what
    the company reads, so that a later change by the juror never silently undoes a moderation.
    """

    __tablename__ = "juror_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    strengths: Mapped[str] = mapped_column(Text, default="")
    improvements: Mapped[str] = mapped_column(Text, default="")
    # The expert offers follow-up on behalf of their organisation.
    follow_up: Mapped[bool] = mapped_column(default=False)
    # As Score.changed_at, one per field: two devices of a juror may change different fields at once.
    strengths_changed_at: Mapped[datetime | None]
    improvements_changed_at: Mapped[datetime | None]
    follow_up_changed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # Moderation: hidden from the company, or shown in the organiser's words (None: the juror's).
    hidden: Mapped[bool] = mapped_column(default=False)
    edited_strengths: Mapped[str | None] = mapped_column(Text)
    edited_improvements: Mapped[str | None] = mapped_column(Text)
    moderated_by: Mapped[str] = mapped_column(String(254), default="")
    moderated_at: Mapped[datetime | None]

    pitch: Mapped[Pitch] = relationship()
    expert: Mapped[Expert] = relationship()

    __table_args__ = (UniqueConstraint("pitch_id", "expert_id"),)


class FeedbackRelease(db.Model):
    """The organiser's decision on a pitch's feedback: released to the company or not, the rank shown or not.

    A pitch without a row has nothing released.
    """

    __tablename__ = "feedback_releases"

    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    released_at: Mapped[datetime | None]
    released_by: Mapped[str] = mapped_column(String(254), default="")
    show_rank: Mapped[bool] = mapped_column(default=False)


class FeedbackLink(db.Model):
    """A company's private link to its feedback page: the token is the only credential, as a juror's link.

    Kept readable (like JurorAccess) because the organiser copies it again later and the release mail
    carries it; revoked links stay, so that a revocation is on record.
    """

    __tablename__ = "feedback_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    pitch: Mapped[Pitch] = relationship()

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
