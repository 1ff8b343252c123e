"""The one CSV writer of the app: files that French spreadsheets open as they are, and that run nothing.

UTF-8 with a byte order mark, semicolons, decimal commas. A cell that a spreadsheet would read
as a formula (it starts with = + - @, a tab or a carriage return: OWASP's list) gets a leading
apostrophe, in every cell of every export, the header row included: a company named
``=HYPERLINK(...)`` or a rubric label ``+cmd|...`` stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as a spreadsheet cell: text that can never be a formula."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_csv(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """The CSV text (BOM first) of a header row and data rows, every cell through ``cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(value) for value in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return "\ufeff" + buffer.getvalue()
