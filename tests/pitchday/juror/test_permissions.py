"""Every refusal says why, with a fitting status, and saves nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pitchday.extensions import db
from pitchday.models import JurorAccess, Pitch, Score, ScoreAudit, ScoreSubmission
from pitchday.services import accounts, scoring
from tests.builders import clock, day  # noqa: F401 (fixtures)


def post_marks(client, day, juror, pitch, value=7, client_id="refused-0001"):  # noqa: F811
    return client.post(
        f"/jury/{day.tokens[juror]}/pitchs/{day.pitches[pitch]}/notes",
        json={"client_id": client_id, "scores": {str(day.criteria[0]): value}},
    )


def assert_nothing_saved(app) -> None:
    with app.app_context():
        for model in (Score, ScoreAudit, ScoreSubmission):
            assert db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one() == 0


def test_a_pitch_outside_the_jurors_panel_is_refused(app, client, day):  # noqa: F811
    response = post_marks(client, day, "uimm-2", "aurthus-et-paole")

    assert response.status_code == 403
    assert "pas dans votre jury" in response.json["error"]
    assert (
        client.get(f"/jury/{day.tokens['uimm-2']}/pitchs/{day.pitches['aurthus-et-paole']}").status_code
        == 403
    )
    assert_nothing_saved(app)


def test_a_conflict_of_interest_is_refused_even_on_the_panel(app, client, day):  # noqa: F811
    response = post_marks(client, day, "cci-n-1", "mijuin-malaunay")

    assert response.status_code == 403
    assert "conflit d'intérêts" in response.json["error"]
    page = client.get(f"/jury/{day.tokens['cci-n-1']}/pitchs/{day.pitches['mijuin-malaunay']}")
    assert page.status_code == 403 and "conflit d&#39;intérêts" in page.get_data(as_text=True)
    assert_nothing_saved(app)


def test_a_revoked_link_stops_working_at_once(app, client, day):  # noqa: F811
    with app.app_context():
        access = db.session.execute(db.select(JurorAccess).filter_by(token=day.tokens["uimm-1"])).scalar_one()
        accounts.revoke_juror_link(access)
        db.session.commit()

    response = post_marks(client, day, "uimm-1", "aurthus-et-paole")

    assert response.status_code == 403
    assert "n'est pas (ou plus) valable" in response.json["error"]
    assert client.get(f"/jury/{day.tokens['uimm-1']}").status_code == 403
    assert_nothing_saved(app)


def test_a_pitch_locked_by_the_organiser_is_refused_until_unlocked(app, client, day):  # noqa: F811
    with app.app_context():
        scoring.set_lock(db.session.get(Pitch, day.pitches["aurthus-et-paole"]), True, "orga@example.org")
        db.session.commit()
        locked_audit = db.session.execute(db.select(db.func.count()).select_from(ScoreAudit)).scalar_one()

    response = post_marks(client, day, "uimm-1", "aurthus-et-paole")
    form = client.post(
        f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}",
        data={"client_id": "form-refused-1", f"c{day.criteria[0]}": "7"},
    )

    assert response.status_code == 409 and "verrouillée" in response.json["error"]
    assert form.status_code == 409 and "verrouillée" in form.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Score)).scalar_one() == 0
        assert (
            db.session.execute(db.select(db.func.count()).select_from(ScoreAudit)).scalar_one()
            == locked_audit
        )
        scoring.set_lock(db.session.get(Pitch, day.pitches["aurthus-et-paole"]), False, "orga@example.org")
        db.session.commit()
    assert (
        post_marks(client, day, "uimm-1", "aurthus-et-paole", client_id="after-unlock-1").status_code == 200
    )


def test_marks_freeze_by_themselves_after_the_pitch_unless_reopened(app, client, day, clock):  # noqa: F811
    # aurthus-et-paole ends at 10:30 in Rouen; the default delay is 30 minutes.
    clock[0] = datetime(2023, 11, 30, 10, 59, tzinfo=ZoneInfo("Europe/Paris"))
    assert post_marks(client, day, "uimm-1", "aurthus-et-paole", client_id="before-lock-1").status_code == 200

    clock[0] = datetime(2023, 11, 30, 11, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert (
        post_marks(client, day, "uimm-1", "aurthus-et-paole", 3, client_id="after-lock-1").status_code == 409
    )

    with app.app_context():
        scoring.set_lock(db.session.get(Pitch, day.pitches["aurthus-et-paole"]), False, "orga@example.org")
        db.session.commit()
    assert post_marks(client, day, "uimm-1", "aurthus-et-paole", 3, client_id="reopened-1").status_code == 200


@pytest.mark.parametrize(
    ("scores", "why"),
    [
        ({"CRITERION": 11}, "entre 0 et 10"),
        ({"CRITERION": -1}, "entre 0 et 10"),
        ({"CRITERION": "sept"}, "nombre entier"),
        ({"CRITERION": True}, "nombre entier"),
        ({"999999": 5}, "Critère inconnu"),
    ],
)
def test_a_bad_mark_is_refused_whole(app, client, day, scores, why):  # noqa: F811
    body = {
        "client_id": "bad-mark-01",
        "scores": {str(day.criteria[1]): 5}
        | {k.replace("CRITERION", str(day.criteria[0])): v for k, v in scores.items()},
    }

    response = client.post(
        f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes", json=body
    )

    assert response.status_code == 422
    assert why in response.json["error"]
    assert_nothing_saved(app)


def test_a_missing_client_id_or_body_is_refused(app, client, day):  # noqa: F811
    url = f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes"

    assert client.post(url, json={"scores": {}}).status_code == 422
    assert client.post(url, data="pas du json", content_type="application/json").status_code == 422
    assert_nothing_saved(app)


def test_an_english_speaking_juror_reads_the_refusal_in_english(app, client, day):  # noqa: F811
    body = {"client_id": "english-01", "scores": {str(day.criteria[0]): 11}}

    response = client.post(
        f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes",
        json=body,
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert "the mark must be between 0 and 10 (received: 11)" in response.json["error"]
    assert_nothing_saved(app)
