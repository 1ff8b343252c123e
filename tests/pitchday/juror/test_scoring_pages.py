"""A juror scores through the real form and through the autosave endpoint."""

from __future__ import annotations

import re

from pitchday.extensions import db
from pitchday.models import JurorComment, Score, ScoreAudit, ScoreSubmission
from tests.builders import clock, day  # noqa: F401 (fixtures)


def autosave(client, day, juror, pitch, client_id, scores, comment=None, headers=None):  # noqa: F811
    body = {"client_id": client_id, "scores": scores}
    if comment is not None:
        body["comment"] = comment
    return client.post(
        f"/jury/{day.tokens[juror]}/pitchs/{day.pitches[pitch]}/notes", json=body, headers=headers or {}
    )


def test_the_day_lists_the_jurors_pitches_with_the_current_one_highlighted(client, day):  # noqa: F811
    page = client.get(f"/jury/{day.tokens['uimm-1']}").get_data(as_text=True)

    companies = re.findall(r'class="company"[^>]*><strong>([^<]+)</strong>', page)
    assert companies == ["Mijuin-Malaunay", "Aurthus et Paole", "Touroul-Chevalerie"]
    current = re.search(r'<li class="pitch current".*?</li>', page, re.DOTALL).group(0)
    assert "Aurthus et Paole" in current and "en cours" in current


def test_scoring_through_the_real_form(app, client, day):  # noqa: F811
    pitch_url = f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}"
    page = client.get(pitch_url).get_data(as_text=True)
    client_id = re.search(r'name="client_id" type="hidden" value="([^"]+)"', page).group(1)
    assert f'type="radio" name="c{day.criteria[0]}"' in page

    form = {"client_id": client_id, "comment": "Très solide"} | {f"c{cid}": "7" for cid in day.criteria}
    response = client.post(pitch_url, data=form)

    assert response.status_code == 302
    with app.app_context():
        assert {s.value for s in db.session.execute(db.select(Score)).scalars()} == {7}
        assert db.session.execute(db.select(JurorComment)).scalar_one().text == "Très solide"
    page = client.get(pitch_url).get_data(as_text=True)
    assert "Notes enregistrées." in page
    assert page.count("checked") == len(day.criteria)

    # The browser sends the same form again (back button): applied once.
    assert client.post(pitch_url, data=form).status_code == 302
    # The same form changed under the old client id: refused with a reason, never dropped in silence.
    changed = client.post(pitch_url, data=form | {f"c{day.criteria[0]}": "2"})
    assert changed.status_code == 409
    assert "Cet identifiant d&#39;envoi a déjà servi pour d&#39;autres notes" in changed.get_data(
        as_text=True
    )
    with app.app_context():
        assert {s.value for s in db.session.execute(db.select(Score)).scalars()} == {7}


def test_autosave_saves_each_change_and_audits_it(app, client, day):  # noqa: F811
    first, second = day.criteria[:2]

    assert (
        autosave(client, day, "uimm-1", "aurthus-et-paole", "id-00000001", {str(first): 6}).json["status"]
        == "saved"
    )
    answer = autosave(
        client,
        day,
        "uimm-1",
        "aurthus-et-paole",
        "id-00000002",
        {str(first): 8, str(second): 3},
        comment="À revoir",
    ).json

    assert answer["scores"] == {str(first): 8, str(second): 3}
    assert answer["comment"] == "À revoir"
    with app.app_context():
        audit = db.session.execute(db.select(ScoreAudit).order_by(ScoreAudit.id)).scalars().all()
        assert [(a.action, a.criterion_id, a.before, a.after) for a in audit] == [
            ("score", first, None, 6),
            ("score", first, 6, 8),
            ("score", second, None, 3),
            ("comment", None, None, None),
        ]
        assert audit[-1].comment_before == "" and audit[-1].comment_after == "À revoir"
        assert {a.actor for a in audit} == {"juror:uimm-1"}


def test_a_resubmission_is_applied_once_and_gets_the_stored_answer(app, client, day):  # noqa: F811
    criterion = str(day.criteria[0])
    first = autosave(client, day, "uimm-1", "aurthus-et-paole", "same-id-123", {criterion: 5}).json

    again = autosave(client, day, "uimm-1", "aurthus-et-paole", "same-id-123", {criterion: 5})
    other_marks = autosave(client, day, "uimm-1", "aurthus-et-paole", "same-id-123", {criterion: 9})

    assert again.status_code == 200
    assert again.json == first | {"replayed": True}
    # The same client id with other marks: refused with a message (issue 11, defect 12), not "replayed".
    assert other_marks.status_code == 409
    assert "déjà servi pour d'autres notes" in other_marks.json["error"]
    with app.app_context():
        assert db.session.execute(db.select(Score.value)).scalar_one() == 5
        assert db.session.execute(db.select(db.func.count()).select_from(ScoreAudit)).scalar_one() == 1
        assert db.session.execute(db.select(db.func.count()).select_from(ScoreSubmission)).scalar_one() == 1


def test_a_juror_never_sees_another_jurors_marks(client, day):  # noqa: F811
    autosave(
        client,
        day,
        "uimm-1",
        "aurthus-et-paole",
        "id-00000003",
        {str(c): 9 for c in day.criteria},
        comment="secret d'uimm",
    )

    page = client.get(f"/jury/{day.tokens['cetim-1']}/pitchs/{day.pitches['aurthus-et-paole']}")

    assert page.status_code == 200
    assert "checked" not in page.get_data(as_text=True)
    assert "secret d&#39;uimm" not in page.get_data(as_text=True)


def test_the_autosave_endpoint_needs_the_csrf_token_of_the_page(app, client, day):  # noqa: F811
    app.config["WTF_CSRF_ENABLED"] = True
    pitch_url = f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}"
    token = re.search(
        r'<meta name="csrf-token" content="([^"]+)"', client.get(pitch_url).get_data(as_text=True)
    )

    refused = autosave(client, day, "uimm-1", "aurthus-et-paole", "id-00000004", {str(day.criteria[0]): 4})
    accepted = autosave(
        client,
        day,
        "uimm-1",
        "aurthus-et-paole",
        "id-00000005",
        {str(day.criteria[0]): 4},
        headers={"X-CSRFToken": token.group(1)},
    )

    assert refused.status_code == 400
    assert accepted.status_code == 200


def test_a_too_long_comment_in_the_form_is_refused_with_its_reason(app, client, day):  # noqa: F811
    pitch_url = f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}"

    response = client.post(
        pitch_url, data={"client_id": "long-comment-1", "comment": "x" * 5001, f"c{day.criteria[0]}": "5"}
    )

    assert response.status_code == 422
    assert "trop long" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Score)).scalar_one() == 0
