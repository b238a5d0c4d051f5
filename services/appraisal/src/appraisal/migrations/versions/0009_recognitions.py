"""Recognition and continuous feedback between colleagues (issue 24): what was given, to whom, who may see it, and
whether the recipient keeps it as evidence in their appraisal.

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
    op.create_table(
        "recognitions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("giver_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=True),
        sa.Column("standard", sa.String(length=10), nullable=True),
        sa.Column("visibility", sa.String(length=40), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence_for", sa.Uuid(), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_because", sa.String(length=500), nullable=True),
        sa.Column("removed_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["evidence_for"], ["appraisals.id"],
                                name=op.f("fk_recognitions_evidence_for_appraisals"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognitions")),
    )
    op.create_index(op.f("ix_recognitions_recipient_id"), "recognitions", ["recipient_id"])
    op.create_index(op.f("ix_recognitions_academy_id"), "recognitions", ["academy_id"])
    op.create_index(op.f("ix_recognitions_evidence_for"), "recognitions", ["evidence_for"])
    op.create_index("ix_recognitions_giver_given_at", "recognitions", ["giver_id", "given_at"])


def downgrade() -> None:
    op.drop_index("ix_recognitions_giver_given_at", table_name="recognitions")
    op.drop_index(op.f("ix_recognitions_evidence_for"), table_name="recognitions")
    op.drop_index(op.f("ix_recognitions_academy_id"), table_name="recognitions")
    op.drop_index(op.f("ix_recognitions_recipient_id"), table_name="recognitions")
    op.drop_table("recognitions")
