"""targets: each survey figure keeps its run's minimum group and turnover, so two runs are compared only when safe

Rows kept before this revision have none (null, read as wellbeing's smallest, 5) until the read model is rebuilt
from the stored events (python -m targets.entrypoints.rebuild).

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
    with op.batch_alter_table("survey_figures") as batch_op:
        batch_op.add_column(sa.Column("min_group_size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("turnover", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("survey_figures") as batch_op:
        batch_op.drop_column("turnover")
        batch_op.drop_column("min_group_size")
