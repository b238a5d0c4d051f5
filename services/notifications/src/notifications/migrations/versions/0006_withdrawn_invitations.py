"""Outsider O6 F9: an invitation whose survey or feedback request closed before it was emailed is withdrawn, found
by the survey run (or request) it carries a link to; one close looks up its own emails, not every email kept.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deliveries_survey_run_id", "deliveries", ["survey_run_id"])


def downgrade() -> None:
    op.execute("UPDATE deliveries SET status = 'dead' WHERE status = 'withdrawn'")
    op.drop_index("ix_deliveries_survey_run_id", table_name="deliveries")
