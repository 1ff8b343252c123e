"""E-mail: recorded first, sent after the commit by a worker, retried when the SMTP server refuses.

``queue_message`` writes the message to ``outbound_mails`` and asks for the "mail" task after the
request's commit; the worker claims it (queued -> sending), sends it through Flask-Mailman's
configured backend (SMTP in production, the console in development), and records the outcome
of every attempt: the organiser reads to whom, what, when, and delivered or why not.
"""

from __future__ import annotations

import base64
import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_mailman import EmailMessage
from sqlalchemy import update

from pitchday.extensions import db
from pitchday.extensions import mail as mailer
from pitchday.infrastructure import tasks
from pitchday.models import Event, OutboundMail

log = logging.getLogger(__name__)

_MAILS = OutboundMail.__table__
# A message claimed this long ago and still "sending" was left by a lost worker: it may be claimed again.
SENDING_LIMIT = timedelta(minutes=10)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str


def queue_message(
    recipient: str,
    subject: str,
    body: str,
    *,
    kind: str = "",
    event: Event | None = None,
    attachments: Iterable[Attachment] = (),
) -> OutboundMail:
    """Record a message and have it sent once the current transaction commits."""
    message = OutboundMail(
        recipient=recipient,
        subject=subject[:200],
        body=body,
        kind=kind,
        event=event,
        attachments=[
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "content": base64.b64encode(a.content).decode("ascii"),
            }
            for a in attachments
        ],
    )
    db.session.add(message)
    db.session.flush()
    tasks.after_commit("mail", message.id)
    return message


def in_french_then_english(write: Callable[[], str], joiner: str = "\n\n— English —\n\n") -> str:
    """A text for someone whose language the app does not know: ``write()`` worded in French, then in English."""
    halves = []
    for language in ("fr", "en"):
        with force_locale(language):
            halves.append(write())
    return joiner.join(halves)


def subject_in_both(write: Callable[[], str]) -> str:
    return in_french_then_english(write, " / ")[:200]


def claim(message_id: int) -> OutboundMail | None:
    """Take a waiting message for this attempt; None if it is sent, given up, or another worker has it."""
    now = datetime.now(UTC)
    claimed = (
        db.session.execute(
            update(_MAILS)
            .where(_MAILS.c.id == message_id, _MAILS.c.status == "queued")
            .values(status="sending", last_attempt_at=now)
        ).rowcount
        == 1
    )
    return db.session.get(OutboundMail, message_id, populate_existing=True) if claimed else None


def send_claimed(message: OutboundMail) -> str:
    """One attempt: "sent", "retry" (another attempt is due) or "failed" (the last attempt failed)."""
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[message.recipient],
        connection=mailer.get_connection(fail_silently=False),
    )
    for attachment in message.attachments:
        email.attach(
            attachment["filename"], base64.b64decode(attachment["content"]), attachment["content_type"]
        )
    message.attempts += 1
    try:
        email.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        message.last_error = _describe(error)
        attempts_allowed = len(current_app.config["MAIL_RETRY_DELAYS"]) + 1
        message.status = "failed" if message.attempts >= attempts_allowed else "queued"
        log.warning(
            "mail %s to %s, attempt %s: %s",
            message.id,
            message.recipient,
            message.attempts,
            message.last_error,
        )
        db.session.flush()
        return "retry" if message.status == "queued" else "failed"
    message.status, message.sent_at, message.last_error = "sent", datetime.now(UTC), ""
    # Bodies carry personal links (a juror's, an invitation's, a company's): once delivered, the record
    # keeps to whom, what (the subject) and when, not the secret.
    message.body, message.attachments = "", []
    db.session.flush()
    return "sent"


def _describe(error: Exception) -> str:
    """What the SMTP server said, as it said it (it is technical detail, shown as such)."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = (
            error.smtp_error.decode("utf-8", "replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        return f"{error.smtp_code} {text}"[:2000]
    return f"{type(error).__name__}: {error}"[:2000]


def requeue_waiting() -> int:
    """Hand over again the messages that never reached a worker, or that a lost worker left half-sent."""
    stale = datetime.now(UTC) - SENDING_LIMIT
    db.session.execute(
        update(_MAILS)
        .where(_MAILS.c.status == "sending", _MAILS.c.last_attempt_at < stale)
        .values(status="queued")
    )
    waiting = list(
        db.session.execute(db.select(OutboundMail.id).where(OutboundMail.status == "queued")).scalars()
    )
    for message_id in waiting:
        tasks.after_commit("mail", message_id)
    return len(waiting)


def sendings(event: Event) -> list[OutboundMail]:
    """An event's messages, newest first: what the organiser reads of them."""
    return list(
        db.session.execute(
            db.select(OutboundMail).where(OutboundMail.event_id == event.id).order_by(OutboundMail.id.desc())
        ).scalars()
    )
