"""Whom each member of staff was a direct report of before their line manager last changed, and until when: a report
moved under another manager, asked as a peer and moved back counts as a direct report at the close even before the
move back reaches wellbeing's copy of the directory (second outside test of issue 24). Filled from staff.* events
from now on; the copy kept no history before.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "former_line_managers",
        sa.Column("staff_id", sa.Uuid(), primary_key=True),
        sa.Column("line_manager_id", sa.Uuid(), primary_key=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("former_line_managers")
