"""Objectives that cascade (issue 24): trust, academy improvement-plan and team priorities per school year, HR's
objective templates per role, and the one priority an objective serves. The stored appraisal documents gain each
objective's `priority_id` (none yet), as GET /appraisals/<id> now shows it.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from appraisal.migrations.documents import each, rewrite_documents

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "priorities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.Enum("trust", "academy", "team", name="level", native_enum=False, length=40),
                  nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("success_measure", sa.Text(), nullable=True),
        sa.Column("academy_id", sa.Uuid(), nullable=True),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("team", sa.String(length=100), nullable=True),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["priorities.id"], name=op.f("fk_priorities_parent_id_priorities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priorities")),
    )
    op.create_index(op.f("ix_priorities_academy_id"), "priorities", ["academy_id"])
    op.create_index(op.f("ix_priorities_parent_id"), "priorities", ["parent_id"])
    op.create_index("ix_priorities_school_year_level", "priorities", ["school_year", "level"])
    op.create_table(
        "objective_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("type", sa.Enum("pupil_outcomes", "professional_practice", "leadership", "wellbeing",
                                  name="objectivetype", native_enum=False, length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("success_criteria", sa.Text(), nullable=False),
        sa.Column("post", sa.String(length=200), nullable=True),
        sa.Column("staff_group", sa.Enum("teachers", "support", "leaders", name="staffgroup", native_enum=False,
                                         length=40), nullable=True),
        sa.Column("priority_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["priority_id"], ["priorities.id"],
                                name=op.f("fk_objective_templates_priority_id_priorities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective_templates")),
    )
    op.create_index(op.f("ix_objective_templates_academy_id"), "objective_templates", ["academy_id"])
    op.create_index(op.f("ix_objective_templates_priority_id"), "objective_templates", ["priority_id"])
    with op.batch_alter_table("objectives") as batch_op:
        batch_op.add_column(sa.Column("priority_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_objectives_priority_id_priorities"), "priorities", ["priority_id"], ["id"])
        batch_op.create_index(op.f("ix_objectives_priority_id"), ["priority_id"])
    rewrite_documents(each("objectives", lambda objective: {**objective, "priority_id": None}))


def downgrade() -> None:
    rewrite_documents(each("objectives", lambda objective: {k: v for k, v in objective.items() if k != "priority_id"}))
    with op.batch_alter_table("objectives") as batch_op:
        batch_op.drop_index(op.f("ix_objectives_priority_id"))
        batch_op.drop_constraint(op.f("fk_objectives_priority_id_priorities"), type_="foreignkey")
        batch_op.drop_column("priority_id")
    op.drop_table("objective_templates")
    op.drop_table("priorities")

