"""Observation templates (issue 24): a trust or academy says what its lesson observations, learning walks, drop-ins
and instructional coaching look at, and whether each criterion is graded. Observations keep the template they were
recorded on, their grades, the department observed, the QA round they were part of (the QA map's, no foreign
key) and when the teacher was told; coaching action steps are kept with their follow-ups. Observations on record
have none of these; the stored appraisal documents are rewritten to show them empty, as a fresh render would.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

from appraisal.migrations.documents import each, rewrite_documents

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "observation_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=True),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("notice_days", sa.Integer(), nullable=True),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation_templates")),
    )
    op.create_index(op.f("ix_observation_templates_academy_id"), "observation_templates", ["academy_id"])
    with op.batch_alter_table("observations") as batch_op:
        batch_op.add_column(sa.Column("template_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("grades", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("department", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("qa_round_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("notice_given_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_observations_template_id_observation_templates"),
                                    "observation_templates", ["template_id"], ["id"])
        batch_op.create_index(op.f("ix_observations_template_id"), ["template_id"])
        batch_op.create_index(op.f("ix_observations_qa_round_id"), ["qa_round_id"])
    op.create_table(
        "action_steps",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("appraisal_id", sa.Uuid(), nullable=False),
        sa.Column("observation_id", sa.Uuid(), nullable=True),
        sa.Column("step", sa.Text(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=False),
        sa.Column("set_by", sa.Uuid(), nullable=False),
        sa.Column("followed_up_on", sa.Date(), nullable=True),
        sa.Column("seen_at_follow_up", sa.Text(), nullable=True),
        sa.Column("followed_up_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["appraisal_id"], ["appraisals.id"], name=op.f("fk_action_steps_appraisal_id_appraisals"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["observation_id"], ["observations.id"],
                                name=op.f("fk_action_steps_observation_id_observations"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_steps")),
    )
    op.create_index(op.f("ix_action_steps_appraisal_id"), "action_steps", ["appraisal_id"])
    rewrite_documents(lambda document: {**each("observations", _new_fields)(document), "action_steps": []})


NEW_FIELDS = {"template_id": None, "grades": {}, "department": None, "qa_round_id": None, "notice_given_on": None}


def _new_fields(observation: dict) -> dict:
    return {**observation, **NEW_FIELDS}


def _old_fields(observation: dict) -> dict:
    return {key: value for key, value in observation.items() if key not in NEW_FIELDS}


def downgrade() -> None:
    rewrite_documents(lambda document: {key: value for key, value in each("observations", _old_fields)(document).items()
                                        if key != "action_steps"})
    op.drop_index(op.f("ix_action_steps_appraisal_id"), table_name="action_steps")
    op.drop_table("action_steps")
    with op.batch_alter_table("observations") as batch_op:
        batch_op.drop_index(op.f("ix_observations_qa_round_id"))
        batch_op.drop_index(op.f("ix_observations_template_id"))
        batch_op.drop_constraint(op.f("fk_observations_template_id_observation_templates"), type_="foreignkey")
        for column in ("notice_given_on", "qa_round_id", "department", "grades", "template_id"):
            batch_op.drop_column(column)
    op.drop_index(op.f("ix_observation_templates_academy_id"), table_name="observation_templates")
    op.drop_table("observation_templates")
