"""Organiser login and logout, juror links."""

from __future__ import annotations

from pitchday.extensions import db
from pitchday.models import JurorAccess
from pitchday.services import accounts
from tests.builders import create_organiser, import_event, login


def test_organiser_logs_in_and_out(app, client):
    with app.app_context():
        create_organiser()

    response = login(client)
    assert response.status_code == 302
    assert client.get("/organisation/").status_code == 200

    client.post("/organisation/deconnexion")
    assert client.get("/organisation/").status_code == 302


def test_wrong_password_is_refused(app, client):
    with app.app_context():
        create_organiser()

    response = login(client, password="not the password")

    assert response.status_code == 401
    assert "incorrect" in response.get_data(as_text=True)
    assert client.get("/organisation/").status_code == 302


def test_password_is_stored_as_argon2_hash(ctx):
    organiser = create_organiser()

    assert organiser.password_hash.startswith("$argon2id$")
    assert accounts.authenticate("ORGA@example.org ", "correct horse battery") == organiser


def test_short_password_is_refused(ctx):
    try:
        accounts.create_organiser("a@b.fr", "short")
    except accounts.AccountError as error:
        assert "10 caractères" in str(error)
    else:
        raise AssertionError("a short password was accepted")


def test_workspace_needs_login(client):
    response = client.get("/organisation/")

    assert response.status_code == 302
    assert "/organisation/connexion" in response.headers["Location"]


def test_juror_link_opens_the_jurors_day(app, client, rouen):
    with app.app_context():
        event = import_event(rouen)
        token = accounts.ensure_juror_links(event)[0].token
        db.session.commit()

    response = client.get(f"/jury/{token}")

    assert response.status_code == 200
    assert "Expert UIMM 1" in response.get_data(as_text=True)


def test_revoked_juror_link_stops_working(app, client, rouen):
    with app.app_context():
        event = import_event(rouen)
        access = accounts.ensure_juror_links(event)[0]
        token = access.token
        accounts.revoke_juror_link(access)
        db.session.commit()

    response = client.get(f"/jury/{token}")

    assert response.status_code == 403
    assert "plus" in response.get_data(as_text=True)


def test_juror_tokens_are_long_and_unique(ctx, rouen):
    event = import_event(rouen)

    tokens = [access.token for access in accounts.ensure_juror_links(event)]

    assert len(set(tokens)) == len(event.experts)
    # token_urlsafe(32) is 43 characters of base64: 256 random bits.
    assert all(len(token) >= 43 for token in tokens)
    assert db.session.execute(db.select(db.func.count()).select_from(JurorAccess)).scalar_one() == len(tokens)


def test_organiser_revokes_a_link_from_the_workspace(app, client, rouen):
    with app.app_context():
        create_organiser()
        event = import_event(rouen)
        access = accounts.ensure_juror_links(event)[0]
        old_token, access_id, slug = access.token, access.id, event.slug
        db.session.commit()
    login(client)

    asked = client.post(f"/organisation/liens/{access_id}/revoquer")  # asked first: the link still works
    assert asked.status_code == 200 and client.get(f"/jury/{old_token}").status_code == 200
    response = client.post(f"/organisation/liens/{access_id}/revoquer", data={"confirmed": "1"})

    assert response.status_code == 302
    assert client.get(f"/jury/{old_token}").status_code == 403
    page = client.get(f"/organisation/evenements/{slug}").get_data(as_text=True)
    assert old_token not in page
