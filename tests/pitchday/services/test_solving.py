"""Background solves: one per event, progress recorded, the result saved as a draft, stop keeps the best."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from pitchday.extensions import db
from pitchday.models import SolveJob
from pitchday.services import event_io, solving, versions
from scheduler import io as sio
from tests.builders import import_event


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

    wait_for(job)

    assert job.status == "done", job.error
    assert job.version is not None and job.version.number is None
    assert job.version.status == "optimal"
    assert job.best_score == job.version.score
    assert len(job.version.sessions) == len(event.pitches)
    assert job.running_event_id is None
    assert job.worker and job.heartbeat_at is not None and job.outcome == ""
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


def _running_job(event, *, silent_for: float, **values) -> SolveJob:
    """A job a worker claimed and last beat for ``silent_for`` seconds ago (no process behind it)."""
    beat = datetime.now(UTC) - timedelta(seconds=silent_for)
    job = SolveJob(
        event=event,
        running_event_id=event.id,
        status="running",
        time_limit=5,
        worker="elsewhere:1",
        spec=sio.event_to_dict(event_io.to_scheduler_event(event)),
        started_at=beat,
        claimed_at=beat,
        heartbeat_at=beat,
        **values,
    )
    db.session.add(job)
    db.session.commit()
    return job


def test_a_job_whose_heartbeat_stopped_is_closed_and_frees_the_event(ctx, rouen):
    event = import_event(rouen)
    job = _running_job(event, silent_for=ctx.config["SOLVE_HEARTBEAT_LIMIT"] + 1)

    solving.refresh(job)
    db.session.commit()

    assert job.status == "failed" and job.outcome == "worker_lost" and job.running_event_id is None
    assert job.version is None  # it had reported no schedule
    again = solving.start_solve(event, time_limit=5)  # the event is free
    db.session.commit()
    assert wait_for(again).status == "done"


def test_a_lost_worker_leaves_its_best_schedule_as_a_draft(ctx, rouen):
    event = import_event(rouen)
    found = solving.solve_now(event, time_limit=5)
    job = _running_job(
        event,
        silent_for=ctx.config["SOLVE_HEARTBEAT_LIMIT"] + 1,
        best_score=found.score,
        best_bound=found.best_bound,
        best_sessions=sio.sessions_to_dicts(found.sessions),
    )

    solving.refresh(job)
    db.session.commit()

    assert job.status == "failed" and job.outcome == "worker_lost"
    assert job.version is not None and job.version.number is None and job.version.status == "feasible"
    assert job.version.score == found.score and len(job.version.sessions) == len(event.pitches)


def test_a_best_schedule_that_breaks_a_rule_is_not_kept(ctx, rouen):
    event = import_event(rouen)
    found = solving.solve_now(event, time_limit=5)
    broken = [dict(session, panel=[]) for session in sio.sessions_to_dicts(found.sessions)]
    job = _running_job(event, silent_for=ctx.config["SOLVE_HEARTBEAT_LIMIT"] + 1, best_sessions=broken)

    solving.refresh(job)

    assert job.status == "failed" and job.version is None


def test_a_beating_job_is_left_running(ctx, rouen):
    event = import_event(rouen)
    job = _running_job(event, silent_for=1)

    solving.refresh(job)

    assert job.status == "running" and job.running_event_id == event.id


def test_two_readers_closing_one_lost_job_keep_one_draft(ctx, rouen):
    event = import_event(rouen)
    found = solving.solve_now(event, time_limit=5)
    job = _running_job(
        event,
        silent_for=ctx.config["SOLVE_HEARTBEAT_LIMIT"] + 1,
        best_sessions=sio.sessions_to_dicts(found.sessions),
    )
    first = solving.close_if_lost(job)
    set_committed_value(job, "status", "running")  # what a second host read before the first closed it
    second = solving.close_if_lost(job)
    db.session.commit()

    assert (first, second) == (True, False)
    assert len(versions.versions_of(event)) == 1


def test_a_queued_job_no_worker_takes_is_closed(ctx, rouen):
    event = import_event(rouen)
    long_ago = datetime.now(UTC) - timedelta(seconds=ctx.config["SOLVE_QUEUE_LIMIT"] + 1)
    job = SolveJob(event=event, running_event_id=event.id, status="queued", time_limit=5, started_at=long_ago)
    db.session.add(job)
    db.session.commit()

    solving.refresh(job)

    assert job.status == "failed" and job.outcome == "never_started" and job.running_event_id is None


def test_stopping_a_queued_job_ends_it_at_once_and_no_worker_runs_it(ctx, rouen):
    event = import_event(rouen)
    job = SolveJob(event=event, running_event_id=event.id, status="queued", time_limit=5)
    db.session.add(job)
    db.session.commit()

    solving.request_stop(job)
    db.session.commit()

    assert job.status == "stopped" and job.outcome == "stopped_before_start" and job.running_event_id is None
    assert solving.claim(job.id, "late:1") is None


def test_a_job_is_claimed_once(ctx, rouen):
    event = import_event(rouen)
    job = SolveJob(event=event, running_event_id=event.id, status="queued", time_limit=5)
    db.session.add(job)
    db.session.commit()

    assert solving.claim(job.id, "first:1") is not None
    assert solving.claim(job.id, "second:2") is None
    assert job.worker == "first:1"


def test_a_stop_the_worker_does_not_answer_closes_the_job(ctx, rouen):
    event = import_event(rouen)
    asked = datetime.now(UTC) - timedelta(seconds=ctx.config["SOLVE_STOP_GRACE"] + 1)
    job = _running_job(event, silent_for=0, stop_requested=True, stop_requested_at=asked)

    solving.refresh(job)

    assert job.status == "stopped" and job.outcome == "stop_unanswered" and job.running_event_id is None


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


def test_a_score_held_back_by_the_throttle_is_written_soon_without_waiting_for_the_next(ctx, rouen):
    """Issue 13, defect 2: the panel showed 998 for 12 s while the solve already had 1079.

    The throttle keeps a score found right after another; it must be written within a moment, not at
    the next improvement nor only at the next beat (a long one here, to tell them apart).
    """
    from scheduler import data as sd

    event = import_event(rouen)
    job = _running_job(event, silent_for=0)
    heart = solving._Heartbeat(job.id, "elsewhere:1", interval=30.0, abandon_after=60.0)
    heart.start()
    try:
        heart.report(sd.Progress(score=998, bound=1166, elapsed=1.0))  # written at once
        heart.report(sd.Progress(score=1079, bound=1095, elapsed=1.1))  # held back by the throttle
        deadline = time.monotonic() + 3 * solving.PROGRESS_INTERVAL + 1.0
        while time.monotonic() < deadline:
            db.session.commit()  # a fresh read
            db.session.refresh(job)
            if job.best_score == 1079:
                break
            time.sleep(0.05)
    finally:
        heart.stop()
    assert (job.best_score, job.best_bound, job.solutions) == (1079, 1095, 2)


def _published(event):
    version = versions.publish(versions.save_result(event, solving.solve_now(event, time_limit=10)))
    db.session.commit()
    return version


def test_an_absent_juror_is_replanned_from_the_base_keeping_what_has_happened(ctx, rouen):
    event = import_event(rouen)
    base = _published(event)
    last = max(base.sessions, key=lambda s: (s.date, s.start_min))
    expert = last.seats[0].expert
    job = solving.replace_absent(base, expert, day=last.date, from_min=last.start_min, time_limit=5)
    db.session.commit()

    assert (job.origin, job.origin_params) == ("replacement", {"juror": expert.name})
    assert job.absence == {"expert": expert.key, "day": last.date.isoformat(), "from_min": last.start_min}
    spec = sio.parse_event(job.spec)
    assert spec.previous and len(spec.previous) == len(base.sessions)  # the re-plan starts from the base
    frozen = {lock.pitch for lock in spec.locks or () if lock.pitch != last.pitch.key}
    assert frozen == {
        s.pitch.key for s in base.sessions if (s.date, s.start_min) < (last.date, last.start_min)
    }
    wait_for(job)
    db.session.expire_all()
    if job.version is not None and job.version.sessions:  # replaced: the availability ends there
        assert all(w.date < last.date or w.end_min <= last.start_min for w in expert.windows)


def test_an_absent_juror_is_not_marked_while_a_solve_runs(ctx, rouen):
    event = import_event(rouen)
    base = _published(event)
    running = solving.start_solve(event, time_limit=5)
    db.session.commit()
    expert = base.sessions[-1].seats[0].expert
    windows = [(w.date, w.start_min, w.end_min) for w in expert.windows]
    with pytest.raises(solving.SolveError, match="déjà en cours"):
        solving.replace_absent(base, expert, day=base.sessions[-1].date, from_min=0, time_limit=5)
    assert [(w.date, w.start_min, w.end_min) for w in expert.windows] == windows
    wait_for(running)
