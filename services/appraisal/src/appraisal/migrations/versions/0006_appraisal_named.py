"""Whose names an appraisal's document shows besides the reviewee's and the appraiser's (each observation's
observer, and the people later evidence names), so GET /appraisals/<id> reads them in its one statement rather
than a second (issue 24: the read with its evidence stays near a primary-key read). Filled from the observations
already recorded.

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
        "appraisal_named",
        sa.Column("appraisal_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["appraisal_id"], ["appraisals.id"],
                                name=op.f("fk_appraisal_named_appraisal_id_appraisals"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("appraisal_id", "staff_id", name=op.f("pk_appraisal_named")),
    )
    op.execute("INSERT INTO appraisal_named (appraisal_id, staff_id) "
               "SELECT DISTINCT appraisal_id, observer_id FROM observations")


def downgrade() -> None:
    op.drop_table("appraisal_named")
