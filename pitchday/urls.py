"""What a URL may carry: path segments and query values within bounds, before any view or query sees them.

A path segment is at most ``SEGMENT_LENGTH`` characters without control characters (NUL in a
slug made PostgreSQL refuse the query: a 500), and an integer segment fits a database id (10^25
in a URL overflowed the driver: a 500). Out of bounds, the URL matches no page: a 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# The largest row id: PostgreSQL's integer (SQLite's ids stay far below it at a pitch day's scale).
LARGEST_ID = 2**31 - 1
SEGMENT_LENGTH = 1000


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>``: ASCII digits, 0 to LARGEST_ID."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(
            map, fixed_digits=fixed_digits, min=min, max=LARGEST_ID if max is None else max, signed=signed
        )
        self.regex = r"[0-9]{1,10}"


class BoundedTextConverter(UnicodeConverter):
    """``<name>``: one segment of at most SEGMENT_LENGTH characters, none of them a control character."""

    def __init__(
        self, map: Map, minlength: int = 1, maxlength: int = SEGMENT_LENGTH, length: int | None = None
    ) -> None:
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = f"[^/\\x00-\\x1f\\x7f-\\x9f]{{{minlength},{maxlength}}}"


def install_converters(url_map: Map) -> None:
    """Before any rule is added: every route of the app gets the bounded converters."""
    url_map.converters["int"] = BoundedIntegerConverter
    url_map.converters["default"] = BoundedTextConverter
    url_map.converters["string"] = BoundedTextConverter


def row_id(text: str) -> int:
    """A query value that names a row (``?comparer=3``): ValueError outside 1..LARGEST_ID."""
    if not (isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 10):
        raise ValueError(text)
    value = int(text)
    if not 1 <= value <= LARGEST_ID:
        raise ValueError(text)
    return value


class RefuseUnreadableHost:
    """WSGI middleware: a Host header that is no host name gets a plain 400 before Flask reads it.

    Flask builds every URL (the error page's too) from the Host header; one that IDNA cannot
    encode (a label of 64 characters, a stray byte) left it without a URL adapter, and even the
    error page failed. The answer is plain text in both languages: no template can be rendered.
    """

    BODY = (
        "En-tête Host invalide : ce n'est pas un nom d'hôte.\nInvalid Host header: it is not a host name.\n"
    ).encode()

    def __init__(self, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST")
        if host is not None and not readable_host(host):
            start_response(
                "400 Bad Request",
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(self.BODY)))],
            )
            return [self.BODY]
        return self.wsgi_app(environ, start_response)


def readable_host(host: str) -> bool:
    """Whether a Host header is a name (or address) and port that URLs can be built from."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if not host or len(host) > 260 or any(ord(char) < 0x21 or ord(char) == 0x7F for char in host):
        return False
    if name.startswith("[") and name.endswith("]"):  # an IPv6 address
        return True
    try:
        encoded = name.encode("idna")
        encoded.decode("ascii").encode("ascii").decode("idna")
    except UnicodeError:
        return False
    return True
