"""Statutory induction for early career teachers (issue 25): the academy's term dates, each ECT's induction, its
posts and FTE, absence, the reduced timetable each term, progress reviews and formal assessments with their
signatures, support plans, and the appropriate body's extensions and decision.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

FRACTION = sa.String(40)  # an exact fraction as text, "5/4" (adapters.orm.FractionText)


def _of_induction() -> sa.Column:
    return sa.Column("induction_id", sa.Uuid, sa.ForeignKey("inductions.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "academy_terms",
        sa.Column("academy_id", sa.Uuid, primary_key=True),
        sa.Column("school_year", sa.Integer, primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("breaks", sa.JSON, nullable=False),
    )
    op.create_table(
        "inductions",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("staff_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("academy_id", sa.Uuid, nullable=False),
        sa.Column("qts_on", sa.Date, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("appropriate_body", sa.String(200), nullable=False),
        sa.Column("programme_type", sa.String(40), nullable=False),
        sa.Column("lead_provider", sa.String(200), nullable=True),
        sa.Column("delivery_partner", sa.String(200), nullable=True),
        sa.Column("tutor_id", sa.Uuid, nullable=True),
        sa.Column("mentor_id", sa.Uuid, nullable=True),
        sa.Column("reduced_to", FRACTION, nullable=True),
        sa.Column("served_elsewhere", FRACTION, nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("decision", sa.String(40), nullable=True),
        sa.Column("decided_on", sa.Date, nullable=True),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.Column("registered_on", sa.Date, nullable=False),
    )
    for column in ("academy_id", "tutor_id", "mentor_id"):
        op.create_index(f"ix_inductions_{column}", "inductions", [column])
    op.create_table(
        "induction_posts",
        sa.Column("id", sa.Uuid, primary_key=True),
        _of_induction(),
        sa.Column("school", sa.String(200), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=True),
        sa.Column("fte", FRACTION, nullable=False),
    )
    op.create_table(
        "induction_absences",
        sa.Column("id", sa.Uuid, primary_key=True),
        _of_induction(),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("leave", sa.String(40), nullable=False),
        sa.Column("days", sa.Integer, nullable=True),
        sa.Column("extend", sa.Boolean, nullable=False),
    )
    op.create_table(
        "induction_timetable",
        sa.Column("id", sa.Uuid, primary_key=True),
        _of_induction(),
        sa.Column("school_year", sa.Integer, nullable=False),
        sa.Column("term_number", sa.Integer, nullable=False),
        sa.Column("percent", FRACTION, nullable=False),
        sa.Column("recorded_by", sa.Uuid, nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.UniqueConstraint("induction_id", "school_year", "term_number"),
    )
    op.create_table(
        "induction_reviews",
        sa.Column("id", sa.Uuid, primary_key=True),
        _of_induction(),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("school_year", sa.Integer, nullable=False),
        sa.Column("term_number", sa.Integer, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("report_by", sa.Date, nullable=True),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("outcome", sa.String(60), nullable=False),
        sa.Column("standards", sa.JSON, nullable=False),
        sa.Column("next_steps", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.Uuid, nullable=False),
        sa.Column("ect_comments", sa.Text, nullable=True),
        sa.Column("tutor_signed_by", sa.Uuid, nullable=True),
        sa.Column("tutor_signed_on", sa.Date, nullable=True),
        sa.Column("head_signed_by", sa.Uuid, nullable=True),
        sa.Column("head_signed_on", sa.Date, nullable=True),
        sa.Column("ect_signed_on", sa.Date, nullable=True),
        sa.UniqueConstraint("induction_id", "kind", "school_year", "term_number"),
    )
    op.create_table(
        "induction_support_plans",
        sa.Column("id", sa.Uuid, primary_key=True),
        _of_induction(),
        sa.Column("review_id", sa.Uuid, sa.ForeignKey("induction_reviews.id", ondelete="CASCADE"), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("areas_to_improve", sa.JSON, nullable=False),
        sa.Column("objectives", sa.JSON, nullable=False),
        sa.Column("support", sa.JSON, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("next_period_plan", sa.Text, nullable=False),
        sa.Column("consequences_explained", sa.Boolean, nullable=False),
        sa.Column("after_first_assessment", sa.Boolean, nullable=False),
    )
    op.create_table(
        "induction_extensions",
        sa.Column("id", sa.Uuid, primary_key=True),
        _of_induction(),
        sa.Column("terms", FRACTION, nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
    )
    for table in ("induction_posts", "induction_absences", "induction_timetable", "induction_reviews",
                  "induction_support_plans", "induction_extensions"):
        op.create_index(f"ix_{table}_induction_id", table, ["induction_id"])


def downgrade() -> None:
    for table in ("induction_extensions", "induction_support_plans", "induction_reviews", "induction_timetable",
                  "induction_absences", "induction_posts", "inductions", "academy_terms"):
        op.drop_table(table)
