"""Under gunicorn, an upload over the limit gets the 413 page rather than a reset connection."""

from __future__ import annotations

import http.client

import pytest

import config
from pitchday import create_app
from pitchday.extensions import db
from tests.conftest import database_url, drop_everything
from tests.faults.server import GunicornServer

pytestmark = pytest.mark.slow


def test_a_too_large_upload_gets_the_friendly_page(tmp_path):
    url = database_url(tmp_path)
    app = create_app(config.TestConfig(url))
    with app.app_context():
        drop_everything()
        db.create_all()
        db.engine.dispose()
    server = GunicornServer(url, tmp_path / "gunicorn.log", workers=1)
    server.start()
    try:
        body = (
            b'--b\r\nContent-Disposition: form-data; name="event_file"; filename="big.json"\r\n\r\n'
            + b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024)
            + b"\r\n--b--\r\n"
        )
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request(
            "POST",
            "/organisation/evenements/importer",
            body=body,
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
        response = connection.getresponse()

        assert response.status == 413
        assert "Fichier trop volumineux" in response.read().decode("utf-8")
        connection.close()
    finally:
        server.stop()
