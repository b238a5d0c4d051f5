"""360 and upward feedback: requests, upward rounds, invitations (no answer, no time), sealed ballots, the trust's k;
the staff copy learns each person's line manager.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _status(name: str) -> sa.Enum:
    return sa.Enum("open", "closed", name=name, native_enum=False, length=40)


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch_op:
        batch_op.add_column(sa.Column("line_manager_id", sa.Uuid, nullable=True))
        batch_op.create_index("ix_staff_line_manager_id", ["line_manager_id"])
    op.create_table(
        "feedback_settings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("k", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "feedback_rounds",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("academy_id", sa.Uuid, nullable=True),
        sa.Column("closes_on", sa.Date, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("managers", sa.Integer, nullable=False),
        sa.Column("invited", sa.Integer, nullable=False),
        sa.Column("status", _status("requeststatus"), nullable=False),
    )
    op.create_index("ix_feedback_rounds_academy_id", "feedback_rounds", ["academy_id"])
    op.create_table(
        "feedback_requests",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("academy_id", sa.Uuid, nullable=False),
        sa.Column("question_set", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("closes_on", sa.Date, nullable=False),
        sa.Column("k", sa.Integer, nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("round_id", sa.Uuid, sa.ForeignKey("feedback_rounds.id"), nullable=True),
        sa.Column("status", _status("requeststatus"), nullable=False),
        sa.Column("shared", sa.Boolean, nullable=False),
        sa.Column("invited", sa.Integer, nullable=False),
        sa.Column("answered", sa.Integer, nullable=False),
        sa.Column("report", sa.JSON, nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    for column in ("subject_id", "academy_id", "round_id", "status"):
        op.create_index(f"ix_feedback_requests_{column}", "feedback_requests", [column])
    op.create_table(
        "feedback_invitations",
        sa.Column("request_id", sa.Uuid, sa.ForeignKey("feedback_requests.id"), primary_key=True),
        sa.Column("staff_id", sa.Uuid, primary_key=True),
        sa.Column("category", sa.Enum("line_manager", "peers", "direct_reports", "others", name="category",
                                      native_enum=False, length=40), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("answered", sa.Boolean, nullable=False),
    )
    op.create_index("ix_feedback_invitations_staff", "feedback_invitations", ["staff_id"])
    op.create_table(
        "feedback_ballots",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("request_id", sa.Uuid, sa.ForeignKey("feedback_requests.id"), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_feedback_ballots_request_id", "feedback_ballots", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_feedback_ballots_request_id", "feedback_ballots")
    op.drop_table("feedback_ballots")
    op.drop_index("ix_feedback_invitations_staff", "feedback_invitations")
    op.drop_table("feedback_invitations")
    for column in ("subject_id", "academy_id", "round_id", "status"):
        op.drop_index(f"ix_feedback_requests_{column}", "feedback_requests")
    op.drop_table("feedback_requests")
    op.drop_index("ix_feedback_rounds_academy_id", "feedback_rounds")
    op.drop_table("feedback_rounds")
    op.drop_table("feedback_settings")
    with op.batch_alter_table("staff") as batch_op:
        batch_op.drop_index("ix_staff_line_manager_id")
        batch_op.drop_column("line_manager_id")
