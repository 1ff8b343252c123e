"""PitchDay: runs a pitch day from agenda to verdict.

``create_app`` is imported lazily so that ``python -m pitchday schedule`` (the
command-line scheduler) starts without loading Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from config import Config


def create_app(config: Config | None = None) -> Flask:
    """Build the Flask application (see pitchday.app)."""
    from pitchday.app import build_app

    return build_app(config)
