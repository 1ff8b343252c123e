"""Sessions that end: logout, a password change and a deactivation close every copy of the cookie;
the CSRF token is renewed at login; ``next`` stays on this site; no server signs with a known key."""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from config import PUBLISHED_SECRET_KEY, SECRET_KEY_FILE, Config, instance_secret_key
from pitchday.extensions import db
from pitchday.models import Organiser
from pitchday.organiser.views import safe_next
from pitchday.services import accounts
from tests.builders import ORGANISER_EMAIL, ORGANISER_PASSWORD, create_organiser, login
from tests.security.support import strict_app

SESSION_COOKIE = "session"


def _cookie(client) -> str:
    return client.get_cookie(SESSION_COOKIE).value


def _with_cookie(app, value: str):
    """Another browser holding a copy of a session cookie."""
    other = app.test_client()
    other.set_cookie(SESSION_COOKIE, value)
    return other


@pytest.fixture
def signed_in(app, client):
    with app.app_context():
        create_organiser()
    assert login(client).status_code == 302
    return client


def test_a_cookie_copied_before_logout_no_longer_opens_the_space(app, signed_in):
    copy = _cookie(signed_in)
    assert _with_cookie(app, copy).get("/organisation/").status_code == 200

    signed_in.post("/organisation/deconnexion")

    assert signed_in.get("/organisation/").status_code == 302
    assert _with_cookie(app, copy).get("/organisation/").status_code == 302


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, signed_in):
    elsewhere = app.test_client()
    login(elsewhere)
    copy = _cookie(elsewhere)

    response = signed_in.post(
        "/organisation/mot-de-passe",
        data={
            "current": ORGANISER_PASSWORD,
            "new": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )

    assert response.status_code == 302
    assert signed_in.get("/organisation/").status_code == 200
    assert elsewhere.get("/organisation/").status_code == 302
    assert _with_cookie(app, copy).get("/organisation/").status_code == 302
    assert login(app.test_client(), password="a brand new passphrase").status_code == 302


def test_a_wrong_current_password_changes_nothing(app, signed_in):
    response = signed_in.post(
        "/organisation/mot-de-passe",
        data={
            "current": "not my password",
            "new": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )

    assert response.status_code == 422
    assert "Le mot de passe actuel est incorrect" in response.get_data(as_text=True)
    assert login(app.test_client()).status_code == 302


def test_deactivating_an_account_ends_its_sessions_at_once(app, signed_in):
    with app.app_context():
        organiser = db.session.execute(db.select(Organiser).filter_by(email=ORGANISER_EMAIL)).scalar_one()
        accounts.set_active(organiser, False)
        db.session.commit()

    assert signed_in.get("/organisation/").status_code == 302
    assert login(app.test_client()).status_code == 401


def test_a_forged_cookie_with_a_bare_account_id_is_refused(app, client):
    with app.app_context():
        organiser_id = create_organiser().id
    forged = URLSafeTimedSerializer(
        app.secret_key,
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": __import__("hashlib").sha1},
    ).dumps({"_user_id": str(organiser_id)})

    assert _with_cookie(app, forged).get("/organisation/").status_code == 302


def test_the_csrf_token_is_renewed_at_login(tmp_path):
    with strict_app(tmp_path, WTF_CSRF_ENABLED=True) as app:
        with app.app_context():
            create_organiser()
        client = app.test_client()
        page = client.get("/organisation/connexion").get_data(as_text=True)
        before = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]

        response = client.post(
            "/organisation/connexion",
            data={"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD, "csrf_token": before},
        )
        assert response.status_code == 302
        with client.session_transaction() as session:
            assert "csrf_token" not in session  # the token of before login is gone
        after = re.search(
            r'name="csrf_token" value="([^"]+)"', client.get("/organisation/").get_data(as_text=True)
        )[1]

        assert after != before
        # The pre-login token no longer changes anything.
        assert client.post("/organisation/deconnexion", data={"csrf_token": before}).status_code == 400


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "/%0D/x",
        "/%0A/x",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/%20/evil.example",
        "javascript:alert(1)",
        "/%7F/evil.example",
        "evil.example",
    ],
)
def test_next_after_login_never_leaves_the_site(app, client, target):
    with app.app_context():
        create_organiser()

    response = client.post(
        f"/organisation/connexion?next={target}",
        data={"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/organisation/"


def test_next_to_a_page_of_the_site_is_followed(app, client):
    with app.app_context():
        create_organiser()

    response = client.post(
        "/organisation/connexion?next=/organisation/evenements/x",
        data={"email": ORGANISER_EMAIL, "password": ORGANISER_PASSWORD},
    )

    assert response.headers["Location"] == "/organisation/evenements/x"
    assert safe_next("/e/rouen?secteur=Industrie") == "/e/rouen?secteur=Industrie"
    assert safe_next("/\t/evil.example") is None


def test_without_secret_key_a_random_key_is_kept_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PITCHDAY_ENV", raising=False)
    assert Config().SECRET_KEY is None

    first = instance_secret_key(tmp_path)

    assert first != PUBLISHED_SECRET_KEY and len(first) == 64
    assert instance_secret_key(tmp_path) == first  # kept: sessions survive a restart
    assert (tmp_path / SECRET_KEY_FILE).stat().st_mode & 0o077 == 0
    assert instance_secret_key(tmp_path / "elsewhere") != first


def test_the_published_key_is_never_used(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", PUBLISHED_SECRET_KEY)
    with strict_app(tmp_path, SECRET_KEY=PUBLISHED_SECRET_KEY) as app:
        assert app.secret_key != PUBLISHED_SECRET_KEY
