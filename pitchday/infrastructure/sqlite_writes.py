"""SQLite writers wait in a queue that wakes them at once, instead of SQLite's sleeping busy handler.

SQLite lets one transaction write at a time. A writer that finds the lock taken runs the
busy handler, which sleeps and retries at growing intervals (up to 100 ms a turn): under 200
jurors' autosaves, bench/load.py measured autosaves waiting seconds in the worker while the
lock was free most of the time. Here a connection takes an exclusive lock on a file beside
the database (``<database>-writes``) before its first INSERT/UPDATE/DELETE, and lets go right
after its COMMIT or ROLLBACK. Threads of one process queue on a ``threading.Lock``, which
wakes the next one as soon as it is released; one thread per process then polls the file
lock every millisecond for the other processes. SQLite's own locking stays underneath:
whoever waits longer than ``WAIT_SECONDS`` goes on without the queue and meets the busy
timeout as before, so a stuck writer cannot hang the others for ever. A killed process's
file lock is released by the kernel.

Only file databases use it (``config.engine_options``); an in-memory database has one connection.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time

WAIT_SECONDS = 10.0
POLL_SECONDS = 0.001
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")

_process_locks: dict[tuple[int, str], threading.Lock] = {}  # keyed by pid too: a forked child starts afresh
_process_locks_guard = threading.Lock()


def _process_lock(path: str) -> threading.Lock:
    key = (os.getpid(), path)
    with _process_locks_guard:
        return _process_locks.setdefault(key, threading.Lock())


def is_write(statement: str) -> bool:
    return statement.lstrip().upper().startswith(WRITE_VERBS)


class QueuedWritesConnection(sqlite3.Connection):
    """A ``sqlite3`` connection that joins the write queue before its first write of a transaction."""

    def __init__(self, database, *args, **kwargs) -> None:
        super().__init__(database, *args, **kwargs)
        self._queue_path = f"{os.fspath(database)}-writes"
        self._queue_file: int | None = (
            None  # one open file per connection: file locks of one process conflict
        )
        self._holding: threading.Lock | None = None

    def cursor(self, factory: type[sqlite3.Cursor] | None = None) -> sqlite3.Cursor:
        return super().cursor(factory or QueuedWritesCursor)

    def join_write_queue(self) -> None:
        if self._holding is not None:
            return
        deadline = time.monotonic() + WAIT_SECONDS
        in_process = _process_lock(self._queue_path)
        if not in_process.acquire(timeout=WAIT_SECONDS):
            return  # SQLite's busy timeout decides
        try:
            if self._queue_file is None:
                self._queue_file = os.open(self._queue_path, os.O_RDWR | os.O_CREAT, 0o600)
            while not self._took_file_lock():
                if time.monotonic() >= deadline:
                    in_process.release()
                    return
                time.sleep(POLL_SECONDS)
        except BaseException:
            in_process.release()  # an unreadable lock file must not leave this process's writers waiting
            raise
        self._holding = in_process

    def _took_file_lock(self) -> bool:
        try:
            fcntl.flock(self._queue_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def leave_write_queue(self) -> None:
        holding, self._holding = self._holding, None
        if holding is not None:
            try:
                fcntl.flock(self._queue_file, fcntl.LOCK_UN)
            finally:
                holding.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_write_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_write_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_write_queue()
            if self._queue_file is not None:
                os.close(self._queue_file)
                self._queue_file = None


class QueuedWritesCursor(sqlite3.Cursor):
    def execute(self, statement: str, *parameters: object) -> sqlite3.Cursor:
        return self._in_queue_if_writing(super().execute, statement, parameters)

    def executemany(self, statement: str, *parameters: object) -> sqlite3.Cursor:
        return self._in_queue_if_writing(super().executemany, statement, parameters)

    def _in_queue_if_writing(self, run, statement, parameters):
        if not is_write(statement):
            return run(statement, *parameters)
        self.connection.join_write_queue()
        try:
            return run(statement, *parameters)
        finally:
            # In autocommit mode (or a write that failed before its implicit BEGIN) no commit will follow.
            if not self.connection.in_transaction:
                self.connection.leave_write_queue()
