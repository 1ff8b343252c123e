"""Security headers on every response, private pages kept out of caches, cookie flags."""

from __future__ import annotations

import pytest

from config import ProductionConfig
from pitchday import create_app
from pitchday.extensions import db
from pitchday.security import SECURITY_HEADERS
from pitchday.services import accounts
from tests.builders import create_organiser, import_event, login
from tests.security.support import app_rules, log_in_as


def assert_secure_headers(response, url: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (url, name)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp


def check_page(client, url: str) -> None:
    response = client.get(url)
    try:
        assert_secure_headers(response, url)
    finally:
        response.close()  # static files are streamed from an open file


@pytest.fixture
def seeded(app, rouen):
    with app.app_context():
        organiser = create_organiser()
        event = import_event(rouen)
        token = accounts.ensure_juror_links(event)[0].token
        db.session.commit()
        return organiser.id, event.slug, token


def test_every_page_carries_the_security_headers(app, client, seeded):
    organiser_id, slug, token = seeded
    urls = [rule.rule for rule in app_rules(app) if "GET" in rule.methods and not rule.arguments]
    urls += [
        f"/e/{slug}",
        f"/jury/{token}",
        "/jury/unknown-token",
        "/nowhere",
        "/static/css/app.css",
        f"/organisation/evenements/{slug}",
    ]
    assert len(urls) >= 6

    for url in urls:
        check_page(client, url)
    log_in_as(client, organiser_id)
    for url in urls:
        check_page(client, url)


def test_juror_and_organiser_pages_are_never_cached(client, seeded):
    organiser_id, slug, token = seeded
    assert client.get(f"/jury/{token}").headers["Cache-Control"] == "no-store"
    log_in_as(client, organiser_id)
    assert client.get(f"/organisation/evenements/{slug}").headers["Cache-Control"] == "no-store"


def test_templates_have_no_inline_script_or_style():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text(encoding="utf-8").lower()
        assert "<script>" not in text and "<script " not in text.replace("<script src=", ""), template
        assert "style=" not in text and "<style" not in text, template
        assert "javascript:" not in text, template
        for handler in ("onclick=", "onload=", "onsubmit=", "onchange=", "oninput=", "onerror="):
            assert handler not in text, (template, handler)


def test_session_cookie_is_http_only_and_same_site_lax(app, client):
    with app.app_context():
        create_organiser()

    cookie = login(client).headers["Set-Cookie"]

    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure_and_https_is_pinned(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test")
    config = ProductionConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'prod.db'}"
    app = create_app(config)
    with app.app_context():
        db.create_all()
        create_organiser()
    client = app.test_client()

    page = client.get("/organisation/connexion", base_url="https://localhost")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/organisation/connexion",
        data={"csrf_token": token, "email": "orga@example.org", "password": "correct horse battery"},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/organisation/connexion"},
    )

    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert not app.debug
    with app.app_context():
        db.engine.dispose()
