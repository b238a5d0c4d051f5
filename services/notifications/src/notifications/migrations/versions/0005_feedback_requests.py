"""Issue 24: people outside the trust can be asked for feedback, and a request for feedback is its own category.

Deliveries gain `sealed_address`: the address of someone outside the trust, kept only sealed to our key (as wellbeing
sent it) with the one email to them, and erased once it is sent or dead. Feedback requests, filed under "surveys"
until now, get the category "feedback_requests": whoever had chosen how survey emails reach them (off, or the daily
digest) gets the same choice for it, so no switch-off is undone.

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
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.add_column(sa.Column("sealed_address", sa.Text(), nullable=True))
    op.execute(sa.text(
        "INSERT INTO preferences (staff_id, category, email, changed_at) "
        "SELECT staff_id, 'feedback_requests', email, changed_at FROM preferences "
        "WHERE category = 'surveys' AND staff_id NOT IN "
        "(SELECT staff_id FROM preferences WHERE category = 'feedback_requests')"))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM preferences WHERE category = 'feedback_requests'"))
    op.execute(sa.text("UPDATE messages SET category = 'surveys' WHERE category = 'feedback_requests'"))
    op.execute(sa.text("UPDATE reminders SET category = 'surveys' WHERE category = 'feedback_requests'"))
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.drop_column("sealed_address")
