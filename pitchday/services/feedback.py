"""Feedback for the companies: the organisers moderate what the jurors wrote (services.juror_feedback) and
release it; the company reads what was released through a private link (a page and its PDF).

Every moderation step, release, withdrawal and link change is recorded in the organisers' journal.
Operations flush and never commit (the request commits once).
"""

from __future__ import annotations

import secrets
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from pitchday.extensions import db
from pitchday.models import Event, Expert, FeedbackLink, FeedbackRelease, JurorFeedback, OutboundMail, Pitch
from pitchday.services import journal, mail, ranking, rubric
from pitchday.services.juror_feedback import MAX_FEEDBACK_LENGTH, FeedbackError, field_label

# --- The organisers' moderation -------------------------------------------------------------------


def now_utc() -> datetime:
    """The current time (a function, so that tests can move the clock)."""
    return datetime.now(UTC)


def feedback_of_pitch(pitch: Pitch) -> list[JurorFeedback]:
    """Every juror's feedback on the pitch, with the juror and their organisation, in the jury's order."""
    return list(
        db.session.execute(
            select(JurorFeedback)
            .join(Expert, Expert.id == JurorFeedback.expert_id)
            .where(JurorFeedback.pitch_id == pitch.id)
            .options(joinedload(JurorFeedback.expert).joinedload(Expert.organisation))
            .order_by(Expert.position, Expert.id)
        ).scalars()
    )


def feedback_of_juror(pitch: Pitch, expert_key: str) -> JurorFeedback | None:
    return db.session.execute(
        select(JurorFeedback)
        .join(Expert, Expert.id == JurorFeedback.expert_id)
        .where(
            JurorFeedback.pitch_id == pitch.id, Expert.key == expert_key, Expert.event_id == pitch.event_id
        )
    ).scalar_one_or_none()


def shown_strengths(row: JurorFeedback) -> str:
    """What the company reads of a juror's strengths: the organiser's edit, else the juror's words."""
    return row.strengths if row.edited_strengths is None else row.edited_strengths


def shown_improvements(row: JurorFeedback) -> str:
    return row.improvements if row.edited_improvements is None else row.edited_improvements


def _subject(row: JurorFeedback) -> str:
    return f"{row.pitch.company} — {row.expert.name}"


def edit(row: JurorFeedback, strengths: str, improvements: str) -> bool:
    """The organiser's wording of a juror's feedback for the company; the juror's own words stay as written.

    Giving back the juror's words removes the edit. Whether anything changed.
    """
    for text, name in ((strengths, "strengths"), (improvements, "improvements")):
        if not isinstance(text, str) or len(text) > MAX_FEEDBACK_LENGTH or "\x00" in text:
            raise FeedbackError(
                422,
                _(
                    "« %(field)s » : un texte de %(limit)d caractères au plus est attendu.",
                    field=field_label(name),
                    limit=MAX_FEEDBACK_LENGTH,
                ),
            )
    before = {"strengths": shown_strengths(row), "improvements": shown_improvements(row)}
    strengths, improvements = strengths.strip(), improvements.strip()
    row.edited_strengths = None if strengths == row.strengths else strengths
    row.edited_improvements = None if improvements == row.improvements else improvements
    after = {"strengths": shown_strengths(row), "improvements": shown_improvements(row)}
    if before == after:
        return False
    _moderated(row)
    journal.record(row.pitch.event, "feedback.edited", subject=_subject(row), before=before, after=after)
    return True


def set_hidden(row: JurorFeedback, hidden: bool) -> bool:
    """Hide a juror's feedback from the company (their texts and their follow-up offer), or show it again."""
    if row.hidden == hidden:
        return False
    row.hidden = hidden
    _moderated(row)
    journal.record(row.pitch.event, "feedback.hidden" if hidden else "feedback.shown", subject=_subject(row))
    return True


def _moderated(row: JurorFeedback) -> None:
    row.moderated_by = _actor_email()
    row.moderated_at = now_utc()
    db.session.flush()


def release_of(pitch: Pitch) -> FeedbackRelease | None:
    return db.session.get(FeedbackRelease, pitch.id)


def is_released(pitch: Pitch) -> bool:
    release = release_of(pitch)
    return release is not None and release.released_at is not None


def release(pitch: Pitch, link_url: Callable[[str], str]) -> OutboundMail | None:
    """Let the company read its feedback; the mail with its link, when the pitch has a contact address.

    ``link_url(token)`` makes the link's full address. Releasing what is already released does nothing
    (and mails nobody again).
    """
    decision = _decision(pitch)
    if decision.released_at is not None:
        return None
    decision.released_at = now_utc()
    decision.released_by = _actor_email()
    link = current_link(pitch) or issue_link(pitch)
    db.session.flush()
    journal.record(pitch.event, "feedback.released", subject=pitch.company)
    if not pitch.contact_email:
        return None
    return mail.queue_message(
        pitch.contact_email, *release_message(pitch, link_url(link.token)), kind="feedback", event=pitch.event
    )


def withdraw(pitch: Pitch) -> bool:
    """The company's page shows nothing again (its link stays valid, for a later release)."""
    decision = release_of(pitch)
    if decision is None or decision.released_at is None:
        return False
    decision.released_at = None
    db.session.flush()
    journal.record(pitch.event, "feedback.withdrawn", subject=pitch.company)
    return True


def set_show_rank(pitch: Pitch, show: bool) -> bool:
    """Whether the company's page gives its rank in the event (not shown unless the organiser says so)."""
    decision = _decision(pitch)
    if decision.show_rank == show:
        return False
    decision.show_rank = show
    db.session.flush()
    journal.record(
        pitch.event, "feedback.rank_shown" if show else "feedback.rank_hidden", subject=pitch.company
    )
    return True


def _decision(pitch: Pitch) -> FeedbackRelease:
    decision = release_of(pitch)
    if decision is None:
        decision = FeedbackRelease(
            pitch_id=pitch.id, event_id=pitch.event_id, released_at=None, released_by="", show_rank=False
        )
        db.session.add(decision)
    return decision


def release_message(pitch: Pitch, link: str) -> tuple[str, str]:
    """The release mail's subject and body, in French then English (the company's language is not known)."""
    parts = []
    for language in ("fr", "en"):
        with force_locale(language):
            parts.append(
                (
                    _("Votre retour du jury — %(event)s", event=pitch.event.name),
                    _(
                        "Bonjour,\n\nLe retour du jury sur le pitch de %(company)s à %(event)s est prêt. "
                        "Vous pouvez le lire, et le télécharger en PDF, à cette adresse personnelle "
                        "(ne la transmettez qu'aux personnes de votre équipe) :\n\n%(link)s\n\n"
                        "L'équipe d'organisation",
                        company=pitch.company,
                        event=pitch.event.name,
                        link=link,
                    ),
                )
            )
    subject = f"{parts[0][0]} / {parts[1][0]}"
    return subject, f"{parts[0][1]}\n\n-----\n\n{parts[1][1]}\n"


def _actor_email() -> str:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.email
    return ""


# --- The companies' links -------------------------------------------------------------------------

LINK_TOKEN_BYTES = 32


def issue_link(pitch: Pitch) -> FeedbackLink:
    """A new private link for the company (the older ones stay valid until revoked)."""
    link = FeedbackLink(pitch_id=pitch.id, token=secrets.token_urlsafe(LINK_TOKEN_BYTES))
    db.session.add(link)
    db.session.flush()
    journal.record(pitch.event, "feedback.link_issued", subject=pitch.company, after={"link": link.id})
    return link


def current_link(pitch: Pitch) -> FeedbackLink | None:
    return (
        db.session.execute(
            select(FeedbackLink)
            .where(FeedbackLink.pitch_id == pitch.id, FeedbackLink.revoked_at.is_(None))
            .order_by(FeedbackLink.created_at.desc(), FeedbackLink.id.desc())
        )
        .scalars()
        .first()
    )


def revoke_links(pitch: Pitch) -> int:
    """Every valid link of the company stops working at once; how many there were."""
    links = list(
        db.session.execute(
            select(FeedbackLink).where(FeedbackLink.pitch_id == pitch.id, FeedbackLink.revoked_at.is_(None))
        ).scalars()
    )
    for link in links:
        link.revoked_at = now_utc()
    db.session.flush()
    if links:
        journal.record(
            pitch.event,
            "feedback.link_revoked",
            subject=pitch.company,
            before={"links": [link.id for link in links]},
        )
    return len(links)


def replace_link(pitch: Pitch) -> FeedbackLink:
    """Revoke the company's links and give it a new one (a link sent to the wrong address)."""
    revoke_links(pitch)
    return issue_link(pitch)


_LINK_BY_TOKEN = (
    select(FeedbackLink)
    .where(FeedbackLink.token == bindparam("token"))
    .options(joinedload(FeedbackLink.pitch).joinedload(Pitch.event))
)


def pitch_of_link(token: str) -> Pitch | None:
    """The pitch a company's link belongs to; None for an unknown or revoked link."""
    if not isinstance(token, str) or not token or len(token) > 64:
        return None
    link = db.session.execute(_LINK_BY_TOKEN, {"token": token}).scalar_one_or_none()
    if link is None or not link.is_valid:
        return None
    return link.pitch


# --- The organisers' overview -------------------------------------------------------------------


@dataclass(frozen=True)
class PitchFeedbackState:
    """One line of the organisers' overview: how far a pitch's feedback has come."""

    pitch: Pitch
    written: int
    hidden: int
    released: bool
    link: FeedbackLink | None


def overview(event: Event) -> list[PitchFeedbackState]:
    """Every pitch of the event with its feedback count, its release and its current link (four queries)."""
    counts: dict[int, tuple[int, int]] = {}
    for pitch_id, hidden, count in db.session.execute(
        select(JurorFeedback.pitch_id, JurorFeedback.hidden, func.count())
        .join(Pitch, Pitch.id == JurorFeedback.pitch_id)
        .where(Pitch.event_id == event.id)
        .where((JurorFeedback.strengths != "") | (JurorFeedback.improvements != "") | JurorFeedback.follow_up)
        .group_by(JurorFeedback.pitch_id, JurorFeedback.hidden)
    ):
        written, hidden_count = counts.get(pitch_id, (0, 0))
        counts[pitch_id] = (written + count, hidden_count + (count if hidden else 0))
    released = set(
        db.session.execute(
            select(FeedbackRelease.pitch_id).where(
                FeedbackRelease.event_id == event.id, FeedbackRelease.released_at.is_not(None)
            )
        ).scalars()
    )
    links: dict[int, FeedbackLink] = {}
    for link in db.session.execute(
        select(FeedbackLink)
        .join(Pitch, Pitch.id == FeedbackLink.pitch_id)
        .where(Pitch.event_id == event.id, FeedbackLink.revoked_at.is_(None))
        .order_by(FeedbackLink.created_at, FeedbackLink.id)
    ).scalars():
        links[link.pitch_id] = link  # the newest last: it wins
    return [
        PitchFeedbackState(pitch, *counts.get(pitch.id, (0, 0)), pitch.id in released, links.get(pitch.id))
        for pitch in event.pitches
    ]


# --- What the company reads -----------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionComparison:
    """A criterion's mean mark for the pitch beside its mean over the whole event, on the criterion's scale."""

    label: str
    scale_min: int
    scale_max: int
    pitch_mean: float | None
    event_mean: float | None


@dataclass(frozen=True)
class CompanyReport:
    """The company's feedback page: only what the organisers released, and never a juror's name."""

    event_name: str
    company: str
    title: str
    released: bool
    criteria: list[CriterionComparison] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    follow_up: list[str] = field(default_factory=list)  # the organisations whose expert offered follow-up
    rank: int | None = None  # None unless the organiser chose to show it
    ranked: int = 0


def company_report(pitch: Pitch) -> CompanyReport:
    """What the company's link shows now; before a release (or after its withdrawal), nothing but the names."""
    event = pitch.event
    decision = release_of(pitch)
    if decision is None or decision.released_at is None:
        return CompanyReport(event.name, pitch.company, pitch.title, released=False)
    visible = [row for row in feedback_of_pitch(pitch) if not row.hidden]
    # Each list in its own order (alphabetical), so that a strength and an improvement of one juror are not
    # paired by their position.
    strengths = sorted((text for text in map(shown_strengths, visible) if text), key=str.casefold)
    improvements = sorted((text for text in map(shown_improvements, visible) if text), key=str.casefold)
    follow_up = sorted({row.expert.organisation.name for row in visible if row.follow_up}, key=str.casefold)
    rank, ranked = None, 0
    if decision.show_rank:
        results = ranking.event_ranking(event)
        ranked = sum(result.rank is not None for result in results)
        rank = next((result.rank for result in results if result.pitch == pitch.id), None)
    return CompanyReport(
        event.name,
        pitch.company,
        pitch.title,
        True,
        criteria_comparison(pitch),
        strengths,
        improvements,
        follow_up,
        rank,
        ranked,
    )


def criteria_comparison(pitch: Pitch) -> list[CriterionComparison]:
    """Per criterion, the mean of the jurors' marks on the pitch and over every pitch of the event."""
    pitch_sums: dict[int, list[int]] = {}
    event_sums: dict[int, list[int]] = {}
    for mark in ranking.marks_of(pitch.event_id):
        event_sums.setdefault(mark.criterion, []).append(mark.value)
        if mark.pitch == pitch.id:
            pitch_sums.setdefault(mark.criterion, []).append(mark.value)
    return [
        CriterionComparison(
            criterion.label,
            criterion.scale_min,
            criterion.scale_max,
            _mean(pitch_sums.get(criterion.id)),
            _mean(event_sums.get(criterion.id)),
        )
        for criterion in rubric.criteria_of(pitch.event)
    ]


def _mean(values: list[int] | None) -> float | None:
    return statistics.fmean(values) if values else None
