"""A programme may say how many learning hours a place gives, so targets can count hours per head beside spend.

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
    with op.batch_alter_table("programmes") as batch_op:
        batch_op.add_column(sa.Column("hours", sa.Numeric(7, 1), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("programmes") as batch_op:
        batch_op.drop_column("hours")
