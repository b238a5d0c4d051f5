"""A staff file HR only checked is kept for two hours, so that the file they saw previewed is the one imported
(issue 20: after a check-only run the portal forgot the file and HR had to choose it again).

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checked_imports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checked_imports")),
    )
    op.create_index(op.f("ix_checked_imports_checked_at"), "checked_imports", ["checked_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_checked_imports_checked_at"), table_name="checked_imports")
    op.drop_table("checked_imports")
