"""A juror writes feedback for the company on their sheet: through the autosave (the same channel and queue
as the marks) and through the plain form; each change audited, the latest change of each field winning."""

from __future__ import annotations

import re

import pytest

from pitchday.extensions import db
from pitchday.models import JurorFeedback, Pitch, ScoreAudit
from pitchday.services import scoring
from tests.builders import clock, day  # noqa: F401 (fixtures)

T0 = 1_700_000_000_000


def save(client, day, body, juror="uimm-1", pitch="aurthus-et-paole"):  # noqa: F811
    return client.post(f"/jury/{day.tokens[juror]}/pitchs/{day.pitches[pitch]}/notes", json=body)


def stored(app):
    with app.app_context():
        return [
            (row.strengths, row.improvements, row.follow_up)
            for row in db.session.execute(db.select(JurorFeedback)).scalars()
        ]


def feedback_audit(app):
    with app.app_context():
        return [
            (row.action, row.comment_before, row.comment_after, row.before, row.after, row.actor)
            for row in db.session.execute(db.select(ScoreAudit).order_by(ScoreAudit.id)).scalars()
        ]


def test_autosave_stores_the_feedback_audits_it_and_echoes_it(app, client, day):  # noqa: F811
    first = save(client, day, {"client_id": "feedback-0001", "strengths": "  Équipe soudée ", "scores": {}})
    second = save(
        client, day, {"client_id": "feedback-0002", "improvements": "Chiffrer le marché", "follow_up": True}
    )

    assert first.status_code == 200 and first.json["feedback"] == {"strengths": "Équipe soudée"}
    assert second.json["feedback"] == {"improvements": "Chiffrer le marché", "follow_up": True}
    assert stored(app) == [("Équipe soudée", "Chiffrer le marché", True)]
    assert feedback_audit(app) == [
        ("strengths", "", "Équipe soudée", None, None, "juror:uimm-1"),
        ("improvements", "", "Chiffrer le marché", None, None, "juror:uimm-1"),
        ("follow_up", None, None, 0, 1, "juror:uimm-1"),
    ]
    # The sheet (and the state the tablet polls) shows it back.
    token, pitch = day.tokens["uimm-1"], day.pitches["aurthus-et-paole"]
    assert client.get(f"/jury/{token}/etat?pitch={pitch}").json["sheet"]["feedback"] == {
        "strengths": "Équipe soudée",
        "improvements": "Chiffrer le marché",
        "follow_up": True,
    }
    page = client.get(f"/jury/{token}/pitchs/{pitch}").get_data(as_text=True)
    assert ">Équipe soudée</textarea>" in page
    assert re.search(r'id="follow_up" name="follow_up" value="y"\s+checked', page)


def test_a_resent_item_is_applied_once_and_a_reused_id_is_refused(app, client, day):  # noqa: F811
    body = {"client_id": "feedback-0003", "strengths": "Clair"}
    first = save(client, day, body).json

    again = save(client, day, body)
    reused = save(client, day, body | {"strengths": "Autre chose"})

    assert again.json == first | {"replayed": True}
    assert reused.status_code == 409
    assert stored(app) == [("Clair", "", False)]
    assert len(feedback_audit(app)) == 1


def test_the_latest_change_of_each_field_wins_whatever_the_order(app, client, day):  # noqa: F811
    """Two devices of one juror: the earlier change arrives last, it is kept in the audit, not applied."""
    later = {
        "client_id": "feedback-late",
        "changed_at": T0 + 5000,
        "sent_at": T0 + 5000,
        "strengths": "Version 2",
    }
    earlier = {
        "client_id": "feedback-early",
        "changed_at": T0,
        "sent_at": T0 + 60_000,
        "strengths": "Version 1",
        "improvements": "Rien à redire",
    }

    assert save(client, day, later).status_code == 200
    answer = save(client, day, earlier).json

    assert answer["feedback"] == {"strengths": "Version 2", "improvements": "Rien à redire"}
    assert answer["superseded"] == 1
    assert stored(app) == [("Version 2", "Rien à redire", False)]
    assert [row[0] for row in feedback_audit(app)] == ["strengths", "strengths_superseded", "improvements"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"strengths": 12}, "« Points forts » doit être un texte."),
        ({"improvements": ["a"]}, "« Pistes d'amélioration » doit être un texte."),
        ({"strengths": "a\x00b"}, "caractère invisible interdit (NUL)"),
        ({"improvements": "x" * 5001}, "est trop long (5001 caractères, 5000 au plus)"),
        ({"follow_up": "oui"}, "se coche ou se décoche"),
        ({"follow_up": 1}, "se coche ou se décoche"),
    ],
)
def test_bad_feedback_is_refused_whole_with_its_reason(app, client, day, body, message):  # noqa: F811
    c = str(day.criteria[0])

    response = save(client, day, {"client_id": "feedback-bad1", "scores": {c: 5}} | body)

    assert response.status_code == 422
    assert message in response.json["error"]
    assert stored(app) == [] and feedback_audit(app) == []


def test_bad_feedback_is_refused_in_english_too(app, client, day):  # noqa: F811
    response = client.post(
        f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes",
        json={"client_id": "feedback-bad2", "strengths": 3},
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert response.json["error"] == "“Strengths” must be text."


def test_a_locked_sheet_refuses_feedback_too(app, client, day):  # noqa: F811
    with app.app_context():
        scoring.set_lock(db.session.get(Pitch, day.pitches["aurthus-et-paole"]), True, "orga@example.org")
        db.session.commit()

    response = save(client, day, {"client_id": "feedback-lock", "strengths": "Trop tard"})

    assert response.status_code == 409
    assert stored(app) == []


def test_a_juror_cannot_write_feedback_on_another_panel(app, client, day):  # noqa: F811
    response = save(
        client, day, {"client_id": "feedback-other", "strengths": "Pas mon jury"}, pitch="projet-4"
    )

    assert response.status_code == 403
    assert stored(app) == []


def test_the_plain_form_saves_the_feedback_without_javascript(app, client, day):  # noqa: F811
    pitch_url = f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}"
    page = client.get(pitch_url).get_data(as_text=True)
    client_id = re.search(r'name="client_id" type="hidden" value="([^"]+)"', page).group(1)

    assert '<input type="hidden" name="feedback_sent" value="1">' in page
    response = client.post(
        pitch_url,
        data={
            "client_id": client_id,
            "comment": "Entre nous",
            "strengths": "Prototype convaincant",
            "improvements": "",
            "follow_up": "y",
            "feedback_sent": "1",
        },
    )

    assert response.status_code == 302
    assert stored(app) == [("Prototype convaincant", "", True)]
    # Unticked, the box sends nothing: the follow-up offer is withdrawn.
    page = client.get(pitch_url).get_data(as_text=True)
    client_id = re.search(r'name="client_id" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        pitch_url, data={"client_id": client_id, "strengths": "Prototype convaincant", "feedback_sent": "1"}
    )
    assert stored(app) == [("Prototype convaincant", "", False)]
