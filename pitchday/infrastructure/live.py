"""Live scoring board: one computation per change, shared by every viewer, sent as server-sent events.

Each worker process keeps one ``BoardFeed`` per app. A stream never queries the database
itself: it asks the feed, which checks the event's last change (one indexed ``max``) at
most once per ``check_every`` seconds for the whole process, recomputes the board only
when that number moved, and wakes every waiting stream. A commit in this process that
changed marks nudges the feed (at once, unless the board is costly and was just computed:
see ``cost_factor``); other worker processes see it at their next check.

A stream holds one of its worker's threads for as long as it is open, so a process keeps at
most ``long_streams`` of them (a quarter of gunicorn.conf.py's 16 threads): beyond that, a
viewer gets the board and the stream ends at once, and the browser's EventSource comes back
after ``retry_ms``, which turns that board into a poll. Without the cap, boards that happened
to land on one process took its threads, and the jurors' autosaves sent to that process
waited for a free one (bench/load.py).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from pitchday.extensions import db

_PENDING_KEY = "pitchday_live_events"
_EXTENSION_KEY = "pitchday_live_feed"


@dataclass
class _Entry:
    stamp: int | None = None
    text: str = ""  # the board as JSON, written once for every stream of the process ("": not computed yet)
    checked_at: float = float("-inf")
    nudged: bool = False
    cost: float = 0.0  # CPU seconds the last computation of the board took
    computing: bool = False  # a thread is checking or computing it (outside the feed's lock)


@dataclass
class BoardFeed:
    """The cached board of each event in this process, and a condition that streams wait on."""

    check_every: float = 1.0
    # A nudge (a local commit) brings the next check forward; but checks are never closer together
    # than this many times what the board last cost to compute: with jurors committing many marks a
    # second, a board that takes 30 ms (200 jurors) is recomputed every 1.5 s, using 2% of a core in
    # each process, while a small event's board follows every commit. (At 10, four gunicorn processes
    # spent a fifth of the machine on boards under bench/load.py, and the jurors' autosaves waited.)
    cost_factor: float = 50.0
    # ...but an organiser watching the board never waits longer than this for a change, however costly
    # the board looked: a first computation also pays for cold caches, and on a slow machine its cost
    # once set a five-second gap that outlived the stream.
    longest_interval: float = 3.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _entries: dict[int, _Entry] = field(default_factory=dict)
    # Streams open in this process (for the status of the server, and for tests that wait for them to end).
    open_streams: int = 0

    def __post_init__(self) -> None:
        self._changed = threading.Condition(self._lock)

    def open_stream(self, long_streams: int) -> bool:
        """Count a stream in; whether it may stay open (False: this process has its share of them)."""
        with self._lock:
            if self.open_streams >= long_streams:
                return False
            self.open_streams += 1
            return True

    def close_stream(self) -> None:
        with self._lock:
            self.open_streams -= 1

    def current(
        self, event_id: int, stamp_of: Callable[[int], int], payload_of: Callable[[int], dict]
    ) -> tuple[int, str]:
        """The event's (stamp, board as JSON); at most one database check per interval, whoever asks.

        The check and the board are computed outside the lock, by one thread at a time; the others
        get the board as it was. Under the lock, every autosave's commit (its nudge) waited for the
        board's queries: on PostgreSQL under load, up to a second (bench/load.py).
        """
        with self._lock:
            entry = self._entries.setdefault(event_id, _Entry())
            while entry.computing and not entry.text:  # the very first board: wait for it, there is no other
                self._changed.wait()
            if entry.computing or (
                entry.text and time.monotonic() - entry.checked_at < self._interval(entry)
            ):
                return entry.stamp or 0, entry.text
            entry.computing = True
            entry.checked_at = time.monotonic()
            entry.nudged = False
            known_stamp, known_text = entry.stamp, entry.text
        fresh: tuple[int, str, float] | None = None
        try:
            stamp = stamp_of(event_id)
            if stamp != known_stamp or not known_text:
                # CPU time, not wall time: a busy machine must not make the board look costlier (and so
                # slower to update) than it is.
                started = time.thread_time()
                text = json.dumps(payload_of(event_id), ensure_ascii=False)
                fresh = (stamp, text, time.thread_time() - started)
        finally:
            db.session.remove()  # give the connection back: a stream holds none while it waits
            with self._lock:
                entry.computing = False
                if fresh is not None:
                    entry.stamp, entry.text, entry.cost = fresh
                self._changed.notify_all()
        return (fresh[0], fresh[1]) if fresh else (known_stamp or 0, known_text or "{}")

    def _interval(self, entry: _Entry) -> float:
        return max(
            0.0 if entry.nudged else self.check_every,
            min(entry.cost * self.cost_factor, self.longest_interval),
        )

    def nudge(self, event_id: int) -> None:
        """A change was committed here: check again soon (see ``cost_factor``) and wake the streams."""
        with self._lock:
            self._entries.setdefault(event_id, _Entry()).nudged = True
            self._changed.notify_all()

    def wait(self, timeout: float) -> None:
        with self._changed:
            self._changed.wait(timeout)


def feed() -> BoardFeed:
    """This app's feed (one per app, so that test apps on other databases never share a cache)."""
    extensions = current_app.extensions
    if _EXTENSION_KEY not in extensions:
        with _CREATE_LOCK:
            extensions.setdefault(_EXTENSION_KEY, BoardFeed())
    return extensions[_EXTENSION_KEY]


_CREATE_LOCK = threading.Lock()


def mark_changed(event_id: int) -> None:
    """Remember that this transaction changed the event's board; the streams hear of it after commit."""
    db.session.info.setdefault(_PENDING_KEY, set()).add(event_id)


@sa_event.listens_for(Session, "after_commit")
def _nudge_after_commit(session: Session) -> None:
    for event_id in session.info.pop(_PENDING_KEY, set()):
        feed().nudge(event_id)


@sa_event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def event_stream(
    event_id: int,
    stamp_of: Callable[[int], int],
    payload_of: Callable[[int], dict],
    *,
    max_seconds: float,
    heartbeat_seconds: float = 15.0,
    retry_ms: int = 3000,
    last_seen: int | None = None,
    long_streams: int = 4,
) -> Iterator[str]:
    """Server-sent events: a first comment (so proxies start sending), then the board at each change.

    Bounded: a heartbeat comment every ``heartbeat_seconds``, and the stream ends after ``max_seconds``
    so that workers free up; the browser's EventSource reconnects after ``retry_ms``. Beyond
    ``long_streams`` open in this process, it ends after the board (at once if ``last_seen`` is current).
    """
    board_feed = feed()
    if not board_feed.open_stream(long_streams):
        yield f": flux du tableau des notes (interrogé)\nretry: {retry_ms}\n\n"
        stamp, text = board_feed.current(event_id, stamp_of, payload_of)
        if _newer(stamp, last_seen):
            yield _board_event(stamp, text)
        return
    try:
        yield f": flux du tableau des notes\nretry: {retry_ms}\n\n"
        started = last_sent = time.monotonic()
        sent = last_seen
        while True:
            stamp, text = board_feed.current(event_id, stamp_of, payload_of)
            now = time.monotonic()
            if _newer(stamp, sent):
                sent, last_sent = stamp, now
                yield _board_event(stamp, text)
            elif now - last_sent >= heartbeat_seconds:
                last_sent = now
                yield ": heartbeat\n\n"
            if now - started >= max_seconds:
                return
            board_feed.wait(timeout=min(board_feed.check_every, heartbeat_seconds))
    finally:
        board_feed.close_stream()


def _newer(stamp: int, seen: int | None) -> bool:
    """Whether the board numbered ``stamp`` is news to a browser that has ``seen``.

    Stamps only grow (each change adds an audit row), so a smaller one is a board computed before what
    the browser shows: the cached board of a moment ago, which would put back a lock just undone.
    """
    return seen is None or stamp > seen


def _board_event(stamp: int, text: str) -> str:
    """One server-sent event carrying the board; its id lets a reconnecting browser say what it has."""
    return f"id: {stamp}\nevent: board\ndata: {text}\n\n"
