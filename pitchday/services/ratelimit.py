"""A fixed-window rate limiter kept in the process's memory.

One server process keeps one set of counters: with several gunicorn workers each
worker counts on its own, so the effective limit is the limit times the workers
(still far below what guessing a 256-bit juror token or an Argon2 password needs).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Above this many remembered keys, expired windows are swept, so that a scan from
# many addresses cannot grow the memory without bound.
SWEEP_ABOVE_KEYS = 10_000


@dataclass(frozen=True)
class Window:
    """The hits counted for one key since the window started."""

    started_at: float
    hits: int


class FixedWindowLimiter:
    """At most ``limit`` hits per key in each window of ``window_seconds``."""

    def __init__(self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("a rate limit needs limit >= 1 and a positive window")
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._windows: dict[str, Window] = {}
        self._lock = threading.Lock()  # gunicorn's threaded workers share one limiter

    def hit(self, key: str) -> bool:
        """Count one hit; True while the key stays within its limit, this hit included."""
        now = self._clock()
        with self._lock:
            window = self._current(key, now)
            window = Window(window.started_at, window.hits + 1)
            self._windows[key] = window
            if len(self._windows) > SWEEP_ABOVE_KEYS:
                self._sweep(now)
            return window.hits <= self.limit

    def is_blocked(self, key: str) -> bool:
        """True when the key has used up its hits in the current window (counts nothing)."""
        with self._lock:
            return self._current(key, self._clock()).hits >= self.limit

    def reset(self, key: str) -> None:
        """Forget the key's hits (a successful login clears its failures)."""
        with self._lock:
            self._windows.pop(key, None)

    def _current(self, key: str, now: float) -> Window:
        window = self._windows.get(key)
        if window is None or now - window.started_at >= self.window_seconds:
            return Window(now, 0)
        return window

    def _sweep(self, now: float) -> None:
        expired = [key for key, window in self._windows.items()
                   if now - window.started_at >= self.window_seconds]
        for key in expired:
            del self._windows[key]
