"""Recognition reported to HR (issue 24): the recipient's report (when, and why in their words) and HR's dismissal of
it (when, by whom), so HR can find what was reported without browsing colleagues' private recognition.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recognitions") as batch:
        batch.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reported_because", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("report_dismissed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("report_dismissed_by", sa.Uuid(), nullable=True))
    op.create_index("ix_recognitions_academy_reported_at", "recognitions", ["academy_id", "reported_at"])


def downgrade() -> None:
    op.drop_index("ix_recognitions_academy_reported_at", table_name="recognitions")
    with op.batch_alter_table("recognitions") as batch:
        batch.drop_column("report_dismissed_by")
        batch.drop_column("report_dismissed_at")
        batch.drop_column("reported_because")
        batch.drop_column("reported_at")
