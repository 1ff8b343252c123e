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
    assert {
        "events",
        "pitches",
        "experts",
        "scores",
        "score_audit",
        "juror_access",
        "schedule_versions",
    } <= tables
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == [], "models changed without a migration: run `flask db migrate`"


def test_migrations_go_back_down_to_empty(ctx):
    drop_everything()
    upgrade()

    downgrade(revision="base")

    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_existing_organisers_become_owners_of_existing_events(ctx):
    from importlib import import_module
    from pathlib import Path

    from sqlalchemy import text

    teams_migration = next(
        (Path(__file__).resolve().parents[2] / "pitchday" / "migrations" / "versions").glob(
            "8b87f9decdff_*.py"
        )
    )
    before_teams = import_module(f"pitchday.migrations.versions.{teams_migration.stem}").down_revision
    drop_everything()
    upgrade(revision=before_teams)
    with db.engine.begin() as connection:
        for email in ("rouen@example.org", "lille@example.org"):
            connection.execute(
                text(
                    "INSERT INTO organisers (email, name, password_hash, active, created_at) "
                    "VALUES (:email, '', 'x', :yes, CURRENT_TIMESTAMP)"
                ),
                {"email": email, "yes": True},
            )
        for slug in ("rouen-2023", "lille-2023"):
            connection.execute(
                text(
                    "INSERT INTO events (slug, name, venue, timezone, duration_min, panel_size, results_published, "
                    "created_at) VALUES (:slug, :slug, 'Rouen', 'Europe/Paris', 20, 3, :no, CURRENT_TIMESTAMP)"
                ),
                {"slug": slug, "no": False},
            )

    upgrade()

    with db.engine.connect() as connection:
        roles = connection.execute(
            text(
                "SELECT o.email, e.slug, t.role FROM team_members t JOIN organisers o ON o.id = t.organiser_id "
                "JOIN events e ON e.id = t.event_id"
            )
        ).all()
    assert sorted(roles) == sorted(
        (email, slug, "owner")
        for email in ("rouen@example.org", "lille@example.org")
        for slug in ("rouen-2023", "lille-2023")
    )
