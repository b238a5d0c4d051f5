"""Replies to comments: the comment's reply tag, HR's replies and authors' answers, and answers waiting sealed.

The tag finds a comment for its author alone (adapters.sealed.reply_tag); comments written before have none, so
nobody can be replied to there. Both new tables have random keys and, on SQLite, no rowid, so neither the order
rows lie in nor their keys say when anything was written.

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
    # a plain ADD COLUMN: SQLite's batch mode would rebuild comments and lose WITHOUT ROWID
    op.add_column("comments", sa.Column("reply_tag", sa.String(length=64), nullable=True))
    op.create_index("ix_comments_reply_tag", "comments", ["reply_tag"], unique=True)
    op.create_table(
        "replies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("comment_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=True),
        sa.Column("written_by", sa.String(length=100), nullable=True),
        sa.Column("removed_because", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name=op.f("fk_replies_comment_id_comments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replies")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_replies_comment_id"), "replies", ["comment_id"])
    op.create_table(
        "held_answers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_held_answers_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_answers")),
        sqlite_with_rowid=False,
    )
    op.create_index(op.f("ix_held_answers_run_id"), "held_answers", ["run_id"])


def downgrade() -> None:
    op.drop_table("held_answers")
    op.drop_table("replies")
    op.drop_index("ix_comments_reply_tag", table_name="comments")
    with op.batch_alter_table("comments", recreate="never") as batch_op:
        batch_op.drop_column("reply_tag")
