"""Background solves: the scheduler runs in its own process, never inside a web request.

The web request records a ``SolveJob`` and starts a child process (the 'spawn'
context, so the child shares no database connection or thread with the web
server). The child waits until the request has committed the job, solves,
writes each better score to the job row, and saves the result as a draft
schedule version. A unique column on the job (``running_event_id``) lets only
one solve run per event, whoever presses the button.

Stopping: the web request sets ``stop_requested`` on the job. The child passes
the scheduler a ``should_stop`` that reads that flag (at most every
STOP_CHECK_INTERVAL), so the solve ends within a second and its best schedule is
saved as usual. A solve still running STOP_GRACE seconds after the stop (a
child that hangs) is ended with SIGTERM and the job closed as stopped.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

import scheduler
from pitchday.extensions import db
from pitchday.models import Event, SolveJob
from pitchday.services import schedules
from pitchday.services.event_io import to_scheduler_event
from scheduler import data as sd
from scheduler import io as sio

MIN_TIME_LIMIT = 1.0
MAX_TIME_LIMIT = 600.0
# How long the child waits for the web request to commit its job before giving up.
JOB_VISIBLE_TIMEOUT = 30.0
# Progress is written at most this often: a fast solve finds dozens of schedules a second.
PROGRESS_INTERVAL = 0.3
# After a stop request, how long the solve may take to hand back its best schedule before it is abandoned.
STOP_GRACE = 5.0
# How often the child reads the job's stop flag: one tiny query, never more often than this.
STOP_CHECK_INTERVAL = 0.5


class SolveError(ValueError):
    """A solve that cannot be started or stopped, with the reason for the organiser."""


def start_solve(event: Event, *, time_limit: float, spec: sd.Event | None = None, note: str = "",
                workers: int | None = None) -> SolveJob:
    """Record a job and start its process; refuse if a solve of this event is already running."""
    if not MIN_TIME_LIMIT <= time_limit <= MAX_TIME_LIMIT:
        raise SolveError(_("La durée de calcul doit être entre %(low)s et %(high)s secondes.",
                           low=f"{MIN_TIME_LIMIT:g}", high=f"{MAX_TIME_LIMIT:g}"))
    for job in active_jobs(event):
        refresh(job)
    job = SolveJob(event=event, running_event_id=event.id, status="queued", note=note, time_limit=time_limit)
    try:
        with db.session.begin_nested():
            db.session.add(job)
            db.session.flush()
    except IntegrityError:
        raise SolveError(_("Un calcul de planning est déjà en cours pour cet événement.")) from None
    event_file = sio.event_to_dict(spec or to_scheduler_event(event))
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=run_job, args=(db.engine.url.render_as_string(hide_password=False), job.id, event.id,
                              event_file, time_limit, workers),
        name=f"pitchday-solve-{job.id}")
    process.start()
    # Reap the child when it ends, so that a finished solve leaves no zombie behind.
    threading.Thread(target=process.join, daemon=True).start()
    job.pid = process.pid
    db.session.flush()
    return job


def active_jobs(event: Event) -> list[SolveJob]:
    return list(db.session.execute(
        db.select(SolveJob).where(SolveJob.event_id == event.id, SolveJob.status.in_(("queued", "running")))
    ).scalars())


def latest_job(event: Event) -> SolveJob | None:
    return db.session.execute(
        db.select(SolveJob).where(SolveJob.event_id == event.id).order_by(SolveJob.id.desc())
    ).scalars().first()


def request_stop(job: SolveJob) -> None:
    """Ask the solve to end now and keep its best schedule."""
    if not job.is_active:
        raise SolveError(_("Ce calcul est déjà terminé."))
    job.stop_requested = True
    job.stop_requested_at = datetime.now(UTC)
    db.session.flush()


def refresh(job: SolveJob) -> SolveJob:
    """Close a job whose process has died without reporting, or ignores a stop; frees the event."""
    db.session.refresh(job)
    if not job.is_active or not job.pid:
        return job
    alive = _is_alive(job.pid)
    if alive and job.stop_requested_at is not None and \
            datetime.now(UTC) - _aware(job.stop_requested_at) > timedelta(seconds=STOP_GRACE):
        _signal(job.pid, signal.SIGTERM)
        alive = False
    if not alive:
        job.status = "stopped" if job.stop_requested else "failed"
        job.error = job.error or ("Calcul arrêté : aucun planning n'a pu être gardé." if job.stop_requested
                                  else "Le calcul s'est arrêté sans donner de résultat.")
        job.running_event_id = None
        job.finished_at = datetime.now(UTC)
        db.session.flush()
    return job


def _aware(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back without their zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def job_state(job: SolveJob) -> dict:
    """What the progress page shows: status, best score, bound, gap and time."""
    elapsed = job.elapsed
    if job.is_active:
        elapsed = (datetime.now(UTC) - _aware(job.started_at)).total_seconds()
    return {
        "id": job.id,
        "status": job.status,
        "active": job.is_active,
        "best_score": job.best_score,
        "best_bound": job.best_bound,
        "gap": job.gap,
        "elapsed": round(elapsed or 0.0, 1),
        "time_limit": job.time_limit,
        "solutions": job.solutions,
        "stop_requested": job.stop_requested,
        "version_id": job.version_id,
        "error": job.error,
    }


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


# --- the child process ------------------------------------------------------------------------


def run_job(database_uri: str, job_id: int, event_id: int, event_file: dict, time_limit: float,
            workers: int | None) -> None:
    """The child's entry point: solve, report progress, save the result as a draft version."""
    from config import Config
    from pitchday import create_app

    config = Config()
    config.SQLALCHEMY_DATABASE_URI = database_uri
    app = create_app(config)
    with app.app_context():
        try:
            _run(job_id, event_id, event_file, time_limit, workers)
        finally:
            db.session.remove()
            db.engine.dispose()


def _run(job_id: int, event_id: int, event_file: dict, time_limit: float, workers: int | None) -> None:
    job = _wait_for_job(job_id)
    if job is None:
        return  # the request that created it was rolled back
    job.status, job.pid = "running", os.getpid()
    db.session.commit()
    recorder = _ProgressRecorder(job_id)
    result: sd.Result | None = None
    error = ""
    try:
        if not job.stop_requested:
            result = scheduler.solve(sio.parse_event(event_file), time_limit=time_limit, workers=workers,
                                     on_progress=recorder, should_stop=_StopFlag(job_id))
    except KeyboardInterrupt:
        pass  # Ctrl-C in the server's terminal reaches its children too: nothing to keep
    except Exception as exc:  # noqa: BLE001 (the job row must say why, whatever went wrong)
        error = f"Le calcul a échoué : {exc}"
    recorder.flush()
    _finish(job_id, event_id, result, error)


def _wait_for_job(job_id: int) -> SolveJob | None:
    deadline = time.monotonic() + JOB_VISIBLE_TIMEOUT
    while time.monotonic() < deadline:
        job = db.session.get(SolveJob, job_id)
        if job is not None:
            return job
        db.session.rollback()  # end the read transaction, so the next read sees new commits
        time.sleep(0.1)
    return None


def _finish(job_id: int, event_id: int, result: sd.Result | None, error: str) -> None:
    job = db.session.get(SolveJob, job_id, populate_existing=True)
    event = db.session.get(Event, event_id)
    job.finished_at = datetime.now(UTC)
    job.running_event_id = None
    stopped = job.stop_requested
    if result is not None:
        job.elapsed = result.solve_seconds
        if result.score is not None:
            job.best_score, job.best_bound = result.score, result.best_bound
        if result.status is not sd.Status.UNKNOWN:
            try:
                job.version = schedules.save_result(event, result, note=job.note)
            except Exception as exc:  # noqa: BLE001 (the event was edited during the solve)
                error = f"Le planning trouvé n'a pas pu être enregistré : {exc}"
        elif not error:
            error = "Aucun planning trouvé dans le temps imparti : essayez une durée de calcul plus longue."
    elif not error and stopped:
        error = "Calcul arrêté avant qu'un planning soit trouvé."
    job.error = error
    job.status = "stopped" if stopped else ("failed" if error and job.version is None else "done")
    db.session.commit()


class _StopFlag:
    """Whether the organiser pressed "stop": the job row's flag, read at most every STOP_CHECK_INTERVAL."""

    def __init__(self, job_id: int) -> None:
        self._job_id = job_id
        self._engine = db.engine  # the solver's threads call this: no Flask context, no session
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self._stop = False

    def __call__(self) -> bool:
        with self._lock:
            if not self._stop and time.monotonic() - self._checked_at >= STOP_CHECK_INTERVAL:
                self._checked_at = time.monotonic()
                with self._engine.connect() as connection:
                    self._stop = bool(connection.execute(
                        db.select(SolveJob.stop_requested).where(SolveJob.id == self._job_id)).scalar())
            return self._stop


class _ProgressRecorder:
    """Writes each better score to the job row, from the solver's thread, at most every PROGRESS_INTERVAL."""

    def __init__(self, job_id: int) -> None:
        self._job_id = job_id
        self._engine = db.engine
        self._last_write = 0.0
        self._pending: sd.Progress | None = None
        self._solutions = 0

    def __call__(self, progress: sd.Progress) -> None:
        self._pending = progress
        self._solutions += 1
        if time.monotonic() - self._last_write >= PROGRESS_INTERVAL:
            self.flush()

    def flush(self) -> None:
        progress = self._pending
        if progress is None:
            return
        self._pending = None
        self._last_write = time.monotonic()
        with self._engine.begin() as connection:
            connection.execute(
                update(SolveJob.__table__).where(SolveJob.__table__.c.id == self._job_id)
                .values(best_score=progress.score, best_bound=progress.bound, elapsed=progress.elapsed,
                        solutions=self._solutions))
