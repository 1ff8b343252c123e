"""Mail: recorded, sent after the commit through a real SMTP server, retried when refused, each attempt kept."""

from __future__ import annotations

import time

import pytest

from pitchday.extensions import db
from pitchday.models import OutboundMail
from pitchday.services import mail

# Retries a tenth of a second apart: the test waits for them, the product waits minutes.
QUICK_RETRIES = (0.1, 0.1, 0.1)


def wait_until_settled(message_id: int, timeout: float = 30.0) -> OutboundMail:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # a new read transaction: the worker's commits become visible
        message = db.session.get(OutboundMail, message_id, populate_existing=True)
        if message.status in ("sent", "failed"):
            return message
        time.sleep(0.1)
    raise AssertionError(f"mail {message_id} still {message.status} after {timeout} s")


@pytest.fixture
def mail_app(make_app, smtp_server):
    app = make_app(**smtp_server.config(), MAIL_RETRY_DELAYS=QUICK_RETRIES)
    with app.app_context():
        yield app


def test_a_message_is_sent_after_the_commit_with_its_attachment(mail_app, smtp_server):
    message = mail.queue_message(
        "juree@example.org",
        "Votre planning",
        "Bonjour,\nvoici votre journée.",
        kind="test",
        attachments=[mail.Attachment("jour.ics", b"BEGIN:VCALENDAR\r\n", "text/calendar")],
    )
    time.sleep(0.5)
    assert smtp_server.recorder.messages == []  # nothing leaves before the commit
    db.session.commit()

    received = smtp_server.recorder.wait_for(1)[0]
    assert received["To"] == "juree@example.org" and received["Subject"] == "Votre planning"
    assert "voici votre journée" in received.get_body(("plain",)).get_content()
    (attachment,) = received.iter_attachments()
    assert attachment.get_filename() == "jour.ics" and attachment.get_content_type() == "text/calendar"
    stored = wait_until_settled(message.id)
    assert stored.status == "sent" and stored.attempts == 1 and stored.sent_at is not None
    assert stored.body == "" and stored.attachments == []  # its links are secrets: not kept once delivered
    assert stored.subject == "Votre planning" and stored.recipient == "juree@example.org"


def test_a_rolled_back_message_is_never_sent(mail_app, smtp_server):
    mail.queue_message("juree@example.org", "Annulé", "…")
    db.session.rollback()
    time.sleep(1.0)
    assert smtp_server.recorder.messages == []
    assert db.session.execute(db.select(OutboundMail)).first() is None


def test_a_refused_message_is_retried_until_the_server_takes_it(mail_app, smtp_server):
    smtp_server.recorder.refuse = 2
    message = mail.queue_message("entreprise@example.org", "Vos retours", "…")
    db.session.commit()

    stored = wait_until_settled(message.id)

    assert stored.status == "sent" and stored.attempts == 3 and stored.last_error == ""
    assert len(smtp_server.recorder.wait_for(1)) == 1  # delivered once, not once per attempt


def test_a_message_refused_at_every_attempt_is_given_up_with_the_reason(mail_app, smtp_server):
    smtp_server.recorder.refuse = 99
    message = mail.queue_message("entreprise@example.org", "Vos retours", "…")
    db.session.commit()

    stored = wait_until_settled(message.id)

    assert stored.status == "failed" and stored.attempts == len(QUICK_RETRIES) + 1
    assert stored.last_error.startswith("451") and "try again later" in stored.last_error
    assert smtp_server.recorder.messages == []


def test_a_server_that_cannot_be_reached_is_recorded(make_app):
    from tests.services import free_port

    app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_RETRY_DELAYS=())
    with app.app_context():
        message = mail.queue_message("personne@example.org", "Essai", "…")
        db.session.commit()
        stored = wait_until_settled(message.id)
    assert stored.status == "failed" and stored.attempts == 1
    assert "Connection" in stored.last_error or "refused" in stored.last_error


def test_a_message_is_sent_once_however_often_it_is_delivered(mail_app, smtp_server):
    message = mail.queue_message("juree@example.org", "Une fois", "…")
    db.session.commit()
    wait_until_settled(message.id)

    assert mail.claim(message.id) is None  # a second delivery of the task finds it sent
    assert len(smtp_server.recorder.wait_for(1)) == 1


def test_the_messages_of_one_commit_share_one_child_and_a_refused_one_does_not_hold_the_others(
    mail_app, smtp_server
):
    smtp_server.recorder.refuse = 1  # the first message is refused once, then taken
    messages = [mail.queue_message(f"jure{n}@example.org", f"Message {n}", "…") for n in range(5)]
    db.session.commit()

    received = smtp_server.recorder.wait_for(5)

    assert sorted(m["To"] for m in received) == sorted(f"jure{n}@example.org" for n in range(5))
    stored = [wait_until_settled(m.id) for m in messages]
    assert all(m.status == "sent" for m in stored)
    assert sorted(m.attempts for m in stored) == [1, 1, 1, 1, 2]
