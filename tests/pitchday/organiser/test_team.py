"""Teams end to end: an owner invites, the invitee sets a password through the one-time link,
roles change and members leave while logged in; the first owner from the command line."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from pitchday.extensions import db
from pitchday.models import Event, Invitation, TeamMember
from pitchday.services import accounts, teams
from tests.builders import ORGANISER_EMAIL, create_organiser, import_event, join_team, login

NEW_PASSWORD = "a long new password"


@pytest.fixture
def owned_event(app, client, rouen):
    """The Rouen event, owned by the tests' organiser, who is logged in on ``client``."""
    with app.app_context():
        create_organiser()
        slug = import_event(rouen).slug
    login(client)
    return slug


def invite(client, slug: str, email: str, role: str) -> str:
    page = client.post(f"/organisation/evenements/{slug}/equipe/inviter", data={"email": email, "role": role})
    assert page.status_code == 200
    links = re.findall(r'class="invitation-link">([^<]+)<', page.get_data(as_text=True))
    assert len(links) == 1
    assert links[0].startswith(
        "http://127.0.0.1:5000/organisation/invitation/"
    )  # PITCHDAY_BASE_URL, not the Host header
    return links[0].replace("http://127.0.0.1:5000", "")


def accept(client, link: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(
        link,
        data={"name": "Camille", "password": password, "confirm": password if confirm is None else confirm},
    )


def test_an_invitee_sets_a_password_and_holds_the_role(app, client, owned_event, caplog):
    link = invite(client, owned_event, "Camille@Example.org", "viewer")
    invitee = app.test_client()

    assert invitee.get(link).status_code == 200
    joined = accept(invitee, link)

    assert joined.status_code == 302
    assert joined.headers["Location"].endswith(f"/organisation/evenements/{owned_event}")
    assert invitee.get(f"/organisation/evenements/{owned_event}").status_code == 200
    assert invitee.post(f"/organisation/notes/{owned_event}/resultats").status_code == 403
    assert link not in caplog.text  # the link is a secret: mailed (see below), never logged
    with app.app_context():
        camille = accounts.authenticate("camille@example.org", NEW_PASSWORD)
        assert camille is not None
        assert teams.role_in(camille, db.session.execute(select(Event)).scalar_one()) == "viewer"
        stored = db.session.execute(select(Invitation)).scalar_one()
        secret = link.rsplit("/", 1)[1]
        assert secret not in stored.token_hash and len(stored.token_hash) == 64  # only a hash is kept


def test_a_link_serves_once(app, client, owned_event):
    link = invite(client, owned_event, "camille@example.org", "planner")
    assert accept(app.test_client(), link).status_code == 302

    again = app.test_client()
    page = again.get(link)
    second = accept(again, link, password="another password 42")

    assert page.status_code == 410
    assert "déjà servi" in page.get_data(as_text=True)
    assert second.status_code == 410
    with app.app_context():
        assert accounts.authenticate("camille@example.org", "another password 42") is None


def test_an_expired_link_is_refused(app, client, owned_event):
    link = invite(client, owned_event, "camille@example.org", "planner")
    with app.app_context():
        invitation = db.session.execute(select(Invitation)).scalar_one()
        invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()

    response = accept(app.test_client(), link)

    assert response.status_code == 410
    assert "expiré" in response.get_data(as_text=True)
    with app.app_context():
        assert accounts.organiser_by_email("camille@example.org") is None


def test_links_expire_after_seven_days(app, client, owned_event):
    invite(client, owned_event, "camille@example.org", "planner")
    with app.app_context():
        invitation = db.session.execute(select(Invitation)).scalar_one()
        lifetime = invitation.expires_at - invitation.created_at

    assert timedelta(days=7) - timedelta(seconds=5) < lifetime <= timedelta(days=7)


def test_an_unknown_or_cancelled_link_is_unknown(app, client, owned_event):
    link = invite(client, owned_event, "camille@example.org", "planner")
    with app.app_context():
        invitation_id = db.session.execute(select(Invitation.id)).scalar_one()
    assert (
        client.post(
            f"/organisation/evenements/{owned_event}/equipe/invitations/{invitation_id}/annuler"
        ).status_code
        == 302
    )

    assert app.test_client().get(link).status_code == 404
    assert app.test_client().get("/organisation/invitation/not-a-real-secret").status_code == 404


def test_a_refused_password_keeps_the_link_usable(app, client, owned_event):
    link = invite(client, owned_event, "camille@example.org", "planner")
    invitee = app.test_client()

    short = accept(invitee, link, password="short")
    differ = accept(invitee, link, confirm="something else entirely")

    assert short.status_code == 422 and "10 caractères" in short.get_data(as_text=True)
    assert differ.status_code == 422 and "pas identiques" in differ.get_data(as_text=True)
    assert accept(invitee, link).status_code == 302


def test_an_existing_account_proves_its_password_to_join(app, client, owned_event, rouen):
    with app.app_context():
        accounts.create_organiser("lille@example.org", "lille password 1")
        db.session.commit()
    link = invite(client, owned_event, "lille@example.org", "scoring")
    invitee = app.test_client()

    assert "existe déjà" in invitee.get(link).get_data(as_text=True)
    assert invitee.post(link, data={"password": "wrong password!"}).status_code == 422
    assert invitee.post(link, data={"password": "lille password 1"}).status_code == 302
    assert invitee.get(f"/organisation/notes/{owned_event}").status_code == 200


def test_a_lowered_role_holds_at_the_next_request(app, client, owned_event):
    link = invite(client, owned_event, "camille@example.org", "scoring")
    member = app.test_client()
    accept(member, link)
    with app.app_context():
        member_id = db.session.execute(
            select(TeamMember.id).join(TeamMember.organiser).filter_by(email="camille@example.org")
        ).scalar_one()
    delay = f"/organisation/notes/{owned_event}/delai"
    assert member.post(delay, data={"lock_after_min": 45}).status_code == 302

    assert (
        client.post(
            f"/organisation/evenements/{owned_event}/equipe/{member_id}/role", data={"role": "viewer"}
        ).status_code
        == 302
    )

    assert member.post(delay, data={"lock_after_min": 50}).status_code == 403
    assert member.get(f"/organisation/notes/{owned_event}").status_code == 200
    with app.app_context():
        from pitchday.services import scoring

        assert scoring.settings_of(db.session.execute(select(Event)).scalar_one()).lock_after_min == 45


def test_a_removed_member_loses_the_event_at_the_next_request(app, client, owned_event):
    link = invite(client, owned_event, "camille@example.org", "planner")
    member = app.test_client()
    accept(member, link)
    assert member.get(f"/organisation/evenements/{owned_event}/planning").status_code == 200
    with app.app_context():
        member_id = db.session.execute(
            select(TeamMember.id).join(TeamMember.organiser).filter_by(email="camille@example.org")
        ).scalar_one()

    assert (
        client.post(f"/organisation/evenements/{owned_event}/equipe/{member_id}/retirer").status_code == 302
    )

    assert member.get(f"/organisation/evenements/{owned_event}/planning").status_code == 404
    assert f'/organisation/evenements/{owned_event}"' not in member.get("/organisation/").get_data(
        as_text=True
    )


def test_the_last_owner_cannot_leave(app, client, owned_event):
    with app.app_context():
        event = db.session.execute(select(Event)).scalar_one()
        owner_id = teams.membership(accounts.organiser_by_email(ORGANISER_EMAIL), event).id

    demoted = client.post(
        f"/organisation/evenements/{owned_event}/equipe/{owner_id}/role", data={"role": "viewer"}
    )
    removed = client.post(f"/organisation/evenements/{owned_event}/equipe/{owner_id}/retirer")

    assert demoted.status_code == removed.status_code == 422
    assert "au moins un propriétaire" in removed.get_data(as_text=True)
    assert client.get(f"/organisation/evenements/{owned_event}/equipe").status_code == 200


def test_inviting_someone_already_in_the_team_is_explained(app, client, owned_event):
    with app.app_context():
        join_team(db.session.execute(select(Event)).scalar_one(), "camille@example.org", "viewer")

    response = client.post(
        f"/organisation/evenements/{owned_event}/equipe/inviter",
        data={"email": "camille@example.org", "role": "planner"},
    )

    assert response.status_code == 422
    assert "fait déjà partie de l" in response.get_data(as_text=True)


def test_one_account_holds_different_roles_in_different_events(app, rouen):
    with app.app_context():
        rouen_event, lille_event = import_event(rouen), import_event(rouen)
        camille = join_team(rouen_event, "camille@example.org", "planner")
        join_team(lille_event, "camille@example.org", "scoring")

        assert teams.role_in(camille, rouen_event) == "planner"
        assert teams.role_in(camille, lille_event) == "scoring"


def test_importing_an_event_makes_the_importer_its_owner(app, client, rouen):
    import io
    import json

    with app.app_context():
        accounts.create_organiser("lille@example.org", "lille password 1")
        db.session.commit()
    client.post(
        "/organisation/connexion", data={"email": "lille@example.org", "password": "lille password 1"}
    )

    response = client.post(
        "/organisation/evenements/importer",
        data={"event_file": (io.BytesIO(json.dumps(rouen).encode()), "rouen.json")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 302
    with app.app_context():
        event = db.session.execute(select(Event)).scalar_one()
        assert teams.role_in(accounts.organiser_by_email("lille@example.org"), event) == "owner"


def test_grant_owner_gives_the_first_owner(app, runner, rouen):
    with app.app_context():
        accounts.create_organiser("rouen@example.org", "rouen password 1")
        slug = import_event(rouen).slug

    result = runner.invoke(args=["grant-owner", "Rouen@Example.org", slug])
    unknown = runner.invoke(args=["grant-owner", "nobody@example.org", slug])

    assert result.exit_code == 0, result.output
    assert unknown.exit_code == 1 and "aucun compte" in unknown.output
    with app.app_context():
        event = db.session.execute(select(Event)).scalar_one()
        assert teams.role_in(accounts.organiser_by_email("rouen@example.org"), event) == "owner"


def test_programme_commands_group_events_by_city(app, runner, rouen):
    with app.app_context():
        accounts.create_organiser("national@example.org", "national password")
        rouen_slug = import_event(rouen).slug

    assert runner.invoke(args=["programme", "accelerateur-2023", "Accélérateur 2023"]).exit_code == 0
    assert runner.invoke(args=["programme-event", "accelerateur-2023", rouen_slug]).exit_code == 0
    assert (
        runner.invoke(args=["grant-coordinator", "national@example.org", "accelerateur-2023"]).exit_code == 0
    )

    with app.app_context():
        event = db.session.execute(select(Event)).scalar_one()
        assert event.city == "Rouen"  # from the venue, "NEOMA Business School, Rouen"
        assert teams.role_in(accounts.organiser_by_email("national@example.org"), event) == "coordinator"


def test_the_invitation_is_mailed_with_its_link(make_app, smtp_server, rouen):
    app = make_app(**smtp_server.config())
    client = app.test_client()
    with app.app_context():
        create_organiser()
        slug = import_event(rouen).slug
    login(client)

    link = invite(client, slug, "Dominique@Example.org", "planner")

    (received,) = smtp_server.recorder.wait_for(1)
    assert received["To"] == "dominique@example.org"  # as the team stores it
    body = received.get_body(("plain",)).get_content()
    assert "http://127.0.0.1:5000" + link in body and "— English —" in body


def test_refusals_are_worded_in_the_visitors_language(app, client, owned_event):
    link = invite(client, owned_event, "camille@example.org", "viewer")
    member = app.test_client()
    accept(member, link)
    english = {"Accept-Language": "en"}

    used = app.test_client().get(link, headers=english)
    refused = member.post(f"/organisation/notes/{owned_event}/resultats", headers=english)

    assert used.status_code == 410 and "has already been used" in used.get_data(as_text=True)
    assert refused.status_code == 403
    assert "Your role in this event does not allow this action." in refused.get_data(as_text=True)
