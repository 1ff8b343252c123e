"""Files the organiser (or a company) downloads: the one place a Content-Disposition is written."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from flask import Response

# By the file name's ending; text is always UTF-8.
CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".pdf": "application/pdf",
}


def download(body: str | bytes, filename: str, *, inline: bool = False) -> Response:
    """``body`` as the file ``filename``, saved by the browser (or shown, ``inline``, as a PDF in its tab).

    The content type follows the name's ending; the name is the app's own (slugs, keys, numbers),
    never a visitor's text, so it needs no escaping beyond the quotes.
    """
    disposition = "inline" if inline else "attachment"
    return Response(
        body.encode("utf-8") if isinstance(body, str) else body,
        headers={
            "Content-Type": CONTENT_TYPES[PurePosixPath(filename).suffix],
            "Content-Disposition": f'{disposition}; filename="{filename}"',
        },
    )


def json_download(data: object, filename: str) -> Response:
    """A JSON file as people read it too: indented, accents as they are."""
    return download(json.dumps(data, ensure_ascii=False, indent=2), filename)
