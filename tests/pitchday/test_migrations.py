"""The schema is built by migrations, and the migrations match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from pitchday.extensions import db
from tests.conftest import drop_everything


def test_migrations_build_the_schema_from_empty_to_head(ctx):
    drop_everything()

    upgrade()

    tables = set(inspect(db.engine).get_table_names())
    assert {"events", "pitches", "experts", "scores", "score_audit", "juror_access", "schedule_versions"} <= tables
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == [], "models changed without a migration: run `flask db migrate`"


def test_migrations_go_back_down_to_empty(ctx):
    drop_everything()
    upgrade()

    downgrade(revision="base")

    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
