"""The survey promise against whoever holds the data (docs/wellbeing.md, "The threat model"), on SQLite and PostgreSQL.

Real runs through the wellbeing API, then an adversary who holds every table, the database files and their
write-ahead log, and anyone's survey link, but not SEAL_KEY, tries each way in that issue 19 found or names:

  * the join: who was invited and who answered (invitations, and the staff copy) against every column stored
    with a comment, to narrow it down to fewer than the run's minimum group; and per-person answers kept beside
    the published figures, which an integer programme matched back to the people of small groups (issue 19's
    outsiders did that to the first version of this design): none may remain after the close;
  * sizes, ids, row order and transactions: ballots, drafts and comments matched to submissions by length,
    by physical order or by the transaction that wrote them, and one person's comments found side by side;
  * the files: a draft's words looked for in the database files and the write-ahead log, and a deleted draft,
    recovered from them, opened with the link from someone's mailbox;
  * the link: replayed against the running service to read what its owner saved;
  * subtraction across runs: a leaver's answers as the difference of two runs' figures;
  * one hostile respondent: a ballot the database cannot hold, which must not stop everyone else being counted;
  * replies to comments: an author's answer found in the files, the WAL, a row, an audit row or an event, tied to
    an invitation or a time finer than a day, or to the order answers were posted; a reply read with a link from
    a mailbox, or told apart by the size of the response.

The trust is shaped like the one where the join named 9 of 34 respondents: academies of uneven size, start dates
spread across every length-of-service band, so many academy x staff type x band cells hold one person.
"""
from __future__ import annotations

import random
import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select, text

from staffroom_shared.config import ServiceConfig
from staffroom_shared.testing import Tokens, administrator_url, postgres_database, survey_link
from wellbeing import bootstrap
from wellbeing.adapters import sealed
from wellbeing.entrypoints.web import create_app
from wellbeing.domain.model import service_band
from wellbeing.service.respond import seal_key
from wellbeing.service.respond import token_hash

TODAY = date.today()
K = 5
INSTRUMENTS = ["enps", "ons4", "trust_core"]
# (academy, teaching, support, leadership): 41 people
SHAPE = [("Oak", 12, 5, 2), ("Elm", 8, 3, 1), ("Ash", 6, 2, 0), ("Yew", 2, 0, 0)]


@dataclass
class Person:
    staff_id: uuid.UUID
    academy: str
    academy_id: uuid.UUID
    staff_type: str
    start_date: date
    token: str = ""
    marker: str = field(default_factory=lambda: f"quokka-{uuid.uuid4().hex}")

    @property
    def group(self) -> tuple:
        return (str(self.academy_id), self.staff_type, service_band(self.start_date, TODAY))


class Stack:
    """The wellbeing app on one database, with HR and the people of SHAPE."""

    def __init__(self, app, tokens: Tokens, kind: str, folder: Path):
        self.app, self.client, self.tokens, self.kind, self.folder = app, app.test_client(), tokens, kind, folder
        self.context = app.extensions["staffroom"]
        self.tables = self.context.metadata.tables
        self.hr = tokens.headers(uuid.uuid4(), roles=("staff", "trust_hr"))
        self.browser = secrets.token_urlsafe(16)
        self.people: list[Person] = []
        self.links: dict[str, dict[uuid.UUID, str]] = {}  # each run's tokens by staff id
        chance = random.Random(19)
        for name, *sizes in SHAPE:
            academy_id = uuid.uuid4()
            self.insert("academies", {"academy_id": academy_id, "name": f"{name} Academy"})
            for staff_type, size in zip(("teaching", "support", "leadership"), sizes):
                for _ in range(size):
                    started = TODAY - timedelta(days=chance.randrange(100, 365 * 14))
                    self.people.append(Person(uuid.uuid4(), name, academy_id, staff_type, started))
        self.insert("staff", *({"staff_id": p.staff_id, "academy_id": p.academy_id, "first_name": "A",
                                "last_name": p.academy, "email": f"{p.staff_id.hex}@trust.example",
                                "staff_type": p.staff_type, "start_date": p.start_date, "leaving_date": None}
                               for p in self.people))

    def insert(self, table: str, *rows: dict) -> None:
        with self.context.engine.begin() as conn:
            conn.execute(insert(self.tables[table]), list(rows))

    def rows(self, table: str, *where) -> list:
        with self.context.engine.connect() as conn:
            return conn.execute(select(self.tables[table]).where(*where)).all()

    def sql(self, statement: str, **params) -> list:
        with self.context.engine.connect() as conn:
            return conn.execute(text(statement), params).all()

    def ok(self, response, status=200):
        assert response.status_code == status, (response.status_code, response.data[:500])
        return response.get_json() if response.data else None

    def open_run(self, title: str, people: list[Person] | None = None, questions: list | None = None,
                 **extra) -> str:
        run = self.ok(self.client.post("/runs", headers=self.hr, json={
            "title": title, "instruments": INSTRUMENTS, "questions": questions or [], "opens_on": str(TODAY),
            "closes_on": str(TODAY + timedelta(days=14)), **extra}), 201)
        self.ok(self.client.post(f"/runs/{run['id']}/schedule", headers=self.hr))
        by_id = {p.staff_id: p for p in (people or self.people)}
        links = self.links.setdefault(run["id"], {})
        outbox = self.tables["outbox"]
        with self.context.engine.connect() as conn:
            for (envelope,) in conn.execute(select(outbox.c.envelope).where(
                    outbox.c.event_type == "wellbeing.invitation_issued")):
                payload = envelope["payload"]
                if payload["run_id"] == run["id"] and uuid.UUID(payload["staff_id"]) in by_id:
                    # each person's link as their email brings it (the outbox holds it sealed to notifications)
                    link = survey_link(self.context.config, payload)
                    by_id[uuid.UUID(payload["staff_id"])].token = link.split("#token=")[1]
                if payload["run_id"] == run["id"]:
                    links[uuid.UUID(payload["staff_id"])] = survey_link(self.context.config, payload).split("#token=")[1]
        return run["id"]

    def tokens_of(self, run_id: str) -> dict[uuid.UUID, str]:
        """Each invited person's token for a run, from their invitation."""
        return self.links[run_id]

    def events(self, event_type: str) -> list[dict]:
        return [row.envelope["payload"] for row in self.rows("outbox", self.tables["outbox"].c.event_type == event_type)]

    def survey(self, method: str, path: str, token: str, answers: dict | None = None, browser: str | None = None):
        headers = {"X-Survey-Token": token, **({"X-Draft-Key": browser} if browser else {})}
        return self.client.open(f"/survey{path}", method=method, headers=headers,
                                json=None if answers is None else {"answers": answers})

    def answers(self, person: Person, n: int) -> dict:
        return {"enps.recommend": n % 11, "ons.happiness": (n * 3) % 11, "trust.valued": 1 + n % 5,
                "trust.workload": 1 + (n * 2) % 5, "trust.improve": f"More time to plan {person.marker}"}

    def close(self, run_id: str) -> dict:
        return self.ok(self.client.post(f"/runs/{run_id}/close", headers=self.hr))


@pytest.fixture(scope="module")
def tokens(tmp_path_factory):
    return Tokens(tmp_path_factory.mktemp("keys"))


def _stack(kind: str, folder: Path, tokens: Tokens, url: str | None = None) -> Stack:
    env = {"STAFFROOM_DATA_DIR": str(folder), "JWT_PUBLIC_KEY_FILE": str(tokens.public), "LOG_LEVEL": "WARNING",
           "SEAL_KEY": "c3RhZmZyb29tIGFkdmVyc2FyeSB0ZXN0IGtleSAzMmI=", **({"DATABASE_URL": url} if url else {})}
    config = ServiceConfig.from_env(bootstrap.NAME, env)
    bootstrap.migrate(config)
    return Stack(create_app(config), tokens, kind, folder)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def stack(request, tmp_path, tokens):
    if request.param == "sqlite":
        made = _stack("sqlite", tmp_path, tokens)
        yield made
    else:
        with postgres_database("wbadv") as url:
            made = _stack("postgresql", tmp_path, tokens, url)
            yield made
    made.context.engine.dispose()


@dataclass
class Survey:
    """A run answered by most of the trust, as the adversary finds it after the close."""

    run_id: str
    answered: list[Person]
    abandoned_draft: str              # words saved in a draft whose link was then replaced: never submitted
    abandoned_box: bytes              # that draft as stored, as if recovered from the files after its deletion
    abandoned_token: str              # and the old link it was saved with, as if taken from a mailbox
    boxes_before_close: dict          # table -> the sealed sizes seen while the run was open


ELSE = [{"key": "else", "text": "Anything else?", "scale": "text"}]  # a second written answer from each person


def _answered_survey(stack: Stack) -> Survey:
    run_id = stack.open_run("Spring staff survey", questions=ELSE)
    chance = random.Random(34)
    answered = [p for p in stack.people if chance.random() < 0.85]
    # Someone saves a draft, loses the link, gets a new one: the old draft is gone with it.
    quitter = answered[0]
    abandoned = f"never-sent-{uuid.uuid4().hex}"
    stack.ok(stack.survey("PUT", "/answers", quitter.token, {"trust.improve": f"My head shouts {abandoned}"},
                          stack.browser), 204)
    [box] = stack.rows("drafts", stack.tables["drafts"].c.token_hash == token_hash(quitter.token))
    old_token = quitter.token
    made = stack.client.post(f"/runs/{run_id}/link", headers=stack.tokens.headers(quitter.staff_id))
    quitter.token = stack.ok(made, 201)["link"].split("#token=")[1]
    for n, person in enumerate(answered):
        if n % 4 == 1:  # some save part-way first
            stack.ok(stack.survey("PUT", "/answers", person.token, {"trust.valued": 3}, stack.browser), 204)
        answers = {**stack.answers(person, n), "custom.else": f"And a quieter staffroom {person.marker}"}
        assert stack.survey("POST", "/submission", person.token, answers, stack.browser).status_code == 204
    sizes = {table: {len(row.sealed) for row in stack.rows(table)} for table in ("ballots", "drafts")}
    assert not stack.rows("results") and not stack.rows("comments"), "nothing is worked out before the close"
    stack.close(run_id)
    return Survey(run_id, answered, abandoned, bytes(box.sealed), old_token, sizes)


# -- the join ---------------------------------------------------------------------------------------------------

def test_joining_who_answered_with_what_is_stored_beside_each_comment_narrows_nobody_below_the_minimum(stack):
    survey = _answered_survey(stack)
    submitted = stack.rows("invitations", stack.tables["invitations"].c.status == "submitted")
    staff = {row.staff_id: row._mapping for row in stack.rows("staff")}
    assert len(submitted) == len(survey.answered) >= 30
    # Every attribute the adversary knows of each person who answered: the invitation's, and the staff copy's.
    known = [{**{k: v for k, v in staff[i.staff_id].items()}, **i._mapping} for i in submitted]
    # Before: the trust really does have groups of one (the join would name them if answers kept their group).
    cells: dict[tuple, int] = {}
    for person in survey.answered:
        cells[person.group] = cells.get(person.group, 0) + 1
    assert sum(1 for n in cells.values() if n == 1) >= 5, "the trust should have several one-person groups"
    rows = stack.rows("comments")
    assert len(rows) == 2 * len(survey.answered)
    for row in rows:
        stored = {k: v for k, v in row._mapping.items() if v is not None}
        shared = [k for k in stored if k not in ("id",) and any(k in person for person in known)]
        candidates = [p for p in known if all(p.get(k) == stored[k] for k in shared)]
        assert len(candidates) >= K, (shared, len(candidates))


def test_after_the_close_nobody_s_answers_remain_only_figures_of_groups_of_at_least_the_minimum(stack):
    survey = _answered_survey(stack)
    assert survey.answered
    per_person = {"ballots", "drafts"}
    assert not {"responses", "response_items", "response_measures"} & set(stack.tables)
    for table in per_person:
        assert not stack.rows(table), f"{table} still holds someone's answers after the close"
    for row in stack.rows("results"):
        if row.suppressed:
            assert (row.n, row.mean, row.favourable, row.distribution, row.invited) == (0, None, None, None, None)
        else:
            assert row.n >= K and (row.distribution is None or sum(row.distribution.values()) == row.n)
    drivers = stack.rows("drivers")
    assert drivers and all(row.n >= K for row in drivers)


# -- sizes, ids, order, transactions ----------------------------------------------------------------------------

def test_every_ballot_and_draft_of_a_run_has_the_same_size_and_answers_are_written_together(stack):
    survey = _answered_survey(stack)
    assert len(survey.boxes_before_close["ballots"]) == 1 and survey.boxes_before_close["drafts"] <= \
        survey.boxes_before_close["ballots"]
    assert not stack.rows("ballots") and not stack.rows("drafts")  # the close empties the box and the drafts
    assert all(row.id.version == 4 for row in stack.rows("comments"))
    if stack.kind == "postgresql":
        # One transaction wrote everything the close keeps (the comments in a savepoint of it): the transaction id
        # (xmin) of a comment orders nothing.
        for table in ("comments", "results", "drivers"):
            assert len(stack.sql(f"SELECT DISTINCT xmin FROM {table}")) == 1, table  # noqa: S608 - our table names
        physical = [r.marker for r in stack.sql("SELECT substring(text from 'quokka-[0-9a-f]+') AS marker "
                                                "FROM comments ORDER BY ctid")]
    else:
        [table] = stack.sql("SELECT sql FROM sqlite_master WHERE name = 'comments'")
        assert "WITHOUT ROWID" in table[0]
        physical = [r.marker for r in stack.sql("SELECT substr(text, instr(text, 'quokka-')) AS marker FROM comments")]
    # The adversary pairs the rows, in the order they lie, with who answered, in the order they answered...
    truth = [p.marker for p in survey.answered]
    assert sorted(physical) == sorted(truth * 2)
    firsts = list(dict.fromkeys(physical))  # each author's first comment, in the order they lie
    hits = sum(a == b for a, b in zip(firsts, truth))
    assert hits <= 6, f"{hits} of {len(truth)} comments lie in the order their authors answered"
    # ...and looks for one person's two comments side by side (by chance about once in a run this size)
    beside = sum(a == b for a, b in zip(physical, physical[1:]))
    assert beside <= 6, f"{beside} pairs of one person's comments lie side by side"


# -- the files and the link -------------------------------------------------------------------------------------

def _files(stack: Stack, since_lsn: str | None) -> bytes:
    """Every byte the database keeps for wellbeing: SQLite's file and WAL; PostgreSQL's relation files (after a
    checkpoint) and the WAL written since `since_lsn`."""
    if stack.kind == "sqlite":
        return b"".join(p.read_bytes() for p in stack.folder.glob("wellbeing.db*"))
    stack.sql("SELECT 1")
    server = create_engine(administrator_url(stack.context.config.database_url))  # whoever holds the server's files
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CHECKPOINT"))
        root = Path(conn.execute(text("SHOW data_directory")).scalar())
        paths = conn.execute(text(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 't', 'i') "
            "AND pg_relation_filepath(c.oid) IS NOT NULL")).scalars().all()
        first, last = conn.execute(text("SELECT pg_walfile_name(:a), pg_walfile_name(pg_current_wal_lsn())"),
                                   {"a": since_lsn}).one()
    server.dispose()
    blobs = [p.read_bytes() for rel in paths for p in sorted((root / rel).parent.glob(Path(rel).name + "*"))
             if p.is_file()]
    blobs += [p.read_bytes() for p in sorted((root / "pg_wal").iterdir()) if first <= p.name <= last and len(p.name) == 24]
    return b"".join(blobs)


def test_a_draft_cannot_be_read_from_the_files_nor_through_the_service_with_its_link(stack):
    lsn = stack.sql("SELECT pg_current_wal_lsn()::text")[0][0] if stack.kind == "postgresql" else None
    survey = _answered_survey(stack)
    files = _files(stack, lsn)
    # The scan sees what is there: every submitted comment is in the files, in clear, as it should be.
    assert all(p.marker.encode() in files for p in survey.answered)
    # A draft's words are never in them, before or after it was deleted.
    assert survey.abandoned_draft.encode() not in files
    # The deleted draft, recovered from the files, with the link from the mailbox: it does not open.
    for browser_guess in ("", "x" * 22, survey.abandoned_token):
        with pytest.raises(sealed.Unopenable):
            sealed.unseal(sealed.draft_key(seal_key(stack.context.config), survey.abandoned_token, browser_guess),
                          uuid.UUID(survey.run_id), survey.abandoned_box)


def test_a_link_from_a_mailbox_opens_no_draft_through_the_running_service(stack):
    run_id = stack.open_run("Pulse")
    owner = stack.people[0]
    stack.ok(stack.survey("PUT", "/answers", owner.token, {"trust.improve": "about my line manager"}, stack.browser),
             204)
    for thief in (None, secrets.token_urlsafe(16)):  # the link alone, or with a browser key of the thief's own
        seen = stack.ok(stack.survey("GET", "", owner.token, browser=thief))
        assert seen["saved"] == {} and seen["saved_elsewhere"] is True
        assert "line manager" not in str(seen)
    # the owner's own browser still opens it
    assert stack.ok(stack.survey("GET", "", owner.token, browser=stack.browser))["saved"] == {
        "trust.improve": "about my line manager"}
    assert run_id


# -- subtraction across runs ------------------------------------------------------------------------------------

def test_a_leaver_s_answers_are_not_the_difference_between_two_runs(stack):
    oak = [p for p in stack.people if p.academy == "Oak"]
    stayers, leaver = oak[1:], oak[0]
    first = stack.open_run("Autumn survey", oak)
    for person in oak:
        answers = {"enps.recommend": 0 if person is leaver else 8, "trust.valued": 1 if person is leaver else 4}
        assert stack.survey("POST", "/submission", person.token, answers).status_code == 204
    stack.close(first)
    with stack.context.engine.begin() as conn:  # the leaver leaves; the others answer exactly as before
        conn.execute(stack.tables["staff"].update().where(stack.tables["staff"].c.staff_id == leaver.staff_id)
                     .values(leaving_date=TODAY - timedelta(days=1)))
    second = stack.open_run("Spring survey", stayers)
    for person in stayers:
        assert stack.survey("POST", "/submission", person.token,
                            {"enps.recommend": 8, "trust.valued": 4}).status_code == 204
    stack.close(second)
    report = stack.ok(stack.client.get(f"/runs/{second}/report", headers=stack.hr))
    series = [s for s in report["trend"] if s["measure"] in ("enps", "trust.valued")]
    assert series
    for s in series:
        shown = [p for p in s["points"] if p["withheld"] is None]
        # every pair of points shown side by side differs by nobody or by at least the minimum group
        for a in shown:
            for b in shown:
                assert a["n"] == b["n"] or abs(a["n"] - b["n"]) >= K
        assert [p["withheld"] is not None for p in s["points"]] == [False, True]
        assert s["points"][1]["mean"] is None and "fewer than 5" in s["points"][1]["withheld"]


def test_one_leaver_swapped_for_one_joiner_keeps_the_count_but_is_not_compared(stack):
    """Issue 19's second outsider: one support worker left, one joined, everyone else answered as before, and the
    counts stayed equal, so the trend set the runs side by side; the change (+4 on a 1 to 5 scale, over 11
    people) could only be the leaver's 1 and the joiner's 5."""
    oak = [p for p in stack.people if p.academy == "Oak"]
    leaver, joiner, stayers = oak[0], oak[-1], oak[1:-1]
    first = stack.open_run("Autumn survey", [leaver, *stayers])
    for person in [leaver, *stayers]:
        answers = {"trust.valued": 1 if person is leaver else 3, "enps.recommend": 0 if person is leaver else 8}
        assert stack.survey("POST", "/submission", person.token, answers).status_code == 204
    # the joiner does not answer the first run; the leaver has left by the second
    stack.ok(stack.client.post(f"/runs/{first}/close", headers=stack.hr))
    with stack.context.engine.begin() as conn:
        conn.execute(stack.tables["staff"].update().where(stack.tables["staff"].c.staff_id == leaver.staff_id)
                     .values(leaving_date=TODAY - timedelta(days=1)))
    second = stack.open_run("Spring survey", [joiner, *stayers])
    for person in [joiner, *stayers]:
        answers = {"trust.valued": 5 if person is joiner else 3, "enps.recommend": 10 if person is joiner else 8}
        assert stack.survey("POST", "/submission", person.token, answers).status_code == 204
    stack.close(second)
    report = stack.ok(stack.client.get(f"/runs/{second}/report", headers=stack.hr))
    for series in (s for s in report["trend"] if s["measure"] in ("trust.valued", "enps")):
        first_n, second_n = (p["n"] for p in series["points"])
        assert first_n == second_n  # the count alone would let these be compared
        assert series["points"][1]["withheld"] and series["points"][1]["mean"] is None, series


def _swap(stack: Stack, first_title="Autumn survey", second_title="Spring survey", *, close_first=True, **extra):
    """One leaver (answers 1 and 0) swapped for one joiner (5 and 10) between two runs whose other respondents
    answer alike: the leaver is invited to both and answers the first only, the joiner answers the second only."""
    oak = [p for p in stack.people if p.academy == "Oak"]
    leaver, joiner, stayers = oak[0], oak[-1], oak[1:-1]
    first = stack.open_run(first_title, **extra)
    second = stack.open_run(second_title, **extra)
    for run_id, person_in, value in ((first, leaver, (1, 0)), (second, joiner, (5, 10))):
        for person in [person_in, *stayers]:
            token = stack.tokens_of(run_id)[person.staff_id]
            answers = {"trust.valued": value[0] if person is person_in else 3,
                       "enps.recommend": value[1] if person is person_in else 8}
            assert stack.survey("POST", "/submission", token, answers).status_code == 204
    return first, second


def test_runs_closed_out_of_date_order_are_still_not_compared_across_a_swap(stack):
    """Issue 19's third outsider: the count of who changed is kept by the run that closed second; a run closed
    later but dated earlier (as the demo closes its past surveys) was looked up the other way round, found no
    count, and the swap was compared."""
    from datetime import datetime, timezone

    from wellbeing.domain.model import SurveyRun
    from wellbeing.service.results import close_run

    first, second = _swap(stack)
    for run_id, days_ago in ((second, 1), (first, 30)):  # the later-dated one closes first
        with stack.context.uow() as uow:
            run = uow.session.get(SurveyRun, uuid.UUID(run_id), with_for_update=True)
            close_run(uow, run, seal_key(stack.context.config),
                      at=datetime.now(timezone.utc) - timedelta(days=days_ago))
            uow.commit()
    report = stack.ok(stack.client.get(f"/runs/{second}/report", headers=stack.hr))
    series = [s for s in report["trend"] if s["measure"] in ("trust.valued", "enps")]
    assert len(series) == 2
    for s in series:
        assert [p["title"] for p in s["points"]] == ["Autumn survey", "Spring survey"]
        assert s["points"][1]["withheld"] and s["points"][1]["mean"] is None, s


def test_every_pair_of_closed_runs_has_its_change_counted_whoever_owns_them(stack):
    """Issue 19's third outsider: only runs of one owner were counted, so the targets service compared an academy
    in a trust-wide run with the same academy in its own run with no count, and read a swap."""
    oak = [p for p in stack.people if p.academy == "Oak"]
    trust_run = stack.open_run("Trust survey")
    for person in oak:
        assert stack.survey("POST", "/submission", stack.tokens_of(trust_run)[person.staff_id],
                            {"trust.valued": 3}).status_code == 204
    stack.close(trust_run)
    academy_run = stack.open_run("Oak's own survey", owner_academy_id=str(oak[0].academy_id))
    for person in oak[1:]:  # one of them does not answer their academy's own
        assert stack.survey("POST", "/submission", stack.tokens_of(academy_run)[person.staff_id],
                            {"trust.valued": 3}).status_code == 204
    stack.close(academy_run)
    counted = {(str(r.earlier_run_id), r.academy_id): r.changed for r in stack.rows("turnover")
               if str(r.run_id) == academy_run}
    assert counted[(trust_run, str(oak[0].academy_id))] == 1  # the leaver answered the trust's run and not Oak's own
    published = [e for e in stack.events("wellbeing.results_published") if e["run_id"] == academy_run]
    [group] = [g for g in published[0]["groups"] if g["cut"] == "academy"]
    assert {"run_id": trust_run, "changed": 1} in group["turnover"]


def test_the_trend_compares_a_run_only_with_runs_of_the_same_scope(stack):
    """Issue 19's third outsider: a trust run of one academy stood in the trust-wide trend as "the whole trust"."""
    oak = next(p.academy_id for p in stack.people if p.academy == "Oak")
    one = stack.open_run("Oak only", academy_ids=[str(oak)])
    whole = stack.open_run("Whole trust")
    for run_id in (one, whole):
        for token in stack.tokens_of(run_id).values():
            assert stack.survey("POST", "/submission", token, {"trust.valued": 3}).status_code == 204
        stack.close(run_id)
    report = stack.ok(stack.client.get(f"/runs/{whole}/report", headers=stack.hr))
    assert report["trend"] and all([p["title"] for p in s["points"]] == ["Whole trust"] for s in report["trend"])


def test_two_people_swapping_who_skipped_a_question_are_not_compared(stack):
    """Issue 19's fourth outsider: the same people answered both runs, but one skipped eNPS in the first and
    another in the second; each eNPS figure counted the same, and the trend's change was the one's 0 against the
    other's 10."""
    oak = [p for p in stack.people if p.academy == "Oak"]
    first, second = stack.open_run("Autumn survey"), stack.open_run("Spring survey")
    for run_id, skipper, answerer, enps in ((first, oak[1], oak[0], 0), (second, oak[0], oak[1], 10)):
        for person in oak:
            answers = {"trust.valued": 3, "enps.recommend": enps if person is answerer else 8}
            if person is skipper:
                del answers["enps.recommend"]
            assert stack.survey("POST", "/submission", stack.tokens_of(run_id)[person.staff_id],
                                answers).status_code == 204
        stack.close(run_id)
    report = stack.ok(stack.client.get(f"/runs/{second}/report", headers=stack.hr))
    [enps] = [s for s in report["trend"] if s["measure"] == "enps" and s["cut"] == "trust"]
    assert [p["n"] for p in enps["points"]] == [len(oak) - 1] * 2  # counts alike, and nobody came or went
    assert enps["points"][1]["withheld"] and enps["points"][1]["mean"] is None, enps
    [valued] = [s for s in report["trend"] if s["measure"] == "trust.valued" and s["cut"] == "trust"]
    assert all(p["withheld"] is None for p in valued["points"])  # everyone answered that both times: compared


# -- one hostile respondent -------------------------------------------------------------------------------------

def _smuggle(stack: Stack, run_id: str, comment: str) -> None:
    """A ballot that got into the box holding what the API now refuses (as one could before it did): sealed as
    the service seals one, but with JSON's ASCII escapes, which carry a lone surrogate through."""
    import json
    import os
    import struct

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from wellbeing.domain.model import SurveyRun

    run = uuid.UUID(run_id)
    with stack.context.read_sessions() as session:
        size = sealed.capacity(session.get(SurveyRun, run).questionnaire())
    plain = json.dumps({"academy_id": str(stack.people[0].academy_id), "staff_type": "teaching",
                        "service_band": "under_2_years", "items": [["enps.recommend", 0, 0, None]], "measures": [],
                        "comments": [["trust.improve", comment]]}).encode()
    nonce = os.urandom(sealed.NONCE)
    box = nonce + AESGCM(seal_key(stack.context.config)).encrypt(
        nonce, struct.pack(">I", len(plain)) + plain + bytes(size - len(plain)), run.bytes)
    stack.insert("ballots", {"id": uuid.uuid4(), "run_id": run, "sealed": box})


@pytest.mark.parametrize("poison", ["nul \x00 in the middle", "a lone surrogate \ud800", "refused by the database"])
def test_a_ballot_the_database_cannot_hold_is_set_aside_and_everyone_else_is_counted(stack, poison):
    run_id = stack.open_run("Pulse")
    oak = [p for p in stack.people if p.academy == "Oak"][:8]
    for n, person in enumerate(oak[:4]):
        assert stack.survey("POST", "/submission", person.token, stack.answers(person, n)).status_code == 204
    _smuggle(stack, run_id, poison)
    for n, person in enumerate(oak[4:], start=4):
        assert stack.survey("POST", "/submission", person.token, stack.answers(person, n)).status_code == 204
    if poison.startswith("refused"):  # text the API accepts but this database refuses (a constraint, here)
        stack.sql("SELECT 1")
        with stack.context.engine.begin() as conn:
            conn.execute(text(
                "ALTER TABLE comments ADD CONSTRAINT no_poison CHECK (text NOT LIKE '%refused by%')"
                if stack.kind == "postgresql" else
                "CREATE TRIGGER no_poison BEFORE INSERT ON comments WHEN NEW.text LIKE '%refused by%' "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"))
    closed = stack.close(run_id)
    assert (closed["answered"], closed["set_aside"], closed["counted"]) == (9, 1, 8)
    report = stack.ok(stack.client.get(f"/runs/{run_id}/report?cut=trust", headers=stack.hr))
    [trust] = report["groups"]
    assert trust["responses"] == 8 and not trust["suppressed"]
    assert not stack.rows("ballots")
    assert sorted(p.marker for p in oak) == sorted(r.text.split()[-1] for r in stack.rows("comments")
                                                   if r.item == "trust.improve")
    # and the service goes on: the next request, and the next run, work
    stack.ok(stack.client.get(f"/runs/{run_id}/comments", headers=stack.hr))


# -- reconstruction from the published figures alone --------------------------------------------------------------

def test_solving_every_published_figure_together_pins_nobody_below_their_atom(stack):
    """Issue 19's outsiders solved the published distributions together as an integer programme: with who
    answered in each finest group (academy x staff type x band, from invitations and the staff copy), every
    distribution shown must hold. Here the same attack, with SciPy's MILP solver, on what the close stored: an
    answer it pins for a lone respondent must be the answer of everyone in their atom (so it says nothing about
    them that it does not say about at least k people)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    from wellbeing.domain.disclosure import publishable
    from wellbeing.domain.model import SERVICE_BANDS, STAFF_TYPES

    survey = _answered_survey(stack)
    truth = {p.staff_id: stack.answers(p, n) for n, p in enumerate(survey.answered)}
    who = {p.staff_id: p for p in survey.answered}
    counts: dict = defaultdict(int)
    for p in survey.answered:
        counts[p.group] += 1
    groups = sorted(counts)
    invited: dict = defaultdict(int)
    for p in stack.people:
        invited[p.group] += 1
    shape = publishable(dict(invited), dict(counts), K, STAFF_TYPES, tuple(b for b, *_ in SERVICE_BANDS))
    stored = stack.rows("results", stack.tables["results"].c.kind == "item")

    def inside(row, g) -> bool:
        academy, staff_type, band = g
        return {"trust": True, "academy": row.academy_id == academy,
                "staff_type": staff_type in row.staff_type.split("+"),
                "service_band": band in row.service_band.split("+"),
                "academy_staff_type": row.academy_id == academy and row.staff_type == staff_type}[row.cut]

    pinned = []
    for item in ("enps.recommend", "trust.valued", "trust.workload", "ons.happiness"):
        shown = [r for r in stored if r.figure == item and not r.suppressed]
        values = sorted({int(v) for r in shown for v in r.distribution})
        var = [(g, v) for g in groups for v in values]
        rows, lo, hi = [], [], []
        for g in groups:  # a person gives one answer, or skips
            rows.append([var.index((g, v)) for v in values]), lo.append(0), hi.append(counts[g])
        for r in shown:
            for v in values:
                want = r.distribution.get(str(v), 0)
                rows.append([var.index((g, v)) for g in groups if inside(r, g)]), lo.append(want), hi.append(want)
        matrix = lil_matrix((len(rows), len(var)))
        for i, columns in enumerate(rows):
            for j in columns:
                matrix[i, j] = 1
        system = LinearConstraint(matrix.tocsr(), lo, hi)
        top = np.array([counts[g] for g, _ in var], dtype=float)

        def feasible(low, high) -> bool:
            return milp(np.zeros(len(var)), constraints=system, integrality=np.ones(len(var)),
                        bounds=Bounds(low, high)).status == 0

        assert feasible(np.zeros(len(var)), top)
        for g in (g for g in groups if counts[g] == 1):
            possible = []
            for v in values:
                low = np.zeros(len(var))
                low[var.index((g, v))] = 1
                if feasible(low, top):
                    possible.append(v)
            skipped = top.copy()
            skipped[[var.index((g, v)) for v in values]] = 0
            if len(possible) == 1 and not feasible(np.zeros(len(var)), skipped):
                pinned.append((g, item, possible[0]))
    assert len(groups) > 10 and sum(1 for g in groups if counts[g] == 1) >= 5  # there is someone to find
    for g, item, value in pinned:
        atom = [p for p in who.values() if shape.atom_of[p.group] == shape.atom_of[g]]
        assert len(atom) >= K and all(truth[p.staff_id][item] == value for p in atom), (g, item, value)


# -- replies to comments ----------------------------------------------------------------------------------------

def test_replies_and_answers_tie_no_comment_or_answer_to_anyone_nor_to_a_time_finer_than_a_day(stack):
    from sqlalchemy import DateTime

    from wellbeing.service import replies

    lsn = stack.sql("SELECT pg_current_wal_lsn()::text")[0][0] if stack.kind == "postgresql" else None
    survey = _answered_survey(stack)
    threads = {c["text"]: c for c in stack.ok(stack.client.get(f"/runs/{survey.run_id}/conversations",
                                                               headers=stack.hr))}
    authors = survey.answered[:10]
    for person in authors:
        [comment] = [c for text, c in threads.items() if text == f"More time to plan {person.marker}"]
        stack.ok(stack.client.post(f"/runs/{survey.run_id}/replies", headers=stack.hr, json={
            "comment_id": comment["comment_id"], "text": "Which lessons?"}), 201)
    posted = []
    for n, person in enumerate(authors):
        headers = {"X-Survey-Token": person.token, "X-Draft-Key": stack.browser}
        [talk] = stack.ok(stack.client.post("/survey/replies", headers=headers, json={}))["conversations"]
        words = f"answer-{n}-{uuid.uuid4().hex}"
        assert stack.ok(stack.client.post("/survey/replies", headers=headers, json={"answer": {
            "comment_id": talk["comment_id"], "text": words}}))["answer"] == "held"
        posted.append(words)
    # While waiting: sealed, all one size, and the words nowhere in the files or the WAL
    held = stack.rows("held_answers")
    assert len(held) == 10 and len({len(row.sealed) for row in held}) == 1
    assert set(stack.tables["held_answers"].c.keys()) == {"id", "run_id", "sealed"}
    files = _files(stack, lsn)
    assert not any(words.encode() in files for words in posted)
    assert not stack.rows("replies", stack.tables["replies"].c.kind == "answer")
    # Released together by the daily job: shuffled, dated by the day, by nobody
    assert replies.release(stack.context.uow(), seal_key(stack.context.config), TODAY) == 10
    assert not stack.rows("held_answers")
    answers = stack.rows("replies", stack.tables["replies"].c.kind == "answer")
    assert sorted(r.text for r in answers) == sorted(posted)
    assert {(r.written_on, r.written_by, r.academy_id) for r in answers} == {(TODAY, None, None)}
    assert all(r.id.version == 4 for r in stack.rows("replies"))
    # Nothing stored about a reply or answer has a time finer than a day
    for table in ("replies", "held_answers"):
        assert not [c.name for c in stack.tables[table].c if isinstance(c.type, DateTime)], table
    # No row of comments, replies or answers holds anything that names an invitation
    who = {str(i.staff_id) for i in stack.rows("invitations")} | {i.token_hash for i in stack.rows("invitations")}
    who |= {i.staff_id.hex for i in stack.rows("invitations")}
    for table in ("comments", "replies"):
        for row in stack.rows(table):
            assert not who & {str(v) for v in row._mapping.values()} and not any(
                w in str(v) for v in row._mapping.values() for w in who), table
    # The tag is no function of the link alone, or of the link and a browser's key without SEAL_KEY
    tags = {row.reply_tag for row in stack.rows("comments")}
    for person in authors:
        for guess in (token_hash(person.token), token_hash(person.token + stack.browser),
                      sealed.reply_tag(sealed.reply_key(b"", person.token, stack.browser),
                                       uuid.UUID(survey.run_id), "trust.improve")):
            assert guess not in tags
    # Neither an audit row nor an event says who answered, or which conversation when
    audits = stack.rows("audit_log", stack.tables["audit_log"].c.actor == "respondent")
    assert audits == []
    [released] = stack.events("wellbeing.answers_released")
    assert released["answers"] == 10 and not any(t["comment_id"] in str(released) for t in threads.values())
    # The rows lie in no order of posting
    if stack.kind == "postgresql":
        assert len(stack.sql("SELECT DISTINCT xmin FROM replies WHERE kind = 'answer'")) == 1
        physical = [r.text for r in stack.sql("SELECT text FROM replies WHERE kind = 'answer' ORDER BY ctid")]
    else:
        [table] = stack.sql("SELECT sql FROM sqlite_master WHERE name = 'replies'")
        assert "WITHOUT ROWID" in table[0]
        physical = [r.text for r in stack.sql("SELECT text FROM replies WHERE kind = 'answer'")]
    hits = sum(a == b for a, b in zip(physical, posted))
    assert hits <= 5, f"{hits} of 10 answers lie in the order they were posted"


def test_reading_replies_with_a_link_from_a_mailbox_shows_nothing_and_answers_the_same_size(stack):
    survey = _answered_survey(stack)
    threads = stack.ok(stack.client.get(f"/runs/{survey.run_id}/conversations", headers=stack.hr))
    owner, bystander = survey.answered[0], survey.answered[1]
    [comment] = [c for c in threads if c["text"] == f"More time to plan {owner.marker}"]
    stack.ok(stack.client.post(f"/runs/{survey.run_id}/replies", headers=stack.hr, json={
        "comment_id": comment["comment_id"], "text": "Can you say more?"}), 201)
    sizes = {}
    for who, token, browser in (("owner", owner.token, stack.browser),
                                ("thief", owner.token, secrets.token_urlsafe(16)),
                                ("bystander", bystander.token, secrets.token_urlsafe(16))):
        seen = stack.client.post("/survey/replies", headers={"X-Survey-Token": token, "X-Draft-Key": browser},
                                 json={})
        assert seen.status_code == 200
        sizes[who] = len(seen.data)
        assert ("Can you say more?" in seen.get_data(as_text=True)) is (who == "owner")
    assert len(set(sizes.values())) == 1, sizes
