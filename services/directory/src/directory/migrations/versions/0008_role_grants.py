"""Roles trust HR gives a member of staff, which a Google Workspace sign-in carries (issue 21; adapters.google).

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
    op.create_table(
        "role_grants",
        sa.Column("staff_id", sa.Uuid(), sa.ForeignKey("staff.id", name="fk_role_grants_staff_id_staff"),
                  nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("granted_by", sa.String(200), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("staff_id", "role", name="pk_role_grants"),
    )


def downgrade() -> None:
    op.drop_table("role_grants")
