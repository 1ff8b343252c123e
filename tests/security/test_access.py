"""Every organiser page refuses visitors and jurors; a juror reaches only their own data."""

from __future__ import annotations

import pytest

from pitchday.extensions import db
from pitchday.models import JurorAccess
from pitchday.services import accounts
from tests.builders import create_organiser, import_event
from tests.security.support import app_rules, example_url

# The login page, and the invitation link (its one-time secret is the credential).
PUBLIC_ORGANISER_ENDPOINTS = {"organiser.login", "organiser.accept_invitation"}


def organiser_requests(app, slug: str) -> list[tuple[str, str]]:
    """(method, url) for every organiser rule but the login page, each method it accepts."""
    requests = []
    for rule in app_rules(app):
        if not rule.rule.startswith("/organisation") or rule.endpoint in PUBLIC_ORGANISER_ENDPOINTS:
            continue
        url = example_url(rule, {"slug": slug})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            requests.append((method, url))
    return requests


@pytest.fixture
def event_with_links(app, rouen):
    with app.app_context():
        create_organiser()
        event = import_event(rouen)
        tokens = [access.token for access in accounts.ensure_juror_links(event)]
        db.session.commit()
        return event.slug, tokens


def assert_refused(response, method: str, url: str) -> None:
    if response.status_code in (301, 302, 303, 307, 308):
        assert "/organisation/connexion" in response.headers["Location"], (method, url)
    else:
        assert response.status_code in (401, 403), (method, url, response.status_code)


def test_there_are_organiser_routes_to_check(app, event_with_links):
    slug, _tokens = event_with_links
    assert len(organiser_requests(app, slug)) >= 4


def test_every_organiser_route_refuses_anonymous_visitors(app, client, event_with_links):
    slug, _tokens = event_with_links
    for method, url in organiser_requests(app, slug):
        assert_refused(client.open(url, method=method), method, url)


def test_a_juror_link_gives_no_organiser_session(app, client, event_with_links):
    slug, tokens = event_with_links
    assert client.get(f"/jury/{tokens[0]}").status_code == 200

    for method, url in organiser_requests(app, slug):
        assert_refused(client.open(url, method=method), method, url)


def test_juror_page_names_only_its_own_juror(app, client, event_with_links):
    _slug, tokens = event_with_links
    with app.app_context():
        names = [accounts.juror_from_token(token).name for token in tokens[:2]]

    page = client.get(f"/jury/{tokens[0]}").get_data(as_text=True)

    assert names[0] in page
    assert names[1] not in page


def test_revoked_or_altered_juror_links_are_refused(app, client, event_with_links):
    _slug, tokens = event_with_links
    with app.app_context():
        access = db.session.execute(db.select(JurorAccess).filter_by(token=tokens[0])).scalar_one()
        accounts.revoke_juror_link(access)
        db.session.commit()

    assert client.get(f"/jury/{tokens[0]}").status_code == 403
    assert client.get(f"/jury/{tokens[1][:-1]}").status_code == 403
    assert client.get(f"/jury/{tokens[1]}x").status_code == 403
    assert client.get(f"/jury/{'a' * 500}").status_code == 403
