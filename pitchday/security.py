"""Security headers on every response, and rate limits on login and juror links.

Kept out of the views: the limits watch the requests and responses of the login
page and of every URL that carries a juror token, whatever blueprint serves it.
"""

from __future__ import annotations

import logging

from flask import Flask, abort, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from pitchday.infrastructure import ratelimit
from pitchday.logs import TOKEN_PREFIX_LOGGED  # how much of a token any log shows
from pitchday.models import Expert, Pitch
from pitchday.services import accounts, feedback

logger = logging.getLogger(__name__)

# No 'unsafe-inline' anywhere: scripts and styles come from /static only, so an
# injected <script> or style="" attribute is refused by the browser.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "connect-src 'self'; "
    "font-src 'self'; "
    "object-src 'none'; "
    "frame-ancestors 'none'; "
    "base-uri 'self'; "
    "form-action 'self'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Juror tokens are in URLs: a link followed to another site must not carry them along.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# Pages that hold a juror's or a company's token, or an organiser's data: never kept by a shared browser
# or a proxy.
PRIVATE_BLUEPRINTS = ("juror", "organiser", "scoreboard", "company")

LOGIN_ENDPOINT = "organiser.login"
# Login attempts (right or wrong) per address and account, and per address over all accounts
# (one address trying many accounts); an attempt is counted before its password is checked.
LOGIN_PER_ACCOUNT = ratelimit.Limit("login", "10 per 15 minutes")
LOGIN_PER_ADDRESS = ratelimit.Limit("login-address", "50 per 15 minutes")
UNKNOWN_TOKENS = ratelimit.Limit("juror-token", "20 per 10 minutes")
UNKNOWN_COMPANY_LINKS = ratelimit.Limit("company-link", "20 per 10 minutes")
# An e-mail longer than any address is cut to this for the key (the form refuses it anyway).
EMAIL_KEY_LENGTH = 254

# A refused upload is read to its end (up to this much) so that the browser gets the 413 page:
# a server that closes with the body unread makes the client see a reset connection instead.
DRAIN_REFUSED_UPLOAD_BYTES = 64 * 1024 * 1024


def init_security(app: Flask) -> None:
    """Bind the headers, the cookie checks and the rate limits to the app."""
    app.config.setdefault("RATELIMIT_ENABLED", not app.testing)
    if app.config.get("SESSION_COOKIE_SECURE") and app.debug:
        raise RuntimeError("PITCHDAY_ENV=production must not run in debug mode: it shows stack traces")
    ratelimit.init_limits(app)
    app.before_request(_count_login_attempt)
    app.before_request(_count_unknown_juror_tokens)
    app.before_request(_count_unknown_company_links)
    app.after_request(_add_security_headers)
    app.after_request(_drain_refused_upload)
    app.register_error_handler(RecursionError, _refuse_deep_nesting)


def _limits_on() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED"))


def login_email() -> str:
    """The account a login request is for, whatever the body's format (form, multipart, JSON).

    The key must be the one the form will check: a JSON body or an e-mail sent as a file part
    must not land on an empty key that every attacker shares (or that escapes the limit).
    """
    email = request.form.get("email")
    if email is None and request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    if email is None and "email" in request.files:
        email = request.files["email"].filename
    return str(email if isinstance(email, str) else "").strip().lower()[:EMAIL_KEY_LENGTH]


def _count_login_attempt() -> None:
    """Every login attempt is counted before the password is checked; past the limit, a 429."""
    if not (_limits_on() and request.endpoint == LOGIN_ENDPOINT and request.method == "POST"):
        return
    address = request.remote_addr or "-"
    within = ratelimit.hit(LOGIN_PER_ADDRESS, address)
    within = ratelimit.hit(LOGIN_PER_ACCOUNT, address, login_email()) and within
    if not within:
        abort(429, _("Trop de tentatives de connexion. Réessayez dans un quart d'heure."))


def _count_unknown_juror_tokens() -> None:
    """Every request with an unknown juror token is logged; too many from one address get a 429.

    Valid links always go through: at a venue every tablet shares one public address,
    and one person's typing errors must not lock the whole jury out.
    """
    token = (request.view_args or {}).get("token")
    if not isinstance(token, str) or juror_of_link(token) is not None:
        return
    logger.warning(
        "unknown juror link %s… (%d characters) from %s on %s",
        token[:TOKEN_PREFIX_LOGGED],
        len(token),
        request.remote_addr,
        request.endpoint,
    )
    if _limits_on() and not ratelimit.hit(UNKNOWN_TOKENS, request.remote_addr or "-"):
        abort(429, _("Trop de liens de juré inconnus depuis cette adresse. Réessayez dans dix minutes."))


def _count_unknown_company_links() -> None:
    """As for juror links: a company's feedback link guessed is logged, and too many from one address get a 429."""
    token = (request.view_args or {}).get("link_token")
    if not isinstance(token, str) or pitch_of_company_link(token) is not None:
        return
    logger.warning(
        "unknown company link %s… (%d characters) from %s on %s",
        token[:TOKEN_PREFIX_LOGGED],
        len(token),
        request.remote_addr,
        request.endpoint,
    )
    if _limits_on() and not ratelimit.hit(UNKNOWN_COMPANY_LINKS, request.remote_addr or "-"):
        abort(429, _("Trop de liens de retour inconnus depuis cette adresse. Réessayez dans dix minutes."))


def pitch_of_company_link(token: str) -> Pitch | None:
    """The pitch a company's link belongs to, looked up once per request (this check, then the view)."""
    known: dict[str, Pitch | None] = request.environ.setdefault("pitchday.company_links", {})
    if token not in known:
        known[token] = feedback.pitch_of_link(token)
    return known[token]


def juror_of_link(token: str) -> Expert | None:
    """The expert a juror link belongs to, looked up once per request (this check, then the view)."""
    known: dict[str, Expert | None] = request.environ.setdefault("pitchday.juror_links", {})
    if token not in known:
        known[token] = accounts.juror_from_token(token)
    return known[token]


def _refuse_deep_nesting(_error: RecursionError):
    """JSON nested a thousand levels deep overflows Python's parser: that is bad input, not a crash."""
    logger.warning("input nested too deep on %s", request.endpoint)
    return current_app.handle_http_exception(
        BadRequest(_("Le contenu envoyé est imbriqué trop profondément pour être lu. Vérifiez le fichier."))
    )


def _drain_refused_upload(response):
    """Read the rest of a too-large body: the sender then gets the page, not a broken pipe."""
    length = request.content_length
    if response.status_code == 413 and length and length <= DRAIN_REFUSED_UPLOAD_BYTES:
        stream = request.environ.get("wsgi.input")
        left = length
        while stream is not None and left > 0:
            chunk = stream.read(min(64 * 1024, left))
            if not chunk:
                break
            left -= len(chunk)
    return response


def _add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.blueprint in PRIVATE_BLUEPRINTS or "token" in (request.view_args or {}):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
