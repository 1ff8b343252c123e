"""Background work on a real queue: RQ on a real Redis server, `flask worker` processes started by the test.

Each test runs the product's own worker command in a process of its own (its own session, so that
SIGKILL reaches the worker and its work horse at once), against the test's database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generate import generate_event
from pitchday.extensions import db
from pitchday.infrastructure.tasks import Task
from pitchday.models import OutboundMail, SolveJob
from pitchday.services import event_io, mail, solving
from scheduler import io as sio
from tests.builders import import_event

ROOT = Path(__file__).resolve().parents[2]
# Beats ten times a second for the test; a lost worker is declared so after 3 s of silence.
QUICK = {"SOLVE_HEARTBEAT_INTERVAL": 0.25, "SOLVE_HEARTBEAT_LIMIT": 3.0, "SOLVE_STOP_GRACE": 4.0}
pytestmark = pytest.mark.slow


class Workers:
    """`flask worker` processes of the test's own, stopped (or killed) with it."""

    def __init__(self, app, redis_url: str, log_dir: Path, extra_env: dict | None = None) -> None:
        self.processes: list[subprocess.Popen] = []
        self.log_dir = log_dir
        self.env = dict(
            os.environ,
            FLASK_APP="pitchday",
            PITCHDAY_QUEUE_URL=redis_url,
            DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
            **{f"PITCHDAY_{name}": str(value) for name, value in QUICK.items()},
            **(extra_env or {}),
        )

    def start(self) -> subprocess.Popen:
        log = self.log_dir / f"worker-{len(self.processes)}.log"
        with log.open("wb") as output:  # read it when a test fails: the worker's own account
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "worker"],
                cwd=ROOT,
                env=self.env,
                start_new_session=True,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen, horse_pid: int) -> None:
        """SIGKILL the worker and its work horse (a session of its own, which RQ gives it), as a lost host."""
        os.kill(horse_pid, signal.SIGKILL)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def queue_app(make_app, redis_url):
    app = make_app(QUEUE_URL=redis_url, **QUICK)
    with app.app_context():
        yield app


@pytest.fixture
def workers(queue_app, redis_url, tmp_path):
    running = Workers(queue_app, redis_url, tmp_path)
    yield running
    running.stop_all()


def wait_for(job: SolveJob, condition, timeout: float = 90.0) -> SolveJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.commit()  # end the read transaction, so the worker's commits are seen
        solving.refresh(job)
        db.session.commit()
        if condition(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"solve job {job.id}: {job.status}/{job.outcome} after {timeout} s")


def a_long_event():
    """40 pitches: long enough to search for the whole time limit, fast to find a first schedule."""
    return event_io.import_event(sio.event_to_dict(generate_event(40, 4, 24, seed=1)))


def test_a_solve_runs_on_a_worker_process(queue_app, workers, rouen):
    worker = workers.start()
    event = import_event(rouen)
    job = solving.start_solve(event, time_limit=5)
    db.session.commit()

    wait_for(job, lambda job: not job.is_active)

    assert job.status == "done", (job.outcome, job.error)
    assert job.version is not None and job.version.status == "optimal"
    host_pid = job.worker.rsplit(":", 1)
    assert int(host_pid[1]) not in (os.getpid(),)  # it ran in the worker's horse, not here
    assert worker.poll() is None  # the worker goes on, ready for the next


def test_a_worker_killed_mid_solve_fails_the_job_keeps_its_best_and_frees_the_event(queue_app, workers):
    worker = workers.start()
    event = a_long_event()
    job = solving.start_solve(event, time_limit=120)
    db.session.commit()
    wait_for(job, lambda job: job.best_sessions is not None, timeout=60)

    workers.kill(worker, horse_pid=int(job.worker.rsplit(":", 1)[1]))
    killed_at = time.monotonic()
    wait_for(job, lambda job: not job.is_active, timeout=30)

    assert time.monotonic() - killed_at < QUICK["SOLVE_HEARTBEAT_LIMIT"] + 5
    assert job.status == "failed" and job.outcome == "worker_lost" and job.running_event_id is None
    assert job.version is not None and job.version.status == "feasible"
    assert len(job.version.sessions) == 40
    # The event is free: a new solve is accepted, and runs on a new worker.
    workers.start()
    again = solving.start_solve(event, time_limit=2)
    db.session.commit()
    assert wait_for(again, lambda job: not job.is_active).status == "done"


def test_two_workers_never_run_the_same_solve(queue_app, workers, rouen):
    from redis import Redis
    from rq import Queue
    from rq.job import Job

    workers.start()
    workers.start()
    event = import_event(rouen)
    job = solving.start_solve(event, time_limit=5)
    db.session.commit()
    with pytest.raises(solving.SolveError):
        solving.start_solve(event, time_limit=5)  # one solve per event
    db.session.rollback()
    queue_app.extensions["pitchday_tasks"].dispatch([Task("solve", (job.id,))])  # the queue delivers it twice

    wait_for(job, lambda job: not job.is_active)
    connection = Redis.from_url(queue_app.config["QUEUE_URL"])
    deadline = time.monotonic() + 30
    results: list = []
    while time.monotonic() < deadline:
        ids = Queue("pitchday-solves", connection=connection).finished_job_registry.get_job_ids()
        results = sorted(Job.fetch(job_id, connection=connection).return_value() for job_id in ids)
        if len(results) == 2:
            break
        time.sleep(0.1)
    assert results == ["done", "skipped"]
    assert job.status == "done"


def test_a_stop_request_ends_a_solve_running_in_another_process_and_keeps_its_best(queue_app, workers):
    workers.start()
    event = a_long_event()
    job = solving.start_solve(event, time_limit=120)
    db.session.commit()
    wait_for(job, lambda job: job.status == "running" and job.best_score is not None, timeout=60)

    solving.request_stop(job)
    db.session.commit()
    asked_at = time.monotonic()
    wait_for(job, lambda job: not job.is_active, timeout=30)

    assert time.monotonic() - asked_at < 10
    assert job.status == "stopped" and job.outcome == "", (job.outcome, job.error)
    assert job.version is not None and len(job.version.sessions) == 40


def test_mail_jobs_are_retried_after_an_smtp_failure(make_app, redis_url, smtp_server, tmp_path):
    app = make_app(QUEUE_URL=redis_url, **smtp_server.config(), MAIL_RETRY_DELAYS=(1, 1, 1))
    running = Workers(
        app,
        redis_url,
        tmp_path,
        extra_env={**smtp_server.environment(), "PITCHDAY_MAIL_RETRY_DELAYS": "1,1,1"},
    )
    try:
        with app.app_context():
            running.start()
            smtp_server.recorder.refuse = 2
            message = mail.queue_message("juree@example.org", "Planning modifié", "Votre créneau a changé.")
            db.session.commit()
            received = smtp_server.recorder.wait_for(1, timeout=60)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                db.session.rollback()
                stored = db.session.get(OutboundMail, message.id, populate_existing=True)
                if stored.status == "sent":
                    break
                time.sleep(0.1)
    finally:
        running.stop_all()
    assert received[0]["Subject"] == "Planning modifié"
    assert stored.status == "sent" and stored.attempts == 3
