"""Each induction keeps what lists show of it (when it completes, each review and assessment with its due date and,
once held, the review): a tutor's dashboard reads it instead of working out every ECT's schedule from the statutory
rules on every request (issue 25, bench (l)). Empty until the induction next changes or cpd's daily job reads it;
until then lists work it out as before.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("inductions", sa.Column("summary", sa.JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("inductions", "summary")
