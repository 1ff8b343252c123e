"""Links that leave the site (e-mails, printed cards, calendars): built on the configured address.

Never from the request's Host header, which the visitor chooses: a forged Host would otherwise
put another site's address into an invitation or a juror's message.
"""

from __future__ import annotations

from flask import current_app, url_for


def absolute_url(endpoint: str, **values: object) -> str:
    """``PITCHDAY_BASE_URL`` followed by the endpoint's path."""
    with current_app.test_request_context():  # the path alone, whatever request is being served
        path = url_for(endpoint, **values)
    return current_app.config["BASE_URL"].rstrip("/") + path
