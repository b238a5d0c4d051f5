"""Lifecycle surveys: trust HR's standing onboarding and exit surveys, and which runs are their pools.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lifecycle_surveys",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("instruments", sa.JSON, nullable=False),
        sa.Column("questions", sa.JSON, nullable=False),
        sa.Column("delay_days", sa.Integer, nullable=False),
        sa.Column("answer_days", sa.Integer, nullable=False),
        sa.Column("window_days", sa.Integer, nullable=False),
        sa.Column("min_group_size", sa.Integer, nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "lifecycle_pools",
        sa.Column("run_id", sa.Uuid, sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
    )
    op.create_index("ix_lifecycle_pools_kind", "lifecycle_pools", ["kind"])


def downgrade() -> None:
    op.drop_index("ix_lifecycle_pools_kind", "lifecycle_pools")
    op.drop_table("lifecycle_pools")
    op.drop_table("lifecycle_surveys")
