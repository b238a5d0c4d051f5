"""Preferences remember when each was last chosen, so that an unsubscribe link from an older email cannot undo a
later choice (issue 20: a replayed link switched someone's survey emails off again after they turned them on).
Choices made before this have no time: any link that carries none, or one older than a later choice, is refused.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("preferences") as batch_op:
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("preferences") as batch_op:
        batch_op.drop_column("changed_at")
