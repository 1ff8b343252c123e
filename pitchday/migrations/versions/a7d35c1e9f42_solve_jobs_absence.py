"""A re-plan for an absent juror keeps the absence on its job, applied only if a schedule is found

Revision ID: a7d35c1e9f42
Revises: e41c7a9b2d50
Create Date: 2026-12-01 14:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7d35c1e9f42"
down_revision = "e41c7a9b2d50"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("solve_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("absence", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("solve_jobs", schema=None) as batch_op:
        batch_op.drop_column("absence")
