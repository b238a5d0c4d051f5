"""Each cycle says how long before its due dates the reviews open (issue 20: an end-of-year review was completed
and signed off in December). Cycles on record take the usual six weeks.

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
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.add_column(sa.Column("review_window_weeks", sa.Integer(), nullable=False, server_default="6"))


def downgrade() -> None:
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.drop_column("review_window_weeks")
