"""targets: every completed CPD place, and whether its participant linked it to an appraisal development need
(cpd.completed, cpd.intent_recorded), for "training linked to appraisal" (issue 24).

Completions from before this revision are not here until the read model is rebuilt from the stored events
(python -m targets.entrypoints.rebuild), which replays the cpd.completed events kept.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "completions",
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=False),
        sa.Column("programme_title", sa.String(length=300), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("development_need_id", sa.Uuid(), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("enrolment_id", name=op.f("pk_completions")),
    )
    op.create_index("ix_completions_staff_id", "completions", ["staff_id"])


def downgrade() -> None:
    op.drop_index("ix_completions_staff_id", table_name="completions")
    op.drop_table("completions")
