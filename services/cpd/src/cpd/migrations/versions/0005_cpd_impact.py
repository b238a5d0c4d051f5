"""CPD impact: what each participant will change and how satisfied they were, the impact their line manager saw
after the trust's interval, and that interval.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "impact_records",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("enrolment_id", sa.Uuid, sa.ForeignKey("enrolments.id"), nullable=False, unique=True),
        sa.Column("staff_id", sa.Uuid, nullable=False),
        sa.Column("academy_id", sa.Uuid, nullable=False),
        sa.Column("programme_id", sa.Uuid, nullable=False),
        sa.Column("programme_title", sa.String(200), nullable=False),
        sa.Column("cost", sa.Numeric(10, 2), nullable=False),
        sa.Column("completed_on", sa.Date, nullable=False),
        sa.Column("check_due_on", sa.Date, nullable=False),
        sa.Column("intent", sa.Text, nullable=True),
        sa.Column("satisfaction", sa.Integer, nullable=True),
        sa.Column("intent_recorded_on", sa.Date, nullable=True),
        sa.Column("development_need_id", sa.Uuid, nullable=True),
        sa.Column("appraisal_id", sa.Uuid, nullable=True),
        sa.Column("check_asked_on", sa.Date, nullable=True),
        sa.Column("impact_rating", sa.Integer, nullable=True),
        sa.Column("impact_seen", sa.Text, nullable=True),
        sa.Column("impact_recorded_on", sa.Date, nullable=True),
        sa.Column("impact_recorded_by", sa.Uuid, nullable=True),
    )
    for column in ("staff_id", "academy_id", "programme_id", "check_due_on"):
        op.create_index(f"ix_impact_records_{column}", "impact_records", [column])
    op.create_table(
        "impact_settings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("check_after_weeks", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("impact_settings")
    op.drop_table("impact_records")
