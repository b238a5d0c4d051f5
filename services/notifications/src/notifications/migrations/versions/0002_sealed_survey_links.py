"""A survey link is kept only sealed, with the email that carries it, and never in the inbox.

Deliveries gain `survey_run_id` (this email is an invitation to that run: it should carry the person's link) and
`sealed_link` (the link as wellbeing sealed it to our key, erased once the email is sent or dead). Inbox messages
and reminders stored before this kept each link in clear: their links become the Surveys page, where anyone who
needs one gets a new link. (The old rows' bytes may linger in free pages or the write-ahead log until the database
is vacuumed: docs/production.md, "Survey links".)

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CLEAR_LINK = "%/surveys/respond#token=%"


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.add_column(sa.Column("survey_run_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("sealed_link", sa.Text(), nullable=True))
    for table in ("messages", "reminders"):
        op.execute(sa.text(f"UPDATE {table} SET link = '/surveys' WHERE link LIKE :clear")  # noqa: S608 - our tables
                   .bindparams(clear=CLEAR_LINK))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.drop_column("sealed_link")
        batch_op.drop_column("survey_run_id")
