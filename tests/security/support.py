"""Apps with the protections the default test config switches off, and a logged-in client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Rule

from config import TestConfig
from pitchday import create_app
from pitchday.extensions import db
from tests.conftest import database_url, drop_everything

CHANGING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
DUMMY_ARGUMENTS = {
    "IntegerConverter": 1,
    "FloatConverter": 1.0,
    "UUIDConverter": "00000000-0000-4000-8000-000000000000",
}


@contextmanager
def strict_app(tmp_path: Path, **settings: object) -> Iterator[Flask]:
    """A fresh app and empty database, with the given config values (e.g. WTF_CSRF_ENABLED=True)."""
    config = TestConfig(database_url(tmp_path))
    for name, value in settings.items():
        setattr(config, name, value)
    app = create_app(config)
    with app.app_context():
        drop_everything()
        db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            drop_everything()
            db.engine.dispose()


def log_in_as(client: FlaskClient, organiser_id: int) -> None:
    """An organiser session without going through the form (which a CSRF-enabled app would refuse)."""
    from pitchday.models import Organiser

    with client.application.app_context():
        session_key = db.session.get(
            Organiser, organiser_id
        ).get_id()  # the account's current session version
    with client.session_transaction() as session:
        session["_user_id"] = session_key
        session["_fresh"] = True


def example_url(rule: Rule, values: dict[str, object]) -> str:
    """The rule's URL with each argument taken from ``values`` (by name), else a plausible dummy."""
    arguments = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        kind = next((cls.__name__ for cls in type(converter).__mro__ if cls.__name__ in DUMMY_ARGUMENTS), "")
        arguments[name] = values.get(name, DUMMY_ARGUMENTS.get(kind, "x"))
    return rule.build(arguments, append_unknown=False)[1]


def table_row_counts() -> dict[str, int]:
    """Rows per table: 'nothing changed' in one comparison."""
    return {
        table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }


def app_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
