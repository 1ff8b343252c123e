"""The organisers' journal: each organiser action leaves a line saying who, when, and what before/after."""

from __future__ import annotations

import copy
import time

import pytest
from sqlalchemy import select

from pitchday.extensions import db
from pitchday.models import Criterion, JournalEntry, JurorAccess, Lock, ScheduleVersion
from pitchday.services import solving, versions
from tests.builders import ORGANISER_EMAIL, create_organiser, import_event, login, published_scoring_day
from tests.conftest import ROUEN


def entries(action: str) -> list[JournalEntry]:
    db.session.expire_all()
    return list(
        db.session.execute(select(JournalEntry).filter_by(action=action).order_by(JournalEntry.id)).scalars()
    )


def only(action: str) -> JournalEntry:
    found = entries(action)
    assert len(found) == 1, (action, found)
    assert found[0].actor_email == ORGANISER_EMAIL
    return found[0]


@pytest.fixture
def scoring_day(ctx, client):
    day = published_scoring_day(copy.deepcopy(ROUEN))
    create_organiser()
    login(client)
    return day


def test_scoring_actions_are_journaled(client, scoring_day):
    board = f"/organisation/notes/{scoring_day.slug}"
    pitch_id = scoring_day.pitches["aurthus-et-paole"]

    client.post(f"{board}/pitchs/{pitch_id}/verrouiller")
    client.post(f"{board}/pitchs/{pitch_id}/rouvrir")
    client.post(f"{board}/delai", data={"lock_after_min": 45})
    client.post(f"{board}/resultats", data={"confirmed": "1"})  # published with pitches still to score
    client.post(f"{board}/resultats")

    assert only("scoring.locked").subject == "Aurthus et Paole"
    assert only("scoring.unlocked").subject == "Aurthus et Paole"
    delay = only("scoring.lock_delay")
    assert (delay.before, delay.after) == (30, 45)
    assert (only("results.published").before, only("results.published").after) == (False, True)
    assert only("results.unpublished").after is False


def test_revoking_a_juror_link_is_journaled(client, scoring_day):
    access = db.session.execute(
        select(JurorAccess).filter_by(token=scoring_day.tokens["uimm-1"])
    ).scalar_one()
    name = access.expert.name

    client.post(f"/organisation/liens/{access.id}/revoquer", data={"confirmed": "1"})

    entry = only("link.revoked")
    assert entry.subject == name
    assert entry.before == {"link": access.id}


def test_rubric_and_panel_rules_changes_are_journaled_with_before_and_after(client, scoring_day):
    edit = f"/organisation/evenements/{scoring_day.slug}/modifier"
    criterion = db.session.get(Criterion, scoring_day.criteria[0])
    old_label = criterion.label

    client.post(
        f"{edit}/criteres/{criterion.id}",
        data={
            "label": "Impact industriel",
            "description": "",
            "weight": "2",
            "scale_min": 0,
            "scale_max": 10,
        },
    )
    client.post(
        edit,
        data={
            "panel_size": 3,
            "max_per_organisation": "",
            "duration_min": 25,
            "qa_min": 5,
            "changeover_min": 5,
        },
    )

    rubric = only("rubric.changed")
    assert rubric.before["label"] == old_label
    assert rubric.after == {"label": "Impact industriel", "description": "", "weight": 2.0, "scale": [0, 10]}
    rules = only("rules.changed")
    assert rules.after["duration_min"] == 25
    assert rules.before["duration_min"] != 25


def test_a_refused_change_leaves_no_line(client, scoring_day):
    client.post(f"/organisation/notes/{scoring_day.slug}/delai", data={"lock_after_min": -5})

    assert entries("scoring.lock_delay") == []


@pytest.fixture
def draft(ctx, client, rouen):
    create_organiser()
    event = import_event(rouen)
    version = versions.save_result(event, solving.solve_now(event, time_limit=5))
    db.session.commit()
    login(client)
    return version


def test_planning_actions_are_journaled(client, draft):
    event = draft.event
    base = f"/organisation/evenements/{event.slug}"
    session = draft.sessions[0]

    client.post(f"{base}/seances/{session.id}/verrouiller")
    lock = db.session.execute(select(Lock)).scalar_one()
    client.post(f"{base}/versions/{draft.id}/verrous/{lock.id}/supprimer")
    moved = move_somewhere(client, base, draft)
    client.post(f"{base}/versions/{draft.id}/publier")
    day = draft.sessions[0].date
    first = min(s.start_min for s in draft.sessions if s.date == day)
    client.post(
        f"{base}/versions/{draft.id}/retard",
        data={
            "minutes": "5",
            "day": day.isoformat(),
            "after": f"{first // 60:02d}:{first % 60:02d}",
            "room": "",
        },
    )
    last = draft.sessions[-1]
    client.post(
        f"{base}/versions/{draft.id}/absent",
        data={
            "expert": last.seats[0].expert.key,
            "day": last.date.isoformat(),
            "after": f"{last.start_min // 60:02d}:{last.start_min % 60:02d}",
            "time_limit": "1",
        },
    )

    assert only("planning.locked").after["room"] == session.room.name
    assert only("planning.unlocked").subject == session.pitch.company
    entry = only("schedule.moved")
    assert entry.subject == moved.pitch.company
    assert entry.before["start"] != entry.after["start"]
    published = entries("schedule.published")
    assert published[0].after == 1 and published[0].before is None
    if len(published) == 2:  # the delay fitted in the day: it published version 2
        assert only("schedule.delayed").after["minutes"] == 5
    assert only("schedule.absent").subject == last.seats[0].expert.name
    generated = only("schedule.generated")
    assert generated.after["time_limit"] == 1.0
    wait_for_job(client, event, generated.after["job"])


def wait_for_job(client, event, job_id: int) -> None:
    """Let the background solve end before the test's database goes."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not client.get(f"/organisation/evenements/{event.slug}/calculs/{job_id}.json").get_json()[
            "active"
        ]:
            return
        time.sleep(0.2)
    raise AssertionError("the solve did not end")


def move_somewhere(client, base: str, draft: ScheduleVersion):
    """Move the first pitch to the first start time of its day and room that breaks no hard rule."""
    session = draft.sessions[0]
    day = next(d for d in draft.event.days if d.date == session.date)
    for start in range(day.start_min, day.end_min, 5):
        if start == session.start_min:
            continue
        before = db.session.execute(select(db.func.count(ScheduleVersion.id))).scalar_one()
        client.post(
            f"{base}/versions/{draft.id}/deplacer",
            data={
                "pitch": session.pitch.key,
                "day": session.date.isoformat(),
                "start": f"{start // 60:02d}:{start % 60:02d}",
                "room": session.room.key,
            },
        )
        if db.session.execute(select(db.func.count(ScheduleVersion.id))).scalar_one() > before:
            return session
    raise AssertionError("no free start time to move the pitch to")


def test_the_journal_page_shows_who_did_what(client, scoring_day):
    client.post(f"/organisation/notes/{scoring_day.slug}/resultats", data={"confirmed": "1"})

    page = client.get(f"/organisation/evenements/{scoring_day.slug}/journal").get_data(as_text=True)

    assert "Résultats publiés" in page
    assert ORGANISER_EMAIL in page


def test_the_journal_is_append_only(ctx, scoring_day, client):
    client.post(f"/organisation/notes/{scoring_day.slug}/resultats", data={"confirmed": "1"})
    entry = only("results.published")

    entry.subject = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(ValueError, match="append-only"):
        db.session.delete(db.session.get(JournalEntry, entry.id))
        db.session.flush()
    db.session.rollback()
