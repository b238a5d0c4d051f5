"""Subject access requests and each service's answer to them (issue 21).

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
        "subject_access_requests",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("staff_id", sa.Uuid(), sa.ForeignKey("staff.id", name="fk_subject_access_requests_staff_id_staff"),
                  nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("respond_by", sa.Date(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_subject_access_requests"),
    )
    op.create_index("ix_subject_access_requests_staff_id", "subject_access_requests", ["staff_id"])
    op.create_table(
        "subject_access_answers",
        sa.Column("request_id", sa.Uuid(), sa.ForeignKey(
            "subject_access_requests.id", name="fk_subject_access_answers_request_id_subject_access_requests",
            ondelete="CASCADE"), nullable=False),
        sa.Column("service", sa.String(50), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("request_id", "service", name="pk_subject_access_answers"),
    )


def downgrade() -> None:
    op.drop_table("subject_access_answers")
    op.drop_table("subject_access_requests")
