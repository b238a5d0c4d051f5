"""Upgrading a database from before issue 19: closed runs keep their figures, drivers and comments (no group finer
than a shown academy) and lose their per-person answers; an open run under the old scheme stops the upgrade, by
name (SQLite and PostgreSQL)."""
from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy import inspect as sa_inspect

from staffroom_shared.runner import migrate
from staffroom_shared.testing import postgres_database
from wellbeing.bootstrap import MIGRATIONS

OAK, ELM = uuid.uuid4(), uuid.uuid4()  # Oak's results shown, Elm's hidden


def _old_run(conn, title: str, status: str) -> uuid.UUID:
    run_id = uuid.uuid4()
    conn.execute(text(
        "INSERT INTO runs (id, title, instruments, questions, academy_ids, staff_types, opens_on, closes_on, "
        "min_group_size, outcome, created_by, status, invited) VALUES (:id, :title, '[]', '[]', '[]', '[]', "
        ":opens, :closes, 5, 'enps', 'hr', :status, 9)"),
        {"id": _id(conn, run_id), "title": title, "opens": date(2026, 6, 1), "closes": date(2026, 6, 20),
         "status": status})
    return run_id


def _id(conn, value: uuid.UUID):
    return str(value) if conn.dialect.name == "postgresql" else value.hex  # how each keeps a Uuid column


def _answer(conn, run_id: uuid.UUID, academy: uuid.UUID, n: int) -> None:
    values = {"run": _id(conn, run_id), "academy": _id(conn, academy)}
    response = _id(conn, uuid.uuid4())
    conn.execute(text("INSERT INTO responses (id, run_id, academy_id, staff_type, service_band) VALUES "
                      "(:id, :run, :academy, 'support', 'under_2_years')"), {**values, "id": response})
    for measure, value in (("enps", -100.0 if n % 2 else 100.0), ("trust.valued", 1.0 + n % 2 * 3)):
        conn.execute(text("INSERT INTO response_measures (response_id, measure, run_id, value) VALUES "
                          "(:response, :measure, :run, :value)"),
                     {"response": response, "measure": measure, "run": values["run"], "value": value})
    conn.execute(text("INSERT INTO comments (id, run_id, item, text, academy_id, staff_type, service_band) VALUES "
                      "(:id, :run, 'trust.improve', 'words', :academy, 'support', 'under_2_years')"),
                 {**values, "id": _id(conn, uuid.uuid4())})


def _upgrade(url: str) -> None:
    migrate(MIGRATIONS, url, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        closed = _old_run(conn, "Summer survey", "closed")
        for academy, shown in ((OAK, True), (ELM, False)):
            conn.execute(text(
                "INSERT INTO results (run_id, cut, academy_id, staff_type, service_band, figure, kind, n, suppressed)"
                " VALUES (:run, 'academy', :academy, '', '', 'responses', 'responses', :n, :hidden)"),
                {"run": _id(conn, closed), "academy": str(academy), "n": 6 if shown else 0, "hidden": not shown})
            for n in range(6 if shown else 3):
                _answer(conn, closed, academy, n)
        # the measures' own figures as published: a driver is kept only where both are shown for the group
        for cut, academy, n in (("trust", "", 9), ("academy", str(OAK), 6)):
            for figure in ("enps", "trust.valued"):
                conn.execute(text(
                    "INSERT INTO results (run_id, cut, academy_id, staff_type, service_band, figure, kind, n, "
                    "suppressed) VALUES (:run, :cut, :academy, '', '', :figure, 'measure', :n, false)"),
                    {"run": _id(conn, closed), "cut": cut, "academy": academy, "figure": figure, "n": n})
    migrate(MIGRATIONS, url)
    with engine.connect() as conn:
        comment_labels = sorted(str(r[0]) for r in conn.execute(text("SELECT academy_id FROM comments")))
        columns = list(conn.execute(text("SELECT * FROM comments")).keys())
        answered = conn.execute(text("SELECT answered FROM runs")).scalar()
        drivers = sorted(conn.execute(text("SELECT academy_id, measure, n, correlation FROM drivers")).all())
        left = sa_inspect(conn).get_table_names()
    oak = str(OAK) if "postgresql" in url else OAK.hex
    assert comment_labels == sorted([oak] * 6 + ["None"] * 3)
    assert "staff_type" not in columns and "service_band" not in columns
    assert answered == 9
    # valued is 4 exactly when eNPS is -100, so r = -1: for the trust (9 people) and for Oak (6), not for Elm
    assert [(a, m, n, r) for a, m, n, r in drivers] == [("", "trust.valued", 9, -1.0), (str(OAK), "trust.valued", 6, -1.0)]
    assert not {"responses", "response_items", "response_measures"} & set(left)
    engine.dispose()


def _refused(url: str) -> None:
    migrate(MIGRATIONS, url, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        waiting = _old_run(conn, "Autumn pulse", "open")
        conn.execute(text("INSERT INTO ballots (id, run_id, sealed) VALUES (:id, :run, :sealed)"),
                     {"id": _id(conn, uuid.uuid4()), "run": _id(conn, waiting), "sealed": b"\x00" * 40})
    engine.dispose()
    with pytest.raises(RuntimeError, match="close these open survey runs.*Autumn pulse"):
        migrate(MIGRATIONS, url)


def _on(backend: str, tmp_path, check) -> None:
    if backend == "sqlite":
        check(f"sqlite:///{tmp_path / 'wellbeing.db'}")
    else:
        with postgres_database("wbmig") as url:
            check(url)


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_closed_runs_keep_their_figures_drivers_and_comments_but_no_answers(backend, tmp_path):
    _on(backend, tmp_path, _upgrade)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_open_run_with_answers_under_the_old_scheme_stops_the_upgrade_by_name(backend, tmp_path):
    _on(backend, tmp_path, _refused)


def _outside_trust(url: str) -> None:
    """0009: invitations made before it are kept, found by their token's hash; one can have no staff id; going back
    drops only those (nobody outside the trust can be kept in the old shape)."""
    from alembic import command

    from staffroom_shared.runner import alembic_config

    migrate(MIGRATIONS, url, "0008")
    engine = create_engine(url)
    request, rater = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO feedback_requests (id, subject_id, academy_id, question_set, title, closes_on, k, "
            "requested_by, status, shared, invited, answered) VALUES (:id, :s, :a, '360', 'Feedback for Ada', "
            ":closes, 3, 'me', 'open', false, 1, 0)"),
            {"id": _id(conn, request), "s": _id(conn, uuid.uuid4()), "a": _id(conn, uuid.uuid4()),
             "closes": date(2027, 3, 1)})
        conn.execute(text("INSERT INTO feedback_invitations (request_id, staff_id, category, token_hash, answered) "
                          "VALUES (:r, :s, 'peers', :h, false)"),
                     {"r": _id(conn, request), "s": _id(conn, rater), "h": "a" * 64})
    migrate(MIGRATIONS, url, "0009")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT token_hash, category FROM feedback_invitations")).all() == [("a" * 64, "peers")]
        conn.execute(text("INSERT INTO feedback_invitations (token_hash, request_id, staff_id, category, answered) "
                          "VALUES (:h, :r, NULL, 'others', false)"), {"h": "b" * 64, "r": _id(conn, request)})
    assert sa_inspect(engine).get_pk_constraint("feedback_invitations")["constrained_columns"] == ["token_hash"]
    command.downgrade(alembic_config(MIGRATIONS, url), "0008")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT token_hash FROM feedback_invitations")).scalars().all() == ["a" * 64]
    migrate(MIGRATIONS, url)
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_0009_keeps_invitations_and_lets_one_have_no_staff_id(backend, tmp_path):
    _on(backend, tmp_path, _outside_trust)


def _counts_cleared(url: str) -> None:
    """0010: a closed request's `answered` total and its invitations' flags become NULL (no count the report does not
    show); an open one's are kept; going back fills 0 and false."""
    from alembic import command

    from staffroom_shared.runner import alembic_config

    migrate(MIGRATIONS, url, "0009")
    engine = create_engine(url)
    closed, still_open = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        for request, status, hashed in ((closed, "closed", "c"), (still_open, "open", "o")):
            conn.execute(text(
                "INSERT INTO feedback_requests (id, subject_id, academy_id, question_set, title, closes_on, k, "
                "requested_by, status, shared, invited, answered) VALUES (:id, :s, :a, '360', 'Feedback for Ada', "
                ":closes, 3, 'me', :status, false, 1, 1)"),
                {"id": _id(conn, request), "s": _id(conn, uuid.uuid4()), "a": _id(conn, uuid.uuid4()),
                 "closes": date(2027, 3, 1), "status": status})
            conn.execute(text("INSERT INTO feedback_invitations (token_hash, request_id, staff_id, category, answered)"
                              " VALUES (:h, :r, NULL, 'others', true)"), {"h": hashed * 64, "r": _id(conn, request)})
    migrate(MIGRATIONS, url, "0010")
    with engine.begin() as conn:
        assert sorted(conn.execute(text("SELECT status, answered FROM feedback_requests")).all()) == [
            ("closed", None), ("open", 1)]
        assert sorted(conn.execute(text("SELECT token_hash, answered FROM feedback_invitations")).all()) == [
            ("c" * 64, None), ("o" * 64, True)]
    assert all(c["nullable"] for table in ("feedback_requests", "feedback_invitations")
               for c in sa_inspect(engine).get_columns(table) if c["name"] == "answered")
    command.downgrade(alembic_config(MIGRATIONS, url), "0009")
    with engine.begin() as conn:
        assert sorted(conn.execute(text("SELECT status, answered FROM feedback_requests")).all()) == [
            ("closed", 0), ("open", 1)]
        assert sorted(conn.execute(text("SELECT answered FROM feedback_invitations")).scalars()) == [False, True]
    assert not any(c["nullable"] for table in ("feedback_requests", "feedback_invitations")
                   for c in sa_inspect(engine).get_columns(table) if c["name"] == "answered")
    migrate(MIGRATIONS, url)
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_0010_clears_closed_feedback_counts_and_goes_back(backend, tmp_path):
    _on(backend, tmp_path, _counts_cleared)
