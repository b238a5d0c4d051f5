"""Induction fixes from an outside test (issue 25, outsider F6 and F9): the ECT's teacher reference number and date
of birth, which the appropriate body's record names them by; and a formal assessment's report deadline counted from
the day the meeting was held, not the day it was due (S1 2.61), so reports already recorded are dated again and the
kept summaries (which carried the old deadline, and now carry each term's first day) are made afresh on next read.

Mentor training needs no column: it is a kind of programme in the catalogue ("mentor_training"), and kinds are
kept as text (staffroom_shared.db.text_enum).

Revision ID: 0010
Revises: 0009
"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from staffroom_shared.bank_holidays import working_day

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

REPORT_TO_AB = 10  # cpd.domain.induction.REPORT_TO_AB, as it stood when this ran
FORMAL = ("first formal assessment", "final formal assessment")  # ItemKind's values, as text_enum stores them


def _deadline(held_on):
    day, counted = held_on, 0
    while True:
        if working_day(day):
            counted += 1
            if counted == REPORT_TO_AB:
                return day
        day += timedelta(days=1)


def upgrade() -> None:
    op.add_column("inductions", sa.Column("trn", sa.String(7), nullable=True))
    op.add_column("inductions", sa.Column("date_of_birth", sa.Date, nullable=True))
    bind = op.get_bind()
    reviews = sa.table("induction_reviews", sa.column("id", sa.Uuid), sa.column("kind", sa.String),
                       sa.column("held_on", sa.Date), sa.column("report_by", sa.Date))
    for row in bind.execute(sa.select(reviews.c.id, reviews.c.held_on).where(reviews.c.kind.in_(FORMAL))).all():
        bind.execute(reviews.update().where(reviews.c.id == row.id).values(report_by=_deadline(row.held_on)))
    inductions = sa.table("inductions", sa.column("summary", sa.JSON))
    bind.execute(inductions.update().values(summary=None))


def downgrade() -> None:
    op.drop_column("inductions", "date_of_birth")
    op.drop_column("inductions", "trn")
