"""A member of staff's link to the identity provider that provisions them over SCIM (issue 21; docs/scim.md).

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
    op.create_table(
        "scim_links",
        sa.Column("staff_id", sa.Uuid(), sa.ForeignKey("staff.id", name="fk_scim_links_staff_id_staff"),
                  nullable=False),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("user_name", sa.String(254), nullable=True),
        sa.Column("deprovisioned_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("staff_id", name="pk_scim_links"),
        sa.UniqueConstraint("external_id", name="uq_scim_links_external_id"),
        sa.UniqueConstraint("user_name", name="uq_scim_links_user_name"),
    )


def downgrade() -> None:
    op.drop_table("scim_links")
