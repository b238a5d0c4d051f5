"""targets: each confirmed place keeps its programme's learning hours (cpd.enrolled's programme_hours), for the
investment target's hours per head

Places kept before this revision have none (null: not known) until the read model is rebuilt from the stored
events (python -m targets.entrypoints.rebuild); events from before cpd sent hours have none either.

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
    with op.batch_alter_table("enrolments") as batch_op:
        batch_op.add_column(sa.Column("hours", sa.Numeric(7, 1), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enrolments") as batch_op:
        batch_op.drop_column("hours")
