"""Score submissions remember the device that sent them, its order of changes and the moment given to them

Revision ID: e41c7a9b2d50
Revises: 1f914c93b146
Create Date: 2026-12-01 14:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e41c7a9b2d50"
down_revision = "1f914c93b146"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("score_submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("device_order", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_score_submissions_device", ["expert_id", "device_id", "device_order"])


def downgrade():
    with op.batch_alter_table("score_submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_score_submissions_device")
        batch_op.drop_column("changed_at")
        batch_op.drop_column("device_order")
        batch_op.drop_column("device_id")
