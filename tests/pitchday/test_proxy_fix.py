"""PITCHDAY_PROXY_FIX=1: behind a reverse proxy, the app sees the visitor's address, not the proxy's."""

from __future__ import annotations

import config
from pitchday import create_app

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def remote_address(app) -> tuple[str, str]:
    """The visitor's address and scheme as a view sees them, for a request forwarded by a proxy."""
    seen = {}

    @app.get("/whoami-test")
    def whoami():
        from flask import request

        seen["address"], seen["scheme"] = request.remote_addr, request.scheme
        return "ok"

    app.test_client().get("/whoami-test", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    return seen["address"], seen["scheme"]


def test_forwarded_headers_are_trusted_only_when_asked(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'proxy.db'}"
    monkeypatch.delenv("PITCHDAY_PROXY_FIX", raising=False)
    assert remote_address(create_app(config.TestConfig(url))) == ("127.0.0.1", "http")

    monkeypatch.setenv("PITCHDAY_PROXY_FIX", "1")
    assert remote_address(create_app(config.TestConfig(url))) == ("203.0.113.7", "https")
