"""A leaver's record is anonymised when its retention ends (issue 21): the day it was is kept with it.

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
    op.add_column("staff", sa.Column("erased_on", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("staff", "erased_on")
