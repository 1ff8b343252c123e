"""Background solves: one per event, progress recorded, the result saved as a draft, stop keeps the best."""

from __future__ import annotations

import time

import pytest

from pitchday.extensions import db
from pitchday.models import SolveJob
from pitchday.services import solving
from tests.helpers import import_event


def wait_for(job: SolveJob, timeout: float = 60.0) -> SolveJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.commit()  # end the read transaction, so the child's commits are seen
        solving.refresh(job)
        if not job.is_active:
            return job
        time.sleep(0.2)
    raise AssertionError(f"solve job {job.id} still {job.status} after {timeout} s")


def test_a_background_solve_saves_a_draft_version(ctx, rouen):
    event = import_event(rouen)
    job = solving.start_solve(event, time_limit=5)
    db.session.commit()
    assert job.pid

    wait_for(job)

    assert job.status == "done", job.error
    assert job.version is not None and job.version.number is None
    assert job.version.status == "optimal"
    assert job.best_score == job.version.score
    assert len(job.version.sessions) == len(event.pitches)
    assert job.running_event_id is None
    state = solving.job_state(job)
    assert state["active"] is False and state["version_id"] == job.version.id


def test_only_one_solve_runs_per_event(ctx, rouen):
    event = import_event(rouen)
    first = solving.start_solve(event, time_limit=5)
    db.session.commit()
    with pytest.raises(solving.SolveError, match="déjà en cours"):
        solving.start_solve(event, time_limit=5)
    db.session.rollback()
    wait_for(first)
    again = solving.start_solve(event, time_limit=5)
    db.session.commit()
    wait_for(again)
    assert again.status == "done"


def test_time_limit_is_bounded(ctx, rouen):
    event = import_event(rouen)
    with pytest.raises(solving.SolveError, match="entre"):
        solving.start_solve(event, time_limit=0)


def test_a_dead_process_frees_the_event(ctx, rouen):
    event = import_event(rouen)
    job = SolveJob(event=event, running_event_id=event.id, status="running", time_limit=5, pid=2 ** 22 + 7)
    db.session.add(job)
    db.session.commit()

    solving.refresh(job)

    assert job.status == "failed" and job.running_event_id is None


def test_stop_ends_a_long_solve_promptly(ctx):
    from bench.generate import generate_event
    from pitchday.services import event_io
    from scheduler import io as sio

    event = event_io.import_event(sio.event_to_dict(generate_event(40, 4, 24, seed=1)))
    job = solving.start_solve(event, time_limit=120)
    db.session.commit()
    deadline = time.monotonic() + 60
    while job.best_score is None and time.monotonic() < deadline:
        time.sleep(0.2)
        db.session.commit()
        solving.refresh(job)
    assert job.best_score is not None, job.error

    try:
        solving.request_stop(job)
        db.session.commit()
    except solving.SolveError:  # proved optimal in the meantime: nothing left to stop
        pass
    wait_for(job, timeout=90)

    assert job.status in ("stopped", "done"), job.error
    assert job.running_event_id is None
    assert (job.finished_at.replace(tzinfo=None) - job.started_at.replace(tzinfo=None)).total_seconds() < 100
    # The best schedule found before the stop is kept as a draft.
    assert job.version is not None, job.error
    assert job.version.status in ("feasible", "optimal") and len(job.version.sessions) == 40
