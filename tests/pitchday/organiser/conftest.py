"""Fixtures of the organiser's pages: a signed-in client, and a solved draft of the Rouen event."""

from __future__ import annotations

import pytest

from pitchday.extensions import db
from pitchday.services import solving, versions
from tests.builders import create_organiser, import_event, login


@pytest.fixture
def organiser_client(client, ctx):
    create_organiser()
    login(client)
    return client


@pytest.fixture
def draft(ctx, rouen):
    event = import_event(rouen)
    version = versions.save_result(event, solving.solve_now(event, time_limit=5))
    db.session.commit()
    return version
