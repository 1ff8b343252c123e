"""Juror tokens never reach a log in full: every log line of the app and of its servers goes through here.

A juror's link is their only credential, and it is in the URL: Flask's "Exception on
/jury/<token>/…", the development server's request lines, gunicorn's access and error logs
would each write it whole. ``redact`` keeps the first ``TOKEN_PREFIX_LOGGED`` characters (enough
to tell two links apart, useless to replay) of whatever follows ``/jury/``.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gunicorn.config import Config as GunicornConfig

TOKEN_PREFIX_LOGGED = 4
# A juror URL's token segment, also percent-encoded (%2F is not a segment end) and in a referrer.
# The URL prefixes whose next segment is a secret: juror links, and companies' feedback links.
SECRET_LINK_PREFIXES = ("/jury/", "/retour/")
_JUROR_TOKEN = re.compile(rf"(/jury/|/retour/)([^/?#\s\"']{{0,{TOKEN_PREFIX_LOGGED}}})[^/?#\s\"']*")


def redact(text: str) -> str:
    """``text`` with every juror (and company) token cut to its first characters and an ellipsis."""
    if not any(prefix in text for prefix in SECRET_LINK_PREFIXES):
        return text
    return _JUROR_TOKEN.sub(
        lambda m: f"{m[1]}{m[2]}…" if m.end() - m.start(2) > TOKEN_PREFIX_LOGGED else m[0], text
    )


class RedactJurorTokens(logging.Filter):
    """A logging filter that rewrites each record's message with ``redact`` (the arguments merged in)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: the handler reports it
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


# The loggers that write request URLs: the app's (Flask's "Exception on …"), the development
# server's request lines, and gunicorn's error and access logs (see also RedactingGunicornLogger).
URL_LOGGERS = ("werkzeug", "gunicorn.error", "gunicorn.access", "pitchday")


def install(app_logger: logging.Logger) -> None:
    """Put the filter on the app's logger and on every server logger that writes URLs (once each)."""
    for logger in (app_logger, *map(logging.getLogger, URL_LOGGERS)):
        if not any(isinstance(f, RedactJurorTokens) for f in logger.filters):
            logger.addFilter(RedactJurorTokens())


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is a dependency, but the app must load without it (flask run)
    _GunicornLogger = object


class RedactingGunicornLogger(_GunicornLogger):  # type: ignore[misc, valid-type]
    """gunicorn's logger with juror tokens cut in its access and error logs (``logger_class`` in gunicorn.conf.py).

    gunicorn builds its access lines itself (``%(r)s``, ``%(U)s``, the referrer ``%(f)s``) and
    its handlers are set up before the app is loaded: the filter goes on them here.
    """

    def setup(self, cfg: GunicornConfig) -> None:
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactJurorTokens) for f in logger.filters):
                logger.addFilter(RedactJurorTokens())
