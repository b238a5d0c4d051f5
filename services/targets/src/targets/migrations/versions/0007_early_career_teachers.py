"""targets: early career teachers' statutory induction (issue 25): each induction (cpd.induction_started,
cpd.induction_people_assigned, cpd.induction_ended), its progress reviews and formal assessments
(cpd.induction_review_held, cpd.induction_item_due) and its timetable per term (cpd.induction_timetable_recorded),
for the four induction targets; and `definitions.period`, the weeks or months the trust sets for two of them.

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
        "ect_inductions",
        sa.Column("induction_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("both_named_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("induction_id", name=op.f("pk_ect_inductions")),
    )
    op.create_index("ix_ect_inductions_staff_id", "ect_inductions", ["staff_id"])
    op.create_table(
        "ect_reviews",
        sa.Column("induction_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("induction_id", "kind", "due_on", name=op.f("pk_ect_reviews")),
    )
    op.create_table(
        "ect_terms",
        sa.Column("induction_id", sa.Uuid(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("term_number", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=False),
        sa.Column("percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("cap_percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("induction_id", "school_year", "term_number", name=op.f("pk_ect_terms")),
    )
    op.add_column("definitions", sa.Column("period", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("definitions", "period")
    op.drop_table("ect_terms")
    op.drop_table("ect_reviews")
    op.drop_index("ix_ect_inductions_staff_id", table_name="ect_inductions")
    op.drop_table("ect_inductions")
