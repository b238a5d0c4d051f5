"""When the identity provider disabled someone over SCIM (active false): from then only it brings them back, even if
HR had already recorded them as leaving (outsider 22, issue 21).

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scim_links") as batch:
        batch.add_column(sa.Column("disabled_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scim_links") as batch:
        batch.drop_column("disabled_on")
