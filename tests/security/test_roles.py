"""The role matrix: every organiser route × anonymous, juror, each role, a member of another team.

The routes are walked from the app's URL map, so a new organiser page cannot be forgotten: it
fails here until EXPECTED says which permission it needs. The permissions each role holds are
written out below, independently of pitchday.services.teams, so a change of the matrix shows here.
A refusal changes nothing in the database (every row of every table is compared).
"""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from pitchday.extensions import db
from pitchday.models import Event, Expert, JurorAccess, Pitch, Room, ScheduledSession, SolveJob
from pitchday.services import accounts, locks, teams
from tests.builders import join_team, published_scoring_day
from tests.conftest import ROUEN
from tests.security.support import app_rules, example_url, log_in_as

ANY = "any account"  # any logged-in organiser: their own dashboard, imports, password
PUBLIC = "public"  # no login needed (the invitation link carries its own secret)
COORDINATION = "coordination"  # the programme view: coordinators only

# endpoint -> permission it needs (a dict by method where GET and POST differ)
EXPECTED: dict[str, str | dict[str, str]] = {
    "organiser.login": PUBLIC,
    "organiser.accept_invitation": PUBLIC,
    "organiser.dashboard": ANY,
    "organiser.import_event": ANY,
    "organiser.create_event": ANY,  # the guided creation: whoever creates an event owns it
    "organiser.create_step": ANY,
    "organiser.abandon_creation": ANY,
    "organiser.logout": ANY,
    "organiser.change_password": ANY,
    "organiser.programme": COORDINATION,
    "organiser.event": "read",
    "organiser.export_event": "read",
    "organiser.revoke_link": "juror_links",
    "organiser.access_cards": "juror_links",
    "organiser.workspace": "read",
    "organiser.job_status": "read",
    "organiser.version": "read",
    "organiser.export_csv": "read",
    "organiser.export_schedule": "read",
    "organiser.print_agenda": "read",
    "organiser.juror_calendar": "read",
    "organiser.journal_page": "read",
    "organiser.generate": "plan",
    "organiser.stop_job": "plan",
    "organiser.publish": "plan",
    "organiser.replan": "plan",
    "organiser.move": "plan",
    "organiser.lock_session": "plan",
    "organiser.lock_juror": "plan",
    "organiser.unlock": "plan",
    "organiser.delay": "plan",
    "organiser.absent": "plan",
    "organiser.edit_event": {"GET": "read", "POST": "edit"},
    "organiser.edit_item": "edit",  # walked with kind=salles; the rubric (criteres) is checked below
    "organiser.delete_item": "edit",
    "organiser.csv_page": "edit",
    "organiser.csv_upload": "edit",
    "organiser.team": "team",
    "organiser.invite": "team",
    "organiser.change_role": "team",
    "organiser.remove_member": "team",
    "organiser.cancel_invitation": "team",
    "scoreboard.board": "read",
    "scoreboard.stream": "read",
    "scoreboard.device_states": "read",
    "scoreboard.audit": "read",
    "scoreboard.scores_csv": "read",
    "scoreboard.ranking_csv": "read",
    "scoreboard.lock": "score",
    "scoreboard.unlock": "score",
    "scoreboard.publish_results": "score",
    "scoreboard.lock_delay": "score",
    "scoreboard.feedback_overview": "feedback",
    "scoreboard.feedback_pitch": "feedback",
    "scoreboard.feedback_edit": "feedback",
    "scoreboard.feedback_hide": "feedback",
    "scoreboard.feedback_show": "feedback",
    "scoreboard.feedback_release": "feedback",
    "scoreboard.feedback_withdraw": "feedback",
    "scoreboard.feedback_rank": "feedback",
    "scoreboard.feedback_new_link": "feedback",
    "scoreboard.feedback_revoke_link": "feedback",
}

HOLDS = {
    "owner": {"read", "edit", "plan", "rubric", "score", "juror_links", "team", "feedback"},
    "planner": {"read", "edit", "plan"},
    "scoring": {"read", "rubric", "score", "juror_links", "feedback"},
    "viewer": {"read"},
    "coordinator": {"read"},
}
IDENTITIES = ["anonymous", "juror", "owner", "planner", "scoring", "viewer", "coordinator", "other_team"]
# Ending one's session would log the rest of the walk out: it goes last.
LAST = {"organiser.logout"}


@pytest.fixture
def world(app):
    """Event A (a published day, a lock, a job, a pending invitation) with a member per role; event B
    with its own owner; a programme holding A, with a coordinator."""
    with app.app_context():
        day = published_scoring_day(copy.deepcopy(ROUEN))
        event = db.session.get(Event, day.event_id)
        other = published_scoring_day(copy.deepcopy(ROUEN))
        members = {role: join_team(event, f"{role}@example.org", role) for role in teams.TEAM_ROLES}
        other_owner = join_team(db.session.get(Event, other.event_id), "lille@example.org", "owner")
        coordinator = accounts.create_organiser("coordinator@example.org", "correct horse battery")
        programme = teams.create_programme("accelerateur-2023", "Accélérateur 2023")
        teams.attach(event, programme, "Rouen")
        teams.make_coordinator(programme, coordinator)
        pitch = db.session.get(Pitch, day.pitches["aurthus-et-paole"])
        expert = db.session.execute(select(Expert).filter_by(event_id=event.id, key="am-1")).scalar_one()
        lock = locks.lock_juror(pitch, expert)
        version_id = db.session.execute(select(ScheduledSession.version_id).limit(1)).scalar_one()
        session_id = (
            db.session.execute(select(ScheduledSession.id).filter_by(version_id=version_id)).scalars().first()
        )
        job = SolveJob(event_id=event.id, status="done", time_limit=5)
        db.session.add(job)
        invitation, _token = teams.invite(event, "invited@example.org", "viewer", members["owner"])
        db.session.flush()
        values = {
            "slug": event.slug,
            "version_id": version_id,
            "session_id": session_id,
            "lock_id": lock.id,
            "job_id": job.id,
            "pitch_id": pitch.id,
            "expert_key": expert.key,
            "access_id": db.session.execute(
                select(JurorAccess.id).filter_by(expert_id=expert.id)
            ).scalar_one(),
            "member_id": teams.membership(members["viewer"], event).id,
            "invitation_id": invitation.id,
            "step": "evenement",  # the guided creation's first step (the others open once it is given)
            "kind": "salles",
            "item_id": db.session.execute(select(Room.id).filter_by(event_id=event.id)).scalars().first(),
        }
        accounts_by_identity = {role: account.id for role, account in members.items()}
        accounts_by_identity.update(coordinator=coordinator.id, other_team=other_owner.id)
        db.session.commit()
        return {
            "values": values,
            "accounts": accounts_by_identity,
            "programme": programme.slug,
            "juror_token": next(iter(day.tokens.values())),
        }


def organiser_rules(app):
    return [rule for rule in app_rules(app) if rule.rule.startswith("/organisation")]


def requests_to_walk(app, world) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every organiser rule and method, the session-ending ones last."""
    walked = []
    for rule in organiser_rules(app):
        values = dict(world["values"])
        if rule.endpoint == "organiser.programme":
            values["slug"] = world["programme"]
        url = example_url(rule, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            walked.append((rule.endpoint, method, url))
    return sorted(walked, key=lambda item: item[0] in LAST)


def needed(endpoint: str, method: str) -> str:
    permission = EXPECTED[endpoint]
    return permission[method] if isinstance(permission, dict) else permission


def expected_status(identity: str, endpoint: str, method: str) -> str:
    """'allowed', 'login' (302 to the login page), 403 or 404."""
    permission = needed(endpoint, method)
    if permission == PUBLIC:
        return "public"
    if identity in ("anonymous", "juror"):
        return "login"
    if permission == ANY:
        return "allowed"
    if permission == COORDINATION:
        if identity == "coordinator":
            return "allowed"
        return "403" if identity in HOLDS and identity != "coordinator" else "404"
    if identity == "other_team":
        return "404"
    return "allowed" if permission in HOLDS[identity] else "403"


def whole_database() -> dict[str, list[tuple]]:
    """Every row of every table: 'nothing changed' in one comparison."""
    return {
        table.name: sorted(map(repr, db.session.execute(select(table)).all()))
        for table in db.metadata.sorted_tables
    }


def test_every_organiser_route_has_an_expected_permission(app):
    unknown = {rule.endpoint for rule in organiser_rules(app)} - set(EXPECTED)
    assert not unknown, f"organiser routes without a line in EXPECTED: {sorted(unknown)}"


@pytest.mark.parametrize("identity", IDENTITIES)
def test_role_matrix(app, world, identity):
    client = app.test_client()
    if identity == "juror":
        assert client.get(f"/jury/{world['juror_token']}").status_code == 200
    elif identity != "anonymous":
        log_in_as(client, world["accounts"][identity])
    walk = [
        (endpoint, method, url, expected_status(identity, endpoint, method))
        for endpoint, method, url in requests_to_walk(app, world)
    ]

    with app.app_context():
        before = whole_database()
    for _endpoint, method, url, expected in walk:
        if expected in ("allowed", "public"):
            continue
        response = client.open(url, method=method)
        if expected == "login":
            assert response.status_code == 302, (identity, method, url, response.status_code)
            assert "/organisation/connexion" in response.headers["Location"], (identity, method, url)
        else:
            assert response.status_code == int(expected), (identity, method, url, response.status_code)
        response.close()
    with app.app_context():
        assert whole_database() == before, f"a refused request changed the database ({identity})"

    for _endpoint, method, url, expected in walk:
        if expected != "allowed":
            continue
        response = client.open(url, method=method)
        if method == "GET":
            assert response.status_code == 200, (identity, method, url, response.status_code)
        else:
            assert response.status_code in (200, 302, 303, 422), (identity, method, url, response.status_code)
        response.close()


@pytest.mark.parametrize(
    "identity, status",
    [
        ("scoring", 200),
        ("owner", 200),
        ("planner", 403),
        ("viewer", 403),
        ("coordinator", 403),
        ("other_team", 404),
    ],
)
def test_the_rubric_belongs_to_the_scoring_side(app, world, identity, status):
    client = app.test_client()
    log_in_as(client, world["accounts"][identity])
    slug = world["values"]["slug"]

    assert client.get(f"/organisation/evenements/{slug}/modifier/criteres/nouveau").status_code == status


@pytest.mark.parametrize("identity", ["viewer", "other_team", "coordinator"])
def test_lists_show_only_the_events_of_ones_teams(app, world, identity):
    client = app.test_client()
    log_in_as(client, world["accounts"][identity])
    slug = world["values"]["slug"]

    dashboard = client.get("/organisation/").get_data(as_text=True)

    assert (f'/organisation/evenements/{slug}"' in dashboard) is (identity != "other_team")
    with app.app_context():
        slugs = db.session.execute(select(Event.slug)).scalars().all()
    shown = [s for s in slugs if f'/organisation/evenements/{s}"' in dashboard]
    assert len(shown) == 1


def test_juror_links_are_not_shown_to_a_viewer(app, world):
    client = app.test_client()
    log_in_as(client, world["accounts"]["viewer"])
    slug = world["values"]["slug"]

    page = client.get(f"/organisation/evenements/{slug}").get_data(as_text=True)

    assert world["juror_token"] not in page
    assert "/jury/" not in page


def test_an_unknown_slug_and_a_foreign_event_answer_alike(app, world):
    client = app.test_client()
    log_in_as(client, world["accounts"]["other_team"])
    slug = world["values"]["slug"]

    foreign = client.get(f"/organisation/evenements/{slug}")
    unknown = client.get("/organisation/evenements/no-such-event")

    assert foreign.status_code == unknown.status_code == 404
    assert slug not in foreign.get_data(as_text=True)


@pytest.mark.parametrize(
    "identity, shown",
    [("planner", True), ("owner", True), ("viewer", False), ("scoring", False), ("coordinator", False)],
)
def test_pages_offer_only_the_actions_the_role_may_take(app, world, identity, shown):
    client = app.test_client()
    log_in_as(client, world["accounts"][identity])
    base = f"/organisation/evenements/{world['values']['slug']}"

    version = client.get(f"{base}/versions/{world['values']['version_id']}").get_data(as_text=True)
    workspace = client.get(f"{base}/planning").get_data(as_text=True)
    edit = client.get(f"{base}/modifier").get_data(as_text=True)

    assert ('id="replan-form"' in version) is shown
    assert ('id="move-form"' in version) is shown
    assert ('id="generate-button"' in workspace) is shown
    assert ("Enregistrer les règles" in edit) is shown
