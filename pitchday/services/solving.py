"""Background solves: the scheduler runs on a worker, never inside a web request.

The web request records a ``SolveJob`` with its input and asks for the "solve" task after its
commit (``pitchday.infrastructure.tasks``): a child process of the server by default, a ``flask worker`` on
any host with Redis. A unique column on the job (``running_event_id``) lets only one solve run
per event, whoever presses the button; a conditional claim (queued -> running) lets only one
worker run a job, however often the queue delivers it.

Liveness is a heartbeat, never a pid: the worker writes ``heartbeat_at`` every
``SOLVE_HEARTBEAT_INTERVAL`` with its progress and best schedule so far. Any host that reads the
job (the organiser's page polls it) closes a job whose heartbeat is older than
``SOLVE_HEARTBEAT_LIMIT`` as failed and frees its event; the best schedule the lost worker
reported is kept as a draft. No signal is ever sent: a process on another host cannot be
signalled, and a pid read after a restart may name an unrelated process.

Stopping: the request sets ``stop_requested`` on the row. The worker's ``should_stop`` reads it
(at most every STOP_CHECK_INTERVAL), so the solve ends within a second and its best schedule is
saved as usual. A worker that has not answered ``SOLVE_STOP_GRACE`` seconds after the stop has its
job closed by whoever reads it next, keeping the best schedule it reported.

Every function here flushes and never commits, except the worker-side writers of progress and
heartbeat, which write through their own short connections while the solve runs.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

import scheduler
from pitchday import numbers
from pitchday.extensions import db
from pitchday.infrastructure import tasks
from pitchday.models import Event, Expert, ScheduleVersion, SolveJob
from pitchday.services import journal, moves, versions
from pitchday.services.event_io import to_scheduler_event
from pitchday.services.wording import Origin
from scheduler import data as sd
from scheduler import io as sio
from scheduler import validate

log = logging.getLogger(__name__)

MIN_TIME_LIMIT = 1.0
MAX_TIME_LIMIT = 600.0
# Progress is written at most this often: a fast solve finds dozens of schedules a second.
PROGRESS_INTERVAL = 0.3
# How often the worker reads the job's stop flag: one tiny query, never more often than this.
STOP_CHECK_INTERVAL = 0.5

_JOBS = SolveJob.__table__


def solve_now(event: Event, *, time_limit: float = 10.0, workers: int | None = None) -> sd.Result:
    """Solve the event in this process (the CLI and the demo; the web pages solve in the background)."""
    return scheduler.solve(to_scheduler_event(event), time_limit=time_limit, workers=workers)


class SolveError(ValueError):
    """A solve that cannot be started or stopped, with the reason for the organiser."""


def start_solve(
    event: Event,
    *,
    time_limit: float,
    spec: sd.Event | None = None,
    origin: Origin | None = None,
    workers: int | None = None,
    absence: moves.Absence | None = None,
) -> SolveJob:
    """Record a job and ask a worker for it after the commit; refuse if a solve of this event runs.

    An ``absence`` (an absent juror's re-plan, whose ``spec`` has their availability cut already) is stored
    only if the solve finds a schedule: otherwise the juror's availability stays as it was.
    """
    if not MIN_TIME_LIMIT <= time_limit <= MAX_TIME_LIMIT:
        raise SolveError(
            _(
                "La durée de calcul doit être entre %(low)s et %(high)s secondes.",
                low=numbers.number(MIN_TIME_LIMIT),
                high=numbers.number(MAX_TIME_LIMIT),
            )
        )
    for job in active_jobs(event):
        refresh(job)
    job = SolveJob(
        event=event,
        running_event_id=event.id,
        status="queued",
        origin=origin.code if origin else "",
        origin_params=dict(origin.params) if origin and origin.params else None,
        time_limit=time_limit,
        workers=workers,
        spec=sio.event_to_dict(spec or to_scheduler_event(event)),
        absence=absence.to_json() if absence else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(job)
            db.session.flush()
    except IntegrityError:
        raise SolveError(_("Un calcul de planning est déjà en cours pour cet événement.")) from None
    tasks.after_commit("solve", job.id)
    journal.record(
        event,
        "schedule.generated",
        subject=str(origin or ""),
        after={"job": job.id, "time_limit": time_limit},
    )
    return job


def replace_absent(
    base: ScheduleVersion, expert: Expert, *, day: date, from_min: int, time_limit: float
) -> SolveJob:
    """An absent juror: a re-plan of ``base`` that keeps what has happened and replaces them,
    changing little; their availability ends there once a schedule replaces them (``moves.Absence``)."""
    event = base.event
    if any(refresh(job).is_active for job in active_jobs(event)):
        raise SolveError(_("Un calcul de planning est déjà en cours pour cet événement."))
    absence = moves.Absence(expert=expert.key, day=day, from_min=from_min)
    moves.declare_absent(expert, absence)
    return start_solve(
        event,
        time_limit=time_limit,
        spec=moves.replan_spec(event, base, frozen_before=(day, from_min), absence=absence),
        origin=Origin("replacement", {"juror": expert.name}),
        absence=absence,
    )


def active_jobs(event: Event) -> list[SolveJob]:
    return list(
        db.session.execute(
            db.select(SolveJob).where(
                SolveJob.event_id == event.id, SolveJob.status.in_(("queued", "running"))
            )
        ).scalars()
    )


def latest_job(event: Event) -> SolveJob | None:
    return (
        db.session.execute(
            db.select(SolveJob).where(SolveJob.event_id == event.id).order_by(SolveJob.id.desc())
        )
        .scalars()
        .first()
    )


def job_of_version(version: ScheduleVersion) -> SolveJob | None:
    """The solve that made a version (None for a hand change, a delay or an import)."""
    return db.session.execute(db.select(SolveJob).filter_by(version_id=version.id)).scalars().first()


def request_stop(job: SolveJob) -> None:
    """Ask the solve to end now and keep its best schedule; a job no worker has taken ends at once."""
    if not job.is_active:
        raise SolveError(_("Ce calcul est déjà terminé."))
    if _close(job, "stopped", "stopped_before_start", only_if_status="queued"):
        return
    job.stop_requested = True
    job.stop_requested_at = datetime.now(UTC)
    db.session.flush()


def refresh(job: SolveJob) -> SolveJob:
    """Read the job again; close it if its worker is lost, ignores a stop, or never came."""
    db.session.refresh(job)
    if job.is_active:
        close_if_lost(job)
    return job


def close_if_lost(job: SolveJob, now: datetime | None = None) -> bool:
    """Close an active job whose worker can no longer be counted on; True if this call closed it.

    Safe from any host at once: the close is a conditional update, so only one reader wins, and
    only that one saves the lost worker's best schedule as a draft.
    """
    now = now or datetime.now(UTC)
    config = current_app.config
    if job.status == "queued":
        if now - _aware(job.started_at) > timedelta(seconds=config["SOLVE_QUEUE_LIMIT"]):
            return _close(job, "failed", "never_started", only_if_status="queued")
        return False
    if job.stop_requested_at is not None and now - _aware(job.stop_requested_at) > timedelta(
        seconds=config["SOLVE_STOP_GRACE"]
    ):
        return _close(job, "stopped", "stop_unanswered", keep_best=True)
    beat = job.heartbeat_at or job.claimed_at or job.started_at
    if now - _aware(beat) > timedelta(seconds=config["SOLVE_HEARTBEAT_LIMIT"]):
        return _close(job, "failed", "worker_lost", keep_best=True)
    return False


def close_lost_jobs() -> int:
    """Close every job whose worker is lost, whatever its event (a worker does this when it starts)."""
    active = db.session.execute(
        db.select(SolveJob).where(SolveJob.status.in_(("queued", "running")))
    ).scalars()
    return sum(close_if_lost(job) for job in list(active))


def close_undelivered(job_id: int) -> None:
    """The task could not reach the queue (Redis down) after the job was committed: close it now."""
    with db.engine.begin() as connection:
        connection.execute(
            update(_JOBS)
            .where(_JOBS.c.id == job_id, _JOBS.c.status == "queued")
            .values(
                status="failed",
                outcome="queue_unavailable",
                running_event_id=None,
                finished_at=datetime.now(UTC),
            )
        )


def _close(
    job: SolveJob, status: str, outcome: str, *, only_if_status: str = "running", keep_best: bool = False
) -> bool:
    closed = (
        db.session.execute(
            update(_JOBS)
            .where(_JOBS.c.id == job.id, _JOBS.c.status == only_if_status)
            .values(status=status, outcome=outcome, running_event_id=None, finished_at=datetime.now(UTC))
        ).rowcount
        == 1
    )
    db.session.refresh(job)
    if closed and keep_best:
        job.version = _keep_best(job)
        if job.absence and job.version is not None:  # a lost worker's best schedule replaces the juror too
            _settle_absence(job, job.version, job.outcome, job.error)
        db.session.flush()
    return closed


def _keep_best(job: SolveJob) -> ScheduleVersion | None:
    """The best schedule a worker reported before it was lost, as a draft, if it is valid for the event."""
    if not job.best_sessions or not job.spec:
        return None
    spec = sio.parse_event(job.spec)
    try:
        sessions = sio.sessions_from_dicts(job.best_sessions)
    except sio.EventFormatError:
        log.warning("job %s: its best schedule cannot be read", job.id)
        return None
    if validate.check_schedule(spec, sessions):
        log.warning("job %s: its best schedule breaks a rule, not kept", job.id)
        return None
    terms = validate.score_terms(spec, sessions)
    result = sd.Result(
        status=sd.Status.FEASIBLE,
        sessions=sessions,
        score=terms.total(spec.objective_weights),
        terms=terms,
        best_bound=job.best_bound,
        solve_seconds=job.elapsed or 0.0,
        changes=validate.changes(spec, sessions),
    )
    return _save(job, result)[0]


def _aware(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back without their zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def job_state(job: SolveJob) -> dict:
    """What the progress page shows, as codes and numbers: status, outcome, best score, bound, gap and time."""
    elapsed = job.elapsed
    if job.is_active:
        elapsed = (
            (datetime.now(UTC) - _aware(job.claimed_at or job.started_at)).total_seconds()
            if job.status == "running"
            else 0.0
        )
    return {
        "id": job.id,
        "status": job.status,
        "outcome": job.outcome,
        "active": job.is_active,
        "best_score": job.best_score,
        "best_bound": job.best_bound,
        "gap": job.gap,
        "elapsed": round(elapsed or 0.0, 1),
        "time_limit": job.time_limit,
        "solutions": job.solutions,
        "stop_requested": job.stop_requested,
        "version_id": job.version_id,
        "worker": job.worker,
        # Seconds since the worker last said it was alive (None before a worker took the job).
        "heartbeat_age": round((datetime.now(UTC) - _aware(job.heartbeat_at)).total_seconds(), 1)
        if job.is_active and job.heartbeat_at
        else None,
        "detail": job.error,
    }


# --- on the worker ---------------------------------------------------------------------------


def claim(job_id: int, worker: str) -> SolveJob | None:
    """Take a queued job for this worker; None if another has it, or it was stopped while it waited."""
    now = datetime.now(UTC)
    claimed = (
        db.session.execute(
            update(_JOBS)
            .where(_JOBS.c.id == job_id, _JOBS.c.status == "queued")
            .values(status="running", worker=worker, claimed_at=now, heartbeat_at=now)
        ).rowcount
        == 1
    )
    return db.session.get(SolveJob, job_id, populate_existing=True) if claimed else None


def run_claimed(job: SolveJob) -> None:
    """Solve a claimed job, beating its heart, and record how it ended (the worker commits)."""
    config = current_app.config
    claimed_by = job.worker
    heart = _Heartbeat(
        job.id,
        claimed_by,
        interval=config["SOLVE_HEARTBEAT_INTERVAL"],
        abandon_after=config["SOLVE_STOP_GRACE"] * 2,
    )
    result: sd.Result | None = None
    outcome, detail = "", ""
    heart.start()
    try:
        if not job.stop_requested:
            result = scheduler.solve(
                sio.parse_event(job.spec),
                time_limit=job.time_limit,
                workers=job.workers,
                on_progress=heart.report,
                should_stop=_StopFlag(job.id),
            )
    except Exception as exc:
        log.exception("solve job %s failed", job.id)
        outcome, detail = "solver_error", str(exc)[:2000]
    finally:
        heart.stop()
    _finish(job, claimed_by, result, outcome, detail)


def _finish(job: SolveJob, claimed_by: str, result: sd.Result | None, outcome: str, detail: str) -> None:
    db.session.refresh(job)
    if job.status != "running" or job.worker != claimed_by:
        # Closed meanwhile by a reader who judged this worker lost: its best is kept already; keep ours
        # as well if nothing was.
        if result is not None and result.sessions and job.version_id is None:
            job.version = _save(job, result)[0]
            db.session.flush()
        return
    stopped = job.stop_requested
    version = None
    if result is not None:
        job.elapsed = result.solve_seconds
        if result.score is not None:
            job.best_score, job.best_bound = result.score, result.best_bound
        if result.status is not sd.Status.UNKNOWN:
            version, save_detail = _save(job, result)
            if version is None:
                outcome, detail = "not_saved", save_detail
        elif not outcome:
            outcome = "no_schedule_in_time"
    elif not outcome and stopped:
        outcome = "stopped_before_schedule"
    if job.absence:
        outcome, detail = _settle_absence(job, version, outcome, detail)
    job.version = version
    job.outcome, job.error = outcome, detail
    job.status = "stopped" if stopped else ("failed" if outcome and version is None else "done")
    job.finished_at = datetime.now(UTC)
    job.running_event_id = None
    job.best_sessions = None  # the schedule is a version now (or was not wanted): no need to keep it twice
    db.session.flush()


def _settle_absence(
    job: SolveJob, version: ScheduleVersion | None, outcome: str, detail: str
) -> tuple[str, str]:
    """An absent juror's re-plan: the absence is stored with the schedule that replaces them, or not at all.

    With no schedule (none exists, none found in time, stopped, failed), the juror's availability stays
    as it was, and the outcome says so, naming the juror; a kept absence changes nothing in the outcome.
    """
    absence = moves.Absence.from_json(job.absence)
    if version is not None and version.sessions:
        moves.apply_absence(job.event, absence)
        return outcome, detail
    expert = next((e for e in job.event.experts if e.key == absence.expert), None)
    return "absence_not_kept", expert.name if expert else absence.expert


def _save(job: SolveJob, result: sd.Result) -> tuple[ScheduleVersion | None, str]:
    try:
        with db.session.begin_nested():
            return versions.save_result(job.event, result, _origin_of(job), note=job.note), ""
    except (KeyError, IntegrityError) as exc:  # the event was edited during the solve
        return None, str(exc)[:2000]


def _origin_of(job: SolveJob) -> Origin | None:
    return Origin(job.origin, job.origin_params or {}) if job.origin else None


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
                    self._stop = bool(
                        connection.execute(
                            db.select(SolveJob.stop_requested).where(SolveJob.id == self._job_id)
                        ).scalar()
                    )
            return self._stop


@dataclass
class _Pending:
    progress: sd.Progress
    solutions: int


class _Heartbeat:
    """Says the worker is alive, with its progress and best schedule, from a thread of its own.

    Each better score is written at most every PROGRESS_INTERVAL (from the solver's thread, so the
    page follows a fast solve), and at each beat in any case: a score held back by the throttle is
    never left waiting for the next improvement. The best schedule itself is written with the beat
    only (it is larger, and only needed if the worker is lost).

    A solver that does not end ``abandon_after`` seconds after a stop was requested ends the process:
    the job is closed by its next reader with the best schedule reported here (see close_if_lost).
    """

    def __init__(self, job_id: int, worker: str, *, interval: float, abandon_after: float) -> None:
        self._job_id = job_id
        self._worker = worker
        self._interval = interval
        self._abandon_after = abandon_after
        self._engine = db.engine
        self._lock = threading.Lock()
        self._pending: _Pending | None = None
        self._best: sd.Progress | None = None
        self._best_written = True
        self._solutions = 0
        self._last_progress_write = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"heartbeat of solve job {job_id}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=10)

    def report(self, progress: sd.Progress) -> None:
        with self._lock:
            new_schedule = self._best is None or progress.score != self._best.score
            if new_schedule:  # not a tighter bound alone: that is no schedule found
                self._solutions += 1
            self._pending = _Pending(progress, self._solutions)
            if new_schedule:
                self._best, self._best_written = progress, False
            due = time.monotonic() - self._last_progress_write >= PROGRESS_INTERVAL
        if due:
            self._write(with_schedule=False)

    def _held_back_due(self) -> bool:
        with self._lock:
            return (
                self._pending is not None
                and time.monotonic() - self._last_progress_write >= PROGRESS_INTERVAL
            )

    def _write(self, *, with_schedule: bool) -> bool:
        """One short transaction: the beat, and whatever progress is pending. Whether a stop is asked."""
        with self._lock:
            pending, self._pending = self._pending, None
            best = self._best if with_schedule and not self._best_written else None
            if best is not None:
                self._best_written = True
            self._last_progress_write = time.monotonic()
        values: dict = {"heartbeat_at": datetime.now(UTC)}
        if pending is not None:
            values.update(
                best_score=pending.progress.score,
                best_bound=pending.progress.bound,
                elapsed=pending.progress.elapsed,
                solutions=pending.solutions,
            )
        if best is not None:
            values["best_sessions"] = sio.sessions_to_dicts(best.sessions)
        with self._engine.begin() as connection:
            connection.execute(
                update(_JOBS)
                .where(
                    _JOBS.c.id == self._job_id, _JOBS.c.worker == self._worker, _JOBS.c.status == "running"
                )
                .values(**values)
            )
            stop_at = connection.execute(
                db.select(_JOBS.c.stop_requested_at).where(_JOBS.c.id == self._job_id)
            ).scalar()
        return stop_at is not None

    def _beat(self) -> None:
        stop_seen_at: float | None = None
        last_beat = time.monotonic()
        # Ticks at the throttle's pace: a score held back by it goes out within PROGRESS_INTERVAL, not at
        # the next improvement (which may never come) nor at the next beat (2 s, or more if configured).
        while not self._done.wait(min(PROGRESS_INTERVAL, self._interval)):
            if time.monotonic() - last_beat < self._interval:
                if self._held_back_due():
                    try:
                        self._write(with_schedule=False)
                    except Exception:
                        log.exception("progress of solve job %s", self._job_id)
                continue
            last_beat = time.monotonic()
            try:
                stop_asked = self._write(with_schedule=True)
            except Exception:
                log.exception("heartbeat of solve job %s", self._job_id)
                continue
            if stop_asked and stop_seen_at is None:
                stop_seen_at = time.monotonic()
            if stop_seen_at is not None and time.monotonic() - stop_seen_at > self._abandon_after:
                log.error("solve job %s ignores its stop: ending this process", self._job_id)
                os._exit(3)
        try:
            self._write(with_schedule=False)  # the last throttled score
        except Exception:
            log.exception("last progress of solve job %s", self._job_id)
