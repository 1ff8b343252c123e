"""Fuzzing the juror's JSON autosave: a clear refusal or a save within the scale, never a 500."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pitchday.extensions import db
from pitchday.models import Criterion, JurorFeedback, Score
from pitchday.services import scoring
from tests.builders import DURING_THE_DAY, published_scoring_day
from tests.fuzz.mutations import json_values
from tests.security.support import strict_app

FUZZ = settings(max_examples=150, deadline=None)
REFUSALS = {400, 403, 404, 409, 415, 422}


def bodies(criteria: list[int]):
    criterion_keys = st.sampled_from([str(c) for c in criteria] + ["0", "-1", "abc", "", "1e3", "999999"])
    marks = st.dictionaries(
        criterion_keys, json_values | st.integers(-5, 15) | st.sampled_from(["7", " 7", ""]), max_size=5
    )
    client_ids = st.text(max_size=70) | st.uuids().map(str) | st.sampled_from(["fixed-id-0001", "short"])
    structured = st.fixed_dictionaries(
        {"client_id": client_ids},
        optional={
            "scores": marks | json_values,
            "comment": json_values,
            # the feedback for the company travels in the same body
            "strengths": json_values,
            "improvements": json_values,
            "follow_up": json_values | st.booleans(),
        },
    )
    return structured | json_values


@pytest.fixture
def scoring_app(rouen, monkeypatch):
    monkeypatch.setattr(scoring, "now_utc", lambda: DURING_THE_DAY)
    with tempfile.TemporaryDirectory() as directory, strict_app(Path(directory)) as app:
        with app.app_context():
            day = published_scoring_day(rouen)
        yield app, day


def test_random_bodies_are_refused_or_saved_within_the_scale(scoring_app):
    app, day = scoring_app
    client = app.test_client()
    url = f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes"

    @FUZZ
    @given(bodies(day.criteria))
    def post(body):
        response = client.post(url, json=body)
        assert response.status_code == 200 or response.status_code in REFUSALS, response.get_data(
            as_text=True
        )
        if response.status_code != 200:
            assert response.is_json and response.json.get("error")
        with app.app_context():
            for score in db.session.execute(db.select(Score)).scalars():
                criterion = db.session.get(Criterion, score.criterion_id)
                assert criterion.scale_min <= score.value <= criterion.scale_max
            for written in db.session.execute(db.select(JurorFeedback)).scalars():
                assert isinstance(written.strengths, str) and isinstance(written.improvements, str)
                assert isinstance(written.follow_up, bool)

    post()


def test_raw_bytes_are_refused_cleanly(scoring_app):
    app, day = scoring_app
    client = app.test_client()
    url = f"/jury/{day.tokens['uimm-1']}/pitchs/{day.pitches['aurthus-et-paole']}/notes"

    @settings(max_examples=80, deadline=None)
    @given(
        st.binary(max_size=200),
        st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
    )
    def post(body, content_type):
        response = client.post(url, data=body, content_type=content_type)
        assert response.status_code in REFUSALS | {200}, response.status_code

    post()
    assert client.post(url, data=b"[" * 100_000, content_type="application/json").status_code in REFUSALS
