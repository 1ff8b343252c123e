"""The jurors' devices as the board shows them: what a report writes, when a device is offline, the words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_babel import force_locale

from pitchday.extensions import db
from pitchday.models import Event, Expert, JurorDevice
from pitchday.scoreboard.views import device_status
from pitchday.services import devices
from tests.builders import clock, day  # noqa: F401 (fixtures)

NOON = datetime(2023, 11, 30, 11, 0, tzinfo=UTC)


def juror(key: str, event_id: int) -> Expert:
    return db.session.execute(db.select(Expert).filter_by(key=key, event_id=event_id)).scalar_one()


def last_seen() -> datetime:
    return db.session.execute(db.select(JurorDevice.last_seen_at)).scalar_one()


def test_a_report_that_changes_nothing_is_written_only_now_and_then(app, day):  # noqa: F811
    with app.test_request_context():
        expert = juror("uimm-1", day.event_id)
        report = devices.DeviceReport("tablet-0001", 0, "tablet")
        devices.heard(expert, report, 30, now=NOON)
        devices.heard(expert, report, 30, now=NOON + timedelta(seconds=5))
        assert last_seen() == NOON.replace(tzinfo=None)  # nothing new: not written
        devices.heard(
            expert, devices.DeviceReport("tablet-0001", 2, "tablet"), 30, now=NOON + timedelta(seconds=6)
        )
        assert last_seen() == (NOON + timedelta(seconds=6)).replace(tzinfo=None)  # the count changed
        devices.heard(expert, devices.DeviceReport("tablet-0001", 2), 30, now=NOON + timedelta(seconds=17))
        assert last_seen() == (NOON + timedelta(seconds=17)).replace(tzinfo=None)  # 10 s later: heard again
        devices.heard(expert, devices.DeviceReport("tablet-0001", 2), 6, now=NOON + timedelta(seconds=19))
        assert last_seen() == (NOON + timedelta(seconds=19)).replace(tzinfo=None)  # a third of a short delay
        assert db.session.execute(db.select(JurorDevice.kind)).scalar_one() == "tablet"  # kept when not said


def test_the_board_words_each_state_in_the_organisers_language(app, day):  # noqa: F811
    with app.test_request_context():
        event = db.session.get(Event, day.event_id)
        devices.heard(
            juror("uimm-1", day.event_id), devices.DeviceReport("tablet-0001", 0, "tablet"), 30, now=NOON
        )
        devices.heard(
            juror("cetim-1", day.event_id),
            devices.DeviceReport("phone-0001", 3, "phone"),
            30,
            now=NOON - timedelta(minutes=4, seconds=10),
        )
        devices.heard(
            juror("am-1", day.event_id),
            devices.DeviceReport("tablet-0002", 1, "tablet"),
            30,
            now=NOON - timedelta(seconds=5),
        )
        states = devices.states_of(event, 30, now=NOON)
        assert [(state.juror, state.online, state.pending) for state in states] == [
            ("Expert Arts et Métiers 1", True, 1),
            ("Expert CETIM 1", False, 3),
            ("Expert UIMM 1", True, 0),
        ]
        assert [device_status(state) for state in states] == [
            "en ligne — 1 note en cours d'envoi",
            "hors ligne depuis 4 min — 3 notes en attente",
            "à jour",
        ]
        with force_locale("en"):
            assert [device_status(state) for state in states] == [
                "online — 1 mark being sent",
                "offline for 4 min — 3 marks waiting",
                "in sync",
            ]
        assert devices.pending_by_juror(event) == {states[0].expert_id: 1, states[1].expert_id: 3}


def test_a_bad_report_is_no_report():
    assert devices.report_of({"id": "tablet-0001", "pending": "3", "kind": "fridge"}) == devices.DeviceReport(
        "tablet-0001", 3, ""
    )
    for bad in (
        None,
        "x",
        {"id": "short", "pending": 1},
        {"id": "tablet-0001", "pending": -1},
        {"id": "tablet-0001", "pending": True},
        {"id": "tablet-0001", "pending": 10**9},
        {"id": "tablet 0001 <b>", "pending": 0},
        {"id": "tablet-0001"},
    ):
        assert devices.report_of(bad) is None, bad
