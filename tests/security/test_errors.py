"""Errors are pages in French, never a stack trace; too-large uploads get the 413 page."""

from __future__ import annotations

import io

from pitchday.services import agenda
from tests.builders import create_organiser, import_event
from tests.security.support import log_in_as, strict_app

SECRET_DETAIL = "password=hunter2 at /srv/pitchday/secret.py line 42"


def test_an_exception_in_a_view_gives_the_error_page_without_traceback(tmp_path):
    with strict_app(tmp_path, PROPAGATE_EXCEPTIONS=False) as app:

        def boom():
            raise RuntimeError(SECRET_DETAIL)

        app.add_url_rule("/_test/boom", "test_boom", boom)
        response = app.test_client().get("/_test/boom")
        page = response.get_data(as_text=True)

        assert response.status_code == 500
        assert "Traceback" not in page and SECRET_DETAIL not in page and "RuntimeError" not in page
        assert "Une erreur est survenue" in page
        assert response.headers["Content-Security-Policy"]


def test_a_failing_service_gives_the_error_page_without_traceback(tmp_path, rouen, monkeypatch):
    with strict_app(tmp_path, PROPAGATE_EXCEPTIONS=False) as app:
        with app.app_context():
            slug = import_event(rouen).slug

        def broken(_event):
            raise ZeroDivisionError(SECRET_DETAIL)

        monkeypatch.setattr(agenda, "latest_published", broken)
        response = app.test_client().get(f"/e/{slug}")
        page = response.get_data(as_text=True)

        assert response.status_code == 500
        assert "Traceback" not in page and SECRET_DETAIL not in page
        json_response = app.test_client().get(f"/e/{slug}", headers={"Accept": "application/json"})
        assert json_response.status_code == 500
        assert SECRET_DETAIL not in json_response.get_data(as_text=True)


def test_an_upload_over_the_limit_gets_the_friendly_413_page(tmp_path):
    with strict_app(tmp_path, MAX_CONTENT_LENGTH=2048) as app:
        with app.app_context():
            organiser_id = create_organiser().id
        client = app.test_client()
        log_in_as(client, organiser_id)

        response = client.post(
            "/organisation/evenements/importer",
            content_type="multipart/form-data",
            data={"event_file": (io.BytesIO(b"{" + b" " * 10_000 + b"}"), "big.json")},
        )

        assert response.status_code == 413
        assert "Fichier trop volumineux" in response.get_data(as_text=True)


def test_an_upload_over_the_limit_is_refused_even_with_csrf_on(tmp_path):
    with strict_app(tmp_path, MAX_CONTENT_LENGTH=2048, WTF_CSRF_ENABLED=True) as app:
        response = app.test_client().post(
            "/organisation/evenements/importer",
            content_type="multipart/form-data",
            data={"event_file": (io.BytesIO(b"x" * 10_000), "big.json")},
        )

        assert response.status_code == 413
        assert "Fichier trop volumineux" in response.get_data(as_text=True)


def test_production_config_never_runs_in_debug(monkeypatch, tmp_path):
    import pytest

    from config import ProductionConfig
    from pitchday import create_app

    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test")
    config = ProductionConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'prod.db'}"
    config.DEBUG = True
    with pytest.raises(RuntimeError, match="debug"):
        create_app(config)
