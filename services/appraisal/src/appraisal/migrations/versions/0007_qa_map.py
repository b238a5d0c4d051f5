"""The quality-assurance map (issue 24): calendared QA rounds on an observation template, the actions a head or the
trust takes from a cell of a round's map (share a strength, a challenge, an intervention), the coaching links a
shared strength makes, staff's requests for coaching in a criterion, and the trust's smallest cell shown.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qa_rounds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=140), nullable=False),
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("academy_ids", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("series_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["template_id"], ["observation_templates.id"],
                                name=op.f("fk_qa_rounds_template_id_observation_templates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_rounds")),
    )
    op.create_index(op.f("ix_qa_rounds_template_id"), "qa_rounds", ["template_id"])
    op.create_index(op.f("ix_qa_rounds_series_id"), "qa_rounds", ["series_id"])
    op.create_table(
        "qa_actions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("criterion", sa.String(length=40), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=True),
        sa.Column("department", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("band_then", sa.String(length=40), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["qa_rounds.id"], name=op.f("fk_qa_actions_round_id_qa_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_actions")),
    )
    op.create_index(op.f("ix_qa_actions_round_id"), "qa_actions", ["round_id"])
    op.create_index(op.f("ix_qa_actions_academy_id"), "qa_actions", ["academy_id"])
    op.create_table(
        "coaching_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("action_id", sa.Uuid(), nullable=False),
        sa.Column("coach_id", sa.Uuid(), nullable=False),
        sa.Column("colleague_id", sa.Uuid(), nullable=False),
        sa.Column("criterion", sa.String(length=40), nullable=False),
        sa.Column("criterion_label", sa.String(length=200), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["qa_actions.id"], name=op.f("fk_coaching_links_action_id_qa_actions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_links")),
    )
    op.create_index(op.f("ix_coaching_links_action_id"), "coaching_links", ["action_id"])
    op.create_index(op.f("ix_coaching_links_coach_id"), "coaching_links", ["coach_id"])
    op.create_index(op.f("ix_coaching_links_colleague_id"), "coaching_links", ["colleague_id"])
    op.create_table(
        "coaching_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=False),
        sa.Column("criterion", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_requests")),
        sa.UniqueConstraint("staff_id", "criterion", name=op.f("uq_coaching_requests_staff_id")),
    )
    op.create_index(op.f("ix_coaching_requests_staff_id"), "coaching_requests", ["staff_id"])
    op.create_table(
        "qa_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("min_cell", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_settings")),
    )


def downgrade() -> None:
    op.drop_table("qa_settings")
    op.drop_index(op.f("ix_coaching_requests_staff_id"), table_name="coaching_requests")
    op.drop_table("coaching_requests")
    for column in ("colleague_id", "coach_id", "action_id"):
        op.drop_index(op.f(f"ix_coaching_links_{column}"), table_name="coaching_links")
    op.drop_table("coaching_links")
    op.drop_index(op.f("ix_qa_actions_academy_id"), table_name="qa_actions")
    op.drop_index(op.f("ix_qa_actions_round_id"), table_name="qa_actions")
    op.drop_table("qa_actions")
    op.drop_index(op.f("ix_qa_rounds_series_id"), table_name="qa_rounds")
    op.drop_index(op.f("ix_qa_rounds_template_id"), table_name="qa_rounds")
    op.drop_table("qa_rounds")
