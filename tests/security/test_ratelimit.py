"""The limiter itself, then the limits on organiser login and juror link guessing."""

from __future__ import annotations

import logging

import pytest

from pitchday.extensions import db
from pitchday.services import accounts
from pitchday.services.ratelimit import FixedWindowLimiter
from tests.helpers import create_organiser, import_event, login
from tests.security.support import strict_app


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_allows_the_limit_then_refuses_until_the_window_ends():
    clock = FakeClock()
    limiter = FixedWindowLimiter(3, 60, clock=clock)

    assert [limiter.hit("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.is_blocked("a")
    assert not limiter.is_blocked("b")
    clock.now += 59
    assert limiter.is_blocked("a")
    clock.now += 1
    assert not limiter.is_blocked("a")
    assert limiter.hit("a")


def test_limiter_reset_forgets_a_key():
    limiter = FixedWindowLimiter(1, 60)
    limiter.hit("a")
    limiter.reset("a")
    assert not limiter.is_blocked("a")


def test_limiter_sweeps_expired_keys(monkeypatch):
    monkeypatch.setattr("pitchday.services.ratelimit.SWEEP_ABOVE_KEYS", 10)
    clock = FakeClock()
    limiter = FixedWindowLimiter(1, 60, clock=clock)
    for number in range(10):
        limiter.hit(f"old-{number}")
    clock.now += 61
    limiter.hit("new")
    assert len(limiter._windows) == 1


def test_limiter_refuses_nonsense_settings():
    with pytest.raises(ValueError):
        FixedWindowLimiter(0, 60)
    with pytest.raises(ValueError):
        FixedWindowLimiter(1, 0)


def test_limits_are_off_in_tests_unless_asked(app, client):
    with app.app_context():
        create_organiser()
    assert not app.config["RATELIMIT_ENABLED"]
    assert all(login(client, password="wrong password").status_code == 401 for _ in range(12))


@pytest.fixture
def limited_app(tmp_path):
    with strict_app(tmp_path, RATELIMIT_ENABLED=True) as app:
        yield app


def test_login_is_refused_after_ten_failures_for_that_address_and_email(limited_app):
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

    elsewhere = client.post("/organisation/connexion", environ_base={"REMOTE_ADDR": "10.0.0.9"},
                            data={"email": "orga@example.org", "password": "correct horse battery"})

    assert elsewhere.status_code == 302


def test_a_successful_login_clears_the_failures(limited_app):
    with limited_app.app_context():
        create_organiser()
    client = limited_app.test_client()
    for _ in range(9):
        login(client, password="wrong password")
    assert login(client).status_code == 302
    assert [login(client, password="wrong password").status_code for _ in range(9)] == [401] * 9


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
