"""The planning pages: generate in the background, look at a version, publish, lock, move, delay."""

from __future__ import annotations

import time

import pytest
from flask_babel import refresh

from pitchday.extensions import db
from pitchday.models import Lock, ScheduleVersion, SolveJob
from pitchday.services import agenda, versions
from scheduler import data as sd
from tests.builders import create_organiser, import_event


def url(event, tail: str = "") -> str:
    return f"/organisation/evenements/{event.slug}{tail}"


def wait_for_job(client, event, job_id: int) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = client.get(url(event, f"/calculs/{job_id}.json")).get_json()
        if not state["active"]:
            return state
        time.sleep(0.2)
    raise AssertionError("the solve did not end")


def test_generate_runs_in_the_background_and_reports_progress(organiser_client, rouen):
    event = import_event(rouen)
    response = organiser_client.post(url(event, "/planning/generer"), data={"time_limit": "5"})
    assert response.status_code == 302
    job = db.session.execute(db.select(SolveJob)).scalar_one()

    state = wait_for_job(organiser_client, event, job.id)

    assert state["status"] == "done" and state["best_score"] is not None and state["gap"] == 0
    assert state["status_label"] == "terminé"
    assert state["version_url"]
    page = organiser_client.get(url(event, "/planning")).get_data(as_text=True)
    assert "Brouillon n°" in page
    assert organiser_client.get(state["version_url"]).status_code == 200


def test_generate_refuses_a_bad_time_limit(organiser_client, rouen):
    event = import_event(rouen)
    response = organiser_client.post(
        url(event, "/planning/generer"), data={"time_limit": "0"}, follow_redirects=True
    )
    assert "Entre 1 et 600 secondes" in response.get_data(as_text=True)
    assert db.session.execute(db.select(SolveJob)).first() is None


def test_version_page_shows_grid_costs_and_publishes(organiser_client, draft):
    event = draft.event
    page = organiser_client.get(url(event, f"/versions/{draft.id}")).get_data(as_text=True)
    for pitch in event.pitches:
        assert pitch.company in page
    for room in event.rooms:
        assert room.name in page
    assert "Préférences non respectées" in page and "Thèmes en commun" in page

    response = organiser_client.post(url(event, f"/versions/{draft.id}/publier"), follow_redirects=True)

    assert "Version 1 publiée" in response.get_data(as_text=True)
    assert agenda.latest_published(event).id == draft.id


def test_lock_then_move_is_refused_with_a_french_reason(organiser_client, draft):
    event = draft.event
    session = draft.sessions[0]
    organiser_client.post(url(event, f"/seances/{session.id}/verrouiller"))
    assert db.session.execute(db.select(Lock)).scalar_one().pitch_id == session.pitch_id

    other_day = next(d for d in event.days if d.date != session.date)
    response = organiser_client.post(
        url(event, f"/versions/{draft.id}/deplacer"),
        data={
            "pitch": session.pitch.key,
            "day": other_day.date.isoformat(),
            "start": "09:00",
            "room": session.room.key,
        },
        follow_redirects=True,
    )

    assert "Déplacement refusé" in response.get_data(as_text=True)
    assert "verrouillé sur un autre horaire" in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(ScheduleVersion.id))).scalar_one() == 1


def test_a_move_to_a_bad_time_says_what_is_wrong(organiser_client, draft):
    event = draft.event
    session = draft.sessions[0]
    response = organiser_client.post(
        url(event, f"/versions/{draft.id}/deplacer"),
        data={
            "pitch": session.pitch.key,
            "day": session.date.isoformat(),
            "start": "23:00",
            "room": session.room.key,
        },
        follow_redirects=True,
    )
    assert "déborde des horaires" in response.get_data(as_text=True)

    response = organiser_client.post(
        url(event, f"/versions/{draft.id}/deplacer"),
        data={
            "pitch": session.pitch.key,
            "day": session.date.isoformat(),
            "start": "9h",
            "room": session.room.key,
        },
        follow_redirects=True,
    )
    assert "HH:MM" in response.get_data(as_text=True)


def test_delay_publishes_a_shifted_version(organiser_client, draft):
    event = draft.event
    versions.publish(draft)
    db.session.commit()
    day = draft.sessions[0].date
    first = min(s.start_min for s in draft.sessions if s.date == day)
    response = organiser_client.post(
        url(event, f"/versions/{draft.id}/retard"),
        data={
            "minutes": "15",
            "day": day.isoformat(),
            "after": f"{first // 60:02d}:{first % 60:02d}",
            "room": "",
        },
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    latest = agenda.latest_published(event)
    if latest.id == draft.id:  # the day was too full to shift: the refusal says why
        assert "Décalage refusé" in text
    else:
        assert latest.number == 2
        assert min(s.start_min for s in latest.sessions if s.date == day) == first + 15


@pytest.mark.parametrize("path", ["/planning", "/versions/1", "/calculs/1.json"])
def test_workspace_pages_need_a_login(client, ctx, rouen, path):
    event = import_event(rouen)
    response = client.get(url(event, path))
    assert response.status_code == 302 and "/organisation/connexion" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/planning/generer",
        "/versions/1/publier",
        "/versions/1/deplacer",
        "/versions/1/retard",
        "/versions/1/replanifier",
        "/calculs/1/arreter",
    ],
)
def test_workspace_actions_need_a_login(client, ctx, rouen, path):
    event = import_event(rouen)
    response = client.post(url(event, path), data={"time_limit": "5"})
    assert response.status_code == 302 and "/organisation/connexion" in response.headers["Location"]
    assert db.session.execute(db.select(SolveJob)).first() is None


def test_actions_without_a_csrf_token_are_refused(tmp_path, rouen):
    from config import TestConfig
    from pitchday import create_app
    from tests.conftest import database_url, drop_everything

    config = TestConfig(database_url(tmp_path))
    config.WTF_CSRF_ENABLED = True
    app = create_app(config)
    with app.app_context():
        drop_everything()
        db.create_all()
        try:
            create_organiser()
            event = import_event(rouen)
            client = app.test_client()
            login_page = client.get("/organisation/connexion").get_data(as_text=True)
            token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
            client.post(
                "/organisation/connexion",
                data={"email": "orga@example.org", "password": "correct horse battery", "csrf_token": token},
            )
            assert client.get(url(event, "/planning")).status_code == 200

            response = client.post(url(event, "/planning/generer"), data={"time_limit": "5"})

            assert response.status_code == 400
            assert db.session.execute(db.select(SolveJob)).first() is None
        finally:
            db.session.remove()
            drop_everything()
            db.engine.dispose()


def test_stop_keeps_the_job_consistent(organiser_client, rouen):
    event = import_event(rouen)
    organiser_client.post(url(event, "/planning/generer"), data={"time_limit": "5"})
    job = db.session.execute(db.select(SolveJob)).scalar_one()

    response = organiser_client.post(
        url(event, f"/calculs/{job.id}/arreter"), headers={"Accept": "application/json"}
    )

    assert response.status_code in (200, 409)
    state = wait_for_job(organiser_client, event, job.id)
    assert state["status"] in ("stopped", "done", "failed")
    assert state["status"] != "failed" or state["error"]
    again = organiser_client.post(
        url(event, f"/calculs/{job.id}/arreter"), headers={"Accept": "application/json"}
    )
    assert again.status_code == 409


def test_an_infeasible_event_shows_the_diagnosis_with_links_to_fix_it(organiser_client, rouen):
    event = import_event(rouen)
    diagnosis = sd.Result(
        sd.Status.INFEASIBLE,
        conflicts=(
            sd.Conflict("panel_size", "Panels need 12 experts but the event has only 9.", ()),
            sd.Conflict("expert_availability", "uimm-2 is only available ...", ("uimm-2", "projet-7")),
        ),
    )
    version = versions.save_result(event, diagnosis)
    db.session.commit()

    page = organiser_client.get(url(event, f"/versions/{version.id}")).get_data(as_text=True)

    assert "Aucun planning possible" in page
    assert "Taille des jurys" in page and "Disponibilités des jurés" in page
    assert f"/organisation/evenements/{event.slug}/modifier#rules" in page
    assert f"/organisation/evenements/{event.slug}/modifier#jures" in page
    assert "Projet 7" in page or "projet-7" not in page
    assert "Publier ce planning" not in page


def test_replan_starts_a_solve_with_the_previous_version(organiser_client, draft):
    event = draft.event
    organiser_client.post(url(event, f"/seances/{draft.sessions[0].id}/verrouiller"))
    response = organiser_client.post(
        url(event, f"/versions/{draft.id}/replanifier"), data={"time_limit": "5"}
    )
    assert response.status_code == 302
    job = db.session.execute(db.select(SolveJob)).scalar_one()

    state = wait_for_job(organiser_client, event, job.id)

    assert state["status"] == "done"
    new = db.session.get(ScheduleVersion, state["version_id"])
    locked = {s.pitch_id: (s.date, s.start_min, s.room_id) for s in draft.sessions}
    first = draft.sessions[0]
    assert {s.pitch_id: (s.date, s.start_min, s.room_id) for s in new.sessions}[first.pitch_id] == locked[
        first.pitch_id
    ]
    page = organiser_client.get(url(event, f"/versions/{new.id}?comparer={draft.id}")).get_data(as_text=True)
    assert f"Changements depuis : brouillon n° {draft.id}" in page


def test_absent_juror_starts_a_replan_and_ends_their_availability(organiser_client, draft):
    event = draft.event
    versions.publish(draft)
    db.session.commit()
    expert = draft.sessions[-1].seats[0].expert
    last = draft.sessions[-1]
    response = organiser_client.post(
        url(event, f"/versions/{draft.id}/absent"),
        data={
            "expert": expert.key,
            "day": last.date.isoformat(),
            "after": f"{last.start_min // 60:02d}:{last.start_min % 60:02d}",
            "time_limit": "5",
        },
    )
    assert response.status_code == 302
    job = db.session.execute(db.select(SolveJob)).scalar_one()
    state = wait_for_job(organiser_client, event, job.id)
    db.session.expire_all()
    assert all(w.date < last.date or w.end_min <= last.start_min for w in expert.windows)
    assert state["status"] in ("done", "failed")
    if state["version_id"]:
        new = db.session.get(ScheduleVersion, state["version_id"])
        if new.sessions:
            replaced = next(s for s in new.sessions if s.pitch_id == last.pitch_id)
            assert expert.id not in {seat.expert_id for seat in replaced.seats}


def test_workspace_warns_about_an_expert_who_can_never_sit(app, client, rouen):
    from tests.builders import create_organiser, import_event, login

    rouen["experts"][8]["conflicts"] = [pitch["id"] for pitch in rouen["pitches"]]
    with app.app_context():
        create_organiser()
        slug = import_event(rouen).slug
    login(client)

    page = client.get(f"/organisation/evenements/{slug}/planning").get_data(as_text=True)

    assert 'id="idle-experts"' in page
    assert "Conseiller CCI Paris Île-de-France" in page


def test_a_session_of_another_event_is_not_found_and_stays_unlocked(organiser_client, draft, rouen):
    other = import_event(rouen | {"id": "rouen-2023-bis"})

    response = organiser_client.post(url(other, f"/seances/{draft.sessions[0].id}/verrouiller"))

    assert response.status_code == 404
    assert db.session.execute(db.select(Lock)).scalars().all() == []


def test_the_versions_list_says_each_status_in_words_in_the_visitors_language(organiser_client, draft):
    french = organiser_client.get(url(draft.event, "/planning")).get_data(as_text=True)
    organiser_client.get("/langue/en")
    refresh()  # the test's app context is shared by its requests, and Flask-Babel keeps the locale there
    english = organiser_client.get(url(draft.event, "/planning")).get_data(as_text=True)

    assert "<td>optimal (prouvé)</td>" in french
    assert "<td>optimal (proved)</td>" in english


def test_a_lost_solve_says_what_happened_in_the_visitors_language(organiser_client, rouen, ctx):
    from datetime import UTC, datetime, timedelta

    event = import_event(rouen)
    silent_since = datetime.now(UTC) - timedelta(seconds=ctx.config["SOLVE_HEARTBEAT_LIMIT"] + 5)
    job = SolveJob(
        event=event,
        running_event_id=event.id,
        status="running",
        time_limit=5,
        worker="hote-b:4242",
        started_at=silent_since,
        claimed_at=silent_since,
        heartbeat_at=silent_since,
    )
    db.session.add(job)
    db.session.commit()

    state = organiser_client.get(url(event, f"/calculs/{job.id}.json")).get_json()
    assert state["status"] == "failed" and state["outcome"] == "worker_lost" and not state["active"]
    assert "s'est arrêté sans donner de nouvelles" in state["message"]
    page = organiser_client.get(url(event, "/planning")).get_data(as_text=True)
    assert "s&#39;est arrêté sans donner de nouvelles" in page and "Calculé par hote-b:4242" in page

    organiser_client.get("/langue/en")
    refresh()
    state = organiser_client.get(url(event, f"/calculs/{job.id}.json")).get_json()
    assert "stopped without any news" in state["message"]


def test_a_running_solve_says_which_process_and_when_it_was_last_heard(organiser_client, rouen, ctx):
    from datetime import UTC, datetime, timedelta

    event = import_event(rouen)
    beat = datetime.now(UTC) - timedelta(seconds=2)
    job = SolveJob(
        event=event,
        running_event_id=event.id,
        status="running",
        time_limit=60,
        worker="hote-b:4242",
        started_at=beat,
        claimed_at=beat,
        heartbeat_at=beat,
    )
    db.session.add(job)
    db.session.commit()

    state = organiser_client.get(url(event, f"/calculs/{job.id}.json")).get_json()

    assert state["active"] and 1.5 < state["heartbeat_age"] < 30
    assert state["worker_label"].startswith("Calcul par hote-b:4242 — dernier signe de vie il y a ")


def test_a_starting_worker_closes_the_jobs_lost_before(ctx, rouen):
    from datetime import UTC, datetime, timedelta

    from pitchday.services import solving

    event = import_event(rouen)
    silent_since = datetime.now(UTC) - timedelta(seconds=ctx.config["SOLVE_HEARTBEAT_LIMIT"] + 5)
    db.session.add(
        SolveJob(
            event=event,
            running_event_id=event.id,
            status="running",
            time_limit=5,
            worker="lost:1",
            started_at=silent_since,
            heartbeat_at=silent_since,
        )
    )
    db.session.commit()

    assert solving.close_lost_jobs() == 1
    db.session.commit()
    assert solving.active_jobs(event) == []


def test_publishing_a_change_says_who_is_told_and_the_event_page_lists_the_messages(organiser_client, draft):
    from pitchday.models import OutboundMail
    from pitchday.services import moves, versions

    event = draft.event
    versions.publish(draft)
    db.session.commit()
    moved = max(draft.sessions, key=lambda s: (s.date, s.start_min))
    told, silent = moved.seats[0].expert, moved.seats[1].expert
    told.email = "jure@example.org"
    db.session.commit()
    day = next(d for d in event.days if d.date == moved.date)
    second = None
    for start in range(moved.end_min, day.end_min, 5):  # a later free slot in the same room
        try:
            second = moves.move_pitch(draft, moved.pitch, day=moved.date, start=start, room=moved.room)
            break
        except moves.PlanningError:
            db.session.rollback()
    assert second is not None
    db.session.commit()

    page = organiser_client.post(
        url(event, f"/versions/{second.id}/publier"), follow_redirects=True
    ).get_data(as_text=True)

    assert "Version 2 publiée" in page and "1 message part vers les personnes concernées" in page
    assert "Sans adresse e-mail, non prévenus" in page and silent.name in page and moved.pitch.company in page
    assert db.session.execute(db.select(OutboundMail.recipient)).scalars().all() == ["jure@example.org"]
    event_page = organiser_client.get(url(event)).get_data(as_text=True)
    assert "jure@example.org" in event_page and "Sans adresse e-mail, ne seront pas prévenus" in event_page
    deadline = time.monotonic() + 30  # the message is sent by a child process (the in-memory backend here)
    while db.session.execute(db.select(OutboundMail.status)).scalar_one() != "sent":
        assert time.monotonic() < deadline, "the message was not sent"
        time.sleep(0.1)
        db.session.rollback()
