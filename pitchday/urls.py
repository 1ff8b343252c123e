"""What a URL may carry: path segments and query values within bounds, before any view or query sees them.

A path segment is at most ``SEGMENT_LENGTH`` characters without control characters (NUL in a
slug made PostgreSQL refuse the query: a 500), and an integer segment fits a database id (10^25
in a URL overflowed the driver: a 500). Out of bounds, the URL matches no page: a 404.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, UnicodeConverter

# The largest row id: PostgreSQL's integer (SQLite's ids stay far below it at a pitch day's scale).
LARGEST_ID = 2**31 - 1
SEGMENT_LENGTH = 1000


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>``: ASCII digits, 0 to LARGEST_ID."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=LARGEST_ID if max is None else max,
                         signed=signed)
        self.regex = r"[0-9]{1,10}"


class BoundedTextConverter(UnicodeConverter):
    """``<name>``: one segment of at most SEGMENT_LENGTH characters, none of them a control character."""

    def __init__(self, map, minlength=1, maxlength=SEGMENT_LENGTH, length=None) -> None:
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = f"[^/\\x00-\\x1f\\x7f-\\x9f]{{{minlength},{maxlength}}}"


def install_converters(url_map) -> None:
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
