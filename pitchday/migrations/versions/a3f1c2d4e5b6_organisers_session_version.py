"""Organisers: a session version, so that logout, a password change or a deactivation ends every session

Revision ID: a3f1c2d4e5b6
Revises: 7d9956dbe8c3
Create Date: 2026-12-01 11:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a3f1c2d4e5b6"
down_revision = "7d9956dbe8c3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("organisers", schema=None) as batch_op:
        batch_op.drop_column("session_version")
