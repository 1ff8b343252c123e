"""HTTP validators for the public pages: a phone on the venue's weak Wi-Fi re-downloads only what changed.

A page's ETag is computed before it is rendered, from what decides its content (published
version, language, filters...), so an unchanged page costs a 304 and no rendering.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from pathlib import Path

from flask import Response, current_app, make_response, request
from flask_login import current_user


def cached_response(key: Iterable[object], last_modified: datetime | None,
                    build: Callable[[], Response | str | bytes]) -> Response:
    """The response ``build`` makes, with validators; a 304 without calling it when the visitor has it."""
    parts = [*key, templates_stamp(), _viewer()]
    etag = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        response = make_response(build())
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    return with_revalidation(response).make_conditional(request)


def content_etag_response(body: bytes, mimetype: str, last_modified: datetime | None = None) -> Response:
    """A small generated body (JSON, .ics) validated by a hash of the body itself."""
    response = current_app.response_class(body, mimetype=mimetype)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified
    return with_revalidation(response).make_conditional(request)


def with_revalidation(response: Response) -> Response:
    """Caches may keep the page but must ask each time; a signed-in organiser's pages stay private."""
    response.cache_control.no_cache = True
    if current_user.is_authenticated:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.vary.update(("Cookie", "Accept-Language"))
    return response


def _viewer() -> str:
    """Organisers see their own menu in the header: their pages must not match a visitor's."""
    return f"organiser:{current_user.get_id()}" if current_user.is_authenticated else "public"


@cache
def templates_stamp() -> str:
    """Changes when a deployment changes the templates, so that old copies stop validating."""
    folder = Path(current_app.template_folder or "templates")
    if not folder.is_absolute():
        folder = Path(current_app.root_path) / folder
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.html")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def asset_stamp(static_folder: str, filename: str) -> str:
    """A short hash of a static file, put in its URL so that it can be cached for a long time."""
    return hashlib.sha256((Path(static_folder) / filename).read_bytes()).hexdigest()[:10]
