"""The flask commands."""

from __future__ import annotations

import json

from pitchday.extensions import db
from pitchday.models import Event, Organiser
from tests.conftest import ROUEN_FILE


def test_import_then_export_gives_back_the_file(app, runner, tmp_path, rouen):
    result = runner.invoke(args=["import-event", str(ROUEN_FILE)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "export.json"

    result = runner.invoke(
        args=["export-event", "accelerateur-relocalisation-reindustrialisation-rouen-2023", "-o", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == rouen


def test_import_of_a_broken_file_says_what_to_fix(app, runner, tmp_path, rouen):
    rouen["panel"]["size"] = "four"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(rouen), encoding="utf-8")

    result = runner.invoke(args=["import-event", str(broken)])

    assert result.exit_code == 1
    assert "panel.size" in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert db.session.execute(db.select(Event)).first() is None


def test_demo_loads_once_and_prints_logins(app, runner):
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "organisation@pitchday.local" in first.output
    assert first.output.count("/jury/") == 9
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Event)).scalar_one() == 1
        assert db.session.execute(db.select(db.func.count()).select_from(Organiser)).scalar_one() == 1


def test_create_organiser(app, runner):
    result = runner.invoke(args=["create-organiser", "chef@cci.fr", "--password", "un mot de passe long"])

    assert result.exit_code == 0, result.output
    assert "chef@cci.fr" in result.output


def test_demo_organiser_can_log_in_with_the_printed_password(app, runner, client):
    runner.invoke(args=["demo"])

    response = client.post(
        "/organisation/connexion",
        data={"email": "organisation@pitchday.local", "password": "rouen-2023-demo"},
    )

    assert response.status_code == 302
    assert client.get("/organisation/").status_code == 200


def test_demo_jurors_can_score_although_the_event_is_in_2023(app, runner, client):
    from pitchday.models import Expert, ScoreSubmission
    from pitchday.services import accounts, agenda, rubric

    runner.invoke(args=["demo"])
    with app.app_context():
        expert = db.session.execute(db.select(Expert).filter_by(key="uimm-1")).scalar_one()
        token = accounts.current_juror_link(expert).token
        pitch_id = agenda.sessions_of_expert(expert)[0].pitch_id
        criterion_id = rubric.criteria_of(expert.event)[0].id
    client.get(f"/jury/{token}")

    response = client.post(
        f"/jury/{token}/pitchs/{pitch_id}/notes",
        json={"client_id": "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "scores": {str(criterion_id): 7}},
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(ScoreSubmission)).scalar_one() == 1
