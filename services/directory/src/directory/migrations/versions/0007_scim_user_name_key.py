"""The SCIM sign-in name as compared: one form for every case of it, in any script (outsider 14, issue 21).

SQLite's lower() folds ASCII only, so a sign-in name was found, and kept unique, by its ASCII case alone.

Revision ID: 0007
Revises: 0006
"""
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scim_links") as batch:
        batch.add_column(sa.Column("user_name_key", sa.String(254), nullable=True))
        batch.create_unique_constraint("uq_scim_links_user_name_key", ["user_name_key"])
    links = sa.table("scim_links", sa.column("staff_id", sa.Uuid()), sa.column("user_name", sa.String()),
                     sa.column("user_name_key", sa.String()))
    connection = op.get_bind()
    for staff_id, name in connection.execute(sa.select(links.c.staff_id, links.c.user_name)
                                             .where(links.c.user_name.is_not(None))).all():
        connection.execute(links.update().where(links.c.staff_id == staff_id)
                           .values(user_name_key=unicodedata.normalize("NFC", name).lower()))


def downgrade() -> None:
    with op.batch_alter_table("scim_links") as batch:
        batch.drop_constraint("uq_scim_links_user_name_key", type_="unique")
        batch.drop_column("user_name_key")
