"""Score submissions: a digest of what each asked for, so that a reused client id with other marks is refused

Revision ID: b7e2d9c1f0a4
Revises: 4f67bc3ea048
Create Date: 2026-12-01 11:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e2d9c1f0a4"
down_revision = "4f67bc3ea048"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("score_submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_digest", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("score_submissions", schema=None) as batch_op:
        batch_op.drop_column("content_digest")
