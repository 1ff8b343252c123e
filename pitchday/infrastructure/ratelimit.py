"""Rate limits, counted by Flask-Limiter's storage: in memory by default, in Redis for several processes.

Every attempt is counted *before* it is carried out, in one atomic step of the storage
(``hit``: increment, then compare): 30 simultaneous wrong passwords for one account cannot
all pass a check made before any of them is counted. Nothing resets a counter early, so
logging into one's own account never clears the attempts made on another.

``RATELIMIT_STORAGE_URI`` chooses the storage (``PITCHDAY_RATELIMIT_STORAGE``): ``memory://``
keeps the counters in each server process (with 4 gunicorn workers the limits are 4 times as
loose); ``redis://host:port/db`` shares them between every process and host of the app.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """A named limit: at most ``amount`` per ``window`` (in the ``limits`` notation, e.g. "10 per 15 minutes")."""

    name: str
    rule: str

    @property
    def item(self) -> RateLimitItem:
        return parse(self.rule)


def init_limits(app: Flask) -> None:
    """One Flask-Limiter per app (tests make many apps), on the configured storage."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "pitchday")
    # No limit applies to routes by itself: the app counts what it chooses (pitchday.security).
    app.extensions["pitchday_limiter"] = Limiter(
        get_remote_address, app=app, default_limits=[], strategy="fixed-window"
    )


def hit(limit: Limit, *identity: str) -> bool:
    """Count one attempt for ``identity``; True while within the limit, this attempt included.

    If the storage cannot be reached (Redis down), the attempt goes through and the failure is
    logged: jurors and organisers must not be locked out of a pitch day by a cache.
    """
    limiter: Limiter = current_app.extensions["pitchday_limiter"]
    try:
        return limiter.limiter.hit(limit.item, *_key(limit, identity))
    except Exception:  # any storage error: redis.ConnectionError, a timeout...
        logger.exception("rate limit storage unavailable; %s not counted", limit.name)
        return True


def remaining(limit: Limit, *identity: str) -> int:
    """How many attempts are left in the current window (for tests and logs)."""
    limiter: Limiter = current_app.extensions["pitchday_limiter"]
    return limiter.limiter.get_window_stats(limit.item, *_key(limit, identity)).remaining


def _key(limit: Limit, identity: tuple[str, ...]) -> tuple[str, ...]:
    # The prefix keeps apart the apps sharing one Redis (each test app has its own).
    return (current_app.config["RATELIMIT_KEY_PREFIX"], limit.name, *identity)
