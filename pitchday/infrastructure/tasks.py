"""Work after the commit, outside the request: solves and e-mails, handed to a worker.

A service asks for a task with ``after_commit("solve", job_id)``. Nothing leaves the process
until the transaction that asked commits: a rolled-back request starts no solve and sends no
mail, and a worker never looks for a row that is not there yet.

Two ways to carry a task, chosen by the configuration:

- the embedded default (no ``PITCHDAY_QUEUE_URL``): a child process of the web server, started
  with the 'spawn' context so it shares no connection or thread with it. One host, no Redis.
- RQ on Redis (``PITCHDAY_QUEUE_URL=redis://...``): the task waits in a Redis list until a worker
  (``flask worker``, on this host or another) takes it. Solves and mails have queues of their own,
  so that a long solve never holds a mail back.

Either way the database row (``SolveJob``, ``OutboundMail``) is the task's truth: the queue only
says "look at row n". A task delivered twice finds its row already claimed and does nothing.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from dataclasses import dataclass
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# Queue names by task: solves can take minutes, a mail a second.
QUEUES = {"solve": "pitchday-solves", "mail": "pitchday-mail"}
_PENDING = "pitchday_pending_tasks"


@dataclass(frozen=True)
class Task:
    name: str
    args: tuple[int, ...]


class Worker(Protocol):
    """What runs the tasks: ``pitchday.worker``, the entry point of background work, handed over by the
    app factory (this module never imports it: the arrows run from the entry point down)."""

    def child_config(self, app: Flask) -> dict: ...

    def run_in_child(self, config_values: dict, tasks: list[Task]) -> None: ...

    def run_task(self, name: str, args: list[int]) -> str: ...

    def rq_options(self, task: Task) -> dict: ...

    def dispatch_failed(self, task: Task) -> None: ...


class Backend(Protocol):
    worker: Worker

    def dispatch(self, tasks: list[Task]) -> None:
        """Hand over the tasks of one commit; raise if they cannot leave this process."""


def init_app(app: Flask, worker: Worker) -> None:
    url = app.config.get("QUEUE_URL")
    app.extensions["pitchday_tasks"] = RQBackend(url, worker) if url else ChildProcessBackend(app, worker)


def after_commit(name: str, *args: int) -> None:
    """Run task ``name`` once the current transaction commits; never if it rolls back."""
    from pitchday.extensions import db

    if name not in QUEUES:
        raise ValueError(f"unknown task {name!r}")
    db.session.info.setdefault(_PENDING, []).append(Task(name, tuple(args)))


@sa_event.listens_for(Session, "after_commit")
def _dispatch_pending(session: Session) -> None:
    tasks: list[Task] = session.info.pop(_PENDING, [])
    if not tasks:
        return
    backend: Backend = current_app.extensions["pitchday_tasks"]
    try:
        backend.dispatch(tasks)
    except Exception:
        log.exception("tasks %s could not be handed to a worker", tasks)
        for task in tasks:
            backend.worker.dispatch_failed(task)


@sa_event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


class ChildProcessBackend:
    """The embedded default: tasks in child processes of this server, which it reaps.

    Each solve has a child of its own; the mails of one commit share one child, which sends them
    in turn: a publication that moves thirty jurors starts one process, not thirty.
    """

    def __init__(self, app: Flask, worker: Worker) -> None:
        self.worker = worker
        self._config = worker.child_config(app)

    def dispatch(self, tasks: list[Task]) -> None:
        mails = [task for task in tasks if task.name == "mail"]
        for batch in [[task] for task in tasks if task.name != "mail"] + ([mails] if mails else []):
            self._start(batch)

    def _start(self, batch: list[Task]) -> None:
        context = multiprocessing.get_context("spawn")
        process = context.Process(
            target=self.worker.run_in_child,
            args=(self._config, batch),
            name=f"pitchday-{batch[0].name}-{'-'.join(map(str, batch[0].args))}",
        )
        process.start()
        # Reap the child when it ends, so that a finished task leaves no zombie behind.
        threading.Thread(target=process.join, daemon=True).start()


class RQBackend:
    """Tasks wait in Redis for a ``flask worker`` process, on any host."""

    def __init__(self, url: str, worker: Worker) -> None:
        from redis import Redis

        self.worker = worker
        self._redis = Redis.from_url(url)

    def dispatch(self, tasks: list[Task]) -> None:
        from rq import Queue

        for task in tasks:
            Queue(QUEUES[task.name], connection=self._redis).enqueue(
                self.worker.run_task, task.name, list(task.args), **self.worker.rq_options(task)
            )
