"""Figures as the visitor reads them: the one home of every number a page or a message shows.

Babel writes them in the visitor's locale (Flask-Babel's ``get_locale``): ``12,5 %`` and
``52 560 000`` in French, ``12.5%`` and ``52,560,000`` in English. Templates use the filters
that :func:`register` installs (``number``, ``signed``, ``percent``); Python code that words a
message calls the functions. The browser's scripts follow the same rule with ``Intl.NumberFormat``
on the page's ``lang``. Files for spreadsheets keep their own format (``services.spreadsheets``).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import format_date, format_decimal, format_percent, get_locale

NOTHING = "—"  # a figure not known yet (no score, no gap)


def number(value: float | int | None, digits: int | None = None) -> str:
    """A number in the visitor's locale; with ``digits``, exactly that many decimals (``60,0``)."""
    if value is None:
        return NOTHING
    if digits is None:
        return format_decimal(value)
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits > 0 else ""))


def signed(value: int | float | None) -> str:
    """Points with their sign, ``+12`` or ``−3``: what a term adds to or takes from a score."""
    if value is None:
        return NOTHING
    return format_decimal(value, format="+#,##0;-#,##0")


def percent(share: float | None, digits: int = 0) -> str:
    """A share (0.168) as a percentage in the visitor's locale (``16,8 %``, ``16.8%``) with ``digits`` decimals."""
    if share is None:
        return NOTHING
    pattern = get_locale().percent_formats[None].pattern
    if digits > 0:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return format_percent(share, format=pattern)


def register(app: Flask) -> None:
    """The template filters: numbers, signed points, shares and short dates in the visitor's locale."""
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["signed"] = signed
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["date_short"] = lambda day: format_date(day, "medium")
