"""Early career teachers serving statutory induction (issue 25): appraisal's copy of cpd.induction_started and
cpd.induction_ended, so a cycle leaves them out and the daily job never reports them overdue; and how many each cycle
left out when it opened, for HR's page.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "induction_spells",
        sa.Column("induction_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("expected_completion", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint("induction_id", name=op.f("pk_induction_spells")),
    )
    op.create_index("ix_induction_spells_staff_id", "induction_spells", ["staff_id"])
    with op.batch_alter_table("cycles") as batch:
        batch.add_column(sa.Column("left_out_for_induction", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cycles") as batch:
        batch.drop_column("left_out_for_induction")
    op.drop_index("ix_induction_spells_staff_id", table_name="induction_spells")
    op.drop_table("induction_spells")
