"""Every request that can change data needs the CSRF token, forms and JSON alike."""

from __future__ import annotations

from pitchday.extensions import db
from pitchday.services import accounts
from tests.builders import create_organiser, import_event
from tests.security.support import (
    CHANGING_METHODS,
    app_rules,
    example_url,
    log_in_as,
    strict_app,
    table_row_counts,
)


def test_every_changing_route_refuses_a_request_without_token(tmp_path, rouen):
    with strict_app(tmp_path, WTF_CSRF_ENABLED=True) as app:
        with app.app_context():
            organiser = create_organiser()
            event = import_event(rouen)
            links = accounts.ensure_juror_links(event)
            db.session.commit()
            values = {
                "slug": event.slug,
                "token": links[0].token,
                "access_id": links[0].id,
                "event_id": event.id,
                "pitch_id": event.pitches[0].id,
                "expert_id": event.experts[0].id,
            }
            organiser_id = organiser.id
            before = table_row_counts()
        client = app.test_client()
        log_in_as(client, organiser_id)

        checked = 0
        for rule in app_rules(app):
            for method in sorted(rule.methods & CHANGING_METHODS):
                url = example_url(rule, values)
                for body in (
                    {"data": {"email": "orga@example.org", "password": "x"}},
                    {"json": {"client_id": "csrf-probe", "scores": []}},
                ):
                    response = client.open(url, method=method, **body)
                    assert response.status_code == 400, (method, url, response.status_code)
                    checked += 1

        assert checked >= 4
        with app.app_context():
            assert table_row_counts() == before


def test_a_request_with_the_token_goes_through(tmp_path):
    with strict_app(tmp_path, WTF_CSRF_ENABLED=True) as app:
        with app.app_context():
            create_organiser()
        client = app.test_client()
        page = client.get("/organisation/connexion").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

        response = client.post(
            "/organisation/connexion",
            data={"csrf_token": token, "email": "orga@example.org", "password": "correct horse battery"},
        )

        assert response.status_code == 302
