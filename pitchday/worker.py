"""The entry point of background work: where a task runs, whichever process carries it.

A task runs like a request: the services it calls flush, and this module commits. It runs in
a child process of the web server (the embedded default, ``run_in_child``) or in an RQ work
horse of a ``flask worker`` process (``run_task``), on the web host or another.

Retries: a mail whose SMTP server refused it is tried again after each of ``MAIL_RETRY_DELAYS``
(RQ's retry in a worker; a sleep in the child). A solve is not retried: a worker lost mid-solve
leaves its job failed, with its best schedule kept as a draft (``solving.close_if_lost``), and
the organiser chooses whether to solve again.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from collections.abc import Callable

import click
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext

from pitchday.extensions import db
from pitchday.infrastructure.tasks import QUEUES, Task

log = logging.getLogger(__name__)

# What a child process needs of its parent's configuration, beyond what it reads from the environment.
_CHILD_CONFIG_PREFIXES = ("SQLALCHEMY_DATABASE_URI", "MAIL_", "SOLVE_", "TESTING", "BABEL_")


class RetryLater(Exception):
    """The task recorded a failure that a later attempt may not meet (an SMTP server down)."""


def worker_name() -> str:
    """How the organiser's page names the process that runs a job: host and pid, for reading only."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _solve(job_id: int) -> str:
    from pitchday.services import solving

    job = solving.claim(job_id, worker_name())
    db.session.commit()
    if job is None:
        return "skipped"  # delivered twice, or stopped while it waited: someone else has it, or nobody should
    solving.run_claimed(job)
    db.session.commit()
    return "done"


def _mail(message_id: int) -> str:
    from pitchday.services import mail

    message = mail.claim(message_id)
    db.session.commit()
    if message is None:
        return "skipped"  # sent already, given up, or being sent by another worker
    outcome = mail.send_claimed(message)
    db.session.commit()
    if outcome == "retry":
        raise RetryLater(f"mail {message_id}")
    return outcome


TASKS: dict[str, Callable[[int], str]] = {"solve": _solve, "mail": _mail}


def _run(name: str, args: tuple[int, ...]) -> str:
    try:
        return TASKS[name](*args)
    except BaseException:
        db.session.rollback()
        raise
    finally:
        db.session.remove()


# --- RQ: a work horse of `flask worker` -----------------------------------------------------------


def run_task(name: str, args: list[int]) -> str:
    """RQ's entry point, in the work horse forked for this task."""
    if not has_app_context():  # a worker started by `rq worker` rather than `flask worker`
        from pitchday import create_app

        with create_app().app_context():
            return run_task(name, args)
    # The horse is a fork of the worker: its pooled connections belong to the parent.
    db.engine.dispose(close=False)
    return _run(name, tuple(args))


def rq_options(task: Task) -> dict:
    """How long RQ lets a task run before ending its horse, and how it retries a mail."""
    from rq import Retry

    config = current_app.config
    if task.name == "solve":
        # The solve ends itself at its time limit; this only ends a horse that hangs past it.
        return {
            "job_timeout": int(config["SOLVE_MAX_TIME_LIMIT"]) + 120,
            "result_ttl": 3600,
            "failure_ttl": 86400,
            "description": f"solve job {task.args[0]}",
        }
    delays = [max(1, round(delay)) for delay in config["MAIL_RETRY_DELAYS"]]
    return {
        "job_timeout": 120,
        "result_ttl": 3600,
        "failure_ttl": 7 * 86400,
        "retry": Retry(max=len(delays), interval=delays),
        "description": f"mail {task.args[0]}",
    }


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty (tests, cron).")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background solves and mails from the Redis queue (PITCHDAY_QUEUE_URL)."""
    from redis import Redis
    from rq import Queue, Worker

    url = current_app.config.get("QUEUE_URL")
    if not url:
        click.echo(
            "Erreur : PITCHDAY_QUEUE_URL n'est pas défini (par exemple redis://127.0.0.1:6379/0) ; "
            "sans lui, les calculs tournent dans le serveur web lui-même.",
            err=True,
        )
        sys.exit(1)
    connection = Redis.from_url(url)
    queues = [Queue(name, connection=connection) for name in QUEUES.values()]
    from pitchday.services import mail, solving

    solving.close_lost_jobs()  # the jobs this host (or another) lost before a restart: their events are freed
    mail.requeue_waiting()  # mails whose hand-over to Redis failed, or that a lost worker left
    db.session.commit()
    # The parent's connections are not the horses': open none before forking.
    db.engine.dispose()
    Worker(queues, connection=connection, name=f"pitchday-{worker_name()}".replace(":", "-")).work(
        burst=burst, with_scheduler=True
    )


# --- the embedded default: a child process of the web server ---------------------------------------


def child_config(app: Flask) -> dict:
    return {key: value for key, value in app.config.items() if key.startswith(_CHILD_CONFIG_PREFIXES)}


def run_in_child(config_values: dict, tasks: list[Task]) -> None:
    """A child process's entry point: build an app on the parent's database and run the tasks in turn.

    A mail the SMTP server refused is tried again after each of MAIL_RETRY_DELAYS, the others going
    on meanwhile; a mail still refused after the last is left recorded as failed, with the reason.
    """
    from config import Config
    from pitchday import create_app

    config = Config()
    for key, value in config_values.items():
        setattr(config, key, value)
    config.SQLALCHEMY_ENGINE_OPTIONS = _child_engine_options(config.SQLALCHEMY_DATABASE_URI)
    app = create_app(config)
    with app.app_context():
        delays = list(app.config["MAIL_RETRY_DELAYS"])
        # (when it is due, order, task, how many retries it has had)
        due = [(0.0, order, task, 0) for order, task in enumerate(tasks)]
        try:
            while due:
                due.sort()
                at, order, task, retries = due.pop(0)
                time.sleep(max(0.0, at - time.monotonic()))
                try:
                    _run(task.name, task.args)
                except RetryLater:
                    if retries < len(delays):
                        due.append((time.monotonic() + delays[retries], order, task, retries + 1))
        except KeyboardInterrupt:
            pass  # Ctrl-C in the server's terminal reaches its children too
        finally:
            db.engine.dispose()


def _child_engine_options(database_uri: str) -> dict:
    from config import engine_options

    options = engine_options(database_uri)
    if "pool_size" in options:
        options.update(pool_size=2, max_overflow=2)  # a task holds one connection, its heartbeat another
    return options


def dispatch_failed(task: Task) -> None:
    """A task that could not reach its queue (Redis down): say so on its row, outside the finished transaction."""
    if task.name == "solve":
        from pitchday.services import solving

        solving.close_undelivered(task.args[0])
    # A mail stays queued: `flask worker` hands waiting mails over again when it starts.
