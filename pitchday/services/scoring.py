"""Jury scoring: who may score what, saving marks once per submission, locks, and the audit trail.

Every change of a mark or a comment writes a ScoreAudit row; audit rows are only ever
inserted. Operations flush and never commit (the request commits once).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Row, and_, bindparam, exists, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from pitchday.extensions import db
from pitchday.infrastructure import live
from pitchday.models import (
    Criterion,
    Event,
    Expert,
    ExpertConflict,
    JurorComment,
    PanelSeat,
    Pitch,
    ScheduledSession,
    Score,
    ScoreAudit,
    ScoreSubmission,
    ScoringLock,
    ScoringSettings,
)
from pitchday.services import agenda, journal
from pitchday.services import juror_feedback as company_feedback

DEFAULT_LOCK_AFTER_MIN = 30
# The longest automatic-lock delay an organiser may choose (a week). Only the demo stores a longer one
# (services/demo.py: its pitches took place in 2023), which the board shows as no automatic lock.
LONGEST_LOCK_AFTER_MIN = 7 * 24 * 60
MAX_COMMENT_LENGTH = 5000
CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
_CRITERION_KEY = re.compile(r"[0-9]{1,10}")
_MARK_TEXT = re.compile(r"-?[0-9]{1,7}")
# Beyond any scale (pitchday.services.editing.SCALE_BOUND): a mark further out is refused unread.
MARK_BOUND = 10**6


class ScoringError(Exception):
    """A refused scoring request: the HTTP status that fits and the reason for the juror."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class JurorSheet:
    """What a juror sees of one pitch: their own marks and comment, and whether they may still change them."""

    session: ScheduledSession
    criteria: list[Criterion]
    values: dict[int, int]
    comment: str
    locked: bool
    feedback: company_feedback.JurorFeedbackFields = field(
        default_factory=company_feedback.JurorFeedbackFields
    )


def now_utc() -> datetime:
    """The current time (a function, so that tests can move the clock)."""
    return datetime.now(UTC)


def juror_actor(expert: Expert) -> str:
    return f"juror:{expert.key}"


def organiser_actor(email: str) -> str:
    return f"organiser:{email}"


# --- Who may score what -------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoringRight:
    """A juror's seat for one pitch on the latest published agenda, and what decides its lock."""

    session_id: int
    date: date
    end_min: int
    decision: bool | None  # the organiser locked (True) or reopened (False) it; None: the automatic lock
    lock_after_min: int

    def locked(self, timezone: str, now: datetime | None = None) -> bool:
        if self.decision is not None:
            return self.decision
        return (now or now_utc()) >= automatic_lock_at(self.date, self.end_min, timezone, self.lock_after_min)


# Built once: every autosave asks it, and building a statement cost about half as much as running it.
# The autosave also learns here whether its client id was already stored: on PostgreSQL each
# query is a round trip, and under load each round trip waits for the CPU (bench/load.py).
_RIGHT_TO_SCORE = (
    select(
        exists().where(ScoreSubmission.client_id == bindparam("client_id")).label("already_sent"),
        exists()
        .where(ExpertConflict.expert_id == bindparam("expert_id"), ExpertConflict.pitch_id == Pitch.id)
        .label("conflict"),
        ScheduledSession.id,
        ScheduledSession.date,
        ScheduledSession.end_min,
        select(ScoringLock.locked)
        .where(ScoringLock.pitch_id == Pitch.id)
        .scalar_subquery()
        .label("decision"),
        select(ScoringSettings.lock_after_min)
        .where(ScoringSettings.event_id == Pitch.event_id)
        .scalar_subquery()
        .label("lock_after_min"),
    )
    .select_from(Pitch)
    .outerjoin(
        ScheduledSession,
        and_(
            ScheduledSession.pitch_id == Pitch.id,
            ScheduledSession.version_id == agenda.latest_published_id(bindparam("event_id")),
            exists().where(
                PanelSeat.session_id == ScheduledSession.id, PanelSeat.expert_id == bindparam("expert_id")
            ),
        ),
    )
    .where(Pitch.id == bindparam("pitch_id"), Pitch.event_id == bindparam("event_id"))
)


def right_to_score(expert: Expert, pitch_id: int) -> ScoringRight:
    """The juror's seat for this pitch in the latest published schedule, in one query; refused otherwise."""
    return _right_of(_seat_row(expert, pitch_id, client_id=None))


def _seat_row(expert: Expert, pitch_id: int, client_id: str | None) -> Row | None:
    return db.session.execute(
        _RIGHT_TO_SCORE,
        {"expert_id": expert.id, "pitch_id": pitch_id, "event_id": expert.event_id, "client_id": client_id},
    ).first()


def _right_of(row: Row | None) -> ScoringRight:
    if row is not None and row.conflict:
        raise ScoringError(
            403,
            _(
                "Vous avez déclaré un conflit d'intérêts avec ce projet : "
                "vous ne pouvez ni le voir ni le noter."
            ),
        )
    if row is None or row.id is None:
        raise ScoringError(
            403,
            _(
                "Ce pitch n'est pas dans votre jury selon le dernier programme publié : "
                "vous ne pouvez pas le noter."
            ),
        )
    lock_after = DEFAULT_LOCK_AFTER_MIN if row.lock_after_min is None else row.lock_after_min
    return ScoringRight(row.id, row.date, row.end_min, row.decision, lock_after)


def settings_of(event: Event) -> ScoringSettings:
    return db.session.get(ScoringSettings, event.id) or ScoringSettings(
        event_id=event.id, lock_after_min=DEFAULT_LOCK_AFTER_MIN
    )


def automatic_lock_at(day: date, end_min: int, timezone: str, lock_after_min: int) -> datetime:
    """When the jurors' marks freeze by themselves: the end of the pitch, in the event's time zone, plus the delay."""
    return agenda.local_moment(day, end_min + lock_after_min, timezone)  # 24:00 is a legal end


def locks_of(event: Event, sessions: list[ScheduledSession], now: datetime | None = None) -> dict[int, bool]:
    """``ScoringRight.locked`` for many pitches of one event at once (pitch id -> locked), in two queries."""
    decisions = dict(
        db.session.execute(
            db.select(ScoringLock.pitch_id, ScoringLock.locked).where(ScoringLock.event_id == event.id)
        ).all()
    )
    lock_after = settings_of(event).lock_after_min
    now = now or now_utc()
    return {
        session.pitch_id: ScoringRight(
            session.id, session.date, session.end_min, decisions.get(session.pitch_id), lock_after
        ).locked(event.timezone, now)
        for session in sessions
    }


def sheet_of(expert: Expert, pitch_id: int) -> JurorSheet:
    """The juror's own marks on a pitch they may score (never anyone else's)."""
    right = right_to_score(expert, pitch_id)
    session = db.session.get(
        ScheduledSession,
        right.session_id,
        options=[joinedload(ScheduledSession.pitch), joinedload(ScheduledSession.room)],
    )
    rows = _criteria_with_marks(expert, pitch_id)
    criteria = [criterion for criterion, _mark in rows]
    values = {criterion.id: mark.value for criterion, mark in rows if mark is not None}
    comment = _comment(expert.id, pitch_id)
    return JurorSheet(
        session,
        criteria,
        values,
        comment.text if comment else "",
        right.locked(expert.event.timezone),
        company_feedback.juror_fields(expert.id, pitch_id),
    )


def current_session_id(sessions: list[ScheduledSession], now: datetime | None = None) -> int | None:
    """The session under way in the event's time zone, else the next one to come, else None."""
    now = now or now_utc()
    upcoming = None
    for session in sessions:
        timezone = session.pitch.event.timezone
        start = agenda.local_moment(session.date, session.start_min, timezone)
        end = agenda.local_moment(session.date, session.end_min, timezone)
        if start <= now < end:
            return session.id
        if now < start and upcoming is None:
            upcoming = session.id
    return upcoming


def progress_of(expert: Expert) -> dict[int, int]:
    """How many criteria the juror has marked, per pitch."""
    rows = db.session.execute(
        db.select(Score.pitch_id, db.func.count())
        .where(Score.expert_id == expert.id)
        .group_by(Score.pitch_id)
    )
    return {pitch_id: count for pitch_id, count in rows}


def criteria_count(expert: Expert) -> int:
    return db.session.execute(
        db.select(db.func.count()).select_from(Criterion).where(Criterion.event_id == expert.event_id)
    ).scalar_one()


# --- Saving marks -------------------------------------------------------------------------------


def submit(
    expert: Expert,
    pitch_id: int,
    client_id: str,
    scores: dict,
    comment: str | None = None,
    *,
    changed_at: datetime | None = None,
    device_id: str | None = None,
    device_order: object = None,
    feedback: dict | None = None,
) -> dict:
    """Apply one submission of marks (criterion id -> value or None), comment and feedback, once per client id.

    ``feedback`` holds any of the fields the juror writes for the company (services.feedback: strengths,
    improvements, follow_up); they follow the same rules as the comment.

    A submission whose client id was seen before is not applied again: the stored response is returned.
    ``changed_at`` is when the juror made the change (default: now; see ``moment_of_change``): a mark or
    comment changed later than that, from another device or an earlier send, stays, and this change is
    audited as superseded. So the latest change wins whatever order the devices' queues arrive in.
    ``device_order`` is the change's place among its device's changes (see ``in_device_order``).
    """
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise ScoringError(422, _("Identifiant d'envoi manquant ou invalide : rechargez la page."))
    digest = content_digest(pitch_id, scores, comment, company_feedback.fields_of(feedback))
    seat = _seat_row(expert, pitch_id, client_id)
    if seat is not None and seat.already_sent:
        stored = _stored_submission(client_id)
        if stored is not None:
            return _replayed(stored, expert, digest)
    right = _right_of(seat)
    if right.locked(expert.event.timezone):
        raise ScoringError(
            409,
            _(
                "La notation de ce pitch est verrouillée : vos notes ne peuvent plus changer. "
                "Adressez-vous à l'organisation pour la rouvrir."
            ),
        )
    serialise_cell(expert.id, pitch_id)  # the marks read next are the ones this submission changes
    rows = _criteria_with_marks(expert, pitch_id)
    criteria = {criterion.id: criterion for criterion, _mark in rows}
    existing = {criterion.id: mark for criterion, mark in rows if mark is not None}
    wanted = _checked_values(scores, criteria)
    if comment is not None and not isinstance(comment, str):
        raise ScoringError(422, _("Le commentaire doit être un texte."))
    if comment is not None and "\x00" in comment:  # PostgreSQL refuses it in text: a clear 422, not a 500
        raise ScoringError(
            422, _("Le commentaire contient un caractère invisible interdit (NUL) : retirez-le.")
        )
    if comment is not None and len(comment) > MAX_COMMENT_LENGTH:
        raise ScoringError(
            422,
            _(
                "Le commentaire est trop long (%(length)d caractères, %(limit)d au plus).",
                length=len(comment),
                limit=MAX_COMMENT_LENGTH,
            ),
        )
    try:
        wanted_feedback = company_feedback.checked_juror_feedback(feedback or {})
        company_feedback.refuse_changes_once_released(expert.id, pitch_id, wanted_feedback)
    except company_feedback.FeedbackError as refusal:
        raise ScoringError(refusal.status, refusal.message) from None
    audit = AuditTrail(expert, pitch_id, client_id, device_id)
    order = _device_order(device_order) if device_id else None
    changed_at = in_device_order(expert.id, device_id, order, _naive_utc(changed_at or now_utc()))
    try:
        # Inside the try: the statements below write the submission and flush the new marks, which is
        # where a twin request that got there first shows up as a unique-key violation.
        marks = _apply_marks(expert, pitch_id, existing, wanted, audit, changed_at)
        stored_comment = None
        if comment is not None:
            stored_comment = _apply_comment(expert, pitch_id, comment.strip(), audit, changed_at)
        stored_feedback = company_feedback.apply_juror_feedback(
            expert.id, pitch_id, wanted_feedback, audit, changed_at, _later
        )
        response = {
            "status": "saved",
            "pitch": pitch_id,
            "changed": audit.applied,
            "superseded": len(audit.rows) - audit.applied,
            "scores": {str(criterion_id): value for criterion_id, value in sorted(marks.items())},
            "saved_at": now_utc().isoformat(),
        }
        if stored_comment is not None:  # the comment is echoed when sent (reading it back would cost a query)
            response["comment"] = stored_comment
        if stored_feedback:  # likewise, the feedback fields sent
            response["feedback"] = stored_feedback
        db.session.add(
            ScoreSubmission(
                client_id=client_id,
                expert_id=expert.id,
                response=response,
                content_digest=digest,
                device_id=device_id if order is not None else None,
                device_order=order,
                changed_at=changed_at,
            )
        )
        audit.write()
        db.session.flush()
    except IntegrityError:
        # The same submission arrived twice at once: the other request saved it, ours keeps nothing.
        db.session.rollback()
        stored = _stored_submission(client_id)
        if stored is None:
            raise ScoringError(
                409, _("Un autre envoi a modifié ces notes au même moment : réessayez.")
            ) from None
        return _replayed(stored, expert, digest)
    if audit.rows:
        live.mark_changed(expert.event_id)
    return response


class AuditTrail:
    """The audit rows of one juror submission: one per changed mark or comment, only ever inserted.

    A change that lost to a later one (``superseded``) is audited too, with the value it asked for, so that
    the log shows both devices' changes.
    """

    def __init__(self, expert: Expert, pitch_id: int, client_id: str, device_id: str | None = None) -> None:
        self.common = {
            "event_id": expert.event_id,
            "pitch_id": pitch_id,
            "expert_id": expert.id,
            "actor": juror_actor(expert),
            "submission_id": client_id,
            "device_id": device_id,
        }
        self.rows: list[ScoreAudit] = []
        self.applied = 0

    def mark(
        self, criterion_id: int, before: int | None, after: int | None, *, superseded: bool = False
    ) -> None:
        self.applied += not superseded
        self.rows.append(
            ScoreAudit(
                **self.common,
                criterion_id=criterion_id,
                action="score_superseded" if superseded else "score",
                before=before,
                after=after,
                at=now_utc(),
            )
        )

    def comment(self, before: str, after: str, *, superseded: bool = False) -> None:
        self.applied += not superseded
        self.rows.append(
            ScoreAudit(
                **self.common,
                action="comment_superseded" if superseded else "comment",
                comment_before=before,
                comment_after=after,
                at=now_utc(),
            )
        )

    def feedback(self, name: str, before: str | bool, after: str | bool, *, superseded: bool = False) -> None:
        """A change of the feedback for the company: texts as a comment's, the follow-up tick as 0/1."""
        self.applied += not superseded
        action = f"{name}_superseded" if superseded else name
        if isinstance(after, bool):
            self.rows.append(
                ScoreAudit(**self.common, action=action, before=int(before), after=int(after), at=now_utc())
            )
        else:
            self.rows.append(
                ScoreAudit(
                    **self.common, action=action, comment_before=before, comment_after=after, at=now_utc()
                )
            )

    def write(self) -> None:
        db.session.add_all(self.rows)


_SUBMISSION_BY_CLIENT_ID = select(ScoreSubmission).where(ScoreSubmission.client_id == bindparam("client_id"))
# The rubric with the juror's marks on the pitch, in one query (see _RIGHT_TO_SCORE).
_CRITERIA_WITH_MARKS = (
    select(Criterion, Score)
    .outerjoin(
        Score,
        and_(
            Score.criterion_id == Criterion.id,
            Score.expert_id == bindparam("expert_id"),
            Score.pitch_id == bindparam("pitch_id"),
        ),
    )
    .where(Criterion.event_id == bindparam("event_id"))
    .order_by(Criterion.position)
)
_COMMENT_OF_JUROR = select(JurorComment).where(
    JurorComment.expert_id == bindparam("expert_id"), JurorComment.pitch_id == bindparam("pitch_id")
)


def _stored_submission(client_id: str) -> ScoreSubmission | None:
    return db.session.execute(_SUBMISSION_BY_CLIENT_ID, {"client_id": client_id}).scalar_one_or_none()


def _replayed(stored: ScoreSubmission, expert: Expert, digest: str) -> dict:
    """The stored answer to a resent submission; a client id reused for other content is refused, never
    answered "saved" while the new marks are dropped."""
    if stored.expert_id != expert.id:
        raise ScoringError(409, _("Cet identifiant d'envoi a déjà servi : rechargez la page."))
    if stored.content_digest is not None and stored.content_digest != digest:
        raise ScoringError(
            409,
            _(
                "Cet identifiant d'envoi a déjà servi pour d'autres notes : ces notes-ci "
                "n'ont pas été enregistrées. Rechargez la page puis notez à nouveau."
            ),
        )
    return dict(stored.response or {}) | {"replayed": True}


def content_digest(pitch_id: int, scores: object, comment: object, feedback: dict | None = None) -> str:
    """What a submission asked for, as a hash: a resend carries the same, a reused client id does not."""
    canonical = {
        "pitch": pitch_id,
        "comment": comment,
        "scores": {str(key): value for key, value in scores.items()} if isinstance(scores, dict) else scores,
    }
    if feedback:  # only when sent: a submission without feedback keeps the digest it always had
        canonical["feedback"] = feedback
    try:
        text = json.dumps(canonical, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=str)
    except (ValueError, RecursionError):  # a number of thousands of digits, a body nested too deep
        text = repr(sorted(canonical))
    return hashlib.sha256(text.encode()).hexdigest()


def serialise_cell(expert_id: int, pitch_id: int) -> None:
    """Make concurrent submissions of one juror on one pitch run one after the other, to the commit.

    Each audit row's "before" is the mark as its submission read it: two submissions that read the
    same mark before either wrote would both write it as their "before", and the audit chain would
    skip a value. PostgreSQL: a transaction-scoped advisory lock on (juror, pitch). SQLite: a first
    write takes the database's write lock (and pitchday.infrastructure.sqlite_writes' queue) before the marks are
    read, so the reads see every submission committed before.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:expert_id, :pitch_id)"),
            {"expert_id": expert_id, "pitch_id": pitch_id},
        )
    else:
        db.session.execute(text("UPDATE score_submissions SET id = id WHERE 0 = 1"))


def _checked_values(scores: object, criteria: dict[int, Criterion]) -> dict[int, int | None]:
    """The marks asked for, each checked against its criterion's scale; refused whole if one is wrong."""
    if not isinstance(scores, dict):
        raise ScoringError(422, _("Les notes doivent être données critère par critère."))
    wanted: dict[int, int | None] = {}
    for key, value in scores.items():
        # ASCII digits only, and few: "²".isdigit() is True but int("²") fails.
        criterion = criteria.get(int(key)) if _CRITERION_KEY.fullmatch(str(key)) else None
        if criterion is None:
            raise ScoringError(422, _("Critère inconnu pour cet événement : « %(key)s ».", key=str(key)[:40]))
        if value is None or value == "":
            wanted[criterion.id] = None
            continue
        if isinstance(value, str) and _MARK_TEXT.fullmatch(value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MARK_BOUND:
            raise ScoringError(
                422,
                _(
                    "« %(criterion)s » : la note doit être un nombre entier entre %(low)d et %(high)d.",
                    criterion=criterion.label,
                    low=criterion.scale_min,
                    high=criterion.scale_max,
                ),
            )
        number = value
        if not criterion.scale_min <= number <= criterion.scale_max:
            raise ScoringError(
                422,
                _(
                    "« %(criterion)s » : la note doit être entre %(low)d et %(high)d (reçu : %(got)d).",
                    criterion=criterion.label,
                    low=criterion.scale_min,
                    high=criterion.scale_max,
                    got=number,
                ),
            )
        wanted[criterion.id] = number
    return wanted


def _criteria_with_marks(expert: Expert, pitch_id: int) -> list[tuple[Criterion, Score | None]]:
    """The event's rubric in order, each criterion with the juror's mark on the pitch (None: not marked)."""
    return [
        (criterion, mark)
        for criterion, mark in db.session.execute(
            _CRITERIA_WITH_MARKS, {"event_id": expert.event_id, "expert_id": expert.id, "pitch_id": pitch_id}
        )
    ]


def _comment(expert_id: int, pitch_id: int) -> JurorComment | None:
    return db.session.execute(
        _COMMENT_OF_JUROR, {"expert_id": expert_id, "pitch_id": pitch_id}
    ).scalar_one_or_none()


def _apply_marks(
    expert: Expert,
    pitch_id: int,
    existing: dict[int, Score],
    wanted: dict[int, int | None],
    audit: AuditTrail,
    changed_at: datetime,
) -> dict[int, int]:
    """Change the marks asked for, each change noted in ``audit``; every mark of the juror on the pitch now."""
    marks = {criterion_id: score.value for criterion_id, score in existing.items()}
    for criterion_id, value in wanted.items():
        score = existing.get(criterion_id)
        before = score.value if score else None
        if score is not None and _later(score.changed_at, changed_at):
            if before != value:
                audit.mark(criterion_id, before, value, superseded=True)
            continue
        if before == value:
            if score is not None:
                score.changed_at = changed_at
            continue
        if value is None:
            db.session.delete(score)
        elif score is None:
            db.session.add(
                Score(
                    pitch_id=pitch_id,
                    expert_id=expert.id,
                    criterion_id=criterion_id,
                    value=value,
                    changed_at=changed_at,
                )
            )
        else:
            score.value = value
            score.changed_at = changed_at
        audit.mark(criterion_id, before, value)
        if value is None:
            marks.pop(criterion_id, None)
        else:
            marks[criterion_id] = value
    return marks


def _apply_comment(expert: Expert, pitch_id: int, text: str, audit: AuditTrail, changed_at: datetime) -> str:
    """Change the comment unless a later change is stored; the comment stored now."""
    comment = _comment(expert.id, pitch_id)
    before = comment.text if comment else ""
    if comment is not None and _later(comment.changed_at, changed_at):
        if before != text:
            audit.comment(before, text, superseded=True)
        return before
    if comment is not None:
        comment.changed_at = changed_at
    if before == text:
        return text
    if comment is None:
        db.session.add(JurorComment(pitch_id=pitch_id, expert_id=expert.id, text=text, changed_at=changed_at))
    else:
        comment.text = text
    audit.comment(before, text)
    return text


# --- Which change is the latest -----------------------------------------------------------------

# A queue older than this is still applied, but its changes count as made this long ago at most.
OLDEST_QUEUED_CHANGE = timedelta(days=7)


def moment_of_change(changed_ms: object, sent_ms: object, received: datetime | None = None) -> datetime:
    """When a change was made, on the server's clock, from the device's two readings of its own clock.

    Devices' clocks disagree (a tablet can be minutes off), but each measures well how long a change
    waited in its queue: ``sent_ms - changed_ms`` (milliseconds since the epoch, both on the device).
    The change was made that long before the request arrived. Missing or nonsense readings: now.
    """
    received = received or now_utc()
    numbers = [
        value
        for value in (changed_ms, sent_ms)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    ]
    if len(numbers) != 2:
        return received
    waited = timedelta(
        milliseconds=max(
            0.0, min(float(sent_ms) - float(changed_ms), OLDEST_QUEUED_CHANGE.total_seconds() * 1000)
        )
    )
    return received - waited


# The device's own numbering of its changes, as the juror app keeps it (a JavaScript safe integer).
MAX_DEVICE_ORDER = 2**53 - 1
_ONE_TICK = timedelta(microseconds=1)


def _device_order(value: object) -> int | None:
    """The order a request gives its change, or None when it is missing or nonsense (then not used)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DEVICE_ORDER:
        return None
    return value


def in_device_order(expert_id: int, device_id: str | None, order: int | None, moment: datetime) -> datetime:
    """``moment``, moved if needed so that one device's changes keep the order in which they were made.

    ``moment_of_change`` cannot see how long a request spent on the way: a request that waited in the
    network, or behind a slow server, arrives late with a short wait on the device and looks newer than
    it is, so a tablet's earlier change could beat its later one. The device numbers its changes as they
    are made; a change is placed after every change of the same device numbered before it, and before
    every one numbered after it. Changes of different devices are still ordered by their moments.
    """
    if device_id is None or order is None:
        return moment
    same_device = (ScoreSubmission.expert_id == expert_id, ScoreSubmission.device_id == device_id)
    before, after = db.session.execute(
        db.select(
            db.select(db.func.max(ScoreSubmission.changed_at))
            .where(*same_device, ScoreSubmission.device_order < order)
            .scalar_subquery(),
            db.select(db.func.min(ScoreSubmission.changed_at))
            .where(*same_device, ScoreSubmission.device_order > order)
            .scalar_subquery(),
        )
    ).one()
    if before is not None and moment <= before:
        moment = before + _ONE_TICK
    if after is not None and moment >= after:
        moment = after - _ONE_TICK
    return moment


def _naive_utc(moment: datetime) -> datetime:
    """Stored without a zone, in UTC, like every moment of the schema (PostgreSQL would shift an aware one)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _later(stored: datetime | None, incoming: datetime) -> bool:
    """Whether the stored change was made after the incoming one (marks saved before this rule have no time)."""
    return stored is not None and _naive_utc(stored) > incoming


# --- The organiser's controls -------------------------------------------------------------------


def set_lock(pitch: Pitch, locked: bool, organiser_email: str) -> ScoringLock:
    """Lock a pitch's scoring, or reopen it (past the automatic lock too); the audit log keeps who did it."""
    decision = db.session.get(ScoringLock, pitch.id)
    if decision is None:
        decision = ScoringLock(pitch_id=pitch.id, event_id=pitch.event_id, locked=locked, changed_by="")
        db.session.add(decision)
    decision.locked = locked
    decision.changed_by = organiser_actor(organiser_email)
    decision.changed_at = now_utc()
    db.session.add(
        ScoreAudit(
            event_id=pitch.event_id,
            pitch_id=pitch.id,
            expert_id=None,
            actor=decision.changed_by,
            action="lock" if locked else "unlock",
            at=now_utc(),
        )
    )
    db.session.flush()
    journal.record(pitch.event, "scoring.locked" if locked else "scoring.unlocked", subject=pitch.company)
    live.mark_changed(pitch.event_id)
    return decision


def set_lock_after(event: Event, minutes: int) -> ScoringSettings:
    if not 0 <= minutes <= LONGEST_LOCK_AFTER_MIN:
        raise ScoringError(422, _("Le délai de verrouillage doit être entre 0 minute et 7 jours."))
    settings = db.session.get(ScoringSettings, event.id)
    before = settings.lock_after_min if settings is not None else DEFAULT_LOCK_AFTER_MIN
    if settings is None:
        settings = ScoringSettings(event_id=event.id, lock_after_min=minutes)
        db.session.add(settings)
    settings.lock_after_min = minutes
    db.session.flush()
    if before != minutes:
        journal.record(event, "scoring.lock_delay", before=before, after=minutes)
    return settings


def set_results_published(event: Event, published: bool) -> None:
    before = event.results_published
    event.results_published = published
    db.session.flush()
    if before != published:
        journal.record(
            event, "results.published" if published else "results.unpublished", before=before, after=published
        )


def event_local_time(event: Event, moment: datetime) -> datetime:
    """A stored moment (UTC, naive from the database) on the event's clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(event.timezone))


def audit_log(event: Event, limit: int = 1000) -> list[ScoreAudit]:
    """The latest changes first (read-only)."""
    return list(
        db.session.execute(
            db.select(ScoreAudit).filter_by(event_id=event.id).order_by(ScoreAudit.id.desc()).limit(limit)
        ).scalars()
    )


def last_change(event_id: int) -> int:
    """A number that grows with every change of the event's marks or locks (cheap: one indexed max)."""
    return (
        db.session.execute(
            db.select(db.func.max(ScoreAudit.id)).where(ScoreAudit.event_id == event_id)
        ).scalar_one()
        or 0
    )
