"""Pulse series: a run's template made again monthly or each term, and which run is which series' pulse.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pulse_series",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("instruments", sa.JSON(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("academy_ids", sa.JSON(), nullable=False),
        sa.Column("staff_types", sa.JSON(), nullable=False),
        sa.Column("min_group_size", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=100), nullable=False),
        sa.Column("owner_academy_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("cadence", sa.String(length=10), nullable=False),
        sa.Column("day_of_month", sa.Integer(), nullable=True),
        sa.Column("term_opens", sa.JSON(), nullable=False),
        sa.Column("open_days", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("status", sa.Enum("active", "paused", "ended", name="seriesstatus", native_enum=False, length=40),
                  nullable=False),
        sa.Column("next_on", sa.Date(), nullable=True),
        sa.Column("made_until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_series")),
    )
    with op.batch_alter_table("pulse_series") as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_series_owner_academy_id"), ["owner_academy_id"], unique=False)
    op.create_table(
        "pulses",
        sa.Column("series_id", sa.Uuid(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_pulses_run_id_runs")),
        sa.ForeignKeyConstraint(["series_id"], ["pulse_series.id"], name=op.f("fk_pulses_series_id_pulse_series")),
        sa.PrimaryKeyConstraint("series_id", "opens_on", name=op.f("pk_pulses")),
        sa.UniqueConstraint("run_id", name=op.f("uq_pulses_run_id")),
    )


def downgrade() -> None:
    op.drop_table("pulses")
    with op.batch_alter_table("pulse_series") as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_series_owner_academy_id"))
    op.drop_table("pulse_series")
