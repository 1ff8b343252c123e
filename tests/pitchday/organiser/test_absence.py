"""An absent juror on the day: replaced by a re-plan, or, when no schedule exists without them, not kept."""

from __future__ import annotations

import time
from datetime import date

import pytest

from pitchday.extensions import db
from pitchday.models import Expert, ScheduleVersion, SolveJob
from tests.builders import create_organiser, import_event, login, publish_by_hand

FRIDAY = date(2023, 12, 1)


@pytest.fixture
def published(client, ctx, rouen):
    create_organiser()
    login(client)
    event = import_event(rouen)
    return publish_by_hand(event)


def declare_absent(client, version, expert_key: str, day: date, after: str) -> dict:
    event = version.event
    response = client.post(
        f"/organisation/evenements/{event.slug}/versions/{version.id}/absent",
        data={"expert": expert_key, "day": day.isoformat(), "after": after, "time_limit": "5"},
    )
    assert response.status_code == 302
    job = db.session.execute(db.select(SolveJob).order_by(SolveJob.id.desc())).scalars().first()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = client.get(f"/organisation/evenements/{event.slug}/calculs/{job.id}.json").get_json()
        if not state["active"]:
            db.session.expire_all()
            return state
        time.sleep(0.2)
    raise AssertionError("the re-plan did not end")


def windows(expert: Expert) -> list[tuple]:
    return [(w.date, w.start_min, w.end_min) for w in expert.windows]


def test_an_absence_that_leaves_no_schedule_is_not_kept(client, published):
    """Defect 5 of issue 13: the availability cut stayed saved, and only editing the availability undid it."""
    event = published.event
    # CETIM 2 gone from Friday morning: CETIM 1 has judged their 4 pitches (max_pitches), none is left.
    expert = db.session.execute(db.select(Expert).filter_by(event_id=event.id, key="cetim-2")).scalar_one()
    before = windows(expert)

    state = declare_absent(client, published, "cetim-2", FRIDAY, "09:00")

    assert windows(expert) == before  # the absence is not saved
    assert state["outcome"] == "absence_not_kept"
    diagnosis = db.session.get(ScheduleVersion, state["version_id"])
    page = client.get(f"/organisation/evenements/{event.slug}/versions/{diagnosis.id}").get_data(as_text=True)
    assert "son absence n&#39;est pas enregistrée" in page and "CETIM 2" in page
    workspace = client.get(f"/organisation/evenements/{event.slug}/planning").get_data(as_text=True)
    assert "son absence n&#39;est pas enregistrée" in workspace
    with client.session_transaction() as stored:
        stored["lang"] = "en"
    page = client.get(f"/organisation/evenements/{event.slug}/versions/{diagnosis.id}").get_data(as_text=True)
    assert "their absence is not saved" in page and "Pitches already held" in page


def test_the_diagnosis_names_the_pitches_already_held_once(client, published):
    """Defect 5 of issue 13: one line per frozen pitch (« Verrous ... ») buried the cause; they are one line now."""
    event = published.event
    state = declare_absent(client, published, "cetim-2", FRIDAY, "09:00")
    diagnosis = db.session.get(ScheduleVersion, state["version_id"])
    assert diagnosis.conflicts  # the scheduler's own diagnosis, kept as it is

    page = client.get(f"/organisation/evenements/{event.slug}/versions/{diagnosis.id}").get_data(as_text=True)
    section = page[page.index('id="conflicts-title"') :]
    section = section[: section.index("</section>")]
    assert section.count("<li>") == len({c["rule"] for c in diagnosis.conflicts if c["rule"] != "lock"}) + 1
    assert "<strong>Verrous</strong>" not in section  # none of these is an organiser's lock
    assert section.count("Pitchs déjà passés") == 1
    assert "Mijuin-Malaunay" in section and "Charge des jurés" in section


def test_an_absence_with_a_schedule_is_kept_and_the_juror_replaced(client, published):
    event = published.event
    expert = db.session.execute(db.select(Expert).filter_by(event_id=event.id, key="cci-n-1")).scalar_one()

    state = declare_absent(client, published, "cci-n-1", FRIDAY, "09:00")

    assert state["status"] == "done" and state["outcome"] == ""
    assert all(w[0] < FRIDAY for w in windows(expert))
    replaced = db.session.get(ScheduleVersion, state["version_id"])
    friday = [s for s in replaced.sessions if s.date == FRIDAY]
    assert friday and all(expert.id not in {seat.expert_id for seat in s.seats} for s in friday)
