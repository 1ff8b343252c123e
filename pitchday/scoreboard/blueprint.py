"""The scoring board's blueprint, alone in its module: ``views`` and ``feedback`` add their pages to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("scoreboard", __name__)
