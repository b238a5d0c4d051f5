"""CPD impact as appraisal evidence (issue 24): appraisal's copy of what each reviewee said they would change after
a programme and the impact their line manager saw, from cpd.intent_recorded and cpd.impact_recorded.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cpd_evidence",
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("programme_title", sa.String(length=200), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("intent", sa.Text(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("development_need_id", sa.Uuid(), nullable=True),
        sa.Column("intent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("impact_rating", sa.Integer(), nullable=True),
        sa.Column("impact_seen", sa.Text(), nullable=True),
        sa.Column("impact_recorded_on", sa.Date(), nullable=True),
        sa.Column("impact_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("enrolment_id", name=op.f("pk_cpd_evidence")),
    )
    op.create_index("ix_cpd_evidence_staff_id", "cpd_evidence", ["staff_id"])


def downgrade() -> None:
    op.drop_index("ix_cpd_evidence_staff_id", table_name="cpd_evidence")
    op.drop_table("cpd_evidence")
