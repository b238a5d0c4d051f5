"""A plan made when someone joined is dated by the day they joined (their start date in the staff copy), not the
day CPD heard of them (issue 20: "Started on 6 December 2026 (when you joined)" for someone who joined in June
2025). Plans already on record are put right.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    plans = sa.table("development_plans", sa.column("staff_id"), sa.column("created_on"),
                     sa.column("created_because"))
    staff = sa.table("staff", sa.column("staff_id"), sa.column("start_date"))
    started = sa.select(staff.c.start_date).where(staff.c.staff_id == plans.c.staff_id).scalar_subquery()
    op.execute(plans.update().where(plans.c.created_because == "joined",
                                    sa.exists().where(staff.c.staff_id == plans.c.staff_id))
               .values(created_on=started))


def downgrade() -> None:
    pass  # the day CPD heard of them is not kept: the dates stay as their start dates
