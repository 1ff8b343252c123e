"""Shared fixtures: an app on a fresh database per test (SQLite, or PostgreSQL when DATABASE_URL is set)."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from config import TestConfig
from pitchday import create_app
from pitchday.extensions import db

ROUEN_FILE = Path(__file__).resolve().parent.parent / "pitchday" / "demo" / "rouen-2023.json"
ROUEN = json.loads(ROUEN_FILE.read_text(encoding="utf-8"))


def database_url(tmp_path: Path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'pitchday-test.db'}"


def drop_everything() -> None:
    """Leave the database empty, Alembic's own table included (PostgreSQL is shared across tests)."""
    db.drop_all()
    with db.engine.begin() as connection:
        if "alembic_version" in inspect(connection).get_table_names():
            connection.execute(text("DROP TABLE alembic_version"))


@pytest.fixture
def app(tmp_path):
    app = create_app(TestConfig(database_url(tmp_path)))
    with app.app_context():
        drop_everything()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        drop_everything()
        db.engine.dispose()


@pytest.fixture
def make_app(tmp_path):
    """Apps like ``app`` with settings changed before they are created (mail, queue, heartbeat)."""
    made = []

    def make(**settings):
        config = TestConfig(database_url(tmp_path))
        for name, value in settings.items():
            setattr(config, name, value)
        app = create_app(config)
        with app.app_context():
            drop_everything()
            db.create_all()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            drop_everything()
            db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An application context, for service tests that use the database directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def rouen() -> dict:
    """The Rouen 2023 event file, as a fresh dict each time (tests may break it)."""
    return copy.deepcopy(ROUEN)


from tests.services import redis_url, smtp_server  # noqa: E402, F401  (fixtures of real servers)
