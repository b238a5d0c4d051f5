"""HR can send a reminder about an overdue appraisal (issue 20): each one is kept, so that HR see when the last
was sent and a reminder cannot be sent again within a week.

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
    op.create_table(
        "reminders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("appraisal_id", sa.Uuid(), nullable=False),
        sa.Column("milestone", sa.String(length=30), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["appraisal_id"], ["appraisals.id"], name=op.f("fk_reminders_appraisal_id_appraisals"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    op.create_index("ix_reminders_appraisal_sent_at", "reminders", ["appraisal_id", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_reminders_appraisal_sent_at", table_name="reminders")
    op.drop_table("reminders")
