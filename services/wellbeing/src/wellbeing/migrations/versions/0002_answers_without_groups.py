"""Nobody's answers are kept after a run closes: only results, drivers and comments; ballots wait for the close.

Before this, each response was kept, labelled with its academy, staff type and length-of-service band, and ballots
were released into responses in batches while a run was open. Joined with who was invited and who answered, and
matched against the published figures, those rows named respondents (docs/wellbeing.md). From now on every ballot
waits, sealed, until the close; there it is added up into the results and the drivers (now stored, like the
results), and destroyed; only comments are kept, labelled with nothing finer than an academy whose results are
shown.

Closed runs are brought into line here: their drivers are worked out from the responses as the service did, their
comments lose staff type and band (and their academy where its results were hidden), and the responses go. An open
run under the old scheme cannot be carried over (its released answers have no ballots any more, and its waiting
ballots were sealed the old way), so the upgrade stops and says which runs to close first. Saved drafts were sealed
under the link alone; they are deleted, since the key now also needs the respondent's browser.

Revision ID: 0002
Revises: 0001
"""
import math

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ANSWERS = ("response_measures", "response_items", "responses")


def upgrade() -> None:
    bind = op.get_bind()
    waiting = bind.execute(sa.text(
        "SELECT title FROM runs WHERE status = 'open' AND (EXISTS (SELECT 1 FROM responses r WHERE r.run_id = runs.id)"
        " OR EXISTS (SELECT 1 FROM ballots b WHERE b.run_id = runs.id)) ORDER BY title")).scalars().all()
    if waiting:
        raise RuntimeError("wellbeing 0002: close these open survey runs with the previous version first, so their "
                           f"answers are counted the old way: {', '.join(waiting)}")
    op.execute("DELETE FROM drafts")
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_column("staff_type")
        batch_op.drop_column("service_band")
        batch_op.alter_column("academy_id", existing_type=sa.Uuid(), nullable=True)
    op.execute(f"UPDATE comments SET academy_id = NULL WHERE NOT ({_shown(bind, 'comments')})")  # noqa: S608
    with op.batch_alter_table("runs") as batch_op:
        batch_op.add_column(sa.Column("answered", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("set_aside", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE runs SET answered = (SELECT count(*) FROM responses r WHERE r.run_id = runs.id) "
               "WHERE status = 'closed'")
    drivers = op.create_table(
        "drivers",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("academy_id", sa.String(length=36), nullable=False),
        sa.Column("measure", sa.String(length=100), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("correlation", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_drivers_run_id_runs")),
        sa.PrimaryKeyConstraint("run_id", "academy_id", "measure", name=op.f("pk_drivers")),
    )
    with op.batch_alter_table("results") as batch_op:  # a crossing cut may join types, or bands, with +
        batch_op.alter_column("staff_type", existing_type=sa.String(length=20), type_=sa.String(length=60))
        batch_op.alter_column("service_band", existing_type=sa.String(length=20), type_=sa.String(length=60))
    found = _drivers_of_closed_runs(bind)  # before the responses go
    if found:
        op.bulk_insert(drivers, found)
    for table in ANSWERS:
        op.drop_table(table)
    changes = op.create_table(
        "turnover",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("earlier_run_id", sa.Uuid(), nullable=False),
        sa.Column("academy_id", sa.String(length=36), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["earlier_run_id"], ["runs.id"], name=op.f("fk_turnover_earlier_run_id_runs")),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_turnover_run_id_runs")),
        sa.PrimaryKeyConstraint("run_id", "earlier_run_id", "academy_id", name=op.f("pk_turnover")),
    )
    found = _turnover_of_closed_runs(bind)
    if found:
        op.bulk_insert(changes, found)


def _shown(bind, table: str) -> str:
    """SQL: the row's academy is one whose results were shown (results keep an academy as text with dashes; SQLite
    keeps a Uuid column as 32 hex digits)."""
    same = ("CAST(s.academy_id AS uuid) = {t}.academy_id" if bind.dialect.name == "postgresql"
            else "replace(s.academy_id, '-', '') = {t}.academy_id")
    return (f"EXISTS (SELECT 1 FROM results s WHERE s.run_id = {table}.run_id AND s.cut = 'academy' "  # noqa: S608
            f"AND s.kind = 'responses' AND NOT s.suppressed AND s.academy_id <> '' AND {same.format(t=table)})")


def _drivers_of_closed_runs(bind) -> list[dict]:
    """Pearson's r of each measure with the run's outcome, for the trust and each shown academy, from the sums the
    service took (a hidden academy's answers count towards the trust only)."""
    rows = bind.execute(sa.text(
        f"SELECT r.run_id, CASE WHEN {_shown(bind, 'r')} THEN r.academy_id END, x.measure, runs.min_group_size, "  # noqa: S608
        "count(*), sum(x.value), sum(y.value), "
        "sum(x.value * y.value), sum(x.value * x.value), sum(y.value * y.value) FROM responses r "
        "JOIN runs ON runs.id = r.run_id AND runs.status = 'closed' "
        "JOIN response_measures y ON y.response_id = r.id AND y.measure = runs.outcome "
        "JOIN response_measures x ON x.response_id = r.id AND x.measure <> runs.outcome "
        "GROUP BY r.run_id, r.academy_id, x.measure, runs.min_group_size")).all()
    scopes: dict[tuple, list] = {}
    for run_id, academy_id, measure, k, *sums in rows:
        for scope in ("", academy_id):
            if scope is None:
                continue
            total = scopes.setdefault((run_id, str(_uuid(scope)) if scope else "", measure), [k, 0, 0, 0, 0, 0, 0])
            for i, value in enumerate(sums, start=1):
                total[i] += float(value)
    # shown only where the measure's and the outcome's own figures are shown for the group, over the same people
    # or at least k more (as the service decides at each close from now on)
    shown = {(str(_uuid(run_id)), academy or "", figure): n for run_id, academy, figure, n in bind.execute(sa.text(
        "SELECT run_id, academy_id, figure, n FROM results WHERE kind = 'measure' AND cut IN ('trust', 'academy') "
        "AND NOT suppressed"))}
    outcome = {str(_uuid(run_id)): key for run_id, key in bind.execute(sa.text("SELECT id, outcome FROM runs"))}
    found = []
    for (run_id, academy, measure), (k, n, sx, sy, sxy, sxx, syy) in scopes.items():
        run = str(_uuid(run_id))
        counts = (shown.get((run, academy, measure)), shown.get((run, academy, outcome[run])))
        if n < k or None in counts or any(0 < c - n < k for c in counts):
            continue
        spread = math.sqrt(max(n * sxx - sx * sx, 0.0) * max(n * syy - sy * sy, 0.0))
        r = (n * sxy - sx * sy) / spread if spread > 1e-9 else None
        found.append({"run_id": _uuid(run_id), "academy_id": academy, "measure": measure, "n": int(n),
                      "correlation": None if r is None else round(r, 2)})
    return found


def _turnover_of_closed_runs(bind) -> list[dict]:
    """For each pair of closed runs, whoever owns them (the later first): how many answered one and not the other,
    for the trust and each academy, as the service works it out at each close from now on."""
    closed = bind.execute(sa.text("SELECT id FROM runs WHERE status = 'closed' ORDER BY closes_on, id")).all()
    answered: dict = {}
    for run_id, staff_id, academy_id in bind.execute(sa.text(
            "SELECT i.run_id, i.staff_id, i.academy_id FROM invitations i JOIN runs r ON r.id = i.run_id "
            "WHERE r.status = 'closed' AND i.status = 'submitted'")):
        answered.setdefault(str(_uuid(run_id)), {})[str(_uuid(staff_id))] = str(_uuid(academy_id))
    found = []
    for i, (later,) in enumerate(closed):
        for (earlier,) in closed[:i]:
            mine, theirs = answered.get(str(_uuid(later)), {}), answered.get(str(_uuid(earlier)), {})
            counts = {"": len(set(mine) ^ set(theirs))}
            for academy in set(mine.values()) | set(theirs.values()):
                counts[academy] = len({s for s, a in mine.items() if a == academy}
                                      ^ {s for s, a in theirs.items() if a == academy})
            found += [{"run_id": _uuid(later), "earlier_run_id": _uuid(earlier), "academy_id": academy,
                       "changed": n} for academy, n in counts.items()]
    return found


def _uuid(value):
    import uuid

    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def downgrade() -> None:
    closed = op.get_bind().execute(sa.text("SELECT count(*) FROM runs WHERE status = 'closed'")).scalar()
    if closed:
        raise RuntimeError(f"wellbeing 0002: {closed} closed runs' answers were destroyed at their close, as this "
                           "version does; the previous version cannot show them, so it cannot be gone back to")
    op.drop_table("turnover")
    op.drop_table("drivers")
    with op.batch_alter_table("results") as batch_op:
        batch_op.alter_column("staff_type", existing_type=sa.String(length=60), type_=sa.String(length=20))
        batch_op.alter_column("service_band", existing_type=sa.String(length=60), type_=sa.String(length=20))
    with op.batch_alter_table("runs") as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("set_aside")
        batch_op.drop_column("answered")
    with op.batch_alter_table("comments") as batch_op:
        batch_op.add_column(sa.Column("staff_type", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("service_band", sa.String(length=20), nullable=False, server_default=""))
        batch_op.alter_column("academy_id", existing_type=sa.Uuid(), nullable=False)
    op.create_table(
        "responses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("academy_id", sa.Uuid(), nullable=False),
        sa.Column("staff_type", sa.String(length=20), nullable=False),
        sa.Column("service_band", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_responses_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_responses_run_group", "responses", ["run_id", "academy_id", "staff_type", "service_band"])
    for table, column, kind in (("response_items", "item", sa.Integer()), ("response_measures", "measure", sa.Float())):
        extra = [sa.Column("score", sa.Integer(), nullable=False)] if table == "response_items" else []
        op.create_table(
            table,
            sa.Column("response_id", sa.Uuid(), nullable=False),
            sa.Column(column, sa.String(length=100), nullable=False),
            sa.Column("run_id", sa.Uuid(), nullable=False),
            sa.Column("value", kind, nullable=False),
            *extra,
            sa.Column("favourable", sa.Boolean(), nullable=True),
            sa.ForeignKeyConstraint(["response_id"], ["responses.id"],
                                    name=op.f(f"fk_{table}_response_id_responses")),
            sa.PrimaryKeyConstraint("response_id", column, name=op.f(f"pk_{table}")),
            sqlite_with_rowid=False,
        )
        op.create_index(f"ix_{table}_run_{column}", table, ["run_id", column])
