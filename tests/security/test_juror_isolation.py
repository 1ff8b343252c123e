"""A juror changing ids in URLs or bodies reaches nobody else's marks and no other event."""

from __future__ import annotations

import copy

from pitchday.extensions import db
from pitchday.models import Score, ScoreAudit
from tests.builders import clock, day, published_scoring_day  # noqa: F401 (fixtures)


def marks_and_audit(app) -> tuple[int, int]:
    with app.app_context():
        count = db.select(db.func.count())
        return (
            db.session.execute(count.select_from(Score)).scalar_one(),
            db.session.execute(count.select_from(ScoreAudit)).scalar_one(),
        )


def test_every_pitch_of_every_event_outside_the_panel_is_refused(app, client, day, rouen):  # noqa: F811
    with app.app_context():
        other = published_scoring_day(copy.deepcopy(rouen))
    own_pitches = {day.pitches[key] for key in ("aurthus-et-paole", "touroul-chevalerie", "mijuin-malaunay")}
    probes = sorted(set(day.pitches.values()) | set(other.pitches.values()) | {0, 999_999})
    token = day.tokens["uimm-1"]

    for pitch_id in probes:
        if pitch_id in own_pitches:
            continue
        page = client.get(f"/jury/{token}/pitchs/{pitch_id}")
        save = client.post(
            f"/jury/{token}/pitchs/{pitch_id}/notes",
            json={"client_id": f"probe-{pitch_id:08d}", "scores": {str(day.criteria[0]): 5}},
        )
        assert page.status_code in (403, 404), pitch_id
        assert save.status_code in (403, 404), pitch_id
    assert marks_and_audit(app) == (0, 0)


def test_another_events_criteria_are_refused(app, client, day, rouen):  # noqa: F811
    with app.app_context():
        other = published_scoring_day(copy.deepcopy(rouen))
    url = f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes"

    response = client.post(url, json={"client_id": "other-event-1", "scores": {str(other.criteria[0]): 5}})

    assert response.status_code == 422
    assert marks_and_audit(app) == (0, 0)


def test_another_jurors_submission_id_cannot_be_replayed_or_overwritten(app, client, day):  # noqa: F811
    pitch = day.pitches["aurthus-et-paole"]
    body = {"client_id": "juror-a-0001", "scores": {str(day.criteria[0]): 8}}
    assert client.post(f"/jury/{day.tokens['uimm-1']}/pitchs/{pitch}/notes", json=body).status_code == 200

    stolen = client.post(
        f"/jury/{day.tokens['cetim-1']}/pitchs/{pitch}/notes",
        json=body | {"scores": {str(day.criteria[0]): 1}},
    )

    assert stolen.status_code == 409
    assert "8" not in stolen.get_data(as_text=True).replace("409", "")
    with app.app_context():
        scores = db.session.execute(db.select(Score)).scalars().all()
        assert [(score.value, score.expert.key) for score in scores] == [(8, "uimm-1")]


def test_a_juror_page_never_shows_another_jurors_marks(app, client, day):  # noqa: F811
    pitch = day.pitches["aurthus-et-paole"]
    client.post(
        f"/jury/{day.tokens['uimm-1']}/pitchs/{pitch}/notes",
        json={"client_id": "juror-a-0002", "scores": {str(day.criteria[0]): 9}, "comment": "SECRET-A"},
    )

    page = client.get(f"/jury/{day.tokens['cetim-1']}/pitchs/{pitch}").get_data(as_text=True)

    assert "SECRET-A" not in page
