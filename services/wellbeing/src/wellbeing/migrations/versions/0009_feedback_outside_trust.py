"""People outside the trust can be asked for feedback: an invitation is found by its token's hash (its key now), and
one for someone outside the trust has no staff id. Their address is never stored (it goes to notifications sealed).

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLE = "feedback_invitations"
COLUMNS = "token_hash, request_id, staff_id, category, answered"


def _table(name: str, *, outside: bool) -> None:
    key = [sa.PrimaryKeyConstraint("token_hash", name=f"pk_{name}")] if outside else [
        sa.PrimaryKeyConstraint("request_id", "staff_id", name=f"pk_{name}"),
        sa.UniqueConstraint("token_hash", name=f"uq_{name}_token_hash")]
    op.create_table(
        name,
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("request_id", sa.Uuid, sa.ForeignKey("feedback_requests.id"), nullable=False),
        sa.Column("staff_id", sa.Uuid, nullable=outside),
        sa.Column("category", sa.Enum("line_manager", "peers", "direct_reports", "others", name="category",
                                      native_enum=False, length=40), nullable=False),
        sa.Column("answered", sa.Boolean, nullable=False),
        *key,
        *([sa.UniqueConstraint("request_id", "staff_id", name="uq_feedback_invitations_request_staff")]
          if outside else []),
    )


def _rebuild(*, outside: bool) -> None:
    """Copy into a table of the new shape and put it in the old one's place (plain SQL: both SQLite and
    PostgreSQL, whose constraint names the old table would otherwise keep)."""
    op.drop_index("ix_feedback_invitations_staff", TABLE)
    if not outside:
        op.drop_index("ix_feedback_invitations_request_id", TABLE)
    op.rename_table(TABLE, "feedback_invitations_old")
    if op.get_bind().dialect.name == "postgresql":  # constraint names are the schema's: free them for the new table
        for name in sa.inspect(op.get_bind()).get_unique_constraints("feedback_invitations_old"):
            op.drop_constraint(name["name"], "feedback_invitations_old", type_="unique")
        pk = sa.inspect(op.get_bind()).get_pk_constraint("feedback_invitations_old")["name"]
        op.drop_constraint(pk, "feedback_invitations_old", type_="primary")
    _table(TABLE, outside=outside)
    where = "" if outside else " WHERE staff_id IS NOT NULL"  # going back, nobody outside the trust can be kept
    op.execute(f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM feedback_invitations_old{where}")  # noqa: S608
    op.drop_table("feedback_invitations_old")
    op.create_index("ix_feedback_invitations_staff", TABLE, ["staff_id"])
    if outside:
        op.create_index("ix_feedback_invitations_request_id", TABLE, ["request_id"])


def upgrade() -> None:
    _rebuild(outside=True)


def downgrade() -> None:
    _rebuild(outside=False)
