"""The scoring service itself (the juror pages test it through HTTP): who may score what, marks saved
once per submission, the organiser's locks and the automatic one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pitchday.extensions import db
from pitchday.models import Expert, Score, ScoreAudit
from pitchday.services import scoring
from tests.builders import DURING_THE_DAY, clock, criteria_of, day  # noqa: F401 (fixtures)


def expert(day, key: str) -> Expert:
    return db.session.execute(db.select(Expert).filter_by(event_id=day.event_id, key=key)).scalar_one()


def test_a_juror_scores_only_the_pitches_of_their_panel(app, day):
    with app.app_context():
        right = scoring.right_to_score(expert(day, "am-1"), day.pitches["aurthus-et-paole"])
        assert right.decision is None and not right.locked("Europe/Paris", DURING_THE_DAY)
        with pytest.raises(scoring.ScoringError, match="pas dans votre jury") as refused:
            scoring.right_to_score(expert(day, "am-1"), day.pitches["mijuin-malaunay"])
        assert refused.value.status == 403


def test_a_conflict_of_interest_wins_over_a_seat_on_the_panel(app, day):
    with app.app_context(), pytest.raises(scoring.ScoringError, match="conflit d'intérêts"):
        scoring.right_to_score(expert(day, "cci-n-1"), day.pitches["mijuin-malaunay"])


def test_marks_are_saved_once_per_submission_and_audited(app, day):
    with app.app_context():
        juror, pitch_id = expert(day, "am-1"), day.pitches["aurthus-et-paole"]
        first, second = criteria_of(day.event_id)[:2]
        marks = {str(first.id): 7, str(second.id): 4}
        answer = scoring.submit(juror, pitch_id, "sent-00000001", marks, "Clair et précis.")
        db.session.commit()
        replayed = scoring.submit(juror, pitch_id, "sent-00000001", marks, "Clair et précis.")
        db.session.commit()
        assert replayed == answer | {"replayed": True}  # the stored answer, said to be a replay
        stored = db.session.execute(
            db.select(Score).filter_by(expert_id=juror.id, pitch_id=pitch_id)
        ).scalars()
        assert {s.criterion_id: s.value for s in stored} == {first.id: 7, second.id: 4}
        audits = db.session.execute(db.select(ScoreAudit).filter_by(pitch_id=pitch_id)).scalars().all()
        assert len([a for a in audits if a.criterion_id is not None]) == 2  # the replay wrote nothing


def test_an_unreadable_submission_id_is_refused(app, day):
    with app.app_context(), pytest.raises(scoring.ScoringError, match="Identifiant d'envoi") as refused:
        scoring.submit(expert(day, "am-1"), day.pitches["aurthus-et-paole"], "x", {})
    assert refused.value.status == 422


def test_marks_freeze_after_the_pitch_and_the_organiser_can_lock_or_reopen(app, day, clock):  # noqa: F811
    with app.app_context():
        juror, pitch_id = expert(day, "am-1"), day.pitches["aurthus-et-paole"]
        right = scoring.right_to_score(juror, pitch_id)
        frozen_at = scoring.automatic_lock_at(right.date, right.end_min, "Europe/Paris", right.lock_after_min)
        assert not right.locked("Europe/Paris", frozen_at - timedelta(seconds=1))
        assert right.locked("Europe/Paris", frozen_at)
        pitch = juror.event.pitches[[p.id for p in juror.event.pitches].index(pitch_id)]
        scoring.set_lock(pitch, True, "orga@example.org")
        db.session.commit()
        assert scoring.right_to_score(juror, pitch_id).locked("Europe/Paris", DURING_THE_DAY)
        with pytest.raises(scoring.ScoringError, match="verrouillée") as refused:
            scoring.submit(juror, pitch_id, "sent-00000002", {})
        assert refused.value.status == 409
        scoring.set_lock(pitch, False, "orga@example.org")
        db.session.commit()
        assert not scoring.right_to_score(juror, pitch_id).locked(
            "Europe/Paris", frozen_at + timedelta(hours=5)
        )
