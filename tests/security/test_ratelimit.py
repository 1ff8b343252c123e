"""Rate limits on organiser login and juror link guessing, on each storage the app supports.

Every test runs on Flask-Limiter's memory storage, and on Redis when ``PITCHDAY_TEST_REDIS_URL``
names one (CI starts Debian's redis-server and sets it; in CI a missing Redis is an error).
"""

from __future__ import annotations

import io
import logging
import os
import threading

import pytest

from pitchday.extensions import db
from pitchday.infrastructure import ratelimit
from pitchday.security import LOGIN_PER_ACCOUNT, UNKNOWN_TOKENS
from pitchday.services import accounts
from tests.builders import ORGANISER_EMAIL, ORGANISER_PASSWORD, create_organiser, import_event, login
from tests.security.support import strict_app

REDIS_URL = os.environ.get("PITCHDAY_TEST_REDIS_URL", "")
STORAGES = [
    "memory://",
    pytest.param(
        REDIS_URL or "redis://",
        id="redis",
        marks=pytest.mark.skipif(
            not REDIS_URL and not os.environ.get("CI"), reason="PITCHDAY_TEST_REDIS_URL not set (CI sets it)"
        ),
    ),
]


@pytest.fixture(params=STORAGES)
def limited_app(request, tmp_path):
    if request.param == "redis://":
        pytest.fail("CI must run the rate-limit tests on Redis: set PITCHDAY_TEST_REDIS_URL")
    with strict_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=request.param) as app:
        yield app


def test_limits_are_off_in_tests_unless_asked(app, client):
    with app.app_context():
        create_organiser()
    assert not app.config["RATELIMIT_ENABLED"]
    assert all(login(client, password="wrong password").status_code == 401 for _ in range(12))


def test_the_storage_is_the_configured_one(limited_app):
    limiter = limited_app.extensions["pitchday_limiter"]
    expected = "redis" if limited_app.config["RATELIMIT_STORAGE_URI"].startswith("redis") else "memory"
    assert expected in type(limiter.limiter.storage).__name__.lower()


def test_login_is_refused_after_ten_attempts_for_that_address_and_email(limited_app):
    with limited_app.app_context():
        create_organiser()
    client = limited_app.test_client()

    assert [login(client, password="wrong password").status_code for _ in range(10)] == [401] * 10
    blocked = login(client)

    assert blocked.status_code == 429
    assert "Trop de tentatives de connexion" in blocked.get_data(as_text=True)
    assert client.get("/organisation/").status_code == 302  # the right password did not log in
    assert login(client, email="other@example.org", password="whatever").status_code == 401


def test_login_from_another_address_is_not_blocked(limited_app):
    with limited_app.app_context():
        create_organiser()
    client = limited_app.test_client()
    for _ in range(10):
        login(client, password="wrong password")

    elsewhere = client.post(
        "/organisation/connexion",
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
        data={"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD},
    )

    assert elsewhere.status_code == 302


def test_simultaneous_wrong_passwords_get_no_more_checks_than_the_limit(limited_app, monkeypatch):
    """30 at once for one account: the count is taken before any password is checked, atomically."""
    with limited_app.app_context():
        create_organiser()
    checks = []
    real_authenticate = accounts.authenticate
    monkeypatch.setattr(accounts, "authenticate", lambda *a: checks.append(1) or real_authenticate(*a))
    barrier = threading.Barrier(30)
    statuses: list[int] = []

    def attempt() -> None:
        client = limited_app.test_client()
        barrier.wait()
        statuses.append(login(client, password="wrong password").status_code)

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [401] * 10 + [429] * 20, statuses
    assert len(checks) == 10


@pytest.mark.parametrize("body_format", ["json", "multipart"])
def test_the_limit_holds_whatever_the_body_format(limited_app, body_format):
    with limited_app.app_context():
        create_organiser()
    client = limited_app.test_client()

    def attempt(password: str):
        if body_format == "json":
            return client.post(
                "/organisation/connexion", json={"email": ORGANISER_EMAIL, "password": password}
            )
        return client.post(
            "/organisation/connexion",
            content_type="multipart/form-data",
            data={"email": ORGANISER_EMAIL, "password": password},
        )

    assert [attempt("wrong password").status_code for _ in range(10)] == [401] * 10
    assert attempt(ORGANISER_PASSWORD).status_code == 429
    with limited_app.test_request_context(json={"email": " Orga@Example.org "}):
        from pitchday.security import login_email

        assert login_email() == ORGANISER_EMAIL  # the JSON body is keyed by its account, like the form


def test_an_email_sent_as_a_file_part_is_counted_and_refused_cleanly(limited_app):
    with limited_app.app_context():
        create_organiser()
    client = limited_app.test_client()

    def attempt():
        return client.post(
            "/organisation/connexion",
            content_type="multipart/form-data",
            data={"email": (io.BytesIO(b"orga@example.org"), ORGANISER_EMAIL), "password": "wrong password"},
        )

    statuses = [attempt().status_code for _ in range(11)]

    assert statuses[:10] != [500] * 10 and 500 not in statuses
    assert statuses[-1] == 429
    with limited_app.app_context(), limited_app.test_request_context():
        assert ratelimit.remaining(LOGIN_PER_ACCOUNT, "127.0.0.1", ORGANISER_EMAIL) == 0


def test_logging_into_ones_own_account_does_not_reset_another_accounts_count(limited_app):
    with limited_app.app_context():
        create_organiser()
        create_organiser("attacker@example.org", "attacker's own password")
    client = limited_app.test_client()
    for _ in range(9):
        login(client, password="wrong password")

    assert login(client, email="attacker@example.org", password="attacker's own password").status_code == 302
    client.post("/organisation/deconnexion")

    assert login(client, password="wrong password").status_code == 401  # the tenth
    assert login(client, password="wrong password").status_code == 429


def test_juror_link_guessing_is_limited_and_logged(limited_app, rouen, caplog):
    with limited_app.app_context():
        event = import_event(rouen)
        token = accounts.ensure_juror_links(event)[0].token
        db.session.commit()
    client = limited_app.test_client()
    guess = "Zx9" + "q" * 40

    with caplog.at_level(logging.WARNING, logger="pitchday.security"):
        statuses = [client.get(f"/jury/{guess}{n}").status_code for n in range(21)]

    warnings = [record for record in caplog.records if "unknown juror link" in record.getMessage()]
    assert statuses == [403] * 20 + [429]
    assert "Trop de liens de juré inconnus" in client.get(f"/jury/{guess}").get_data(as_text=True)
    assert len(warnings) == 21
    assert all(guess not in record.getMessage() and "Zx9q" in record.getMessage() for record in warnings)
    # A real juror at the same venue address still gets in.
    assert client.get(f"/jury/{token}").status_code == 200


def test_valid_juror_links_are_not_counted(limited_app, rouen, caplog):
    with limited_app.app_context():
        event = import_event(rouen)
        token = accounts.ensure_juror_links(event)[0].token
        db.session.commit()
    client = limited_app.test_client()

    with caplog.at_level(logging.WARNING, logger="pitchday.security"):
        assert all(client.get(f"/jury/{token}").status_code == 200 for _ in range(30))

    assert not [record for record in caplog.records if "unknown juror link" in record.getMessage()]
    with limited_app.test_request_context():
        assert ratelimit.remaining(UNKNOWN_TOKENS, "127.0.0.1") == 20


def test_an_unreachable_storage_lets_requests_through_and_says_so(tmp_path, caplog):
    with strict_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0") as app:
        with app.app_context():
            create_organiser()
        with caplog.at_level(logging.ERROR, logger="pitchday.infrastructure.ratelimit"):
            assert login(app.test_client()).status_code == 302
        assert any("rate limit storage unavailable" in record.getMessage() for record in caplog.records)


def test_company_link_guessing_is_limited_and_logged(limited_app, rouen, caplog):
    from pitchday.models import Pitch
    from pitchday.services import feedback

    with limited_app.app_context():
        event = import_event(rouen)
        token = feedback.issue_link(
            db.session.execute(db.select(Pitch).filter_by(event_id=event.id)).scalars().first()
        ).token
        db.session.commit()
    client = limited_app.test_client()
    guess = "Qk7" + "w" * 40

    with caplog.at_level(logging.WARNING, logger="pitchday.security"):
        statuses = [client.get(f"/retour/{guess}{n}").status_code for n in range(21)]

    warnings = [record for record in caplog.records if "unknown company link" in record.getMessage()]
    assert statuses == [404] * 20 + [429]
    assert "Trop de liens de retour inconnus" in client.get(f"/retour/{guess}").get_data(as_text=True)
    assert len(warnings) == 21 and all(guess not in record.getMessage() for record in warnings)
    # The company's own link, from the same address, still opens (and is not counted).
    assert client.get(f"/retour/{token}").status_code == 200
