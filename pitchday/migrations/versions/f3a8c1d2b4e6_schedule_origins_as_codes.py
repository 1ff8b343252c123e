"""Where a schedule version (and the solve that makes it) comes from, as a code and parameters

The origin was stored as French words ("Retard de 15 min dès 10:00 (toutes les salles)"), which an
English page then showed as they were. Old rows keep their words in ``note`` (shown as they are
when ``origin`` is empty); the two fixed notes that have no parameters become codes.

Revision ID: f3a8c1d2b4e6
Revises: a7d35c1e9f42
Create Date: 2026-12-01 14:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f3a8c1d2b4e6"
down_revision = "a7d35c1e9f42"
branch_labels = None
depends_on = None

_FIXED_NOTES = {"Génération": "generated", "Generated": "generated", "Démonstration": "demo"}


def upgrade():
    for table in ("schedule_versions", "solve_jobs"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("origin", sa.String(length=40), nullable=False, server_default=""))
            batch_op.add_column(sa.Column("origin_params", sa.JSON(), nullable=True))
        rows = sa.table(table, sa.column("note", sa.String), sa.column("origin", sa.String))
        for note, code in _FIXED_NOTES.items():
            op.execute(rows.update().where(rows.c.note == note).values(origin=code, note=""))


def downgrade():
    for table in ("schedule_versions", "solve_jobs"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("origin_params")
            batch_op.drop_column("origin")
