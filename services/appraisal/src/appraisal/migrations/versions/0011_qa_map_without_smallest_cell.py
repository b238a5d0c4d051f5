"""The QA map without the trust's smallest cell (issue 24, outsider findings): each viewer's map is now made only from
the teachers they may see, so no cell needs hiding and the setting protected nothing. Its table held that one value
and goes.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("qa_settings")


def downgrade() -> None:
    # back to the old map's setting, empty: the old code reads no row as its default of three
    op.create_table(
        "qa_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("min_cell", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_settings")),
    )
