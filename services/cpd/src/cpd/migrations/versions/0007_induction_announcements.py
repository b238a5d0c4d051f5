"""What the daily job has said of each ECT's reviews and assessments (issue 25): due soon, or overdue, once per item
and stage, so that cpd.induction_item_due is published once however often the job runs.

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
        "induction_announcements",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("induction_id", sa.Uuid, sa.ForeignKey("inductions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("school_year", sa.Integer, nullable=False),
        sa.Column("term_number", sa.Integer, nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("announced_on", sa.Date, nullable=False),
        sa.UniqueConstraint("induction_id", "kind", "school_year", "term_number", "stage"),
    )
    op.create_index("ix_induction_announcements_induction_id", "induction_announcements", ["induction_id"])


def downgrade() -> None:
    op.drop_table("induction_announcements")
