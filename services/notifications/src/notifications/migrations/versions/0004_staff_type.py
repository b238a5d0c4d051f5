"""The staff copy keeps each person's staff type, so that news for one staff type (an action published for
teaching staff, wellbeing.action_published) reaches them and only them. Rows held from before have none until the
person's next staff.* event; they hear news for everyone, not news for one staff type.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch_op:
        batch_op.add_column(sa.Column("staff_type", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff") as batch_op:
        batch_op.drop_column("staff_type")
