"""National professional qualifications (issue 25): each person's place on an NPQ, with its lead provider, how it is
funded, its cohort, the provider's answer, whether it is being taken, deferred or withdrawn, and its outcome.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "npq_places",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("staff_id", sa.Uuid, nullable=False),
        sa.Column("academy_id", sa.Uuid, nullable=False),
        sa.Column("short_code", sa.String(10), nullable=False),
        sa.Column("lead_provider", sa.String(200), nullable=False),
        sa.Column("cohort_starts_on", sa.Date, nullable=False),
        sa.Column("funding", sa.String(40), nullable=False),
        sa.Column("registered_on", sa.Date, nullable=False),
        sa.Column("approval", sa.String(40), nullable=False),
        sa.Column("training", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=True),
        sa.Column("completed_on", sa.Date, nullable=True),
    )
    for column in ("staff_id", "academy_id"):
        op.create_index(f"ix_npq_places_{column}", "npq_places", [column])


def downgrade() -> None:
    op.drop_table("npq_places")
