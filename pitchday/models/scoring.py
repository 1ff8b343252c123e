"""Jury scoring: the rubric, the scores, and the audit trail of every change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pitchday.extensions import db
from pitchday.models.event import Event, Expert, Pitch, utcnow


class Criterion(db.Model):
    """One line of the rubric: what is judged, how much it weighs, on which scale."""

    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(default=1.0)
    scale_min: Mapped[int] = mapped_column(default=0)
    scale_max: Mapped[int] = mapped_column(default=10)

    event: Mapped[Event] = relationship()

    __table_args__ = (
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("scale_min < scale_max", name="scale_ordered"),
    )


class Score(db.Model):
    """The current mark of one juror for one pitch on one criterion."""

    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    value: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # When the juror made the change that set this mark, on the server's clock (a device's own clock is
    # corrected by how long the change waited on it): the latest change wins, whatever order devices send in.
    changed_at: Mapped[datetime | None]

    pitch: Mapped[Pitch] = relationship()
    expert: Mapped[Expert] = relationship()
    criterion: Mapped[Criterion] = relationship()

    __table_args__ = (UniqueConstraint("pitch_id", "expert_id", "criterion_id"),)


class JurorComment(db.Model):
    """A juror's free comment on a pitch."""

    __tablename__ = "juror_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    changed_at: Mapped[datetime | None]  # as Score.changed_at

    __table_args__ = (UniqueConstraint("pitch_id", "expert_id"),)


class ScoreAudit(db.Model):
    """Append-only: who changed which mark, when, from what to what.

    Rows are only ever inserted; the scoring service has no update or delete path,
    and the organiser pages show them read-only.
    """

    __tablename__ = "score_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"))
    # None for an organiser's action on the whole pitch (lock, unlock).
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"))
    criterion_id: Mapped[int | None] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    # "juror:<expert key>" or "organiser:<email>"
    actor: Mapped[str] = mapped_column(String(200))
    before: Mapped[int | None]
    after: Mapped[int | None]
    # "score", "comment", "lock" or "unlock"; a comment change keeps its texts here. "score_superseded" and
    # "comment_superseded": a change that reached the server after a later one (another device of the juror,
    # or a tablet's old queue), kept for the record but not applied.
    # "strengths", "improvements" and "follow_up" (and their "_superseded"): the juror's feedback for the
    # company, its texts in comment_before/after, the follow-up tick as 0/1 in before/after.
    action: Mapped[str] = mapped_column(String(40), default="score", server_default="score")
    comment_before: Mapped[str | None] = mapped_column(Text)
    comment_after: Mapped[str | None] = mapped_column(Text)
    # The client-made id of the submission, so that a retry is applied once.
    submission_id: Mapped[str | None] = mapped_column(String(64), index=True)
    # The juror's device that sent it (JurorDevice.device_id): with two devices, whose change was whose.
    device_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ScoreSubmission(db.Model):
    """A juror's submission, remembered by its client-made id so a retry is applied once."""

    __tablename__ = "score_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    response: Mapped[dict | None] = mapped_column(JSON)
    # A hash of what the submission asked for (pitch, marks, comment): the same client id resent with
    # other content is refused instead of answered with this response (older rows: None, not checked).
    content_digest: Mapped[str | None] = mapped_column(String(64))
    # The device that sent it and the place of its change among that device's changes (the juror app
    # numbers them as they are made), and the moment given to the change: a device's changes keep their
    # order whatever the network does to the requests (scoring.in_device_order). None: no device said.
    device_id: Mapped[str | None] = mapped_column(String(64))
    device_order: Mapped[int | None] = mapped_column(BigInteger)
    changed_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_score_submissions_device", "expert_id", "device_id", "device_order"),)


class ScoringLock(db.Model):
    """The organiser's decision on a pitch's scoring: locked, or reopened past the automatic lock."""

    __tablename__ = "scoring_locks"

    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    locked: Mapped[bool]
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScoringSettings(db.Model):
    """How scoring runs for an event; an event without a row uses the defaults."""

    __tablename__ = "scoring_settings"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    # Jurors may change their marks until this many minutes after the pitch ends (event time zone).
    lock_after_min: Mapped[int] = mapped_column(default=30)

    __table_args__ = (CheckConstraint("lock_after_min >= 0", name="lock_after_not_negative"),)


class JurorDevice(db.Model):
    """A tablet or phone a juror scores on, as it last reported itself: when it was heard, what it still holds.

    The juror app names itself with an id kept in the browser's storage, and reports how many changes
    wait in its queue with each autosave and each check of the sheet; the organiser's board shows it.
    """

    __tablename__ = "juror_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40), default="")  # "tablette", "téléphone"... from the browser
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    pending: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        UniqueConstraint("expert_id", "device_id"),
        CheckConstraint("pending >= 0", name="pending_not_negative"),
    )
