"""No count a closed feedback report does not show is kept: a request's `answered` total and each invitation's
`answered` flag become nullable and are NULL once the request has closed (outsider: with the shown categories'
counts and the named answers, either gave a hidden category's count). Closed requests' counts are cleared here.

Going back fills NULLs with 0 and false (the old columns were not nullable): the counts are not brought back.

Revision ID: 0010
Revises: 0009
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

CLOSED = "SELECT id FROM feedback_requests WHERE status = 'closed'"
TABLES = {"feedback_requests": sa.Integer, "feedback_invitations": sa.Boolean}


def _sqlite_nullable(table: str, nullable: bool) -> None:
    """SQLite cannot alter a column, and a batch rebuild drops feedback_requests, which invitations and ballots
    point at (a foreign key failure). Dropping or adding NOT NULL does not change how rows are stored, so the
    table's own definition is edited, as SQLite's documentation describes ("Making Other Kinds Of Table Schema
    Changes"); adding it back comes after every NULL has been filled."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    column = re.compile(r'("?answered"?\s+[A-Z]+)(\s+NOT NULL)?', re.IGNORECASE)
    edited, n = column.subn(lambda m: m.group(1) + ("" if nullable else " NOT NULL"), sql, count=1)
    if n != 1:
        raise RuntimeError(f"no answered column in {table}'s definition: {sql}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (edited, table))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _nullable(nullable: bool) -> None:
    for table, kind in TABLES.items():
        if op.get_bind().dialect.name == "sqlite":
            _sqlite_nullable(table, nullable)
        else:
            op.alter_column(table, "answered", existing_type=kind, nullable=nullable)


def upgrade() -> None:
    _nullable(True)
    op.execute("UPDATE feedback_requests SET answered = NULL WHERE status = 'closed'")
    op.execute(f"UPDATE feedback_invitations SET answered = NULL WHERE request_id IN ({CLOSED})")  # noqa: S608


def downgrade() -> None:
    op.execute("UPDATE feedback_requests SET answered = 0 WHERE answered IS NULL")
    op.execute("UPDATE feedback_invitations SET answered = false WHERE answered IS NULL")
    _nullable(False)
