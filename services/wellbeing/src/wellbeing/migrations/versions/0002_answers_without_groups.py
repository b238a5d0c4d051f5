"""Answers keep no group finer than a shown academy; ballots wait for the close; runs count what was set aside.

Before this, responses and comments kept their academy, staff type and length-of-service band, and ballots were
released into them in batches while a run was open. Joined with who was invited and who answered, those labels
named respondents (docs/wellbeing.md). From now on every answer is written at the close, labelled only with an
academy whose results are shown. Closed runs are brought into line here: their answers lose staff type and band,
and their academy where that academy's results were hidden. An open run under the old scheme cannot be carried
over (its released answers have lost their ballots, and its waiting ballots were sealed the old way), so the
upgrade stops and says which runs to close first. Saved drafts were sealed under the link alone; they are
deleted, since the new key also needs the respondent's browser.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    waiting = bind.execute(sa.text(
        "SELECT title FROM runs WHERE status = 'open' AND (EXISTS (SELECT 1 FROM responses r WHERE r.run_id = runs.id)"
        " OR EXISTS (SELECT 1 FROM ballots b WHERE b.run_id = runs.id)) ORDER BY title")).scalars().all()
    if waiting:
        raise RuntimeError("wellbeing 0002: close these open survey runs with the previous version first, so their "
                           f"answers are counted the old way: {', '.join(waiting)}")
    op.execute("DELETE FROM drafts")
    # results keep an academy as text with dashes; SQLite keeps a Uuid column as 32 hex digits
    same = ("CAST(s.academy_id AS uuid) = {t}.academy_id" if bind.dialect.name == "postgresql"
            else "replace(s.academy_id, '-', '') = {t}.academy_id")
    for table in ("responses", "comments"):
        with op.batch_alter_table(table) as batch_op:
            if table == "responses":
                batch_op.drop_index("ix_responses_run_group")
            batch_op.drop_column("staff_type")
            batch_op.drop_column("service_band")
            batch_op.alter_column("academy_id", existing_type=sa.Uuid(), nullable=True)
        op.execute(f"UPDATE {table} SET academy_id = NULL WHERE NOT EXISTS (SELECT 1 FROM results s "  # noqa: S608 - our own table names
                   f"WHERE s.run_id = {table}.run_id AND s.cut = 'academy' AND s.kind = 'responses' "
                   f"AND NOT s.suppressed AND s.academy_id <> '' AND {same.format(t=table)})")
    with op.batch_alter_table("responses") as batch_op:
        batch_op.create_index("ix_responses_run_academy", ["run_id", "academy_id"], unique=False)
    with op.batch_alter_table("runs") as batch_op:
        batch_op.add_column(sa.Column("answered", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("set_aside", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE runs SET answered = (SELECT count(*) FROM responses r WHERE r.run_id = runs.id) "
               "WHERE status = 'closed'")


def downgrade() -> None:
    unlabelled = op.get_bind().execute(sa.text(
        "SELECT (SELECT count(*) FROM responses WHERE academy_id IS NULL) "
        "+ (SELECT count(*) FROM comments WHERE academy_id IS NULL)")).scalar()
    if unlabelled:
        raise RuntimeError(f"wellbeing 0002: {unlabelled} answers have no academy, which the previous scheme cannot "
                           "hold; they cannot be taken back")
    with op.batch_alter_table("runs") as batch_op:
        batch_op.drop_column("set_aside")
        batch_op.drop_column("answered")
    for table in ("responses", "comments"):
        with op.batch_alter_table(table) as batch_op:
            if table == "responses":
                batch_op.drop_index("ix_responses_run_academy")
            batch_op.add_column(sa.Column("staff_type", sa.String(length=20), nullable=False, server_default=""))
            batch_op.add_column(sa.Column("service_band", sa.String(length=20), nullable=False, server_default=""))
            batch_op.alter_column("academy_id", existing_type=sa.Uuid(), nullable=False)
            if table == "responses":
                batch_op.create_index("ix_responses_run_group", ["run_id", "academy_id", "staff_type", "service_band"],
                                      unique=False)
