"""Whether the person asked for a subject access copy themselves; one such request a day (outsider 13, issue 21).

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
    with op.batch_alter_table("subject_access_requests") as batch:
        batch.add_column(sa.Column("by_the_person", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_subject_access_requests_one_a_day", "subject_access_requests", ["staff_id", "received_on"],
                    unique=True, sqlite_where=sa.text("by_the_person"), postgresql_where=sa.text("by_the_person"))


def downgrade() -> None:
    op.drop_index("ix_subject_access_requests_one_a_day", table_name="subject_access_requests")
    with op.batch_alter_table("subject_access_requests") as batch:
        batch.drop_column("by_the_person")
